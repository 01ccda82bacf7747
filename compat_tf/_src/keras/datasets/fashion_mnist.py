"""tf.keras.datasets.fashion_mnist.load_data."""
from compat_tf._src.keras.datasets._loaders import fashion_mnist as load_data  # noqa: F401
