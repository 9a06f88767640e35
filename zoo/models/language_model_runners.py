"""Compiled helpers of a `LanguageModel`: exact stream scoring and text generation.

Each wraps the language model in a small `keras.Model` (not saved), so that
`predict_on_batch` compiles the whole computation (XLA on TensorFlow, jit
on JAX), loop included, on every backend.
"""

import keras
import numpy as np
from keras import ops

from zoo.models.token_sampling import next_tokens


def flat_states(states):
    """Per-layer lists of state tensors -> one flat list."""
    return [tensor for layer in states for tensor in layer]


def nested_states(flat, counts):
    """The inverse of `flat_states`: `counts[l]` tensors for layer l."""
    nested, start = [], 0
    for count in counts:
        nested.append(list(flat[start : start + count]))
        start += count
    return nested


class StreamScorer(keras.Model):
    """One chunk of a token stream -> log P(target) of each step and the final states.

    Inputs: `tokens` and `targets` int [rows, T] (0: padding, masked),
    `state_i` float [rows, units] (the flattened states of `LanguageModel.
    zero_states`). Outputs: `log_probabilities` [rows, T], log P(target)
    under the full softmax, and the final `state_i`.
    """

    def __init__(self, language_model):
        super().__init__(name=f"{language_model.name}_scorer")
        self.language_model = language_model

    def inputs_of(self, tokens, targets, states):
        return {
            "tokens": tokens,
            "targets": targets,
            **{f"state_{i}": state for i, state in enumerate(states)},
        }

    def call(self, inputs):
        model = self.language_model
        counts = model.state_counts
        states = nested_states([inputs[f"state_{i}"] for i in range(sum(counts))], counts)
        logits, final_states = model.logits_and_states(inputs["tokens"], states, training=False)
        log_probabilities = ops.log_softmax(logits, axis=-1)
        targets = ops.cast(inputs["targets"], "int32")[..., None]
        scores = ops.take_along_axis(log_probabilities, targets, axis=-1)[..., 0]
        return {
            "log_probabilities": scores,
            **{f"state_{i}": state for i, state in enumerate(flat_states(final_states))},
        }


class TextGenerator(keras.Model):
    """Prompt -> generated token ids, the decoding loop compiled.

    Inputs: `prompt` int [1, P] (right-padded with 0), `prompt_length`
    int [1], `uniforms` float [1, S] (one per step, `sampling_uniforms`),
    `inverse_temperature` float [1] (0: greedy), `top_k` int [1] (V: no
    limit). Output: int32 [1, S].
    """

    def __init__(self, language_model):
        super().__init__(name=f"{language_model.name}_generator")
        self.language_model = language_model
        allowed = np.ones(language_model.vocabulary_size, bool)
        allowed[0] = False  # padding
        if language_model.vocabulary is not None:
            allowed[language_model.vocabulary.unknown_id] = False
        self.allowed = allowed

    def call(self, inputs):
        model = self.language_model
        prompt = ops.cast(inputs["prompt"], "int32")
        logits, states = model.logits_and_states(prompt, training=False)
        last = ops.cast(inputs["prompt_length"], "int32") - 1
        logits = ops.take_along_axis(logits, last[:, None, None], axis=1)[:, 0, :]
        uniforms = inputs["uniforms"]
        inverse_temperature = inputs["inverse_temperature"]
        steps = ops.shape(uniforms)[1]
        positions = ops.arange(steps, dtype="int32")[None, :]

        def body(step, carry):
            logits, states, tokens = carry
            token = next_tokens(
                logits,
                ops.take(uniforms, step, axis=1),
                inverse_temperature,
                self.allowed,
                inputs["top_k"],
            )
            tokens = ops.where(ops.equal(positions, step), token[:, None], tokens)
            logits, states = model.step(token, states)
            return logits, states, tokens

        tokens = ops.zeros((ops.shape(prompt)[0], steps), "int32")
        _, _, tokens = ops.fori_loop(0, steps, body, (logits, states, tokens))
        return tokens
