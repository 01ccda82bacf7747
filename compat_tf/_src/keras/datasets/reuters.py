"""tf.keras.datasets.reuters."""
from compat_tf._src.keras.datasets._loaders import reuters as load_data  # noqa: F401
from compat_tf._src.keras.datasets._loaders import reuters_word_index as get_word_index  # noqa: F401
