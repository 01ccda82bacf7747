"""slim.utils (tf.contrib.layers.utils): aliases, end-point collections, shape helpers."""
from compat_tf._src.contrib.layers_utils import *  # noqa: F401,F403
