"""tf.keras.datasets.mnist.load_data."""
from compat_tf._src.keras.datasets._loaders import mnist as load_data  # noqa: F401
