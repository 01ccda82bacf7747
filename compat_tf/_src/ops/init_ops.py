"""Variable initializers (TF1's init_ops.py).

An initializer is a callable `init(shape, dtype=None, partition_info=None)` that builds
the initial value as ops in the current graph (`tf.get_variable` calls it; a Variable's
`initial_value=init([3, 4])` works too). Each class has TF1's constructor arguments,
`dtype` attribute (float32 by default), `get_config()` and `from_config()`.

The random initializers draw from compat_tf's random ops, so their seeds follow TF1's
rules (`tf.set_random_seed` + the `seed` argument) but the values are JAX's, not TF's
(see random_ops). Orthogonal uses tf.qr when the linalg family provides it.
"""
import math

import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import random_ops
from compat_tf._src.ops._op_util import make_tensor

__all__ = [
    "constant_initializer",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "ones_initializer",
    "orthogonal_initializer",
    "random_normal_initializer",
    "random_uniform_initializer",
    "truncated_normal_initializer",
    "uniform_unit_scaling_initializer",
    "variance_scaling_initializer",
    "zeros_initializer",
]


def _assert_float_dtype(dtype):
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def _as_dtype(dtype):
    return _dtypes.as_dtype(dtype).base_dtype


def _shape_list(shape):
    """A static shape as a list of ints (TensorShape, list/tuple of ints or Dimensions, int)."""
    if isinstance(shape, _ts.TensorShape):
        if shape.ndims is None:
            raise ValueError("an initializer needs a shape of known rank, got <unknown>")
        return shape.as_list()
    if isinstance(shape, (int, np.integer)):
        return [int(shape)]
    if isinstance(shape, np.ndarray):
        return [int(d) for d in shape.reshape(-1)]
    return [_ts.dimension_value(d) for d in shape]


def _scale_shape(shape, partition_info):
    full = partition_info.full_shape if partition_info is not None else shape
    return _shape_list(full)


class Initializer:
    """Initializer base class: all initializers inherit from this class."""

    def __call__(self, shape, dtype=None, partition_info=None):
        raise NotImplementedError

    def get_config(self):
        """The configuration of the initializer as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Instantiates an initializer from a `get_config()` dictionary."""
        return cls(**config)


class Zeros(Initializer):
    """tf.zeros_initializer / tf.initializers.zeros: tensors initialized to 0."""

    def __init__(self, dtype=_dtypes.float32):
        self.dtype = _as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from compat_tf._src.ops import array_ops
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        return array_ops.zeros(shape, dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """tf.ones_initializer / tf.initializers.ones: tensors initialized to 1."""

    def __init__(self, dtype=_dtypes.float32):
        self.dtype = _as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        from compat_tf._src.ops import array_ops
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        return array_ops.ones(shape, dtype)

    def get_config(self):
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """tf.constant_initializer / tf.initializers.constant: tensors with constant values.

    As TF1: a scalar fills the shape; a list/array with fewer elements than the shape
    is padded with its last element; more elements raise ValueError ("Too many elements
    provided..."); with `verify_shape=True` a shape mismatch raises TypeError.
    """

    def __init__(self, value=0, dtype=_dtypes.float32, verify_shape=False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value: {type(value)} (expected Python scalar, list or "
                "tuple of values, or numpy.ndarray).")
        self.value = value
        self.dtype = _as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape, dtype=None, partition_info=None, verify_shape=None):
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        if verify_shape is None:
            verify_shape = self._verify_shape
        return _constant.constant(self.value, dtype=dtype, shape=_shape_list(shape),
                                  verify_shape=verify_shape)

    def get_config(self):
        # TF1 leaves `verify_shape` out (Keras compatibility)
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """tf.random_uniform_initializer / tf.initializers.random_uniform: values in [minval, maxval)."""

    def __init__(self, minval=0, maxval=None, seed=None, dtype=_dtypes.float32):
        self.minval = minval
        self.maxval = maxval
        self.seed = seed
        self.dtype = _as_dtype(dtype)

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        return random_ops.random_uniform(shape, self.minval, self.maxval, dtype, seed=self.seed)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed, "dtype": self.dtype.name}


class _MeanStddevInitializer(Initializer):
    """An initializer drawing from `_sample(shape, mean, stddev, dtype, seed=)` (float dtypes only)."""
    _sample = None

    def __init__(self, mean=0.0, stddev=1.0, seed=None, dtype=_dtypes.float32):
        self.mean = mean
        self.stddev = stddev
        self.seed = seed
        self.dtype = _assert_float_dtype(_as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        return type(self)._sample(shape, self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed, "dtype": self.dtype.name}


class RandomNormal(_MeanStddevInitializer):
    """tf.random_normal_initializer / tf.initializers.random_normal."""
    _sample = staticmethod(random_ops.random_normal)


class TruncatedNormal(_MeanStddevInitializer):
    """tf.truncated_normal_initializer / tf.initializers.truncated_normal: re-draws beyond 2 stddev."""
    _sample = staticmethod(random_ops.truncated_normal)


class UniformUnitScaling(Initializer):
    """tf.uniform_unit_scaling_initializer (deprecated in TF1): U(-m, m), m = factor * sqrt(3 / input_size).

    input_size is the product of all dimensions but the last.
    """

    def __init__(self, factor=1.0, seed=None, dtype=_dtypes.float32):
        self.factor = factor
        self.seed = seed
        self.dtype = _assert_float_dtype(_as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        scale_shape = _scale_shape(shape, partition_info)
        input_size = 1.0
        for dim in scale_shape[:-1]:
            input_size *= float(dim)
        input_size = max(input_size, 1.0)     # zero-size tensors
        max_val = math.sqrt(3 / input_size) * self.factor
        return random_ops.random_uniform(shape, -max_val, max_val, dtype, seed=self.seed)

    def get_config(self):
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


def _compute_fans(shape):
    """TF1's fan-in / fan-out: conv kernels (..., in, out) multiply by the receptive field."""
    if len(shape) < 1:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    elif len(shape) == 2:
        fan_in, fan_out = shape[0], shape[1]
    else:
        receptive_field_size = 1.0
        for dim in shape[:-2]:
            receptive_field_size *= dim
        fan_in = shape[-2] * receptive_field_size
        fan_out = shape[-1] * receptive_field_size
    return int(fan_in), int(fan_out)


# scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.)
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


class VarianceScaling(Initializer):
    """tf.variance_scaling_initializer / tf.initializers.variance_scaling.

    With n = fan_in, fan_out or (fan_in + fan_out) / 2 (per `mode`, at least 1):
    "truncated_normal" (and its deprecated alias "normal", the default in TF 1.15) draws
    a normal truncated at 2 stddev whose stddev *after* truncation is sqrt(scale / n);
    "untruncated_normal" a normal with stddev sqrt(scale / n); "uniform" U(-l, l) with
    l = sqrt(3 * scale / n).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 dtype=_dtypes.float32):
        if scale <= 0.:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument:", mode)
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument:", distribution)
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.seed = seed
        self.dtype = _assert_float_dtype(_as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        scale = self.scale
        fan_in, fan_out = _compute_fans(_scale_shape(shape, partition_info))
        if self.mode == "fan_in":
            scale /= max(1., fan_in)
        elif self.mode == "fan_out":
            scale /= max(1., fan_out)
        else:
            scale /= max(1., (fan_in + fan_out) / 2.)
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / _TRUNCATED_NORMAL_STDDEV
            return random_ops.truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            stddev = math.sqrt(scale)
            return random_ops.random_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """tf.glorot_uniform_initializer: U(-l, l), l = sqrt(6 / (fan_in + fan_out))."""

    def __init__(self, seed=None, dtype=_dtypes.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="uniform", seed=seed, dtype=dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """tf.glorot_normal_initializer: truncated normal, stddev sqrt(2 / (fan_in + fan_out))."""

    def __init__(self, seed=None, dtype=_dtypes.float32):
        super().__init__(scale=1.0, mode="fan_avg", distribution="truncated_normal", seed=seed, dtype=dtype)

    def get_config(self):
        return {"seed": self.seed, "dtype": self.dtype.name}


def lecun_normal(seed=None):
    """tf.initializers.lecun_normal: truncated normal, stddev sqrt(1 / fan_in)."""
    return VarianceScaling(scale=1., mode="fan_in", distribution="truncated_normal", seed=seed)


def lecun_uniform(seed=None):
    """tf.initializers.lecun_uniform: U(-l, l), l = sqrt(3 / fan_in)."""
    return VarianceScaling(scale=1., mode="fan_in", distribution="uniform", seed=seed)


def he_normal(seed=None):
    """tf.initializers.he_normal: truncated normal, stddev sqrt(2 / fan_in)."""
    return VarianceScaling(scale=2., mode="fan_in", distribution="truncated_normal", seed=seed)


def he_uniform(seed=None):
    """tf.initializers.he_uniform: U(-l, l), l = sqrt(6 / fan_in)."""
    return VarianceScaling(scale=2., mode="fan_in", distribution="uniform", seed=seed)


# The orthogonal factor of a QR decomposition with R's diagonal made positive, used by
# Orthogonal only when the linalg family does not provide tf.qr (a compat_tf-internal op).
@register_op("_OrthogonalQ")
def _orthogonal_q(a, **_):
    q, r = jnp.linalg.qr(jnp.asarray(a), mode="reduced")
    return q * jnp.sign(jnp.diagonal(r))[None, :]


def _qr_sign_corrected(a):
    from compat_tf._src.ops import array_ops, linalg_ops, math_ops
    qr = getattr(linalg_ops, "qr", None)
    if qr is None:
        return make_tensor("_OrthogonalQ", [a], name="OrthogonalQ")
    q, r = qr(a, full_matrices=False)
    d = array_ops.matrix_diag_part(r)
    return q * math_ops.sign(d)


class Orthogonal(Initializer):
    """tf.orthogonal_initializer / tf.initializers.orthogonal: a (semi-)orthogonal matrix times `gain`.

    As TF1: the shape is flattened to (prod(shape[:-1]), shape[-1]), a normal matrix of
    the taller orientation is QR-decomposed, Q's columns get the signs of R's diagonal,
    and Q is transposed back when there are fewer rows than columns.
    """

    def __init__(self, gain=1.0, seed=None, dtype=_dtypes.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(_as_dtype(dtype))
        self.seed = seed

    def __call__(self, shape, dtype=None, partition_info=None):
        from compat_tf._src.ops import array_ops
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        shape = _shape_list(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        num_rows = 1
        for dim in shape[:-1]:
            num_rows *= dim
        num_rows = int(num_rows)
        num_cols = int(shape[-1])
        flat_shape = (num_cols, num_rows) if num_rows < num_cols else (num_rows, num_cols)
        a = random_ops.random_normal(flat_shape, dtype=dtype, seed=self.seed)
        q = _qr_sign_corrected(a)
        if num_rows < num_cols:
            q = array_ops.matrix_transpose(q)
        return self.gain * array_ops.reshape(q, shape)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class Identity(Initializer):
    """tf.initializers.identity: `gain` times the identity matrix (2-D shapes only)."""

    def __init__(self, gain=1.0, dtype=_dtypes.float32):
        self.gain = gain
        self.dtype = _assert_float_dtype(_as_dtype(dtype))

    def __call__(self, shape, dtype=None, partition_info=None):
        from compat_tf._src.ops import array_ops
        full_shape = _shape_list(shape if partition_info is None else partition_info.full_shape)
        if len(full_shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        dtype = self.dtype if dtype is None else _as_dtype(dtype)
        initializer = array_ops.eye(*full_shape, dtype=dtype)
        if partition_info is not None:
            initializer = array_ops.slice(initializer, partition_info.var_offset, _shape_list(shape))
        return self.gain * initializer

    def get_config(self):
        return {"gain": self.gain, "dtype": self.dtype.name}


# TF1's lower-case aliases
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
identity_initializer = Identity
