"""The shared training runner for recipes."""

from zoo.training.candidate_training import train_candidates
from zoo.training.dev_early_stopping import DevEarlyStopping
from zoo.training.distribution import distribution_scope
from zoo.training.distribution import use_xla
from zoo.training.distribution import visible_devices
from zoo.training.edit_distance import edit_distance
from zoo.training.g2p_metrics import evaluate_g2p
from zoo.training.g2p_metrics import phone_error_rate
from zoo.training.g2p_metrics import word_error_rate
from zoo.training.fit_with_dev_stopping import NoFiniteEpochError
from zoo.training.fit_with_dev_stopping import fit_with_dev_stopping
from zoo.training.non_finite_loss_stop import NonFiniteLossStop
from zoo.training.recipe_config import OptionError
from zoo.training.recipe_config import option
from zoo.training.recipe_config import parse_config
from zoo.training.runner_options import ResumableRunnerOptions
from zoo.training.runner_options import RunnerOptions
from zoo.training.runner_options import apply_precision
from zoo.training.runner_options import runner_callbacks
from zoo.training.throughput_logger import ThroughputLogger
from zoo.training.seq2seq_batches import Seq2SeqBatches
from zoo.training.word2vec_batches import Word2VecBatches
from zoo.training.word2vec_training import train_word2vec
from zoo.training.word_vector_evaluation import evaluate_analogies
from zoo.training.word_vector_evaluation import evaluate_word_similarity
from zoo.training.word_vector_evaluation import spearman_correlation
