"""tf.keras.datasets.cifar100.load_data."""
from compat_tf._src.keras.datasets._loaders import cifar100 as load_data  # noqa: F401
