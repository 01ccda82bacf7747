"""tf.keras.datasets.cifar10.load_data."""
from compat_tf._src.keras.datasets._loaders import cifar10 as load_data  # noqa: F401
