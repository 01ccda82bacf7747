"""TF's FFT ops (TF 1.15 spectral_ops / fft_ops; tf.signal.fft*, tf.spectral.*, tf.fft): FFT/IFFT,
FFT2D/3D, RFFT/IRFFT(2D/3D) over the innermost dimensions, as the op types TF registers, lowered
to jnp.fft (so gradients come from JAX with TF's complex convention).

rfft*/irfft* take `fft_length` as TF: the input's inner dimensions are cropped or zero-padded to
fft_length (rfft) or fft_length // 2 + 1 (irfft, last dimension), by default
fft_length = inner size (rfft) or 2 * (inner - 1) (irfft). Complex64 pairs with float32,
complex128 with float64. fftnd/ifftnd/rfftnd/irfftnd (TF 2.x names) take `axes`/`fft_length` as
NumPy's n-dimensional FFTs with norm "backward" only.
"""
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor, static_ints

__all__ = ["fft", "fft2d", "fft3d", "fftnd", "ifft", "ifft2d", "ifft3d", "ifftnd", "irfft", "irfft2d", "irfft3d",
           "irfftnd", "rfft", "rfft2d", "rfft3d", "rfftnd"]

_COMPLEX_OF = {_dtypes.float32: _dtypes.complex64, _dtypes.float64: _dtypes.complex128}
_REAL_OF = {v: k for k, v in _COMPLEX_OF.items()}


def _axes(rank):
    return tuple(range(-rank, 0))


def _fft_rule(real_to_complex, rank):
    def rule(op):
        x = op.inputs[0]
        n = shape_inference.constant_value(op.inputs[1])
        dtype = (_COMPLEX_OF if real_to_complex else _REAL_OF)[x.dtype.base_dtype]
        if x.shape.ndims is None:
            return [(_ts.unknown_shape(), dtype)]
        outer = x.shape.as_list()[:-rank]
        if n is None:
            inner = [None] * rank
        else:
            n = [int(v) for v in np.reshape(n, -1)]
            inner = n[:-1] + [n[-1] // 2 + 1 if real_to_complex else n[-1]]
        return [(_ts.TensorShape(outer + inner), dtype)]
    return rule


def _fit_axes(x, want, axes):
    """x cropped / zero-padded to `want` along `axes` (TF's RFFT/IRFFT input handling)."""
    for ax, w in zip(axes, want):
        size = x.shape[ax]
        if size > w:
            x = jnp.take(x, jnp.arange(w), axis=ax)
        elif size < w:
            pad = [(0, 0)] * x.ndim
            pad[ax] = (0, w - size)
            x = jnp.pad(x, pad)
    return x


def _complex_like(x):
    return jnp.complex128 if x.dtype in (jnp.float64, jnp.complex128) else jnp.complex64


def _real_like(x):
    return jnp.float64 if x.dtype in (jnp.float64, jnp.complex128) else jnp.float32


def _register_family(rank, suffix):
    axes = _axes(rank)
    register_op("FFT" + suffix)(lambda input, **_: jnp.fft.fftn(input, axes=axes).astype(_complex_like(input)))
    register_op("IFFT" + suffix)(lambda input, **_: jnp.fft.ifftn(input, axes=axes).astype(_complex_like(input)))

    @register_op("RFFT" + suffix, shape=_fft_rule(True, rank))
    def _rfft(input, fft_length, **_):
        n = static_ints(fft_length, "fft_length")
        x = _fit_axes(jnp.asarray(input), n, axes)
        return jnp.fft.rfftn(x, axes=axes).astype(_complex_like(x))

    @register_op("IRFFT" + suffix, shape=_fft_rule(False, rank))
    def _irfft(input, fft_length, **_):
        n = static_ints(fft_length, "fft_length")
        x = _fit_axes(jnp.asarray(input), list(n[:-1]) + [n[-1] // 2 + 1], axes)
        return jnp.fft.irfftn(x, s=n, axes=axes).astype(_real_like(x))


for _rank, _suffix in ((1, ""), (2, "2D"), (3, "3D")):
    _register_family(_rank, _suffix)


def _complex_input(x, name):
    x = _constant.convert_to_tensor(x, name="input")
    if not x.dtype.is_complex:
        raise TypeError(f"{name}: input must be complex64 or complex128, got {x.dtype.name}")
    return x


def _complex_op(op_type, rank):
    def builder(input, name=None):  # noqa: A002 - TF's name
        x = _complex_input(input, op_type.lower())
        if x.shape.ndims is not None and x.shape.ndims < rank:
            raise ValueError(f"Shape must be at least rank {rank} but is rank {x.shape.ndims}")
        return make_tensor(op_type, [x], name=name or op_type)
    builder.__name__ = op_type.lower()
    builder.__doc__ = f"tf.signal.{op_type.lower()}: {op_type} over the innermost {rank} dimension(s)."
    return builder


fft, ifft = _complex_op("FFT", 1), _complex_op("IFFT", 1)
fft2d, ifft2d = _complex_op("FFT2D", 2), _complex_op("IFFT2D", 2)
fft3d, ifft3d = _complex_op("FFT3D", 3), _complex_op("IFFT3D", 3)


def _fft_length(x, fft_length, rank, inverse):
    if fft_length is not None:
        return _constant.convert_to_tensor(fft_length, _dtypes.int32, name="fft_length")
    dims = x.shape.as_list()[-rank:] if x.shape.ndims is not None else [None] * rank
    if any(d is None for d in dims):
        from compat_tf._src.ops import array_ops
        inner = array_ops.shape(x)[-rank:]
        if inverse:
            from compat_tf._src.ops import math_ops
            inner = array_ops.concat([inner[:-1], [2 * (inner[-1] - 1)]], 0)
            return math_ops.cast(inner, _dtypes.int32)
        return inner
    if inverse:
        dims = dims[:-1] + [2 * (dims[-1] - 1)]
    return _constant.constant(dims, _dtypes.int32, name="fft_length")


def _real_op(op_type, rank, inverse):
    def builder(input_tensor, fft_length=None, name=None):
        x = _constant.convert_to_tensor(input_tensor, name="input_tensor")
        if inverse:
            if not x.dtype.is_complex:
                raise TypeError(f"{op_type.lower()}: input must be complex64 or complex128, got {x.dtype.name}")
        elif x.dtype.base_dtype not in _COMPLEX_OF:
            raise TypeError(f"{op_type.lower()}: input must be float32 or float64, got {x.dtype.name}")
        n = _fft_length(x, fft_length, rank, inverse)
        attrs = {"Treal": _REAL_OF[x.dtype.base_dtype]} if inverse else {"Tcomplex": _COMPLEX_OF[x.dtype.base_dtype]}
        return make_tensor(op_type, [x, n], attrs, name=name or op_type)
    builder.__name__ = op_type.lower()
    builder.__doc__ = (f"tf.signal.{op_type.lower()}(input_tensor, fft_length=None): {op_type} over the innermost "
                       f"{rank} dimension(s) (see the module docstring for fft_length).")
    return builder


rfft, irfft = _real_op("RFFT", 1, False), _real_op("IRFFT", 1, True)
rfft2d, irfft2d = _real_op("RFFT2D", 2, False), _real_op("IRFFT2D", 2, True)
rfft3d, irfft3d = _real_op("RFFT3D", 3, False), _real_op("IRFFT3D", 3, True)


# -- n-dimensional (TF 2.x names: ops FFTND, IFFTND, RFFTND, IRFFTND) ---------------------------
def _nd_rule(kind):
    def rule(op):
        x = op.inputs[0]
        dt = x.dtype.base_dtype
        dtype = {"RFFTND": _COMPLEX_OF.get(dt), "IRFFTND": _REAL_OF.get(dt)}.get(kind, dt)
        n = shape_inference.constant_value(op.inputs[1])
        axes = shape_inference.constant_value(op.inputs[2])
        if x.shape.ndims is None or n is None or axes is None:
            return [(_ts.unknown_shape(x.shape.ndims), dtype)]
        dims = x.shape.as_list()
        n, axes = [int(v) for v in np.reshape(n, -1)], [int(a) % len(dims) for a in np.reshape(axes, -1)]
        for i, (a, k) in enumerate(zip(axes, n)):
            dims[a] = k // 2 + 1 if kind == "RFFTND" and i == len(axes) - 1 else k
        return [(_ts.TensorShape(dims), dtype)]
    return rule


def _nd_lower(kind):
    def lower(input, fft_length, axes, **_):
        x = jnp.asarray(input)
        n = static_ints(fft_length, "fft_length")
        ax = static_ints(axes, "axes")
        if kind == "FFTND":
            return jnp.fft.fftn(x, s=n, axes=ax).astype(_complex_like(x))
        if kind == "IFFTND":
            return jnp.fft.ifftn(x, s=n, axes=ax).astype(_complex_like(x))
        if kind == "RFFTND":
            return jnp.fft.rfftn(x, s=n, axes=ax).astype(_complex_like(x))
        return jnp.fft.irfftn(x, s=n, axes=ax).astype(_real_like(x))
    return lower


for _kind in ("FFTND", "IFFTND", "RFFTND", "IRFFTND"):
    register_op(_kind, shape=_nd_rule(_kind))(_nd_lower(_kind))


def _nd(kind):
    def builder(input_tensor, fft_length=None, axes=None, norm=None, name=None):
        if norm not in (None, "backward"):
            raise NotImplementedError(f"tf.signal.{kind.lower()}(norm={norm!r}) is not supported by compat_tf")
        x = _constant.convert_to_tensor(input_tensor, name="input_tensor")
        if x.shape.ndims is None:
            raise ValueError(f"{kind.lower()}: the input rank must be known")
        ax = list(range(x.shape.ndims)) if axes is None else [int(a) for a in np.reshape(axes, -1)]
        if fft_length is None:
            dims = x.shape.as_list()
            n = [dims[a] for a in ax]
            if any(d is None for d in n):
                raise ValueError(f"{kind.lower()}: fft_length is needed when the transformed dimensions are unknown")
            if kind == "IRFFTND":
                n[-1] = 2 * (n[-1] - 1)
        else:
            n = [int(v) for v in np.reshape(fft_length, -1)]
        return make_tensor(kind, [x, _constant.constant(n, _dtypes.int32), _constant.constant(ax, _dtypes.int32)],
                           name=name or kind)
    builder.__name__ = kind.lower()
    builder.__doc__ = f"tf.signal.{kind.lower()}(input_tensor, fft_length=None, axes=None): NumPy-style n-d FFT."
    return builder


fftnd, ifftnd, rfftnd, irfftnd = _nd("FFTND"), _nd("IFFTND"), _nd("RFFTND"), _nd("IRFFTND")
