"""tf.contrib.seq2seq: provided names come from compat_tf; the rest raise UnimplementedSymbolError."""
from compat_tf._src.contrib.seq2seq.loss import sequence_loss  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.seq2seq")
