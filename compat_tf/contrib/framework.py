"""tf.contrib.framework: arg_scope and the variable helpers; the rest raise UnimplementedSymbolError."""
from compat_tf._src.contrib.arg_scope import (  # noqa: F401
    add_arg_scope, arg_scope, arg_scope_func_key, arg_scoped_arguments, current_arg_scope, has_arg_scope)
from compat_tf._src.contrib.variables import (  # noqa: F401
    add_model_variable, assert_global_step, assert_or_get_global_step, assign_from_checkpoint,
    assign_from_checkpoint_fn, assign_from_values, assign_from_values_fn, create_global_step, filter_variables,
    get_global_step, get_local_variables, get_model_variables, get_or_create_global_step,
    get_trainable_variables, get_unique_variable, get_variable_full_name, get_variables, get_variables_by_name,
    get_variables_by_suffix, get_variables_to_restore, global_variable, local_variable, model_variable,
    variable)
from compat_tf._src.train.checkpoint_utils import (  # noqa: F401
    init_from_checkpoint, list_variables, load_checkpoint, load_variable)
from compat_tf._src.framework import nest  # noqa: E402,F401 - tf.contrib.framework.nest
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.framework")
