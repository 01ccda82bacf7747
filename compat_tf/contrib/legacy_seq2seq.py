"""tf.contrib.legacy_seq2seq: the static seq2seq models and losses compat_tf provides (see
compat_tf._src.contrib.legacy_seq2seq); the attention models raise UnimplementedSymbolError."""
from compat_tf._src.contrib.legacy_seq2seq import (  # noqa: F401
    basic_rnn_seq2seq, embedding_rnn_decoder, embedding_rnn_seq2seq, rnn_decoder, sequence_loss,
    sequence_loss_by_example, tied_rnn_seq2seq)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.legacy_seq2seq")
