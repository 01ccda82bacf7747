"""tf.train checkpoint utilities (TF 1.15's checkpoint_utils.py).

`load_checkpoint`, `list_variables`, `load_variable` read a checkpoint given its
prefix or a directory (its latest checkpoint); `init_from_checkpoint` makes
variables' initializers assign values from a checkpoint. Deviation: the values
are read when `init_from_checkpoint` is called (TF1 reads them when the
initializer runs) and enter the graph as constants; partitioned variables are
not supported.
"""
import os

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import variables as _variables
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train import checkpoint_io
from compat_tf._src.train import checkpoint_management


def _get_checkpoint_filename(ckpt_dir_or_file):
    ckpt_dir_or_file = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(ckpt_dir_or_file):
        return checkpoint_management.latest_checkpoint(ckpt_dir_or_file)
    return ckpt_dir_or_file


def load_checkpoint(ckpt_dir_or_file):
    """A CheckpointReader of `ckpt_dir_or_file` (a prefix, or a directory's latest checkpoint)."""
    filename = _get_checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory "
                         f"{ckpt_dir_or_file}")
    return checkpoint_io.NewCheckpointReader(filename)


def load_variable(ckpt_dir_or_file, name):
    """The value of the checkpoint tensor `name` (a trailing ':0' is dropped) as a NumPy array."""
    if name.endswith(":0"):
        name = name[:-2]
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def list_variables(ckpt_dir_or_file):
    """[(name, shape)] of the checkpoint's tensors, sorted by name."""
    reader = load_checkpoint(ckpt_dir_or_file)
    shapes = reader.get_variable_to_shape_map()
    return [(name, shapes[name]) for name in sorted(shapes)]


def _store_vars():
    g = _graph.get_default_graph()
    out = {}
    for v in g.get_collection(GraphKeys.GLOBAL_VARIABLES) + g.get_collection(GraphKeys.LOCAL_VARIABLES):
        if isinstance(v, _variables.Variable):
            out.setdefault(v.op.name, v)
    return out


def _set_initializer(variable, reader, ckpt_file, tensor_name):
    from compat_tf._src.ops import constant as _constant
    value = reader.get_tensor(tensor_name)
    g = variable.graph
    with g.as_default(), g.control_dependencies(None), g.name_scope(None):
        init = _constant.constant(value, dtype=variable.dtype.base_dtype,
                                  name=f"{variable.op.name}/checkpoint_initializer")
    set_initial_value(variable, init)


def set_initial_value(variable, init):
    """Makes tensor `init` the variable's initial value (its initializer op assigns it)."""
    from compat_tf._src.ops import state_ops
    g = variable.graph
    with g.as_default(), g.control_dependencies(None), g.name_scope(None):
        assign = state_ops.assign(variable._ref(), init, name=f"{variable.op.name}/Assign_checkpoint")
    variable._initializer_op = assign.op
    variable._initial_value = init


def init_from_checkpoint(ckpt_dir_or_file, assignment_map):
    """TF1's tf.train.init_from_checkpoint: checkpoint values become the variables' initial values.

    `assignment_map` maps checkpoint names or scopes ('old/': 'new/', '/': 'new/')
    to current variables, variable names or scopes, as TF1.
    """
    filename = _get_checkpoint_filename(ckpt_dir_or_file)
    if filename is None:
        raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory "
                         f"{ckpt_dir_or_file}")
    reader = checkpoint_io.NewCheckpointReader(filename)
    variable_map = reader.get_variable_to_shape_map()
    store_vars = _store_vars()
    for tensor_name_in_ckpt, current in sorted(assignment_map.items(), key=lambda kv: kv[0]):
        var = None
        if isinstance(current, _variables.Variable):
            var = current
        elif isinstance(current, (list, tuple)):
            raise NotImplementedError("tf.train.init_from_checkpoint of partitioned variables is not "
                                      "supported by compat_tf")
        elif isinstance(current, str):
            var = store_vars.get(current)
        if var is not None:
            if tensor_name_in_ckpt not in variable_map:
                raise ValueError(f"Tensor {tensor_name_in_ckpt} is not found in {ckpt_dir_or_file} "
                                 f"checkpoint {variable_map}")
            if not var.shape.is_compatible_with(variable_map[tensor_name_in_ckpt]):
                raise ValueError(
                    f"Shape of variable {var.name} ({var.shape}) doesn't match with shape of tensor "
                    f"{tensor_name_in_ckpt} ({variable_map[tensor_name_in_ckpt]}) from checkpoint reader.")
            _set_initializer(var, reader, filename, tensor_name_in_ckpt)
            logging.debug("Initialize variable %s from checkpoint %s with %s", var.op.name, ckpt_dir_or_file,
                          tensor_name_in_ckpt)
            continue
        if not isinstance(current, str) or not current.endswith("/"):
            raise ValueError(f"init_from_checkpoint: {current!r} (for {tensor_name_in_ckpt!r}) is neither a "
                             "variable, the name of a global variable, nor a scope ending in '/'")
        scopes = "" if current == "/" else current[:-1]
        if not tensor_name_in_ckpt.endswith("/"):
            raise ValueError(f"Assignment map with scope only name {scopes} should map to scope only "
                             f"{tensor_name_in_ckpt}. Should be 'scope/': 'other_scope/'.")
        for var_name in sorted(store_vars):
            if scopes and not var_name.startswith(scopes + "/"):
                continue
            full_tensor_name = var_name[len(scopes):]
            if current != "/":
                full_tensor_name = full_tensor_name[1:]
            if tensor_name_in_ckpt != "/":
                full_tensor_name = tensor_name_in_ckpt + full_tensor_name
            if full_tensor_name.endswith("/"):
                full_tensor_name = full_tensor_name[:-1]
            if full_tensor_name not in variable_map:
                raise ValueError(f"Tensor {full_tensor_name} ({var_name[len(scopes) + 1:]} in "
                                 f"{tensor_name_in_ckpt}) is not found in {ckpt_dir_or_file} checkpoint")
            var = store_vars[var_name]
            if not var.shape.is_compatible_with(variable_map[full_tensor_name]):
                raise ValueError(
                    f"Shape of variable {var.name} ({var.shape}) doesn't match with shape of tensor "
                    f"{full_tensor_name} ({variable_map[full_tensor_name]}) from checkpoint reader.")
            _set_initializer(var, reader, filename, full_tensor_name)


__all__ = ["init_from_checkpoint", "list_variables", "load_checkpoint", "load_variable"]
