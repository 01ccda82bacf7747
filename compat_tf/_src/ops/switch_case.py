"""tf.switch_case (TF 1.15's control_flow_ops.switch_case).

Runs the branch whose key equals `branch_index` (an int32 scalar); an index outside the keys
runs `default`, or, without one, the last branch (TF's Case op). `branch_fns` is a list of
callables, a list of (int, callable) pairs or a dict {int: callable}, whose keys form 0..n-1;
TypeError / ValueError as TF otherwise. compat_tf builds it as tf.case over `index == key`
(one If op per branch, nested), so values and gradients are tf.case's.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import constant as _constant

__all__ = ["switch_case"]


def _canonical_branches(branch_fns):
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("branch_fns must be a list, tuple, or dict")
    if isinstance(branch_fns, dict):
        branch_fns = list(branch_fns.items())
    if all(callable(fn) for fn in branch_fns):
        branch_fns = list(enumerate(branch_fns))
    for pair in branch_fns:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError("Each entry in branch_fns must be a 2-tuple")
        key, fn = pair
        if not isinstance(key, int):
            raise TypeError("key must be a Python `int`")
        if not callable(fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = [p[0] for p in branch_fns]
    if not keys or min(keys) < 0 or max(keys) >= len(keys) or len(set(keys)) != len(keys):
        raise ValueError(f"branch indices (keys) must form contiguous range of [0 to {len(keys)}) but found "
                         f"{{{','.join(map(str, sorted(keys)))}}}")
    return [fn for _, fn in sorted(branch_fns, key=lambda p: p[0])]


def switch_case(branch_index, branch_fns, default=None, name="switch_case"):
    """tf.switch_case: see the module docstring."""
    from compat_tf._src.ops import control_flow_ops, math_ops
    fns = _canonical_branches(branch_fns)
    g = _graph.get_default_graph()
    with g.name_scope(name):
        index = _constant.convert_to_tensor(branch_index, name="branch_index")
        if index.dtype.base_dtype != _dtypes.int32:
            raise TypeError("branch_index must an int32 Tensor")
        if default is None:
            fns, default = fns[:-1], fns[-1]
        pairs = [(math_ops.equal(index, k), fn) for k, fn in enumerate(fns)]
        return control_flow_ops.case(pairs, default=default, exclusive=False, name="case")
