"""tf.keras.backend (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.backend import (  # noqa: F401
    backend, batch_get_value, batch_set_value, cast_to_floatx, clear_session, constant, count_params, dtype,
    epsilon, eval, floatx, function, get_session, get_uid, get_value, gradients, image_data_format,
    in_test_phase, in_train_phase, int_shape, is_sparse, learning_phase, learning_phase_scope,
    manual_variable_initialization, moving_average_update, name_scope, ndim, placeholder, reset_uids,
    set_epsilon, set_floatx, set_image_data_format, set_learning_phase, set_session, set_value, shape,
    stop_gradient, to_dense, update, update_add, update_sub, variable,
)
from compat_tf._src.keras.backend_ops import (  # noqa: F401
    abs, all, any, arange, argmax, argmin, batch_dot, batch_flatten, batch_normalization, bias_add,
    binary_crossentropy, cast, categorical_crossentropy, clip, concatenate, conv1d, conv2d, conv2d_transpose,
    conv3d, cos, ctc_batch_cost, ctc_decode, ctc_label_dense_to_sparse, cumprod, cumsum, dot, dropout, elu,
    equal, exp, expand_dims, eye, flatten, foldl, foldr, gather, greater, greater_equal, hard_sigmoid,
    in_top_k, l2_normalize, less, less_equal, local_conv1d, local_conv2d, log, map_fn, max, maximum, mean,
    min, minimum, normalize_batch_in_training, not_equal, one_hot, ones, ones_like, permute_dimensions,
    pool2d, pool3d, pow, print_tensor, prod, random_binomial, random_normal, random_normal_variable,
    random_uniform, random_uniform_variable, relu, repeat, repeat_elements, reshape, resize_images,
    resize_volumes, reverse, rnn, round, separable_conv2d, sigmoid, sign, sin, softmax, softplus, softsign,
    sparse_categorical_crossentropy, spatial_2d_padding, spatial_3d_padding, sqrt, square, squeeze, stack,
    std, sum, switch, tanh, temporal_padding, tile, transpose, truncated_normal, var, zeros, zeros_like,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.backend")
