"""Random ops and graph-level seeds (TF1's random_ops.py, random_seed.py, stateless_random_ops.py).

Op types carry TF's names (RandomStandardNormal, TruncatedNormal, RandomUniform,
RandomUniformInt, RandomShuffle, Multinomial, RandomGamma, RandomPoissonV2, and the
Stateless* ops) with TF's `seed`/`seed2` attrs, chosen by TF1's `random_seed.get_seed`:

- neither a graph seed (`tf.set_random_seed`) nor an op seed: nondeterministic;
- a graph seed only: (graph seed, `graph._last_id`), so each op gets its own stream;
- an op seed only: (DEFAULT_GRAPH_SEED = 87654321, op seed);
- both: (graph seed, op seed).

The lowerings draw from `jax.random` with a key folded from (seed, seed2) and the
Session's per-run counter (`LoweringContext.rng_key`): each `Session.run` gives new
numbers, the same graph and seeds in a new Session give the same sequence, and an op
recomputed inside tf.gradients gives the same numbers as the forward pass.

Deviations from TF1 (documented, by design):
- the bit streams are JAX's (threefry), not TF's Philox: only the distributions and the
  determinism rules match, never the values TF would produce for a given seed;
- the per-run counter belongs to the Session, not to each op: a seeded op's k-th value
  depends on how many random-using runs the Session made before (TF1 advances one
  generator per op), so "same sequence" holds for the same sequence of runs;
- an unseeded op (seed = seed2 = 0 as in TF's GraphDef) gets a salt drawn when the op is
  built (attr `_rng_salt`; a hash of the op name for imported graphs), so a second
  Session on the same graph repeats its numbers, where TF1 would not.
"""
import os
import zlib

import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, static_ints

__all__ = [
    "get_seed",
    "multinomial",
    "random_crop",
    "random_gamma",
    "random_normal",
    "random_poisson",
    "random_shuffle",
    "random_uniform",
    "set_random_seed",
    "truncated_normal",
]

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1

_FLOAT_TYPES = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)
_INT_TYPES = (_dtypes.int32, _dtypes.int64)


# --------------------------------------------------------------------------------------------
# seeds (TF1's random_seed module)
# --------------------------------------------------------------------------------------------

def _truncate_seed(seed):
    return int(seed) % _MAXINT32   # fits into a 32-bit integer, as TF1


def get_seed(op_seed):
    """tf.get_seed / tf.random.get_seed: the (seed, seed2) pair an op with `op_seed` uses.

    TF1's random_seed.get_seed: (None, None) when neither the default graph nor the op has
    a seed; with only a graph seed, the op seed is the graph's last op id; with only an op
    seed, the graph seed is DEFAULT_GRAPH_SEED. (0, 0) becomes (0, 2**31 - 1), since the
    kernels read (0, 0) as "nondeterministic".
    """
    g = _graph.get_default_graph()
    global_seed = g.seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = g._last_id
        seeds = _truncate_seed(global_seed), _truncate_seed(op_seed)
    elif op_seed is not None:
        seeds = DEFAULT_GRAPH_SEED, _truncate_seed(op_seed)
    else:
        seeds = None, None
    if seeds == (0, 0):
        return (0, _MAXINT32)
    return seeds


def set_random_seed(seed):
    """tf.set_random_seed: sets the graph-level seed of the default graph (`Graph.seed`)."""
    _graph.get_default_graph().seed = seed


def _seed_attrs(seed):
    """The seed attrs of a new random op: TF's (seed, seed2), plus a salt when unseeded."""
    seed1, seed2 = get_seed(seed)
    if seed1 is None and _graph._eager_graph is not None and not _graph._default_graph_state.stack:
        # eager mode: an unseeded op draws its own seeds (eager kernels take seeds as arguments)
        seed1, seed2 = (int.from_bytes(os.urandom(4), "little") & _MAXINT32 or 1 for _ in range(2))
    if seed1 is None:
        salt = int.from_bytes(os.urandom(4), "little")
        return {"seed": 0, "seed2": 0, "_rng_salt": salt}
    return {"seed": seed1, "seed2": seed2}


def _rng_key(ctx):
    """The PRNG key of the op being lowered (see the module docstring)."""
    op = ctx.op
    key = ctx.rng_key(op)
    attrs = op.attrs
    if not attrs.get("seed") and not attrs.get("seed2"):
        salt = attrs.get("_rng_salt")
        if salt is None:
            salt = zlib.crc32(op.name.encode("utf-8"))
        key = jax.random.fold_in(key, np.uint32(int(salt) & 0xFFFFFFFF))
    return key


def _stateless_key(seed):
    """A PRNG key from a Stateless* op's shape-[2] seed tensor."""
    seed = jnp.asarray(seed).reshape(-1)
    s = seed.astype(jnp.int64) if seed.dtype != jnp.int64 else seed
    key = jax.random.PRNGKey(np.uint32(0x5EED))
    key = jax.random.fold_in(key, (s[0] & 0xFFFFFFFF).astype(jnp.uint32))
    return jax.random.fold_in(key, (s[1] & 0xFFFFFFFF).astype(jnp.uint32))


# --------------------------------------------------------------------------------------------
# helpers: shapes and dtypes
# --------------------------------------------------------------------------------------------

def _g():
    return _graph.get_default_graph()


def _shape_tensor(shape):
    """TF1's tensor_util.shape_tensor: a list/tuple/TensorShape/Tensor as a 1-D int tensor."""
    if isinstance(shape, _graph.Tensor):
        return shape
    if hasattr(shape, "_as_graph_element"):
        return _constant.convert_to_tensor(shape)
    dtype = None
    if isinstance(shape, _ts.TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape to a Tensor: {shape}")
        shape = shape.as_list()
    if isinstance(shape, (tuple, list)):
        if not shape:
            dtype = _dtypes.int32
        else:
            shape = [_ts.dimension_value(d) for d in shape]
            if any(d is None for d in shape):
                raise ValueError(f"Cannot convert a partially known shape {shape} to a Tensor")
    return _constant.convert_to_tensor(shape, dtype=dtype, name="shape")


def _check_shape_tensor(shape_t, op_type, scope):
    if shape_t.dtype.base_dtype not in _INT_TYPES:
        raise TypeError(f"Value passed to parameter 'shape' has DataType {shape_t.dtype.base_dtype.name} "
                        f"not in list of allowed values: int32, int64 (op {op_type})")
    nd = shape_t.shape.ndims
    if nd is not None and nd != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {nd} for '{scope}{op_type}' (op: "
                         f"'{op_type}') with input shapes: {_fmt(shape_t.shape)}.")


def _fmt(shape):
    if shape.ndims is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"


def _check_float_dtype(dtype, op_type):
    if dtype not in _FLOAT_TYPES:
        raise TypeError(f"Value passed to parameter 'dtype' has DataType {dtype.name} not in list of "
                        f"allowed values: float16, bfloat16, float32, float64 (op {op_type})")


def _static_shape(t):
    """The partial shape a 1-D int tensor describes (TF1's constant_value_as_shape)."""
    from compat_tf._src.ops import array_ops
    try:
        return array_ops.constant_value_as_shape(t)
    except Exception:
        return _ts.unknown_shape()


def _dims(shape, op):
    dims = tuple(int(d) for d in static_ints(shape, f"the shape given to {op.type}").reshape(-1))
    if any(d < 0 for d in dims):
        raise _errors.InvalidArgumentError(None, op, f"Dimension -1 must be >= 0 (shape {list(dims)})")
    return dims


def _jax_dtype(dtype):
    return _dtypes.to_jax_dtype(_dtypes.as_dtype(dtype).base_dtype)


def _shape_rule_dtype_attr(attr):
    """Shape rule of ops whose output shape is their first input's value and dtype an attr."""
    def rule(op):
        return [(_static_shape(op.inputs[0]), op.get_attr(attr))]
    return rule


def _shape_rule_dtype_input(index):
    def rule(op):
        return [(_static_shape(op.inputs[0]), op.inputs[index].dtype.base_dtype)]
    return rule


def _scalar_value(x):
    """A lowering input's concrete Python value, or None when it is traced."""
    try:
        return np.asarray(x).reshape(-1)[0] if np.size(x) == 1 else None
    except Exception:
        return None


# --------------------------------------------------------------------------------------------
# stateful random ops
# --------------------------------------------------------------------------------------------

_RANDOM = dict(ctx=True, stateful=True, differentiable=False)


@register_op("RandomStandardNormal", shape=_shape_rule_dtype_attr("dtype"), **_RANDOM)
def _random_standard_normal(ctx, shape, dtype=_dtypes.float32, **_):
    return jax.random.normal(_rng_key(ctx), _dims(shape, ctx.op), _jax_dtype(dtype))


@register_op("TruncatedNormal", shape=_shape_rule_dtype_attr("dtype"), **_RANDOM)
def _truncated_normal(ctx, shape, dtype=_dtypes.float32, **_):
    # values beyond 2 standard deviations are re-drawn: a normal truncated to (-2, 2)
    return jax.random.truncated_normal(_rng_key(ctx), -2.0, 2.0, _dims(shape, ctx.op), _jax_dtype(dtype))


@register_op("RandomUniform", shape=_shape_rule_dtype_attr("dtype"), **_RANDOM)
def _random_uniform(ctx, shape, dtype=_dtypes.float32, **_):
    return jax.random.uniform(_rng_key(ctx), _dims(shape, ctx.op), _jax_dtype(dtype))


@register_op("RandomUniformInt", shape=_shape_rule_dtype_input(1), **_RANDOM)
def _random_uniform_int(ctx, shape, minval, maxval, **_):
    dims = _dims(shape, ctx.op)
    if np.ndim(minval) != 0 or np.ndim(maxval) != 0:
        raise _errors.InvalidArgumentError(
            None, ctx.op, f"minval must be 0-D, got shape {list(np.shape(minval))}" if np.ndim(minval)
            else f"maxval must be 0-D, got shape {list(np.shape(maxval))}")
    lo, hi = _scalar_value(minval), _scalar_value(maxval)
    if lo is not None and hi is not None and not lo < hi:
        raise _errors.InvalidArgumentError(None, ctx.op, f"Need minval < maxval: {lo} >= {hi}")
    dtype = jnp.asarray(minval).dtype
    return jax.random.randint(_rng_key(ctx), dims, minval, maxval, dtype=dtype)


def _same_as_input_rule(op):
    t = op.inputs[0]
    return [(t.shape, t.dtype.base_dtype)]


@register_op("RandomShuffle", shape=_same_as_input_rule, **_RANDOM)
def _random_shuffle(ctx, value, **_):
    if np.ndim(value) == 0 or np.shape(value)[0] <= 1:
        return value
    return jax.random.permutation(_rng_key(ctx), jnp.asarray(value), axis=0, independent=False)


def _multinomial_rule(op, output_attr="output_dtype"):
    logits, num = op.inputs[0], op.inputs[1]
    batch = logits.shape[0].value if logits.shape.ndims == 2 else None
    from compat_tf._src.framework import shape_inference
    n = shape_inference.constant_value(num)
    n = int(np.asarray(n).reshape(())) if n is not None else None
    return [(_ts.TensorShape([batch, n]), op.get_attr(output_attr))]


def _categorical(key, logits, num_samples, output_dtype, op):
    n = int(static_ints(num_samples, "num_samples").reshape(()))
    if np.ndim(logits) != 2:
        raise _errors.InvalidArgumentError(None, op, f"logits should be a matrix, got shape "
                                           f"{list(np.shape(logits))}")
    if n < 0:
        raise _errors.InvalidArgumentError(None, op, f"num_samples should be nonnegative, got {n}")
    batch, classes = np.shape(logits)
    out_dt = _jax_dtype(output_dtype)
    if n == 0 or batch == 0:
        return jnp.zeros((batch, n), out_dt)
    if classes == 0:
        raise _errors.InvalidArgumentError(None, op, "num_classes should be positive, got 0")
    logits = jnp.asarray(logits)
    if not jnp.issubdtype(logits.dtype, jnp.floating) or logits.dtype in (jnp.float16, jnp.bfloat16):
        logits = logits.astype(jnp.float32)
    draws = jax.random.categorical(key, logits, axis=-1, shape=(n, batch))
    return jnp.transpose(draws).astype(out_dt)


@register_op("Multinomial", shape=_multinomial_rule, **_RANDOM)
def _multinomial(ctx, logits, num_samples, output_dtype=_dtypes.int64, **_):
    return _categorical(_rng_key(ctx), logits, num_samples, output_dtype, ctx.op)


def _prefix_shape_rule(dtype_of):
    """Output shape `shape + param.shape` (RandomGamma, RandomPoissonV2)."""
    def rule(op):
        prefix = _static_shape(op.inputs[0])
        param = op.inputs[1].shape
        if prefix.ndims is None or param.ndims is None:
            shape = _ts.unknown_shape()
        else:
            shape = prefix.concatenate(param)
        return [(shape, dtype_of(op))]
    return rule


# RandomGamma has TF1's gradient with respect to alpha (random_grad._RandomGammaGrad, the
# implicit reparameterisation derivative), which is what jax.random.gamma's derivative is.
@register_op("RandomGamma", shape=_prefix_shape_rule(lambda op: op.inputs[1].dtype.base_dtype),
             ctx=True, stateful=True, differentiable=True)
def _random_gamma(ctx, shape, alpha, **_):
    dims = _dims(shape, ctx.op) + tuple(np.shape(alpha))
    alpha = jnp.asarray(alpha)
    return jax.random.gamma(_rng_key(ctx), alpha, dims, alpha.dtype)


@register_op("RandomPoissonV2", shape=_prefix_shape_rule(lambda op: op.get_attr("dtype")), **_RANDOM)
def _random_poisson(ctx, shape, rate, dtype=_dtypes.float32, **_):
    dims = _dims(shape, ctx.op) + tuple(np.shape(rate))
    rate = jnp.asarray(rate)
    if not jnp.issubdtype(rate.dtype, jnp.floating) or rate.dtype in (jnp.float16, jnp.bfloat16):
        rate = rate.astype(jnp.float32)
    draws = jax.random.poisson(_rng_key(ctx), rate, dims, dtype=jnp.int64)
    return draws.astype(_jax_dtype(dtype))


# --------------------------------------------------------------------------------------------
# stateless random ops: pure functions of a shape-[2] seed tensor
# --------------------------------------------------------------------------------------------

_STATELESS = dict(differentiable=False)


def _stateless_rule(dtype_of):
    def rule(op):
        return [(_static_shape(op.inputs[0]), dtype_of(op))]
    return rule


@register_op("StatelessRandomNormal", shape=_stateless_rule(lambda op: op.get_attr("dtype")), **_STATELESS)
def _stateless_random_normal(shape, seed, dtype=_dtypes.float32, **_):
    dims = tuple(int(d) for d in static_ints(shape, "the shape of a stateless random op").reshape(-1))
    return jax.random.normal(_stateless_key(seed), dims, _jax_dtype(dtype))


@register_op("StatelessTruncatedNormal", shape=_stateless_rule(lambda op: op.get_attr("dtype")),
             **_STATELESS)
def _stateless_truncated_normal(shape, seed, dtype=_dtypes.float32, **_):
    dims = tuple(int(d) for d in static_ints(shape, "the shape of a stateless random op").reshape(-1))
    return jax.random.truncated_normal(_stateless_key(seed), -2.0, 2.0, dims, _jax_dtype(dtype))


@register_op("StatelessRandomUniform", shape=_stateless_rule(lambda op: op.get_attr("dtype")),
             **_STATELESS)
def _stateless_random_uniform(shape, seed, dtype=_dtypes.float32, **_):
    dims = tuple(int(d) for d in static_ints(shape, "the shape of a stateless random op").reshape(-1))
    return jax.random.uniform(_stateless_key(seed), dims, _jax_dtype(dtype))


@register_op("StatelessRandomUniformInt", shape=_stateless_rule(lambda op: op.inputs[2].dtype.base_dtype),
             **_STATELESS)
def _stateless_random_uniform_int(shape, seed, minval, maxval, **_):
    dims = tuple(int(d) for d in static_ints(shape, "the shape of a stateless random op").reshape(-1))
    lo, hi = _scalar_value(minval), _scalar_value(maxval)
    if lo is not None and hi is not None and not lo < hi:
        raise _errors.InvalidArgumentError(None, None, f"Need minval < maxval: {lo} >= {hi}")
    return jax.random.randint(_stateless_key(seed), dims, minval, maxval, dtype=jnp.asarray(minval).dtype)


@register_op("StatelessMultinomial", shape=_multinomial_rule, **_STATELESS)
def _stateless_multinomial(logits, num_samples, seed, output_dtype=_dtypes.int64, **_):
    return _categorical(_stateless_key(seed), logits, num_samples, output_dtype, None)


# --------------------------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------------------------

def _random_op(op_type, inputs, attrs, seed, name=None):
    attrs = dict(attrs)
    attrs.update(_seed_attrs(seed))
    return make_op(op_type, inputs, attrs, name=name or op_type).outputs[0]


def random_normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None, name=None):
    """tf.random_normal / tf.random.normal: RandomStandardNormal * stddev + mean (as TF1)."""
    from compat_tf._src.ops import math_ops
    dtype = _dtypes.as_dtype(dtype).base_dtype
    with _g().name_scope(name or "random_normal") as scope:
        shape_t = _shape_tensor(shape)
        _check_shape_tensor(shape_t, "RandomStandardNormal", scope)
        _check_float_dtype(dtype, "RandomStandardNormal")
        mean_t = _constant.convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = _constant.convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = _random_op("RandomStandardNormal", [shape_t], {"dtype": dtype, "T": shape_t.dtype.base_dtype},
                         seed)
        mul = rnd * stddev_t
        return math_ops.add(mul, mean_t, name=scope)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=_dtypes.float32, seed=None, name=None):
    """tf.truncated_normal / tf.random.truncated_normal: values beyond 2 stddev are re-drawn.

    TruncatedNormal * stddev + mean, as TF1.
    """
    from compat_tf._src.ops import math_ops
    dtype = _dtypes.as_dtype(dtype).base_dtype
    with _g().name_scope(name or "truncated_normal") as scope:
        shape_t = _shape_tensor(shape)
        _check_shape_tensor(shape_t, "TruncatedNormal", scope)
        _check_float_dtype(dtype, "TruncatedNormal")
        mean_t = _constant.convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = _constant.convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = _random_op("TruncatedNormal", [shape_t], {"dtype": dtype, "T": shape_t.dtype.base_dtype}, seed)
        mul = rnd * stddev_t
        return math_ops.add(mul, mean_t, name=scope)


def _uniform_checks(dtype, maxval):
    dtype = _dtypes.as_dtype(dtype).base_dtype
    if dtype not in _FLOAT_TYPES + _INT_TYPES:
        raise ValueError(f"Invalid dtype {dtype!r}")
    if maxval is None:
        if dtype.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
        maxval = 1
    return dtype, maxval


def random_uniform(shape, minval=0, maxval=None, dtype=_dtypes.float32, seed=None, name=None):
    """tf.random_uniform / tf.random.uniform: values in [minval, maxval).

    Floats: RandomUniform * (maxval - minval) + minval; integers: RandomUniformInt
    (maxval required), as TF1.
    """
    from compat_tf._src.ops import math_ops
    dtype, maxval = _uniform_checks(dtype, maxval)
    with _g().name_scope(name or "random_uniform") as scope:
        shape_t = _shape_tensor(shape)
        op_type = "RandomUniformInt" if dtype.is_integer else "RandomUniform"
        _check_shape_tensor(shape_t, op_type, scope)
        minval = _constant.convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = _constant.convert_to_tensor(maxval, dtype=dtype, name="max")
        if dtype.is_integer:
            for v, what in ((minval, "minval"), (maxval, "maxval")):
                if v.shape.ndims not in (None, 0):
                    raise ValueError(f"Shape must be rank 0 but is rank {v.shape.ndims} for "
                                     f"'{scope}RandomUniformInt' (op: 'RandomUniformInt') ({what})")
            return _random_op("RandomUniformInt", [shape_t, minval, maxval],
                              {"Tout": dtype, "T": shape_t.dtype.base_dtype}, seed, name=scope)
        rnd = _random_op("RandomUniform", [shape_t], {"dtype": dtype, "T": shape_t.dtype.base_dtype}, seed)
        return math_ops.add(rnd * (maxval - minval), minval, name=scope)


def random_shuffle(value, seed=None, name=None):
    """tf.random_shuffle / tf.random.shuffle: shuffles along the first dimension (op RandomShuffle)."""
    value = _constant.convert_to_tensor(value, name="value")
    return _random_op("RandomShuffle", [value], {"T": value.dtype.base_dtype}, seed, name=name or "RandomShuffle")


def _multinomial_impl(logits, num_samples, dtype, seed):
    logits = _constant.convert_to_tensor(logits, name="logits")
    if logits.shape.ndims is not None and logits.shape.ndims != 2:
        raise ValueError(f"Shape must be rank 2 but is rank {logits.shape.ndims} for 'Multinomial' "
                         f"(op: 'Multinomial') with input shapes: {_fmt(logits.shape)}, [].")
    if not logits.dtype.is_floating and not logits.dtype.is_integer:
        raise TypeError(f"Value passed to parameter 'logits' has DataType {logits.dtype.name} not in "
                        "list of allowed real types (op Multinomial)")
    num_samples = _constant.convert_to_tensor(num_samples, dtype=_dtypes.int32, name="num_samples")
    dtype = _dtypes.int64 if dtype is None else _dtypes.as_dtype(dtype).base_dtype
    if dtype not in _INT_TYPES:
        raise TypeError(f"Value passed to parameter 'output_dtype' has DataType {dtype.name} not in list "
                        "of allowed values: int32, int64 (op Multinomial)")
    return _random_op("Multinomial", [logits, num_samples],
                      {"T": logits.dtype.base_dtype, "output_dtype": dtype}, seed)


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """tf.multinomial / tf.random.multinomial: [batch, num_samples] class indices (int64 default)."""
    with _g().name_scope(name or "multinomial"):
        return _multinomial_impl(logits, num_samples, output_dtype, seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """tf.random.categorical: [batch, num_samples] class indices drawn from unnormalised log-probs."""
    with _g().name_scope(name or "categorical"):
        return _multinomial_impl(logits, num_samples, dtype, seed)


def random_gamma(shape, alpha, beta=None, dtype=_dtypes.float32, seed=None, name=None):
    """tf.random_gamma / tf.random.gamma: samples of shape `shape + broadcast(alpha, beta).shape`.

    RandomGamma(alpha) / beta, clamped below at the dtype's smallest positive normal, as
    TF1; differentiable with respect to alpha and beta (TF1's RandomGamma gradient).
    """
    from compat_tf._src.ops import array_ops, math_ops
    dtype = _dtypes.as_dtype(dtype).base_dtype
    if dtype not in (_dtypes.float16, _dtypes.float32, _dtypes.float64):
        raise TypeError(f"Value passed to parameter 'alpha' has DataType {dtype.name} not in list of "
                        "allowed values: float16, float32, float64 (op RandomGamma)")
    with _g().name_scope(name or "random_gamma"):
        shape_t = _constant.convert_to_tensor(shape, name="shape", dtype=_dtypes.int32)
        _check_shape_tensor(shape_t, "RandomGamma", _g().get_name_scope() + "/")
        alpha = _constant.convert_to_tensor(alpha, name="alpha", dtype=dtype)
        beta = _constant.convert_to_tensor(beta if beta is not None else 1, name="beta", dtype=dtype)
        alpha_broadcast = alpha + array_ops.zeros_like(beta)
        sample = _random_op("RandomGamma", [shape_t, alpha_broadcast],
                            {"S": _dtypes.int32, "T": dtype}, seed)
        return math_ops.maximum(np.finfo(dtype.as_numpy_dtype).tiny, sample / beta)


def random_poisson(lam, shape, dtype=_dtypes.float32, seed=None, name=None):
    """tf.random_poisson / tf.random.poisson (TF1 argument order: lam, shape); op RandomPoissonV2.

    Output shape `shape + lam.shape`; not differentiable.
    """
    dtype = _dtypes.as_dtype(dtype).base_dtype
    if dtype not in (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64):
        raise TypeError(f"Value passed to parameter 'dtype' has DataType {dtype.name} not in list of "
                        "allowed values: float16, float32, float64, int32, int64 (op RandomPoissonV2)")
    with _g().name_scope(name or "random_poisson"):
        shape_t = _constant.convert_to_tensor(shape, name="shape", dtype=_dtypes.int32)
        _check_shape_tensor(shape_t, "RandomPoissonV2", _g().get_name_scope() + "/")
        lam = _constant.convert_to_tensor(lam, name="lam")
        return _random_op("RandomPoissonV2", [shape_t, lam],
                          {"S": _dtypes.int32, "R": lam.dtype.base_dtype, "dtype": dtype}, seed)


def random_crop(value, size, seed=None, name=None):
    """tf.random_crop / tf.image.random_crop: a random `size` slice of `value` (composite, as TF1).

    Offsets are RandomUniformInt draws modulo `shape - size + 1`. Where tf.Assert is
    available the `shape >= size` check runs at run time as in TF1; otherwise it is made
    when the graph is built, when both shapes are static (ValueError).
    """
    from compat_tf._src.ops import array_ops, control_flow_ops
    g = _g()
    with g.name_scope(name or "random_crop") as scope:
        value = _constant.convert_to_tensor(value, name="value")
        size = _constant.convert_to_tensor(size, dtype=_dtypes.int32, name="size")
        shape = array_ops.shape(value)
        assert_fn = getattr(control_flow_ops, "Assert", None)
        if assert_fn is not None:
            from compat_tf._src.ops import math_ops
            check = assert_fn(math_ops.reduce_all(shape >= size),
                              ["Need value.shape >= size, got ", shape, size], summarize=1000)
            shape = control_flow_ops.with_dependencies([check], shape)
        else:
            from compat_tf._src.framework import shape_inference
            sv = shape_inference.constant_value(size)
            if sv is not None and value.shape.is_fully_defined():
                have = np.asarray(value.shape.as_list())
                need = np.asarray(sv).reshape(-1)
                if have.shape != need.shape or (have < need).any():
                    raise ValueError(f"Need value.shape >= size, got {have.tolist()} {need.tolist()}")
        limit = shape - size + 1
        offset = random_uniform(array_ops.shape(shape), dtype=size.dtype.base_dtype,
                                maxval=size.dtype.base_dtype.max, seed=seed) % limit
        return array_ops.slice(value, offset, size, name=scope)


def stateless_random_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dtypes.float32, name=None):
    """tf.random.stateless_normal: a deterministic function of `seed` (shape [2] int tensor)."""
    from compat_tf._src.ops import math_ops
    dtype = _dtypes.as_dtype(dtype).base_dtype
    with _g().name_scope(name or "stateless_random_normal") as scope:
        shape_t = _shape_tensor(shape)
        _check_shape_tensor(shape_t, "StatelessRandomNormal", scope)
        _check_float_dtype(dtype, "StatelessRandomNormal")
        seed_t = _seed_tensor(seed)
        mean_t = _constant.convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = _constant.convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = make_op("StatelessRandomNormal", [shape_t, seed_t],
                      {"dtype": dtype, "T": shape_t.dtype.base_dtype, "Tseed": seed_t.dtype.base_dtype},
                      name="StatelessRandomNormal").outputs[0]
        return math_ops.add(rnd * stddev_t, mean_t, name=scope)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=_dtypes.float32, name=None):
    """tf.random.stateless_truncated_normal: a deterministic function of `seed`."""
    from compat_tf._src.ops import math_ops
    dtype = _dtypes.as_dtype(dtype).base_dtype
    with _g().name_scope(name or "stateless_truncated_normal") as scope:
        shape_t = _shape_tensor(shape)
        _check_shape_tensor(shape_t, "StatelessTruncatedNormal", scope)
        _check_float_dtype(dtype, "StatelessTruncatedNormal")
        seed_t = _seed_tensor(seed)
        mean_t = _constant.convert_to_tensor(mean, dtype=dtype, name="mean")
        stddev_t = _constant.convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = make_op("StatelessTruncatedNormal", [shape_t, seed_t],
                      {"dtype": dtype, "T": shape_t.dtype.base_dtype, "Tseed": seed_t.dtype.base_dtype},
                      name="StatelessTruncatedNormal").outputs[0]
        return math_ops.add(rnd * stddev_t, mean_t, name=scope)


def stateless_random_uniform(shape, seed, minval=0, maxval=None, dtype=_dtypes.float32, name=None):
    """tf.random.stateless_uniform: a deterministic function of `seed`, values in [minval, maxval)."""
    from compat_tf._src.ops import math_ops
    dtype, maxval = _uniform_checks(dtype, maxval)
    with _g().name_scope(name or "stateless_random_uniform") as scope:
        shape_t = _shape_tensor(shape)
        op_type = "StatelessRandomUniformInt" if dtype.is_integer else "StatelessRandomUniform"
        _check_shape_tensor(shape_t, op_type, scope)
        seed_t = _seed_tensor(seed)
        minval = _constant.convert_to_tensor(minval, dtype=dtype, name="min")
        maxval = _constant.convert_to_tensor(maxval, dtype=dtype, name="max")
        attrs = {"T": shape_t.dtype.base_dtype, "Tseed": seed_t.dtype.base_dtype}
        if dtype.is_integer:
            attrs["dtype"] = dtype
            return make_op(op_type, [shape_t, seed_t, minval, maxval], attrs, name=scope).outputs[0]
        attrs["dtype"] = dtype
        rnd = make_op(op_type, [shape_t, seed_t], attrs, name=op_type).outputs[0]
        return math_ops.add(rnd * (maxval - minval), minval, name=scope)


def stateless_multinomial(logits, num_samples, seed, output_dtype=_dtypes.int64, name=None):
    """tf.random.stateless_multinomial: a deterministic function of `seed`."""
    with _g().name_scope(name or "stateless_multinomial"):
        return _stateless_multinomial_impl(logits, num_samples, output_dtype, seed)


def stateless_categorical(logits, num_samples, seed, dtype=_dtypes.int64, name=None):
    """tf.random.stateless_categorical: a deterministic function of `seed`."""
    with _g().name_scope(name or "stateless_categorical"):
        return _stateless_multinomial_impl(logits, num_samples, dtype, seed)


def _seed_tensor(seed):
    seed_t = _constant.convert_to_tensor(seed, name="seed")
    if seed_t.dtype.base_dtype not in _INT_TYPES:
        raise TypeError(f"seed must be an int32 or int64 tensor, got {seed_t.dtype.name}")
    if seed_t.shape.ndims is not None and seed_t.shape.as_list() not in ([2], [None]):
        raise ValueError(f"seed must have shape [2], not {_fmt(seed_t.shape)}")
    return seed_t


def _stateless_multinomial_impl(logits, num_samples, dtype, seed):
    logits = _constant.convert_to_tensor(logits, name="logits")
    if logits.shape.ndims is not None and logits.shape.ndims != 2:
        raise ValueError(f"Shape must be rank 2 but is rank {logits.shape.ndims} for "
                         "'StatelessMultinomial' (op: 'StatelessMultinomial')")
    num_samples = _constant.convert_to_tensor(num_samples, dtype=_dtypes.int32, name="num_samples")
    seed_t = _seed_tensor(seed)
    dtype = _dtypes.as_dtype(dtype or _dtypes.int64).base_dtype
    return make_op("StatelessMultinomial", [logits, num_samples, seed_t],
                   {"T": logits.dtype.base_dtype, "Tseed": seed_t.dtype.base_dtype, "output_dtype": dtype},
                   name="StatelessMultinomial").outputs[0]
