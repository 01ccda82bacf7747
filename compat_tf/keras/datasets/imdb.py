"""tf.keras.datasets.imdb (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.datasets.imdb import (  # noqa: F401
    get_word_index, load_data,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.datasets.imdb")
