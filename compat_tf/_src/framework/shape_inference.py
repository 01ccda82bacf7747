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
    rule = opdef.shape
    if rule is not None:
        return [(_ts.as_shape(s), _dtypes.as_dtype(d)) for s, d in rule(op)]
    if opdef.host or opdef.ctx:
        raise TypeError(f"op type {op.type} needs a shape rule: host and stateful lowerings are not "
                        "evaluated at build time")
    fast = _FAST_RULES.get(op._type)
    if fast is not None:
        specs = fast(op)
        if specs is not None:
            return specs
    consts, key = _consts_and_key(op)
    if key is not None:
        specs = _cache.get(key)
        if specs is not None:
            return specs
    specs = _infer_uncached(op, opdef, consts)
    refine = _REFINES.get(op._type)
    if refine is not None:
        specs = refine(op, specs)
    if key is not None:
        _cache[key] = specs
    return specs


def _consts_and_key(op):
    """The build-time values of the op's small integer inputs, and the cache key of its signature.

    The key is (op type, per input (dims, dtype enum, frozen value or None), frozen attrs), or None
    when an attr or value is unhashable (the op is then evaluated each time).
    """
    consts = []
    sig = []
    try:
        for t in op._inputs:
            dims = t._shape._dims
            enum = t._dtype._type_enum
            c = frozen = None
            if dims is None:
                skey = None
            else:
                skey = tuple([d._value for d in dims])
                if enum in _FOLDABLE_ENUMS and None not in skey:
                    n = 1
                    for v in skey:
                        n *= v
                    if n <= _MAX_FOLD_ELEMENTS:
                        c = constant_value(t)
                        if c is not None:
                            frozen = _freeze(c)
            consts.append(c)
            sig.append((skey, enum, frozen))
        return consts, (op._type, tuple(sig), _freeze_attrs(op._attrs))
    except TypeError:
        consts += [constant_value(t) if _foldable_input(t) else None for t in op._inputs[len(consts):]]
        return consts, None


def _foldable_input(t):
    dt = t._dtype.base_dtype
    if dt not in _FOLDABLE_DTYPES:
        return False
    n = t._shape.num_elements()
    return n is not None and n <= _MAX_FOLD_ELEMENTS


# integer and bool dtypes: small values of these are shapes, axes and sizes, folded at build time
_FOLDABLE_DTYPES = frozenset(d for d in _dtypes._INTERN_TABLE.values()
                             if d == _dtypes.bool or (d.base_dtype == d and d.is_integer))
# the same, as type enums, ref dtypes included (a ref input folds as its base dtype)
_FOLDABLE_ENUMS = frozenset(d._type_enum for d in _dtypes._INTERN_TABLE.values()
                            if d.base_dtype in _FOLDABLE_DTYPES)


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


_ATOMIC = frozenset((bool, int, float, str, bytes, type(None)))


def _freeze_attrs(attrs):
    """The cache-key form of an attrs dict: ((name, frozen value), ...) sorted by name."""
    if not attrs:
        return ()
    return tuple([(k, v if type(v) in _ATOMIC else _freeze(v)) for k, v in sorted(attrs.items(),
                                                                                  key=_item_name)])


def _item_name(item):
    return item[0]


# Strings have no JAX dtype; for shape inference a string input stands in as this dtype (shape ops
# such as ExpandDims/Reshape/ConcatV2/GatherV2/Tile move elements of any dtype), and an output of
# that dtype is a string again.
_STRING_STAND_IN = np.complex64


def _abstract_dtype(dtype):
    if dtype.base_dtype == _dtypes.string:
        return _STRING_STAND_IN
    return _dtypes.to_jax_dtype(dtype.base_dtype)


def _out_dtype(op, dtype):
    if np.dtype(dtype) == _STRING_STAND_IN and any(t.dtype.base_dtype == _dtypes.string for t in op.inputs):
        return _dtypes.string
    return _dtypes.as_dtype(dtype)


def _abstract_args(op, consts, probe):
    args = []
    for t, c in zip(op.inputs, consts):
        if c is not None:
            args.append(c)
            continue
        dims = [probe if d is None else d for d in t.shape.as_list()]
        args.append(jax.ShapeDtypeStruct(tuple(dims), _abstract_dtype(t.dtype)))
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
        specs.append((_ts.TensorShape(dims), _out_dtype(op, a.dtype)))
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
                    args.append(jax.ShapeDtypeStruct((2,) * r, _abstract_dtype(t.dtype)))
            # build-time values stay concrete (static axes, sizes), as in _evaluate
            dyn = [i for i, a in enumerate(args) if isinstance(a, jax.ShapeDtypeStruct)]

            def fn(*dyn_args, args=args, dyn=dyn):
                full = list(args)
                for i, a in zip(dyn, dyn_args):
                    full[i] = a
                return opdef.lower(*full, **op.attrs)

            out = jax.eval_shape(fn, *[args[i] for i in dyn])
            out = list(out) if isinstance(out, (list, tuple)) else [out]
            dtype = [_out_dtype(op, o.dtype) for o in out]
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
        value = op.get_attr("value")
        return None if type(value).__name__ == "LazyConstValue" else value
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
    from compat_tf._src.runtime.interp.fold import fold
    try:
        out = fold(opdef.lower, *ins, **op.attrs)
    except Exception:
        return None
    out = out[tensor.value_index] if isinstance(out, (list, tuple)) else out
    return np.asarray(out).astype(tensor.dtype.as_numpy_dtype, copy=False)


# -- fast rules -------------------------------------------------------------------------------
# Hand-written shape functions for the most common op types, used in place of the abstract
# evaluation (which costs milliseconds the first time a signature is seen, and a cache-key
# computation afterwards). Each covers only cases where its answer is provably the one the
# evaluation gives (tests/framework/test_shape_inference_fast.py compares them on many shapes
# and dtypes) and returns None otherwise, so everything else still goes through jax.eval_shape.

_REF = _dtypes._REF_OFFSET      # enum % _REF: the enum of the base dtype (refs read as values)


def _enums(*names):
    return frozenset(_dtypes.as_dtype(n)._type_enum for n in names)


_FLOAT_ENUMS = _enums("float16", "bfloat16", "float32", "float64")
_INT_ENUMS = _enums("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
_COMPLEX_ENUMS = _enums("complex64", "complex128")
_NUMERIC_ENUMS = _FLOAT_ENUMS | _INT_ENUMS | _COMPLEX_ENUMS
_CAST_ENUMS = _NUMERIC_ENUMS | _enums("bool")


def shape_from_dims(dims):
    """A new TensorShape over `dims`, a list of Dimension objects (taken as is, not copied; the
    Dimensions may be shared with other shapes, they are immutable). Skips TensorShape's
    per-dimension conversion: for shape rules that build from existing Dimensions."""
    s = _ts.TensorShape.__new__(_ts.TensorShape)
    s._dims = dims
    return s


_new_shape = shape_from_dims


_UNKNOWN_DIM = _ts.Dimension(None)
_dim_cache = {}


def _dim(value):
    d = _dim_cache.get(value)
    if d is None:
        d = _dim_cache[value] = _ts.Dimension(value)
    return d


def _same_shape_float(op):
    """Element-wise unary ops on floating inputs: the input's shape and dtype."""
    x = op._inputs[0]
    dims = x._shape._dims
    if dims is None or x._dtype._type_enum % _REF not in _FLOAT_ENUMS:
        return None
    return [(_new_shape(list(dims)), x._dtype.base_dtype)]


# element-wise, floating in -> same floating dtype out (their lowerings: math_ops._UNARY, nn_ops)
_SAME_SHAPE_FLOAT_OPS = (
    "Neg", "Abs", "Sqrt", "Rsqrt", "Exp", "Log", "Log1p", "Expm1", "Square", "Sin", "Cos", "Tan",
    "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh", "Asinh", "Acosh", "Atanh", "Sigmoid", "Sign",
    "Floor", "Ceil", "Round", "Rint", "Reciprocal", "Erf", "Erfc", "Lgamma", "Digamma",
    "Relu", "Relu6", "Elu", "Selu", "Softplus", "Softsign", "LeakyRelu",
)


def _cast(op):
    x = op._inputs[0]
    dims = x._shape._dims
    dst = op._attrs.get("DstT")
    if dims is None or not isinstance(dst, _dtypes.DType) or x._dtype._type_enum % _REF not in _CAST_ENUMS:
        return None
    dst = dst.base_dtype
    if dst._type_enum not in _CAST_ENUMS:
        return None
    return [(_new_shape(list(dims)), dst)]


def _matmul(op):
    a, b = op._inputs
    da, db = a._shape._dims, b._shape._dims
    ea = a._dtype._type_enum % _REF
    if (da is None or db is None or len(da) != 2 or len(db) != 2 or ea != b._dtype._type_enum % _REF
            or ea not in _NUMERIC_ENUMS):
        return None
    ta, tb = op._attrs.get("transpose_a", False), op._attrs.get("transpose_b", False)
    if type(ta) is not bool or type(tb) is not bool:
        return None
    m, ka = (da[1], da[0]) if ta else (da[0], da[1])
    kb, n = (db[1], db[0]) if tb else (db[0], db[1])
    if ka._value is None or ka._value != kb._value:
        return None          # unknown or mismatched inner dimension: the evaluation decides
    return [(_new_shape([m, n]), a._dtype.base_dtype)]


def _bias_add(op):
    value, bias = op._inputs
    dv, dbias = value._shape._dims, bias._shape._dims
    ev = value._dtype._type_enum % _REF
    if (dv is None or dbias is None or len(dv) < 2 or len(dbias) != 1 or ev not in _NUMERIC_ENUMS
            or ev != bias._dtype._type_enum % _REF):
        return None
    fmt = op._attrs.get("data_format", "NHWC")
    if isinstance(fmt, bytes):
        fmt = fmt.decode()
    if fmt not in ("NHWC", "NCHW"):
        return None
    axis = 1 if fmt == "NCHW" and len(dv) >= 3 else len(dv) - 1
    c = dv[axis]._value
    if c is None or c != dbias[0]._value:
        return None
    return [(_new_shape(list(dv)), value._dtype.base_dtype)]


def _fill(op):
    dims_t, value = op._inputs
    vd, dd = value._shape._dims, dims_t._shape._dims
    if (vd is None or len(vd) != 0 or dd is None or len(dd) != 1 or dd[0]._value is None
            or dd[0]._value > _MAX_FOLD_ELEMENTS or dims_t._dtype._type_enum % _REF not in _enums_i32_64
            or value._dtype._type_enum % _REF not in _CAST_ENUMS):
        return None
    c = constant_value(dims_t)
    if c is None:
        # dims known only at run time: the lowering's static_ints fails for every probe, and the
        # evaluation's fallback gives an unknown shape with the first input's dtype
        return [(_ts.unknown_shape(), dims_t._dtype.base_dtype)]
    shp = [int(d) for d in np.asarray(c).reshape(-1)]
    if any(d < 0 for d in shp):
        return None
    return [(_new_shape([_dim(d) for d in shp]), value._dtype.base_dtype)]


_enums_i32_64 = _enums("int32", "int64")


def _reduction(op):
    x, axis = op._inputs
    dims = x._shape._dims
    ad = axis._shape._dims
    if (dims is None or x._dtype._type_enum % _REF not in _FLOAT_ENUMS or ad is None or len(ad) > 1
            or axis._dtype._type_enum % _REF not in _enums_i32_64):
        return None
    keep = op._attrs.get("keep_dims", False)
    if type(keep) is not bool:
        return None
    c = constant_value(axis) if (not ad or ad[0]._value is not None and ad[0]._value <= _MAX_FOLD_ELEMENTS) \
        else None
    if c is None:
        return None
    ndim = len(dims)
    axes = set()
    for i in np.asarray(c).reshape(-1):
        i = int(i)
        if not -ndim <= i < ndim:
            return None       # the lowering raises: the evaluation's fallback decides
        axes.add(i % ndim)
    if keep:
        out = [_dim(1) if i in axes else d for i, d in enumerate(dims)]
    else:
        out = [d for i, d in enumerate(dims) if i not in axes]
    return [(_new_shape(out), x._dtype.base_dtype)]


def _sparse_xent(op):
    features, labels = op._inputs
    df, dl = features._shape._dims, labels._shape._dims
    if (df is None or dl is None or len(df) != 2 or len(dl) != 1
            or features._dtype._type_enum % _REF not in _FLOAT_ENUMS
            or labels._dtype._type_enum % _REF not in _enums_i32_64
            or df[0]._value != dl[0]._value):      # batch dims: both unknown, or known and equal
        return None
    dt = features._dtype.base_dtype
    return [(_new_shape([df[0]]), dt), (_new_shape(list(df)), dt)]


def _strided_slice_unknowns(op, specs):
    """TF's StridedSlice shape function: a sliced dimension whose input size is unknown has an unknown
    size. Probing cannot see it: `x[:3]` of a [None] vector gives 3 for every large probe size, but
    min(n, 3) at run time (tensorflow/nmt's `src[:src_max_len]`)."""
    shape, dtype = specs[0]
    in_dims = op.inputs[0].shape.dims
    n = op.inputs[1].shape.dims[0].value if op.inputs[1].shape.dims else None
    if shape.dims is None or in_dims is None or n is None:
        return specs
    masks = {k: op.get_attr(k) for k in ("ellipsis_mask", "new_axis_mask", "shrink_axis_mask")}
    n_real = sum(1 for i in range(n) if not (masks["ellipsis_mask"] | masks["new_axis_mask"]) & 1 << i)
    unknown, dim = [], 0        # per output dimension: does it slice an unknown input dimension
    for i in range(n):
        bit = 1 << i
        if masks["ellipsis_mask"] & bit:
            unknown += [False] * (len(in_dims) - n_real)
            dim += len(in_dims) - n_real
        elif masks["new_axis_mask"] & bit:
            unknown.append(False)
        elif masks["shrink_axis_mask"] & bit:
            dim += 1
        else:
            unknown.append(dim < len(in_dims) and in_dims[dim].value is None)
            dim += 1
    unknown += [False] * (len(in_dims) - dim)
    if len(unknown) != len(shape.dims) or not any(unknown):
        return specs
    dims = [None if u else d.value for u, d in zip(unknown, shape.dims)]
    return [(_ts.TensorShape(dims), dtype)] + list(specs[1:])


_REFINES = {"StridedSlice": _strided_slice_unknowns}

_FAST_RULES = dict.fromkeys(_SAME_SHAPE_FLOAT_OPS, _same_shape_float)
_FAST_RULES.update({
    "Cast": _cast, "MatMul": _matmul, "BiasAdd": _bias_add, "Fill": _fill,
    "Sum": _reduction, "Mean": _reduction, "Max": _reduction, "Min": _reduction, "Prod": _reduction,
    "SparseSoftmaxCrossEntropyWithLogits": _sparse_xent,
})
