"""tf.contrib.legacy_seq2seq: TF 1.15's static seq2seq models and losses (see
compat_tf._src.contrib.legacy_seq2seq)."""
from compat_tf._src.contrib.legacy_seq2seq import (  # noqa: F401
    attention_decoder, basic_rnn_seq2seq, embedding_attention_decoder, embedding_attention_seq2seq,
    embedding_rnn_decoder, embedding_rnn_seq2seq, embedding_tied_rnn_seq2seq, model_with_buckets,
    one2many_rnn_seq2seq, rnn_decoder, sequence_loss, sequence_loss_by_example, tied_rnn_seq2seq)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.legacy_seq2seq")
