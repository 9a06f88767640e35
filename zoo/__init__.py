"""zoo: a Keras 3 model zoo for recurrent sequence models.

    import zoo
    zoo.list_models()                  # the shipped checkpoints and their metrics
    adder = zoo.load("binary_adder")   # a keras.Model with its vocabularies
    adder.add(2**200 + 1, 3**120)
"""

from zoo import layers
from zoo import models
from zoo.hub import CheckpointError
from zoo.hub import ModelCard
from zoo.hub import list_models
from zoo.hub import load
from zoo.hub import save
from zoo.version import __version__
