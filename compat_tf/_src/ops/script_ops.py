"""tf.py_func and tf.numpy_function (TF1 ops PyFunc / PyFuncStateless).

The Python function runs on the host with NumPy arguments, once per
`Session.run` that needs it, in one of two ways:

- Outputs whose static shapes are fully known when the run is planned (the
  caller used `set_shape`), and no tf.string input/output: inside the jitted
  step, through `jax.experimental.io_callback(ordered=True)` for stateful
  functions (side effects in program order) or `jax.pure_callback` for
  `stateful=False`. This also works inside tf.cond / tf.while_loop / map_fn.
- Otherwise (TF1's usual case: py_func outputs have unknown shape, or strings
  are involved): as a host op between jitted segments. Such a py_func cannot
  sit inside a tf.cond / tf.while_loop body (NotImplementedError: give its
  outputs full static shapes with `set_shape` there).

As in TF1: `Tout` is one dtype (one tensor returned) or a list (a list
returned; `[]` returns the Operation); outputs have unknown static shape; each
returned value must have exactly its `Tout` dtype ("0-th value returned by
pyfunc_0 is double, but expects float" otherwise); Python exceptions surface
from `Session.run` as InvalidArgumentError (ValueError, TypeError),
OutOfRangeError (StopIteration), ResourceExhaustedError (MemoryError),
UnimplementedError (NotImplementedError), else UnknownError, with the Python
error and traceback in the message; tf.OpErrors raised by the function pass
through unchanged. A failed call leaves the variables unchanged. Gradients are
None (TF1's NotDifferentiable).

`stateful=False` functions may be deduplicated or skipped when their outputs
are unused, as TF1 allows.
"""
import itertools
import traceback

import jax
import numpy as np
from jax.experimental import io_callback

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.runtime import host_checks

__all__ = ["numpy_function", "py_func", "py_function"]

_tokens = itertools.count()
_TF_NAMES = {"float32": "float", "float64": "double", "float16": "half", "string": "string"}


def _tf_name(dtype):
    n = dtype.base_dtype.name
    return _TF_NAMES.get(n, n)


def _is_host(op):
    """A PyFunc runs as a host op when it touches strings or an output shape is not fully known."""
    if any(t.dtype.base_dtype == _dtypes.string for t in op._inputs):
        return True
    return any(t.dtype.base_dtype == _dtypes.string or not t.shape.is_fully_defined() for t in op._outputs)


def convert_exception(e, op, token):
    """A Python exception raised by a py_func (or a tf.data generator) as TF1's py_func kernel
    reports it: the OpError class by the exception's type, the Python error in the message."""
    if isinstance(e, errors.OpError):
        return e
    tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    msg = f"{type(e).__name__}: {e}\n{tb}\n\n\t [[node {op.name}]]" if op is not None else f"{type(e).__name__}: {e}"
    if isinstance(e, (ValueError, TypeError)):
        cls = errors.InvalidArgumentError
    elif isinstance(e, StopIteration):
        cls = errors.OutOfRangeError
    elif isinstance(e, MemoryError):
        cls = errors.ResourceExhaustedError
    elif isinstance(e, NotImplementedError):
        cls = errors.UnimplementedError
    else:
        cls = errors.UnknownError
    return cls(None, op, msg)


def _to_numpy_arg(v, dtype):
    a = np.asarray(v)
    if dtype.base_dtype == _dtypes.string and a.dtype != object:
        a = a.astype(object)
    return a


def _convert_result(value, dtype, i, token, op):
    """One returned value as an array of exactly `dtype` (TF1's FuncRegistry._convert + kernel check)."""
    if dtype.base_dtype == _dtypes.string:
        arr = np.asarray(value)
        if arr.dtype.kind in ("U", "S") or arr.dtype == object:
            flat = [x.encode("utf-8") if isinstance(x, str) else bytes(x) for x in arr.reshape(-1)]
            out = np.empty(len(flat), dtype=object)
            out[:] = flat
            return out.reshape(arr.shape)
        raise errors.InvalidArgumentError(
            None, op, f"{i}-th value returned by {token} is {_dtypes.as_dtype(arr.dtype).name}, but expects string")
    arr = np.asarray(value)
    if arr.dtype.kind in ("U", "S", "O"):
        raise errors.InvalidArgumentError(None, op, f"{i}-th value returned by {token} is string, but expects "
                                          f"{_tf_name(dtype)}")
    want = np.dtype(_dtypes.to_jax_dtype(dtype.base_dtype)) if dtype.base_dtype != _dtypes.bool else np.dtype(bool)
    if arr.dtype != want:
        try:
            got = _tf_name(_dtypes.as_dtype(arr.dtype))
        except Exception:  # noqa: BLE001
            got = str(arr.dtype)
        raise errors.InvalidArgumentError(None, op, f"{i}-th value returned by {token} is {got}, but expects "
                                          f"{_tf_name(dtype)}")
    return arr if arr.flags.c_contiguous else arr.copy(order="C")


def _call(func, args, tout, token, op):
    """Calls the Python function; returns the converted outputs or raises a TF1 OpError."""
    try:
        ret = func(*args)
    except Exception as e:  # noqa: BLE001 - converted to TF1's error classes
        raise convert_exception(e, op, token) from None
    if not tout:
        return []
    if isinstance(ret, bytes):
        ret = [ret]
    vals = list(ret) if isinstance(ret, (list, tuple)) else [ret]
    if len(vals) != len(tout):
        raise errors.InvalidArgumentError(None, op, f"{token} returns {len(vals)} values, but expects to see "
                                          f"{len(tout)} values.")
    return [_convert_result(v, d, i, token, op) for i, (v, d) in enumerate(zip(vals, tout))]


def _py_func_shape(op):
    return [(_ts.TensorShape(None), d) for d in op.get_attr("Tout")]


def _lower(ctx, *inputs, _func, Tout, token, _stateful, **_):
    op = ctx.op
    in_dtypes = [t.dtype for t in op._inputs]
    if not host_checks.in_device_trace():
        args = [_to_numpy_arg(v, d) for v, d in zip(inputs, in_dtypes)]
        return _call(_func, args, Tout, token, op)
    specs = []
    for t, d in zip(op._outputs, Tout):
        specs.append(jax.ShapeDtypeStruct(tuple(t.shape.as_list()), _dtypes.to_jax_dtype(d.base_dtype)))
    plan_id = id(host_checks.current_plan())

    def cb(counter, *vals):
        try:
            outs = _call(_func, [np.asarray(v) for v in vals], Tout, token, op)
            for i, (o, s) in enumerate(zip(outs, specs)):
                if o.shape != s.shape:
                    raise errors.InvalidArgumentError(
                        None, op, f"{i}-th value returned by {token} has shape {o.shape}, but {op.name}:{i} was "
                        f"declared (set_shape) with shape {s.shape}")
        except errors.OpError as e:
            host_checks.record(plan_id, counter, e)
            outs = [np.zeros(s.shape, s.dtype) for s in specs]
        return tuple(outs)

    counter = host_checks.ctx_counter(ctx)
    if _stateful:
        outs = io_callback(cb, tuple(specs), counter, *inputs, ordered=True)
    else:
        outs = jax.pure_callback(cb, tuple(specs), counter, *inputs)
    return list(outs)


for _type, _st in (("PyFunc", True), ("PyFuncStateless", False)):
    register_op(_type, shape=_py_func_shape, ctx=True, host=_is_host, stateful=True, differentiable=False,
                num_outputs=lambda attrs, n: len(attrs["Tout"]))(_lower)
    host_checks.register_callback_op(_type)


def _as_dtype_list(Tout):
    if isinstance(Tout, (list, tuple)):
        return [_dtypes.as_dtype(t) for t in Tout], True
    return [_dtypes.as_dtype(Tout)], False


def py_func(func, inp, Tout, stateful=True, name=None):  # noqa: N803 - TF1 signature
    """tf.py_func: wraps a NumPy-in, NumPy-out Python function as a graph op (see module doc)."""
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}")
    tout, is_list = _as_dtype_list(Tout)
    inputs = [_constant.convert_to_tensor(x) for x in (inp or [])]
    g = inputs[0].graph if inputs else _graph.get_default_graph()
    token = f"pyfunc_{next(_tokens)}"
    op_type = "PyFunc" if stateful else "PyFuncStateless"
    attrs = {"_func": func, "Tout": tuple(tout), "token": token, "_stateful": bool(stateful)}
    op = g.create_op(op_type, inputs, attrs, name=name or op_type,
                     output_specs=[(_ts.TensorShape(None), d) for d in tout])
    if is_list:
        return list(op.outputs) if tout else op
    return op.outputs[0]


def numpy_function(func, inp, Tout, name=None):  # noqa: N803 - TF1 signature
    """tf.numpy_function (TF 1.15): py_func with stateful=True."""
    return py_func(func, inp, Tout, stateful=True, name=name)


def py_function(func, inp, Tout, name=None):  # noqa: N803 - TF1 signature
    """tf.py_function / tf.contrib.eager.py_func (TF's eager_py_func): `func` gets EagerTensors and
    runs eagerly, in a graph too (it is called at run time inside `eager_mode`). Executing eagerly,
    it is called at once. Gradients do not flow through it (deviation: TF differentiates func)."""
    from compat_tf._src.eager import context
    tout, is_list = _as_dtype_list(Tout)
    if context.executing_eagerly():
        outs = func(*[_constant.convert_to_tensor(x) for x in (inp or [])])
        flat = list(outs) if isinstance(outs, (list, tuple)) else ([] if outs is None else [outs])
        flat = [_constant.convert_to_tensor(o, dtype=d) for o, d in zip(flat, tout)]
        return flat if is_list else (flat[0] if flat else None)

    def run_eagerly(*arrays):
        from compat_tf._src.eager.tensor import EagerTensor
        with context.eager_mode():
            ins = [EagerTensor(np.asarray(a), _dtypes.as_dtype(np.asarray(a).dtype)) for a in arrays]
            outs = func(*ins)
            flat = list(outs) if isinstance(outs, (list, tuple)) else ([] if outs is None else [outs])
            return [np.asarray(_constant.convert_to_tensor(o, dtype=d)) for o, d in zip(flat, tout)]
    return py_func(run_eagerly, inp, Tout if is_list else tout[0], stateful=True, name=name or "EagerPyFunc")
