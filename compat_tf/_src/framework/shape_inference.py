"""Static output shapes and dtypes, read off the op's own JAX lowering.

TF1 runs a C++ shape function per op at graph-construction time. compat_tf
gets the same facts from `jax.eval_shape` over the op's lowering, so most ops
need no hand-written shape rule (an OpDef may still give one). Unknown (None)
dimensions are found by probing: the lowering is evaluated abstractly with
every unknown dimension set to one size, then to another; output dimensions
that change with the probe are unknown. Small integer inputs whose values are
known at build time (TF1's `tensor_util.constant_value`) are passed as
concrete values, so `tf.reshape(x, [2, -1])` gets a static shape.

Results are cached by (op type, input signatures, attrs): building a large
graph of repeated layers costs one abstract evaluation per distinct signature.
"""
import jax
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import registry
from compat_tf._src.framework import tensor_shape as _ts

_PROBES = (2520, 5040)          # divisible by 1..10, so reshapes of unknown dims still divide
_MAX_FOLD_ELEMENTS = 1024       # constant-fold only small tensors at build time
_cache = {}


def infer(op, opdef):
    """Returns [(TensorShape, DType)] for the outputs of `op`."""
    if opdef.shape is not None:
        return [(_ts.as_shape(s), _dtypes.as_dtype(d)) for s, d in opdef.shape(op)]
    if opdef.host or opdef.ctx:
        raise TypeError(f"op type {op.type} needs a shape rule: host and stateful lowerings are not "
                        "evaluated at build time")
    consts = [constant_value(t) if _foldable_input(t) else None for t in op._inputs]
    key = _cache_key(op, consts)
    if key is not None and key in _cache:
        return _cache[key]
    specs = _infer_uncached(op, opdef, consts)
    if key is not None:
        _cache[key] = specs
    return specs


def _foldable_input(t):
    dt = t._dtype.base_dtype
    if dt not in _FOLDABLE_DTYPES:
        return False
    n = t._shape.num_elements()
    return n is not None and n <= _MAX_FOLD_ELEMENTS


# integer and bool dtypes: small values of these are shapes, axes and sizes, folded at build time
_FOLDABLE_DTYPES = frozenset(d for d in _dtypes._INTERN_TABLE.values()
                             if d == _dtypes.bool or (d.base_dtype == d and d.is_integer))


def _freeze(v):
    if isinstance(v, (list, tuple)):
        return tuple(_freeze(e) for e in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(e)) for k, e in v.items()))
    if isinstance(v, np.ndarray):
        return (v.dtype.str, v.shape, v.tobytes()) if v.size <= _MAX_FOLD_ELEMENTS else id(v)
    if isinstance(v, _dtypes.DType):
        return v.name
    hash(v)
    return v


def _shape_key(shape):
    dims = shape._dims
    return None if dims is None else tuple(d._value for d in dims)


def _cache_key(op, consts):
    try:
        sig = tuple((_shape_key(t._shape), t._dtype, None if c is None else _freeze(c))
                    for t, c in zip(op._inputs, consts))
        attrs = op._attrs
        return (op._type, sig, _freeze(attrs) if attrs else ())
    except TypeError:
        return None


def _abstract_args(op, consts, probe):
    args = []
    for t, c in zip(op.inputs, consts):
        if c is not None:
            args.append(c)
            continue
        dims = [probe if d is None else d for d in t.shape.as_list()]
        args.append(jax.ShapeDtypeStruct(tuple(dims), _dtypes.to_jax_dtype(t.dtype.base_dtype)))
    return args


def _evaluate(op, opdef, consts, probe):
    args = _abstract_args(op, consts, probe)
    dyn = [i for i, a in enumerate(args) if isinstance(a, jax.ShapeDtypeStruct)]

    def fn(*dyn_args):
        full = list(args)
        for i, a in zip(dyn, dyn_args):
            full[i] = a
        return opdef.lower(*full, **op.attrs)

    out = jax.eval_shape(fn, *[args[i] for i in dyn])
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _infer_uncached(op, opdef, consts):
    if any(t.shape.ndims is None for t in op.inputs):
        return _fallback(op, opdef, consts)
    try:
        first = _evaluate(op, opdef, consts, _PROBES[0])
    except Exception:
        return _fallback(op, opdef, consts)
    has_unknown = any(c is None and not t.shape.is_fully_defined() for t, c in zip(op.inputs, consts))
    second = _evaluate(op, opdef, consts, _PROBES[1]) if has_unknown else first
    specs = []
    for a, b in zip(first, second):
        dims = [da if da == db else None for da, db in zip(a.shape, b.shape)]
        if len(a.shape) != len(b.shape):
            dims = None
        specs.append((_ts.TensorShape(dims), _dtypes.as_dtype(a.dtype)))
    return specs


def _fallback(op, opdef, consts):
    """Shapes that depend on run-time values: unknown shape, dtype from a rank-free evaluation."""
    n = opdef.num_outputs(op.attrs, len(op.inputs)) if callable(opdef.num_outputs) else opdef.num_outputs
    dtype = None
    for rank_guess in (0, 1, 2, 4):
        try:
            args = []
            for t, c in zip(op.inputs, consts):
                if c is not None:
                    args.append(c)
                else:
                    r = t.shape.ndims if t.shape.ndims is not None else rank_guess
                    args.append(jax.ShapeDtypeStruct((2,) * r, _dtypes.to_jax_dtype(t.dtype.base_dtype)))
            # build-time values stay concrete (static axes, sizes), as in _evaluate
            dyn = [i for i, a in enumerate(args) if isinstance(a, jax.ShapeDtypeStruct)]

            def fn(*dyn_args, args=args, dyn=dyn):
                full = list(args)
                for i, a in zip(dyn, dyn_args):
                    full[i] = a
                return opdef.lower(*full, **op.attrs)

            out = jax.eval_shape(fn, *[args[i] for i in dyn])
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            dtype = [_dtypes.as_dtype(o.dtype) for o in out]
            break
        except Exception:
            continue
    if dtype is None:
        base = op.inputs[0].dtype.base_dtype if op.inputs else _dtypes.float32
        dtype = [base] * n
    return [(_ts.unknown_shape(), d) for d in dtype]


def constant_value(tensor):
    """The value of `tensor` if it can be computed at build time, else None.

    Mirrors TF1's tensor_util.constant_value: Const ops, Shape/Size/Rank of
    fully-defined shapes, and pure ops over such values (small ones only).
    """
    cached = getattr(tensor, "_const_value", _MISSING)
    if cached is not _MISSING:
        return cached
    value = _compute_constant(tensor)
    tensor._const_value = value
    return value


_MISSING = object()


def _compute_constant(tensor):
    op = tensor.op
    if op.type == "Const":
        return op.get_attr("value")
    if op.type in ("Shape", "Size", "Rank"):
        shape = op.inputs[0].shape
        dt = tensor.dtype.as_numpy_dtype
        if op.type == "Rank":
            return None if shape.ndims is None else np.array(shape.ndims, dt)
        if not shape.is_fully_defined():
            return None
        return np.array(shape.as_list(), dt) if op.type == "Shape" else np.array(shape.num_elements(), dt)
    opdef = registry.lookup(op.type)
    if opdef is None or opdef.stateful or opdef.host or opdef.ctx or op._control_inputs:
        return None
    if not tensor.shape.is_fully_defined() or tensor.shape.num_elements() > _MAX_FOLD_ELEMENTS:
        return None
    if tensor.dtype.base_dtype == _dtypes.string:
        return None
    ins = []
    for t in op.inputs:
        if not t.shape.is_fully_defined() or t.shape.num_elements() > _MAX_FOLD_ELEMENTS:
            return None
        v = constant_value(t)
        if v is None:
            return None
        ins.append(v)
    try:
        with jax.ensure_compile_time_eval():
            out = opdef.lower(*ins, **op.attrs)
    except Exception:
        return None
    out = out[tensor.value_index] if isinstance(out, (list, tuple)) else out
    return np.asarray(out).astype(tensor.dtype.as_numpy_dtype, copy=False)
