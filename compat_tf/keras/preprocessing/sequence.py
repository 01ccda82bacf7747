"""tf.keras.preprocessing.sequence (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.preprocessing.sequence import (  # noqa: F401
    TimeseriesGenerator, make_sampling_table, pad_sequences, skipgrams,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.preprocessing.sequence")
