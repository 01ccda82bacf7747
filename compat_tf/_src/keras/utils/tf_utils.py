"""Keras' tf_utils (TF 1.15): build-time constant folding of `training` flags, smart_cond,
graph reachability (which updates/losses depend on a model's inputs), shape conversions."""
import numpy as np

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import variables as _variables


def constant_value(pred):
    """TF1's tf_utils.constant_value: a Python bool for a bool/0/1 or constant tensor, else None."""
    if isinstance(pred, (bool, np.bool_)):
        return bool(pred)
    if isinstance(pred, (int, np.integer)):
        if pred in (0, 1):
            return bool(pred)
        raise TypeError(f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: {pred!r}")
    if isinstance(pred, _variables.Variable):
        return None
    if isinstance(pred, _graph.Tensor):
        from compat_tf._src.framework import shape_inference
        if pred.op.type == "PlaceholderWithDefault":
            return None
        v = shape_inference.constant_value(pred)
        return None if v is None else bool(np.asarray(v))
    raise TypeError(f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: {type(pred)}")


def smart_cond(pred, true_fn, false_fn, name=None):
    """TF1's smart_cond: calls one branch when `pred` is known at build time, else tf.cond."""
    v = constant_value(pred)
    if v is not None:
        return true_fn() if v else false_fn()
    from compat_tf._src.ops import control_flow_ops
    return control_flow_ops.cond(pred, true_fn, false_fn, name=name)


def get_reachable_from_inputs(inputs, targets=None):
    """The set of tensors and ops reachable forward from `inputs` (stops once all `targets` are found)."""
    seen = set()
    reachable = []
    queue = list(inputs)
    targets = None if targets is None else {id(t) for t in targets}
    while queue:
        x = queue.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        reachable.append(x)
        if isinstance(x, _variables.Variable):
            x = x.value()
        if isinstance(x, _graph.Operation):
            nxt = list(x.outputs)
        elif isinstance(x, _graph.Tensor):
            nxt = list(x.consumers())
        else:
            nxt = []
        queue.extend(nxt)
        if targets is not None and targets <= seen:
            break
    return reachable


def is_symbolic_tensor(x):
    return isinstance(x, (_graph.Tensor, _variables.Variable)) or hasattr(x, "indices") and hasattr(x, "graph")


def convert_shapes(input_shape, to_tuples=True):
    """TensorShape(s) <-> tuples, through nested lists/tuples/dicts."""
    def conv(s):
        if s is None:
            return None
        s = _ts.TensorShape(s)
        if to_tuples:
            return tuple(s.as_list()) if s.ndims is not None else None
        return s

    def walk(x):
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if _is_shape_like(x):
            return conv(x)
        if isinstance(x, (list, tuple)):
            return type(x)(walk(v) for v in x) if not isinstance(x, tuple) or not hasattr(x, "_fields") \
                else type(x)(*[walk(v) for v in x])
        return conv(x)
    return walk(input_shape)


def _is_shape_like(x):
    if isinstance(x, _ts.TensorShape):
        return True
    if isinstance(x, (list, tuple)):
        return all(v is None or isinstance(v, (int, np.integer, _ts.Dimension)) for v in x)
    return False
