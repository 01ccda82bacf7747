"""tf.contrib.framework's variable helpers (TF 1.15 contrib/framework/python/ops/variables.py), also
TF-Slim's `slim.model_variable`, `slim.get_model_variables`, `slim.get_variables_to_restore`,
`slim.assign_from_checkpoint_fn`, ...

Names and collections as TF1: `model_variable` puts a variable in GLOBAL_VARIABLES and
MODEL_VARIABLES; the getters filter a collection by scope regex (`get_collection(key, scope)`)
and a name suffix; `assign_from_checkpoint(_fn)` read TF-written checkpoints (V1 or V2 bundles,
and compat_tf's own) by the variables' op names. Partitioned (sliced) variables are not supported.
"""
from compat_tf._src.contrib.arg_scope import add_arg_scope
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train.checkpoint_io import NewCheckpointReader
from compat_tf._src.train.training_util import (  # noqa: F401 - re-exported by contrib.framework
    assert_global_step, create_global_step, get_global_step, get_or_create_global_step)

__all__ = ["add_model_variable", "assert_global_step", "assert_or_get_global_step", "assign_from_checkpoint",
           "assign_from_checkpoint_fn", "assign_from_values", "assign_from_values_fn", "create_global_step",
           "filter_variables", "get_global_step", "get_local_variables", "get_model_variables",
           "get_or_create_global_step", "get_trainable_variables", "get_unique_variable",
           "get_variable_full_name", "get_variables", "get_variables_by_name", "get_variables_by_suffix",
           "get_variables_to_restore", "global_variable", "local_variable", "model_variable", "variable"]


def assert_or_get_global_step(graph=None, global_step_tensor=None):
    """The given global step (checked) or the graph's (None if it has none)."""
    if global_step_tensor is None:
        global_step_tensor = get_global_step(graph)
    else:
        assert_global_step(global_step_tensor)
    return global_step_tensor


def local_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable variable in LOCAL_VARIABLES."""
    from compat_tf._src.ops.variables import Variable
    return Variable(initial_value, trainable=False, collections=[GraphKeys.LOCAL_VARIABLES],
                    validate_shape=validate_shape, name=name)


def global_variable(initial_value, validate_shape=True, name=None, use_resource=None):
    """A non-trainable variable in GLOBAL_VARIABLES."""
    from compat_tf._src.ops.variables import Variable
    return Variable(initial_value, trainable=False, collections=[GraphKeys.GLOBAL_VARIABLES],
                    validate_shape=validate_shape, name=name)


@add_arg_scope
def variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
             collections=None, caching_device=None, device=None, partitioner=None, custom_getter=None,
             use_resource=None, synchronization=None, aggregation=None):
    """`tf.get_variable` in `collections` (default GLOBAL_VARIABLES), on `device`; arg-scoped."""
    if partitioner is not None:
        raise NotImplementedError("tf.contrib.framework.variable(partitioner=...) is not implemented by "
                                  "compat_tf (partitioned variables)")
    collections = list(collections if collections is not None else [GraphKeys.GLOBAL_VARIABLES])
    collections = list(dict.fromkeys(collections))
    getter = _vs.get_variable
    if custom_getter is not None:
        reuse = _vs.get_variable_scope().reuse

        def getter(name, **kwargs):
            return custom_getter(_vs.get_variable, name, reuse=reuse, **kwargs)
    g = _graph.get_default_graph()
    with g.device(device or ""):
        return getter(name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                      trainable=trainable, collections=collections, caching_device=caching_device)


@add_arg_scope
def model_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=True,
                   collections=None, caching_device=None, device=None, partitioner=None, custom_getter=None,
                   use_resource=None, synchronization=None, aggregation=None):
    """`variable` also put in MODEL_VARIABLES (what the slim layers create); float32 by default."""
    from compat_tf._src.framework import dtypes
    collections = list(collections or []) + [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    return variable(name, shape=shape, dtype=dtype or dtypes.float32, initializer=initializer,
                    regularizer=regularizer, trainable=trainable, collections=collections,
                    caching_device=caching_device, device=device, partitioner=partitioner,
                    custom_getter=custom_getter, use_resource=use_resource)


def add_model_variable(var):
    if not any(v is var for v in _graph.get_collection(GraphKeys.MODEL_VARIABLES)):
        _graph.add_to_collection(GraphKeys.MODEL_VARIABLES, var)


def get_variables(scope=None, suffix=None, collection=GraphKeys.GLOBAL_VARIABLES):
    """The variables of `collection` whose name matches `scope` (a regex prefix, or a VariableScope)
    and ends in `suffix`."""
    if isinstance(scope, _vs.VariableScope):
        scope = scope.name
    if suffix is not None:
        if ":" not in suffix:
            suffix += ":"
        scope = (scope or "") + ".*" + suffix
    return _graph.get_collection(collection, scope)


def get_model_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope=None, suffix=None):
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_to_restore(include=None, exclude=None):
    """Global variables under the `include` scopes (all by default) minus those under `exclude`."""
    if include is None:
        vars_to_include = get_variables()
    else:
        if not isinstance(include, (list, tuple)):
            raise TypeError("include is provided but is not a list or a tuple.")
        vars_to_include = [v for scope in include for v in get_variables(scope)]
    excluded = set()
    if exclude is not None:
        if not isinstance(exclude, (list, tuple)):
            raise TypeError("exclude is provided but is not a list or a tuple.")
        excluded = {id(v) for scope in exclude for v in get_variables(scope)}
    return [v for v in vars_to_include if id(v) not in excluded]


def get_variables_by_suffix(suffix, scope=None):
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name, scope=None):
    """The variables whose last name component is `given_name`."""
    suffix = "/" + given_name + ":|^" + given_name + ":"
    return get_variables(scope=scope, suffix=suffix)


def get_unique_variable(var_op_name):
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")


def get_variable_full_name(var):
    """The name of `var` in checkpoints (its op name)."""
    info = getattr(var, "_save_slice_info", None)
    return info.full_name if info else var.op.name


def filter_variables(var_list, include_patterns=None, exclude_patterns=None, reg_search=True):
    """The variables of var_list whose names match an include pattern and no exclude pattern."""
    import re
    match = re.search if reg_search else re.match

    def matches(patterns, name):
        return any(match(p, name) for p in patterns)
    out = []
    for var in var_list:
        if include_patterns is not None and not matches(include_patterns, var.op.name):
            continue
        if exclude_patterns is not None and matches(exclude_patterns, var.op.name):
            continue
        out.append(var)
    return out


def _assign_from_placeholders(pairs):
    """(assign_op, feed_dict) assigning each (variable, value) through a placeholder named
    'placeholder/<var op name>' (TF1's names)."""
    feed_dict, assign_ops = {}, []
    for var, value in pairs:
        ph = _constant.placeholder(dtype=var.dtype.base_dtype, shape=var.get_shape(),
                                   name="placeholder/" + var.op.name)
        assign_ops.append(var.assign(ph))
        feed_dict[ph] = value
    return control_flow_ops.group(*assign_ops), feed_dict


def assign_from_values(var_names_to_values):
    """(assign_op, feed_dict) setting the named global variables to the given NumPy values."""
    pairs = []
    for var_name, value in var_names_to_values.items():
        found = _graph.get_collection(GraphKeys.GLOBAL_VARIABLES, var_name)
        if not found:
            raise ValueError(f"Variable {var_name} wasn't found")
        if len(found) > 1:
            exact = [v for v in found if v.op.name == var_name]
            if not exact:
                raise ValueError(f"Variable {var_name} doesn't uniquely identify a variable")
            found = exact
        var = found[0]
        pairs.append((var, value.reshape(var.get_shape().as_list())))
    return _assign_from_placeholders(pairs)


def assign_from_values_fn(var_names_to_values):
    assign_op, feed_dict = assign_from_values(var_names_to_values)

    def callback(session):
        return session.run(assign_op, feed_dict)
    return callback


def _group_by_checkpoint_name(var_list):
    grouped = {}
    if isinstance(var_list, (tuple, list)):
        for var in var_list:
            grouped.setdefault(get_variable_full_name(var), []).append(var)
    else:
        for name, value in var_list.items():
            grouped[name] = list(value) if isinstance(value, (tuple, list)) else [value]
    return grouped


def assign_from_checkpoint(model_path, var_list, ignore_missing_vars=False):
    """(assign_op, feed_dict) restoring `var_list` (a list, or {checkpoint name: variable}) from the
    checkpoint at `model_path`; a missing name raises ValueError unless ignore_missing_vars."""
    reader = NewCheckpointReader(model_path)
    pairs = []
    for ckpt_name, variables in _group_by_checkpoint_name(var_list).items():
        if not reader.has_tensor(ckpt_name):
            message = f"Checkpoint is missing variable [{ckpt_name}]"
            if ignore_missing_vars:
                logging.warning(message)
                continue
            raise ValueError(message)
        value = reader.get_tensor(ckpt_name)
        for var in variables:
            if var.get_shape() != value.shape:
                raise ValueError(f"Total size of new array must be unchanged for {ckpt_name} lh_shape: "
                                 f"[{value.shape}], rh_shape: [{var.get_shape()}]")
            pairs.append((var, value))
    return _assign_from_placeholders(pairs)


def assign_from_checkpoint_fn(model_path, var_list, ignore_missing_vars=False, reshape_variables=False):
    """A function `fn(session)` restoring `var_list` from `model_path` with a Saver (TF1's way: the
    slim `init_fn` of fine-tuning scripts); None (with a warning) when nothing is left to restore."""
    from compat_tf._src.train.saver import Saver
    if not var_list:
        raise ValueError("var_list cannot be empty")
    if ignore_missing_vars:
        reader = NewCheckpointReader(model_path)
        var_dict = var_list if isinstance(var_list, dict) else {v.op.name: v for v in var_list}
        available = {}
        for name, var in var_dict.items():
            if reader.has_tensor(name):
                available[name] = var
            else:
                logging.warning("Variable %s missing in checkpoint %s", name, model_path)
        var_list = available
    if not var_list:
        logging.warning("No Variables to restore")
        return None
    saver = Saver(var_list, reshape=reshape_variables)

    def callback(session):
        saver.restore(session, model_path)
    return callback
