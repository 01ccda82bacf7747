"""tf.contrib.slim (TF-Slim, TF 1.15): arg_scope, the contrib layers, the variable helpers,
slim.losses, slim.learning, the data pipeline (dataset, tfexample_decoder, dataset_data_provider,
parallel_reader) and slim.evaluation; names not provided raise UnimplementedSymbolError."""
from compat_tf._src.contrib.arg_scope import (  # noqa: F401
    add_arg_scope, arg_scope, arg_scope_func_key, arg_scoped_arguments, current_arg_scope, has_arg_scope)
from compat_tf._src.contrib.layers import (  # noqa: F401
    avg_pool2d, batch_norm, bias_add, conv2d, conv2d_transpose, convolution, convolution2d,
    convolution2d_transpose, dropout, flatten, fully_connected, layer_norm, linear, max_pool2d, one_hot_encoding,
    repeat, separable_conv2d, separable_convolution2d, softmax, stack, unit_norm)
from compat_tf._src.contrib.variables import (  # noqa: F401
    add_model_variable, assert_global_step, assert_or_get_global_step, assign_from_checkpoint,
    assign_from_checkpoint_fn, assign_from_values, assign_from_values_fn, create_global_step, filter_variables,
    get_global_step, get_local_variables, get_model_variables, get_or_create_global_step,
    get_trainable_variables, get_unique_variable, get_variable_full_name, get_variables, get_variables_by_name,
    get_variables_by_suffix, get_variables_to_restore, global_variable, local_variable, model_variable,
    variable)
from compat_tf._src.layers.contrib_layers import (  # noqa: F401
    apply_regularization, l1_l2_regularizer, l1_regularizer, l2_regularizer, sum_regularizer,
    variance_scaling_initializer, xavier_initializer, xavier_initializer_conv2d)
from compat_tf.contrib import losses, metrics  # noqa: F401
from compat_tf.contrib.slim import initializers, learning, prefetch_queue, queues, regularizers, utils  # noqa: F401
from compat_tf.contrib.slim import (  # noqa: F401
    data_decoder, data_provider, dataset, dataset_data_provider, evaluation, parallel_reader, tfexample_decoder)
from compat_tf._src.ops import init_ops  # noqa: F401 - TF1 slim leaks tensorflow.python.ops.init_ops as slim.init_ops
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.slim", package=__name__)
