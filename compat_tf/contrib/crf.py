"""tf.contrib.crf: linear-chain CRF log-likelihood and Viterbi decoding (compat_tf._src.contrib.crf)."""
from compat_tf._src.contrib.crf import (  # noqa: F401
    CrfForwardRnnCell, crf_binary_score, crf_decode, crf_log_likelihood, crf_log_norm, crf_sequence_score,
    crf_unary_score, viterbi_decode)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.crf")
