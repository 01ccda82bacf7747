"""tf.keras.datasets.imdb."""
from compat_tf._src.keras.datasets._loaders import imdb as load_data  # noqa: F401
from compat_tf._src.keras.datasets._loaders import imdb_word_index as get_word_index  # noqa: F401
