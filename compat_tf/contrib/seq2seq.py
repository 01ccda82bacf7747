"""tf.contrib.seq2seq: helpers, BasicDecoder, BeamSearchDecoder, gather_tree, dynamic_decode, attention
and sequence_loss; the rest (ScheduledSampling helpers, monotonic attention) raise UnimplementedSymbolError."""
from compat_tf._src.contrib.seq2seq.attention_wrapper import (  # noqa: F401
    AttentionMechanism, AttentionWrapper, AttentionWrapperState, BahdanauAttention, LuongAttention, hardmax)
from compat_tf._src.contrib.seq2seq.beam_search import (  # noqa: F401
    BeamSearchDecoder, BeamSearchDecoderOutput, BeamSearchDecoderState, FinalBeamSearchDecoderOutput, tile_batch)
from compat_tf._src.contrib.seq2seq.beam_search_ops import gather_tree  # noqa: F401
from compat_tf._src.contrib.seq2seq.decoder import BasicDecoder, BasicDecoderOutput, Decoder, dynamic_decode  # noqa: F401
from compat_tf._src.contrib.seq2seq.helper import (  # noqa: F401
    GreedyEmbeddingHelper, Helper, SampleEmbeddingHelper, TrainingHelper)
from compat_tf._src.contrib.seq2seq.loss import sequence_loss  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.seq2seq")
