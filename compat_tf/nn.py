"""tf.nn: the public names (defined in compat_tf._src)."""

from compat_tf._src.ops.math_ops import sigmoid, tanh  # noqa: F401
from compat_tf._src.ops.nn_impl import (  # noqa: F401
    batch_norm_with_global_normalization, batch_normalization, embedding_lookup, l2_normalize, moments,
    normalize_moments, sufficient_statistics, weighted_moments, zero_fraction)
from compat_tf._src.ops.nn_ops import (  # noqa: F401
    atrous_conv2d, atrous_conv2d_transpose, avg_pool, avg_pool1d, avg_pool2d, avg_pool3d,
    avg_pool_v2, bias_add, conv1d, conv1d_transpose, conv2d, conv2d_backprop_filter, conv2d_backprop_input,
    conv2d_transpose, conv3d, conv3d_transpose, convolution, crelu, ctc_beam_search_decoder,
    ctc_greedy_decoder, ctc_loss, ctc_loss_v2, depthwise_conv2d, depthwise_conv2d_native,
    depthwise_conv2d_native_backprop_filter, depthwise_conv2d_native_backprop_input, dilation2d, dropout,
    elu, erosion2d, fractional_avg_pool, fractional_max_pool, fused_batch_norm,
    in_top_k, l2_loss, leaky_relu, local_response_normalization, log_poisson_loss, log_softmax, lrn,
    max_pool, max_pool1d, max_pool2d, max_pool3d, max_pool_v2, max_pool_with_argmax, pool, relu,
    relu6, relu_layer, selu, separable_conv2d,
    sigmoid_cross_entropy_with_logits, softmax, softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2, softplus, softsign, sparse_softmax_cross_entropy_with_logits,
    swish, top_k, weighted_cross_entropy_with_logits, xw_plus_b)

# TF1 also exposes the depthwise gradients under these names
depthwise_conv2d_backprop_input = depthwise_conv2d_native_backprop_input
depthwise_conv2d_backprop_filter = depthwise_conv2d_native_backprop_filter

from compat_tf._src.ops.array_ops import (  # noqa: E402,F401
    batch_to_space, depth_to_space, space_to_batch, space_to_depth)
from compat_tf._src.ops.rnn import (  # noqa: E402,F401
    bidirectional_dynamic_rnn, dynamic_rnn, static_bidirectional_rnn, static_rnn)
from compat_tf._src.ops import rnn_cell_impl as _rnn_cell_impl  # noqa: E402
from compat_tf._src.ops.candidate_sampling_ops import (  # noqa: E402,F401
    compute_accidental_hits, log_uniform_candidate_sampler, nce_loss, sampled_softmax_loss,
    uniform_candidate_sampler)


def _rnn_cell_module():
    import types
    mod = types.ModuleType("compat_tf.nn.rnn_cell", "tf.nn.rnn_cell: TF1's recurrent cells.")
    for _name in _rnn_cell_impl.PUBLIC_NAMES:
        setattr(mod, _name, getattr(_rnn_cell_impl, _name))
    mod.__getattr__ = _hook("tf.nn.rnn_cell")
    return mod


from compat_tf._src.ops.ctc_ops import ctc_greedy_decoder, ctc_loss  # noqa: E402,F401,F811
from compat_tf._src.ops.embedding_ops import embedding_lookup_sparse, safe_embedding_lookup_sparse  # noqa: E402,F401,F811

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

rnn_cell = _rnn_cell_module()

__getattr__ = _hook("tf.nn")
