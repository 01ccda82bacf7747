"""tf.fake_quant_with_min_max_{args,vars,vars_per_channel} and their *_gradient ops (TF 1.15's
fake_quant_ops_functor.h), also in tf.quantization.

The forward op quantizes to `num_bits` levels and back, in float32 as TF's kernel: the range
[min, max] is first nudged so that zero is exactly representable (zero point rounded half away
from zero, clamped to [quant_min, quant_max], quant_min = 1 with narrow_range else 0,
quant_max = 2^num_bits - 1), inputs are clamped to the nudged range and rounded to
`floor((x - nudged_min) / scale + 0.5) * scale + nudged_min`. The gradient is TF's
straight-through estimator: the incoming gradient where nudged_min <= x <= nudged_max, else 0;
for the *_vars ops the gradient of min (max) is the sum of the incoming gradient where x is
below (above) the nudged range, per channel (the last dimension) for *_per_channel. The
*_vars ops return zeros when min == max == 0, as TF's kernel. The *_gradient ops compute
those gradients directly (TF's FakeQuant*Gradient op types).
"""
import functools

import jax
import jax.numpy as jnp

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor

__all__ = ["fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
           "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
           "fake_quant_with_min_max_vars_per_channel", "fake_quant_with_min_max_vars_per_channel_gradient"]


def _nudge(mn, mx, num_bits, narrow_range):
    qmin = jnp.float32(1.0 if narrow_range else 0.0)
    qmax = jnp.float32((1 << num_bits) - 1)
    mn, mx = jnp.asarray(mn, jnp.float32), jnp.asarray(mx, jnp.float32)
    scale = (mx - mn) / (qmax - qmin)
    zp_from_min = qmin - mn / scale
    rounded = jnp.sign(zp_from_min) * jnp.floor(jnp.abs(zp_from_min) + 0.5)     # std::round
    zp = jnp.where(zp_from_min < qmin, qmin, jnp.where(zp_from_min > qmax, qmax, rounded))
    return (qmin - zp) * scale, (qmax - zp) * scale, scale


def _quantize(x, nmin, nmax, scale):
    clamped = jnp.clip(x, nmin, nmax)
    return jnp.floor((clamped - nmin) * (jnp.float32(1.0) / scale) + jnp.float32(0.5)) * scale + nmin


def _gradients(g, x, nmin, nmax, reduce_axes):
    inside = (x >= nmin) & (x <= nmax)
    dx = jnp.where(inside, g, 0.0).astype(jnp.float32)
    dmin = jnp.sum(jnp.where(x < nmin, g, 0.0), axis=reduce_axes).astype(jnp.float32)
    dmax = jnp.sum(jnp.where(x > nmax, g, 0.0), axis=reduce_axes).astype(jnp.float32)
    return dx, dmin, dmax


def _check_attrs(num_bits, narrow_range, mn=None, mx=None):
    if not 2 <= num_bits <= 16:
        raise ValueError(f"num_bits is out of range, expected between 2 and 16, was: {num_bits}")
    if mn is not None and not mn < mx:
        raise ValueError(f"min has to be smaller than max, was: min={mn}, max={mx}")


# -- the forward ops: custom vjps with TF's straight-through gradients ------------------------------

def _make_fake_quant(kind):
    """The forward function of kind "args", "vars" or "per_channel": (x, min, max) -> quantized x,
    its vjp TF's gradient (no gradient to the float min/max attrs of "args")."""
    def axes(x):
        return tuple(range(x.ndim - 1)) if kind == "per_channel" else tuple(range(x.ndim))

    @functools.partial(jax.custom_vjp, nondiff_argnums=(3, 4))
    def fq(x, mn, mx, num_bits, narrow_range):
        out = _quantize(x, *_nudge(mn, mx, num_bits, narrow_range))
        if kind == "args":
            return out
        return jnp.where((jnp.asarray(mn) == 0) & (jnp.asarray(mx) == 0), jnp.float32(0.0), out)

    def fwd(x, mn, mx, num_bits, narrow_range):
        return fq(x, mn, mx, num_bits, narrow_range), (x, mn, mx)

    def bwd(num_bits, narrow_range, res, g):
        x, mn, mx = res
        nmin, nmax, _ = _nudge(mn, mx, num_bits, narrow_range)
        dx, dmin, dmax = _gradients(g, x, nmin, nmax, axes(x))
        return dx, jnp.reshape(dmin, jnp.shape(mn)), jnp.reshape(dmax, jnp.shape(mx))

    fq.defvjp(fwd, bwd)
    return fq


_fq_args = _make_fake_quant("args")
_fq_vars = _make_fake_quant("vars")
_fq_vars_per_channel = _make_fake_quant("per_channel")


@register_op("FakeQuantWithMinMaxArgs")
def _fake_quant_args(inputs, min=-6.0, max=6.0, num_bits=8, narrow_range=False):   # noqa: A002 - TF attrs
    return _fq_args(jnp.asarray(inputs, jnp.float32), jnp.float32(min), jnp.float32(max), int(num_bits),
                    bool(narrow_range))


@register_op("FakeQuantWithMinMaxVars")
def _fake_quant_vars(inputs, min, max, num_bits=8, narrow_range=False):   # noqa: A002
    return _fq_vars(jnp.asarray(inputs, jnp.float32), min, max, int(num_bits), bool(narrow_range))


@register_op("FakeQuantWithMinMaxVarsPerChannel")
def _fake_quant_vars_per_channel(inputs, min, max, num_bits=8, narrow_range=False):   # noqa: A002
    return _fq_vars_per_channel(jnp.asarray(inputs, jnp.float32), min, max, int(num_bits), bool(narrow_range))


# -- the gradient ops -----------------------------------------------------------------------------

@register_op("FakeQuantWithMinMaxArgsGradient", differentiable=False)
def _fake_quant_args_gradient(gradients, inputs, min=-6.0, max=6.0, num_bits=8, narrow_range=False):   # noqa: A002
    nmin, nmax, _ = _nudge(float(min), float(max), int(num_bits), bool(narrow_range))
    return _gradients(jnp.asarray(gradients, jnp.float32), jnp.asarray(inputs, jnp.float32), nmin, nmax, ())[0]


def _vars_gradient(gradients, inputs, mn, mx, num_bits, narrow_range, per_channel):
    x = jnp.asarray(inputs, jnp.float32)
    nmin, nmax, _ = _nudge(mn, mx, int(num_bits), bool(narrow_range))
    axes = tuple(range(x.ndim - 1)) if per_channel else tuple(range(x.ndim))
    return _gradients(jnp.asarray(gradients, jnp.float32), x, nmin, nmax, axes)


@register_op("FakeQuantWithMinMaxVarsGradient", num_outputs=3, differentiable=False)
def _fake_quant_vars_gradient(gradients, inputs, min, max, num_bits=8, narrow_range=False):   # noqa: A002
    return _vars_gradient(gradients, inputs, min, max, num_bits, narrow_range, False)


@register_op("FakeQuantWithMinMaxVarsPerChannelGradient", num_outputs=3, differentiable=False)
def _fake_quant_vars_per_channel_gradient(gradients, inputs, min, max, num_bits=8, narrow_range=False):   # noqa: A002
    return _vars_gradient(gradients, inputs, min, max, num_bits, narrow_range, True)


# -- builders -------------------------------------------------------------------------------------

def _float(x, what):
    t = _constant.convert_to_tensor(x, name=what)
    if t.dtype.base_dtype != _dtypes.float32:
        raise TypeError(f"{what} must be float32, got {t.dtype.base_dtype.name}")
    return t


def fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8, narrow_range=False, name=None):   # noqa: A002
    """tf.fake_quant_with_min_max_args (op FakeQuantWithMinMaxArgs): see the module docstring."""
    _check_attrs(num_bits, narrow_range, float(min), float(max))
    attrs = {"min": float(min), "max": float(max), "num_bits": int(num_bits), "narrow_range": bool(narrow_range)}
    return make_tensor("FakeQuantWithMinMaxArgs", [_float(inputs, "inputs")], attrs,
                       name=name or "FakeQuantWithMinMaxArgs")


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6, num_bits=8, narrow_range=False,  # noqa: A002
                                          name=None):
    """tf.fake_quant_with_min_max_args_gradient: the incoming gradients inside the nudged range."""
    _check_attrs(num_bits, narrow_range, float(min), float(max))
    attrs = {"min": float(min), "max": float(max), "num_bits": int(num_bits), "narrow_range": bool(narrow_range)}
    return make_tensor("FakeQuantWithMinMaxArgsGradient", [_float(gradients, "gradients"), _float(inputs, "inputs")],
                       attrs, name=name or "FakeQuantWithMinMaxArgsGradient")


def _vars_builder(op_type, per_channel):
    def build(inputs, min, max, num_bits=8, narrow_range=False, name=None):   # noqa: A002
        _check_attrs(num_bits, narrow_range)
        x, mn, mx = _float(inputs, "inputs"), _float(min, "min"), _float(max, "max")
        want = 1 if per_channel else 0
        for t in (mn, mx):
            if t.shape.ndims is not None and t.shape.ndims != want:
                raise ValueError(f"{op_type}: min and max must be rank {want}, got shape {t.shape}")
        attrs = {"num_bits": int(num_bits), "narrow_range": bool(narrow_range)}
        return make_tensor(op_type, [x, mn, mx], attrs, name=name or op_type)
    return build


def _vars_gradient_builder(op_type, per_channel):
    def build(gradients, inputs, min, max, num_bits=8, narrow_range=False, name=None):   # noqa: A002
        _check_attrs(num_bits, narrow_range)
        ins = [_float(gradients, "gradients"), _float(inputs, "inputs"), _float(min, "min"), _float(max, "max")]
        attrs = {"num_bits": int(num_bits), "narrow_range": bool(narrow_range)}
        return tuple(make_op(op_type, ins, attrs, name=name or op_type).outputs)
    return build


fake_quant_with_min_max_vars = _vars_builder("FakeQuantWithMinMaxVars", False)
fake_quant_with_min_max_vars_per_channel = _vars_builder("FakeQuantWithMinMaxVarsPerChannel", True)
fake_quant_with_min_max_vars_gradient = _vars_gradient_builder("FakeQuantWithMinMaxVarsGradient", False)
fake_quant_with_min_max_vars_per_channel_gradient = _vars_gradient_builder(
    "FakeQuantWithMinMaxVarsPerChannelGradient", True)
for _f, _n in ((fake_quant_with_min_max_vars, "fake_quant_with_min_max_vars"),
               (fake_quant_with_min_max_vars_per_channel, "fake_quant_with_min_max_vars_per_channel"),
               (fake_quant_with_min_max_vars_gradient, "fake_quant_with_min_max_vars_gradient"),
               (fake_quant_with_min_max_vars_per_channel_gradient,
                "fake_quant_with_min_max_vars_per_channel_gradient")):
    _f.__name__ = _f.__qualname__ = _n
    _f.__doc__ = f"tf.{_n}: see the module docstring."
del _f, _n
