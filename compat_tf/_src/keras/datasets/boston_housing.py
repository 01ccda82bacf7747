"""tf.keras.datasets.boston_housing.load_data."""
from compat_tf._src.keras.datasets._loaders import boston_housing as load_data  # noqa: F401
