"""tf.estimator.inputs: numpy_input_fn, pandas_input_fn (pandas_input_fn needs pandas installed)."""
from compat_tf._src.estimator.inputs import numpy_input_fn, pandas_input_fn  # noqa: F401
