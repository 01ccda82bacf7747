"""tf.nn ops that TF1 implements as single kernels (nn_ops.py / gen_nn_ops).

Op types carry TF 1.15's names (Relu, Softmax, Conv2D, Conv2DBackpropInput,
DepthwiseConv2dNative, MaxPool, AvgPool, FusedBatchNormV3, LRN, TopKV2,
InTopKV2, SoftmaxCrossEntropyWithLogits, ...), builders use TF1's v1 Python
signatures and default op names, and gradients follow TF1's registered
gradient functions where plain JAX autodiff differs:

- activation gradients at the kinks are TF's (ReluGrad gives 0 at x == 0,
  Relu6Grad 0 at 0 and 6, LeakyReluGrad alpha at 0, SeluGrad scale at 0,
  SoftsignGrad g / (1 + |x|)^2);
- SoftmaxCrossEntropyWithLogits backprops `softmax - labels` into the logits
  (TF's kernel, even when a row of labels does not sum to one) and
  `-log_softmax(logits)` into the labels;
- FusedBatchNormV3 gives no gradient through its batch-statistics outputs and,
  when not training, none into the given mean and variance (as TF's grad).

Convolutions and pools compute TF's SAME padding exactly (pad_total =
max((ceil(in/stride)-1)*stride + (k-1)*dilation + 1 - in, 0), the smaller half
before), AvgPool with SAME padding divides by the number of valid elements,
Conv2DBackpropInput / Conv2DBackpropFilter are the exact transposes of the
forward convolution (computed with jax.vjp, so the padding arithmetic is the
forward op's). Convolutions run at full float32 precision
(lax.Precision.HIGHEST: no TF32 on GPUs, as TF 1.15).

Deviations from TF1:
- Grouped Conv2D (input depth a multiple of the filter's input depth), dilated
  Conv2D and NCHW layouts work on every device (TF1's CPU kernels reject them).
  Dilated depthwise / atrous / N-d convolutions use the ops' dilations instead
  of TF1's SpaceToBatchND + conv + BatchToSpaceND (same values, fewer ops).
- Out-of-range labels in sparse_softmax_cross_entropy_with_logits give NaN
  losses (TF's GPU behaviour) instead of InvalidArgumentError (its CPU one).
- Shape-valued inputs (conv2d_transpose's output_shape, top_k's k) must be
  known when the step is compiled (values computed from tf.shape are: shapes
  are static under jit; a fed placeholder is not).
- swish is built from Mul/Sigmoid ops in a "swish" scope, not a Defun.
- softmax / log_softmax / softmax_cross_entropy over a non-last axis need a
  tensor of known rank.
- tf.nn.pool with dilation_rate > 1, ctc_beam_search_decoder raise
  NotImplementedError (nce_loss / sampled_softmax_loss: candidate_sampling_ops.py; ctc_loss,
  ctc_greedy_decoder: ctc_ops.py; (safe_)embedding_lookup_sparse: embedding_ops.py; tf.nn re-exports those).
"""
import collections
import numbers

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.ops import conv_impl
from compat_tf._src.ops import onednn_conv
from compat_tf._src.ops import pooling_impl
from compat_tf._src.runtime import run_checks
from compat_tf._src.ops._op_util import make_op, make_tensor, static_ints

__all__ = []

_PRECISION = lax.Precision.HIGHEST
_FLOATS = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

def _g():
    return _graph.get_default_graph()


def _convert(x, name=None, dtype=None):
    return _constant.convert_to_tensor(x, dtype=dtype, name=name)


def _convert_like(value, like, name=None):
    """Converts `value` as TF's op helper converts an input sharing the type attr T of `like`:
    Python and NumPy values take like's dtype; tensors keep theirs (a mismatch is a TypeError)."""
    if _constant._is_tensor_like(value):
        return _constant.convert_to_tensor(value, name=name)
    return _constant.convert_to_tensor(value, dtype=like.dtype.base_dtype, name=name)


def _fmt_shape(shape):
    if shape.ndims is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"


def _input_shapes(*tensors):
    return ", ".join(_fmt_shape(t.shape) for t in tensors)


def _check_dtype(t, allowed, param, op_type):
    dt = t.dtype.base_dtype
    if dt not in allowed:
        raise TypeError(f"Value passed to parameter '{param}' has DataType {dt.name} not in list of "
                        f"allowed values: {', '.join(a.name for a in allowed)} (op {op_type})")


def _lookup(new_name, new_value, old_name, old_value):
    """TF1's deprecation.deprecated_argument_lookup."""
    if old_value is not None:
        if new_value is not None:
            raise ValueError(f"Cannot specify both '{old_name}' and '{new_name}'")
        return old_value
    return new_value


def _ints(value, what):
    if isinstance(value, _graph.Tensor):
        from compat_tf._src.framework import shape_inference
        v = shape_inference.constant_value(value)
        if v is None:
            raise ValueError(f"{what} must be known when the graph is built (got a tensor whose value "
                             "is only known at run time)")
        value = v
    return [int(v) for v in np.asarray(value).reshape(-1)]


def _get_sequence(value, n, channel_index, name):
    """TF1's nn_ops._get_sequence: an int or a list of length 1, n or n+2 -> n+2 values."""
    if value is None:
        value = [1]
    elif isinstance(value, _graph.Tensor) or not hasattr(value, "__len__"):
        value = _ints(value, name) if isinstance(value, _graph.Tensor) else [value]
    value = [int(v) for v in value]
    current_n = len(value)
    if current_n == n + 2:
        return value
    if current_n == 1:
        value = value * n
    elif current_n != n:
        raise ValueError(f"{name} should be of length 1, {n} or {n + 2} but was {current_n}")
    if channel_index == 1:
        return [1, 1] + value
    return [1] + value + [1]


def _check_padding(padding, op_type, allow_explicit=False):
    """Returns (padding string, explicit paddings tuple) as TF1's convert_padding."""
    if isinstance(padding, (list, tuple)):
        if not allow_explicit:
            raise ValueError(f"Explicit (list) padding is not supported by {op_type}")
        explicit = []
        for i, dim_paddings in enumerate(padding):
            if not isinstance(dim_paddings, (list, tuple)):
                raise ValueError("When padding is a list, each element of padding must be a list/tuple of "
                                 f"size 2. Element with index {i} of padding is not a list/tuple")
            if len(dim_paddings) != 2:
                raise ValueError("When padding is a list, each element of padding must be a list/tuple of "
                                 f"size 2. Element with index {i} of padding has size {len(dim_paddings)}")
            explicit.extend(int(p) for p in dim_paddings)
        return "EXPLICIT", tuple(explicit)
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding == "EXPLICIT" and allow_explicit:
        raise ValueError('"EXPLICIT" is not a valid value for the padding parameter. To use explicit '
                         "padding, the padding parameter must be a list.")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Attr 'padding' of '{op_type}' Op passed string '{padding}' not in: "
                         '"SAME", "VALID"' + (', "EXPLICIT"' if allow_explicit else "") + ".")
    return padding, ()


def _str(v):
    """A string attr (an imported GraphDef may hold bytes)."""
    return v.decode() if isinstance(v, bytes) else v


def _spatial_axes(data_format, nd):
    """(channel axis, spatial axes) of an nd-rank tensor in `data_format`."""
    if _str(data_format).startswith("NC"):
        return 1, list(range(2, nd))
    return nd - 1, list(range(1, nd - 1))


def _same_or_valid_pads(sizes, ksizes, strides, dilations, padding, explicit=None):
    padding = _str(padding)
    pads = []
    for i, (n, k, s, d) in enumerate(zip(sizes, ksizes, strides, dilations)):
        ek = (k - 1) * d + 1
        if padding == "SAME":
            out = -(-n // s)
            total = max((out - 1) * s + ek - n, 0)
            pads.append((total // 2, total - total // 2))
        elif padding == "VALID":
            pads.append((0, 0))
        else:
            pads.append(tuple(explicit[i]))
    return pads


def _out_size(n, k, s, d, padding, pad=(0, 0)):
    """TF's GetWindowedOutputSize; None when n is unknown; raises on a negative size, and ValueError
    on a stride below 1 (TF's "Stride must be > 0"), whether or not n is known."""
    if s is not None and s < 1:
        raise ValueError(f"Stride must be > 0, but got {s}")
    if n is None or k is None:
        return None
    ek = (k - 1) * d + 1
    if padding == "SAME":
        return -(-n // s)
    if padding == "EXPLICIT":
        n = n + pad[0] + pad[1]
    out = (n - ek + s) // s
    if out < 0 or n < ek:
        raise _NegativeDim(ek, n)
    return out


class _NegativeDim(Exception):
    def __init__(self, k, n):
        super().__init__(k, n)
        self.k, self.n = k, n


def _check_rank(t, rank, op_type, name, *all_inputs):
    if t.shape.ndims is not None and t.shape.ndims != rank:
        raise ValueError(f"Shape must be rank {rank} but is rank {t.shape.ndims} for '{name}' "
                         f"(op: '{op_type}') with input shapes: {_input_shapes(*all_inputs)}.")


def _expand_dims(x, axis):
    return array_ops.expand_dims(x, axis)


def _squeeze(x, axes):
    return array_ops.squeeze(x, axes)


# --------------------------------------------------------------------------------------------
# activations, with TF1's gradients at the kinks
# --------------------------------------------------------------------------------------------

def _with_grad(value_fn, factor_fn):
    """An element-wise function whose derivative is factor_fn(x, y) (TF's *Grad kernel)."""
    @jax.custom_jvp
    def f(x):
        return value_fn(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        x, = primals
        t, = tangents
        y = value_fn(x)
        return y, t * factor_fn(x, y).astype(t.dtype)
    return f


def _relu_value(x):
    return jnp.maximum(x, jnp.zeros((), x.dtype))


_relu_fn = _with_grad(_relu_value, lambda x, y: x > 0)
_relu6_fn = _with_grad(lambda x: jnp.clip(x, jnp.zeros((), x.dtype), jnp.asarray(6, x.dtype)),
                       lambda x, y: (x > 0) & (x < 6))
_elu_fn = _with_grad(lambda x: jnp.where(x > 0, x, jnp.expm1(jnp.minimum(x, 0))),
                     lambda x, y: jnp.where(y < 0, y + 1, jnp.ones_like(y)))
_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_ALPHA = 1.6732632423543772848170429916717
_selu_fn = _with_grad(
    lambda x: jnp.where(x > 0, _SELU_SCALE * x, (_SELU_SCALE * _SELU_ALPHA) * jnp.expm1(jnp.minimum(x, 0))),
    lambda x, y: jnp.where(y < 0, y + _SELU_SCALE * _SELU_ALPHA, jnp.full_like(y, _SELU_SCALE)))


def _softplus_value(x):
    # TF's kernel: x above -threshold, exp(x) below threshold, log1p(exp(x)) between
    threshold = float(np.log(float(jnp.finfo(x.dtype).eps))) + 2.0
    ex = jnp.exp(jnp.minimum(x, -threshold))
    return jnp.where(x > -threshold, x, jnp.where(x < threshold, ex, jnp.log1p(ex)))


_softplus_fn = _with_grad(_softplus_value, lambda x, y: jax.nn.sigmoid(x))
_softsign_fn = _with_grad(lambda x: x / (1 + jnp.abs(x)), lambda x, y: 1 / jnp.square(1 + jnp.abs(x)))


def _leaky_relu_fn(x, alpha):
    f = _with_grad(lambda v: jnp.where(v > 0, v, v * jnp.asarray(alpha, v.dtype)),
                   lambda v, y: jnp.where(v > 0, jnp.ones_like(v), jnp.full_like(v, alpha)))
    return f(x)


register_op("Relu")(lambda features, **_: _relu_fn(features))
register_op("Relu6")(lambda features, **_: _relu6_fn(features))
register_op("Elu")(lambda features, **_: _elu_fn(features))
register_op("Selu")(lambda features, **_: _selu_fn(features))
register_op("Softplus")(lambda features, **_: _softplus_fn(features))
register_op("Softsign")(lambda features, **_: _softsign_fn(features))
register_op("LeakyRelu")(lambda features, alpha=0.2, **_: _leaky_relu_fn(features, alpha))

_REAL = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64, _dtypes.int8, _dtypes.int16,
         _dtypes.int32, _dtypes.int64, _dtypes.uint8, _dtypes.uint16)


def _activation(op_type, features, name, allowed=_FLOATS):
    x = _convert(features, name="features")
    _check_dtype(x, allowed, "features", op_type)
    return make_tensor(op_type, [x], name=name or op_type)


def relu(features, name=None):
    """tf.nn.relu (op Relu): max(features, 0); gradient 0 at 0 (TF's ReluGrad)."""
    return _activation("Relu", features, name, _REAL)


def relu6(features, name=None):
    """tf.nn.relu6 (op Relu6): min(max(features, 0), 6)."""
    with _g().name_scope(name or "Relu6") as scope:
        return _activation("Relu6", features, scope, _REAL)


def elu(features, name=None):
    """tf.nn.elu (op Elu): x if x > 0 else exp(x) - 1."""
    return _activation("Elu", features, name)


def selu(features, name=None):
    """tf.nn.selu (op Selu): scale * (x if x > 0 else alpha * (exp(x) - 1))."""
    return _activation("Selu", features, name)


def softplus(features, name=None):
    """tf.nn.softplus (op Softplus): log(exp(x) + 1), with TF's overflow thresholds."""
    return _activation("Softplus", features, name)


def softsign(features, name=None):
    """tf.nn.softsign (op Softsign): x / (|x| + 1)."""
    return _activation("Softsign", features, name)


def leaky_relu(features, alpha=0.2, name=None):
    """tf.nn.leaky_relu (op LeakyRelu, attr alpha); integer features are cast to float32 first."""
    with _g().name_scope(name or "LeakyRelu") as scope:
        x = _convert(features, name="features")
        if x.dtype.is_integer:
            x = math_ops.cast(x, _dtypes.float32)
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        if isinstance(alpha, _graph.Tensor):
            alpha = float(_ints_or_float(alpha, "leaky_relu's alpha"))
        _check_dtype(x, _FLOATS, "features", "LeakyRelu")
        return make_tensor("LeakyRelu", [x], {"alpha": float(alpha)}, name=scope)


def _ints_or_float(t, what):
    from compat_tf._src.framework import shape_inference
    v = shape_inference.constant_value(t)
    if v is None and t.op.type == "Const":
        v = t.op.get_attr("value")
    if v is None:
        raise ValueError(f"{what} must be a Python number or a constant tensor")
    return np.asarray(v).item()


def crelu(features, name=None, axis=-1):
    """tf.nn.crelu: relu(concat([x, -x], axis)) (ops: a ConcatV2 named by the scope, then Relu)."""
    with _g().name_scope(name or "CRelu") as scope:
        x = _convert(features, name="features")
        c = array_ops.concat([x, math_ops.negative(x)], axis, name=scope)
        return relu(c)


def swish(features):
    """tf.nn.swish: features * sigmoid(features) (TF1 builds it as a Defun named "swish").

    Built from ops inside a "swish" name scope; the gradient is the same function's.
    """
    with _g().name_scope("swish"):
        x = _convert(features, name="features")
        return math_ops.multiply(x, math_ops.sigmoid(x))


# --------------------------------------------------------------------------------------------
# bias_add, xw_plus_b, l2_loss
# --------------------------------------------------------------------------------------------

def _bias_add_shape(op):
    # TF1's BiasAdd shape function: value's shape with the channel dimension merged with bias's
    value, bias = op.inputs[0].shape, op.inputs[1].shape
    dtype = op.inputs[0].dtype.base_dtype
    if value.ndims is None:
        return [(_ts.TensorShape(None), dtype)]
    if value.ndims < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {value.ndims} for 'BiasAdd' (op: "
                         f"'BiasAdd') with input shapes: {value}, {bias}.")
    dims = value.as_list()
    axis = 1 if _str(op.attrs.get("data_format", "NHWC")).startswith("NC") and value.ndims >= 3 else value.ndims - 1
    if bias.ndims is not None and bias.ndims >= 1 and bias[0].value is not None:
        if dims[axis] is not None and dims[axis] != bias[0].value:
            raise ValueError(f"Dimensions must be equal, but are {dims[axis]} and {bias[0].value} for "
                             f"'BiasAdd' (op: 'BiasAdd') with input shapes: {value}, {bias}.")
        dims[axis] = bias[0].value
    return [(dims, dtype)]


@register_op("BiasAdd", shape=_bias_add_shape)
def _bias_add(value, bias, data_format="NHWC", **_):
    if _str(data_format).startswith("NC") and value.ndim >= 3:
        axis = 1
    else:
        axis = value.ndim - 1
    shape = [1] * value.ndim
    shape[axis] = bias.shape[0]
    return value + jnp.reshape(bias, shape)


def bias_add(value, bias, data_format=None, name=None):
    """tf.nn.bias_add (op BiasAdd): adds a 1-D bias along the channel dimension.

    NHWC (default): the last dimension; NCHW: dimension 1 (rank >= 3, as TF's shape function).
    """
    with _g().name_scope(name or "BiasAdd") as scope:
        value = _convert(value, name="input")
        bias = _convert(bias, dtype=value.dtype.base_dtype, name="bias")
        data_format = data_format or "NHWC"
        if data_format not in ("NHWC", "NCHW"):
            raise ValueError(f"Attr 'data_format' of 'BiasAdd' Op passed string '{data_format}' not in: "
                             '"NHWC", "NCHW".')
        _check_rank(bias, 1, "BiasAdd", scope[:-1], value, bias)
        nd = value.shape.ndims
        min_rank = 3 if data_format == "NCHW" else 2
        if nd is not None and nd < min_rank:
            raise ValueError(f"Shape must be at least rank {min_rank} but is rank {nd} for '{scope[:-1]}' "
                             f"(op: 'BiasAdd') with input shapes: {_input_shapes(value, bias)}.")
        if nd is not None and bias.shape.ndims == 1:
            c = value.shape[1 if data_format == "NCHW" else -1].value
            b = bias.shape[0].value
            if c is not None and b is not None and c != b:
                raise ValueError(f"Dimensions must be equal, but are {c} and {b} for '{scope[:-1]}' "
                                 f"(op: 'BiasAdd') with input shapes: {_input_shapes(value, bias)}.")
        return make_tensor("BiasAdd", [value, bias], {"data_format": data_format}, name=scope)


def bias_add_v1(value, bias, name=None):
    """tf.nn.bias_add_v1: bias_add along the last dimension."""
    return bias_add(value, bias, name=name or "BiasAddV1")


def xw_plus_b(x, weights, biases, name=None):
    """tf.nn.xw_plus_b: matmul(x, weights) + biases (ops xw_plus_b/MatMul and BiasAdd "xw_plus_b")."""
    with _g().name_scope(name or "xw_plus_b") as scope:
        x = _convert(x, name="x")
        weights = _convert(weights, name="weights")
        biases = _convert(biases, name="biases")
        mm = math_ops.matmul(x, weights)
        return bias_add(mm, biases, name=scope)


def xw_plus_b_v1(x, weights, biases, name=None):
    """tf.nn.xw_plus_b_v1 (same values as xw_plus_b)."""
    return xw_plus_b(x, weights, biases, name=name or "xw_plus_b_v1")


def relu_layer(x, weights, biases, name=None):
    """tf.nn.relu_layer: relu(matmul(x, weights) + biases)."""
    with _g().name_scope(name or "relu_layer") as scope:
        x = _convert(x, name="x")
        weights = _convert(weights, name="weights")
        biases = _convert(biases, name="biases")
        xw_plus_b_ = bias_add(math_ops.matmul(x, weights), biases)
        return relu(xw_plus_b_, name=scope)


@register_op("L2Loss")
def _l2_loss(t, **_):
    return (jnp.sum(jnp.square(t)) / 2).astype(t.dtype)


def l2_loss(t, name=None):
    """tf.nn.l2_loss (op L2Loss): sum(t ** 2) / 2, a scalar of t's dtype."""
    t = _convert(t, name="t")
    _check_dtype(t, _FLOATS, "t", "L2Loss")
    return make_tensor("L2Loss", [t], name=name or "L2Loss")


# --------------------------------------------------------------------------------------------
# softmax family
# --------------------------------------------------------------------------------------------

register_op("Softmax")(lambda logits, **_: jax.nn.softmax(logits, axis=-1))
register_op("LogSoftmax")(lambda logits, **_: jax.nn.log_softmax(logits, axis=-1))


def _softmax(logits, op_type, axis, name):
    logits = _convert(logits, name="logits")
    _check_dtype(logits, _FLOATS, "logits", op_type)
    shape = logits.shape
    nd = shape.ndims
    if nd is not None and nd < 1:
        raise ValueError(f"Shape must be at least rank 1 but is rank 0 for '{name or op_type}' "
                         f"(op: '{op_type}') with input shapes: [].")
    if isinstance(axis, _graph.Tensor):
        axis = _ints(axis, "the softmax axis")[0]
    axis = int(axis)
    if axis == -1 or (nd is not None and axis == nd - 1):
        return make_tensor(op_type, [logits], name=name or op_type)
    if nd is None:
        raise NotImplementedError(f"tf.nn.{op_type.lower()}(axis={axis}) on a tensor of unknown rank is not "
                                  "supported by compat_tf")
    if not -nd <= axis < nd:
        from compat_tf._src.framework import errors
        raise errors.InvalidArgumentError(
            None, None, f"Dimension ({axis}) must be in the range [{-nd}, {nd}) where {nd} is the number of "
            "dimensions in the input.")
    axis %= nd
    perm = list(range(nd))
    perm[axis], perm[nd - 1] = nd - 1, axis
    swapped = array_ops.transpose(logits, perm)
    out = make_tensor(op_type, [swapped], name=op_type)
    out = array_ops.transpose(out, perm, name=name or "transpose")
    out.set_shape(shape)
    return out


def softmax(logits, axis=None, name=None, dim=None):
    """tf.nn.softmax (op Softmax) over `axis` (default -1; `dim` is the deprecated alias).

    A non-last axis is transposed to the end and back, as TF1 does.
    """
    axis = _lookup("axis", axis, "dim", dim)
    return _softmax(logits, "Softmax", -1 if axis is None else axis, name)


def log_softmax(logits, axis=None, name=None, dim=None):
    """tf.nn.log_softmax (op LogSoftmax) over `axis` (default -1)."""
    axis = _lookup("axis", axis, "dim", dim)
    return _softmax(logits, "LogSoftmax", -1 if axis is None else axis, name)


@jax.custom_jvp
def _xent_loss(logits, labels):
    return -jnp.sum(labels * jax.nn.log_softmax(logits, axis=-1), axis=-1)


@_xent_loss.defjvp
def _xent_loss_jvp(primals, tangents):
    logits, labels = primals
    dlogits, dlabels = tangents
    lsm = jax.nn.log_softmax(logits, axis=-1)
    loss = -jnp.sum(labels * lsm, axis=-1)
    # TF's _SoftmaxCrossEntropyWithLogitsGrad: (softmax - labels) to logits, -log_softmax to labels
    t = jnp.sum((jnp.exp(lsm) - labels) * dlogits, axis=-1) - jnp.sum(lsm * dlabels, axis=-1)
    return loss, t


@register_op("SoftmaxCrossEntropyWithLogits", num_outputs=2)
def _softmax_xent(features, labels, **_):
    features, labels = jnp.broadcast_arrays(features, labels)
    loss = _xent_loss(features, labels)
    backprop = jax.nn.softmax(features, axis=-1) - labels
    return loss, backprop


def _check_labels(labels, n):
    """TF1's CPU kernel: InvalidArgumentError for a label outside [0, n) (NaN loss on GPU)."""
    xp = run_checks.array_module(labels)
    flat = xp.asarray(labels).reshape(-1)
    if flat.size:
        valid = (flat >= 0) & (flat < n)
        if xp is np and valid.all():
            return
        first = xp.argmax(~valid)
        run_checks.check(~valid, lambda v, size: f"Received a label value of {v} which is outside the valid "
                         f"range of [0, {size}).", flat[first], xp.asarray(n, xp.int64))


def _num_classes(op):
    shape = op.inputs[0].shape
    n = shape.as_list()[-1] if shape.ndims else None
    return None if n is None else (n,)


@register_op("SparseSoftmaxCrossEntropyWithLogits", num_outputs=2)
def _sparse_softmax_xent(features, labels, **_):
    n = features.shape[-1]
    valid = (labels >= 0) & (labels < n)
    _check_labels(labels, n)
    safe = jnp.where(valid, labels, 0).astype(jnp.int32)
    onehot = jax.nn.one_hot(safe, n, dtype=features.dtype)
    loss = _sparse_xent_loss(features, onehot, valid)
    nan = jnp.asarray(np.nan, features.dtype)
    backprop = jnp.where(valid[..., None], jax.nn.softmax(features, axis=-1) - onehot, nan)
    return loss, backprop


run_checks.register_checked_op("SparseSoftmaxCrossEntropyWithLogits", precheck=run_checks.Precheck(
    inputs=(1,), static=_num_classes, check=_check_labels))


@jax.custom_jvp
def _sparse_xent_loss(logits, onehot, valid):
    """-log_softmax(logits)[label] (NaN for an invalid label), differentiated as TF1 does it: the
    op's backprop output, softmax - onehot (a dense product, no gather to transpose)."""
    loss = -jnp.sum(jax.nn.log_softmax(logits, axis=-1) * onehot, axis=-1)
    return jnp.where(valid, loss, jnp.asarray(np.nan, logits.dtype))


@_sparse_xent_loss.defjvp
def _sparse_xent_loss_jvp(primals, tangents):
    logits, onehot, valid = primals
    t_logits = tangents[0]
    loss = _sparse_xent_loss(logits, onehot, valid)
    backprop = jnp.where(valid[..., None], jax.nn.softmax(logits, axis=-1) - onehot,
                         jnp.asarray(np.nan, logits.dtype))
    return loss, jnp.sum(backprop * t_logits, axis=-1)


def _ensure_xent_args(name, sentinel, labels, logits):
    if sentinel is not None:
        raise ValueError(f"Only call `{name}` with named arguments (labels=..., logits=..., ...)")
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")


def _flatten_outer_dims(x):
    """Reshapes to [-1, last dim] (static when the last dimension is known)."""
    last = x.shape[-1].value if x.shape.ndims is not None else None
    if last is None:
        last = array_ops.shape(x)[-1]
    return array_ops.reshape(x, [-1, last])


def softmax_cross_entropy_with_logits_v2(labels, logits, axis=None, name=None, dim=None):
    """tf.nn.softmax_cross_entropy_with_logits_v2: -sum(labels * log_softmax(logits), axis).

    Gradients flow into both logits and labels (op SoftmaxCrossEntropyWithLogits, named by the
    scope, between TF1's Reshape / Reshape_1 / Reshape_2).
    """
    axis = _lookup("axis", axis, "dim", dim)
    if axis is None:
        axis = -1
    with _g().name_scope(name or "softmax_cross_entropy_with_logits") as scope:
        logits = _convert(logits, name="logits")
        labels = _convert(labels, name="labels")
        _check_dtype(logits, _FLOATS, "features", "SoftmaxCrossEntropyWithLogits")
        to_f32 = logits.dtype.base_dtype in (_dtypes.float16, _dtypes.bfloat16)
        precise = math_ops.cast(logits, _dtypes.float32) if to_f32 else logits
        labels = math_ops.cast(labels, precise.dtype.base_dtype)
        shape = logits.shape
        nd = shape.ndims
        if axis != -1:
            if nd is None:
                raise NotImplementedError("softmax_cross_entropy_with_logits with axis != -1 on a tensor of "
                                          "unknown rank is not supported by compat_tf")
            ax = axis % nd
            perm = [i for i in range(nd) if i != ax] + [ax]
            precise = array_ops.transpose(precise, perm)
            labels = array_ops.transpose(labels, perm)
        ls, lb = precise.shape, labels.shape
        if ls.ndims is not None and lb.ndims is not None and ls.ndims == lb.ndims:
            for a, b in zip(ls.as_list(), lb.as_list()):
                if a is not None and b is not None and a != b and a != 1 and b != 1:
                    raise ValueError(f"Dimensions must be equal, but are {a} and {b} for '{scope[:-1]}' "
                                     "(op: 'SoftmaxCrossEntropyWithLogits') with input shapes: "
                                     f"{_input_shapes(precise, labels)}.")
        if ls.is_fully_defined():
            out_shape = np.array(ls.as_list()[:-1], np.int32)
        else:
            out_shape = array_ops.shape(precise)[:-1]
        flat_logits = _flatten_outer_dims(precise)
        flat_labels = _flatten_outer_dims(labels)
        cost = make_op("SoftmaxCrossEntropyWithLogits", [flat_logits, flat_labels], name=scope).outputs[0]
        cost = array_ops.reshape(cost, out_shape)
        if nd is not None:
            s = shape.as_list()
            del s[axis]
            cost.set_shape(s)
        if to_f32:
            return math_ops.cast(cost, logits.dtype.base_dtype)
        return cost


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1, name=None,
                                      axis=None):
    """tf.nn.softmax_cross_entropy_with_logits (deprecated v1): named arguments only.

    As TF1, labels pass through a StopGradient (`softmax_cross_entropy_with_logits_sg/
    labels_stop_gradient`), so no gradient flows into them; use the _v2 function for that.
    """
    dim = _lookup("axis", axis, "dim", dim)
    _ensure_xent_args("softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    from compat_tf._src.ops import gradients_impl
    with _g().name_scope(name or "softmax_cross_entropy_with_logits_sg") as scope:
        labels = gradients_impl.stop_gradient(labels, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits, axis=dim, name=scope)


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """tf.nn.sparse_softmax_cross_entropy_with_logits: integer class labels (rank = logits' rank - 1).

    Op SparseSoftmaxCrossEntropyWithLogits; logits of rank other than 2 are flattened and the
    cost reshaped back to the labels' shape. An out-of-range label gives a NaN loss (TF's GPU
    behaviour; TF's CPU kernel raises InvalidArgumentError).
    """
    _ensure_xent_args("sparse_softmax_cross_entropy_with_logits", _sentinel, labels, logits)
    with _g().name_scope(name or "SparseSoftmaxCrossEntropyWithLogits"):
        labels = _convert(labels)
        logits = _convert(logits)
        _check_dtype(logits, _FLOATS, "features", "SparseSoftmaxCrossEntropyWithLogits")
        _check_dtype(labels, (_dtypes.int32, _dtypes.int64), "labels", "SparseSoftmaxCrossEntropyWithLogits")
        is_half = logits.dtype.base_dtype in (_dtypes.float16, _dtypes.bfloat16)
        precise = math_ops.cast(logits, _dtypes.float32) if is_half else logits
        lshape = labels.shape
        gshape = logits.shape
        if gshape.ndims is not None and gshape.ndims == 0:
            raise ValueError(f"Logits cannot be scalars - received shape {gshape}.")
        if gshape.ndims is not None and lshape.ndims is not None and lshape.ndims != gshape.ndims - 1:
            raise ValueError(f"Rank mismatch: Rank of labels (received {lshape.ndims}) should equal rank of "
                             f"logits minus 1 (received {gshape.ndims}).")
        if lshape.is_fully_defined() and gshape.ndims is not None and gshape[:-1].is_fully_defined() \
                and lshape.as_list() != gshape.as_list()[:-1]:
            raise ValueError(f"Shape mismatch: The shape of labels (received {lshape}) should equal the "
                             f"shape of logits except for the last dimension (received {gshape}).")
        op_name = name or "SparseSoftmaxCrossEntropyWithLogits"
        if gshape.ndims == 2:
            cost = make_op("SparseSoftmaxCrossEntropyWithLogits", [precise, labels], name=op_name).outputs[0]
        else:
            labels_shape = array_ops.shape(labels)
            precise = _flatten_outer_dims(precise)
            flat_labels = array_ops.reshape(labels, [-1])
            cost = make_op("SparseSoftmaxCrossEntropyWithLogits", [precise, flat_labels],
                           name=op_name).outputs[0]
            cost = array_ops.reshape(cost, np.array(lshape.as_list(), np.int32) if lshape.is_fully_defined()
                                     else labels_shape)
            cost.set_shape(lshape)
        if is_half:
            return math_ops.cast(cost, logits.dtype.base_dtype)
        return cost


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) - x * z + log(1 + exp(-|x|)).

    TF1's numerically stable formula and graph in a "logistic_loss" scope (the final Add named by
    it), selecting on `x >= 0` with tf.where, so the gradient at x == 0 is TF's (1 - z - 0.5).
    """
    _ensure_xent_args("sigmoid_cross_entropy_with_logits", _sentinel, labels, logits)
    with _g().name_scope(name or "logistic_loss") as scope:
        logits = _convert(logits, name="logits")
        labels = _convert(labels, name="labels")
        _check_same_shape(logits, labels, "logits and labels")
        zeros = array_ops.zeros_like(logits, dtype=logits.dtype.base_dtype)
        cond = logits >= zeros
        relu_logits = array_ops.where(cond, logits, zeros)
        neg_abs_logits = array_ops.where(cond, -logits, logits)
        return math_ops.add(relu_logits - logits * labels, math_ops.log1p(math_ops.exp(neg_abs_logits)),
                            name=scope)


def _check_same_shape(a, b, what):
    if not a.shape.is_compatible_with(b.shape):
        raise ValueError(f"{what} must have the same shape ({a.shape} vs {b.shape})")
    if a.dtype.base_dtype != b.dtype.base_dtype:
        raise TypeError(f"{what} must have the same dtype ({a.dtype.name} vs {b.dtype.name})")


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None, targets=None):
    """tf.nn.weighted_cross_entropy_with_logits: (1 - z) * x + (1 + (q - 1) * z) * log(1 + exp(-x)).

    Computed as TF1: (1 - z) * x + l * (log1p(exp(-|x|)) + relu(-x)), l = 1 + (q - 1) * z.
    `targets` is the deprecated alias of `labels`.
    """
    labels = _lookup("labels", labels, "targets", targets)
    with _g().name_scope(name or "logistic_loss") as scope:
        logits = _convert(logits, name="logits")
        labels = _convert(labels, name="labels")
        _check_same_shape(logits, labels, "logits and targets")
        log_weight = 1 + (pos_weight - 1) * labels
        return math_ops.add(
            (1 - labels) * logits,
            log_weight * (math_ops.log1p(math_ops.exp(-math_ops.abs(logits))) + relu(-logits)),
            name=scope)


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """tf.nn.log_poisson_loss: exp(c) - z * c, plus Stirling's term (z > 1 only) when compute_full_loss."""
    with _g().name_scope(name or "log_poisson_loss"):
        log_input = _convert(log_input, name="log_input")
        targets = _convert(targets, name="targets")
        if not targets.shape.is_compatible_with(log_input.shape):
            raise ValueError(f"log_input and targets must have the same shape ({log_input.shape} vs "
                             f"{targets.shape})")
        result = math_ops.exp(log_input) - log_input * targets
        if compute_full_loss:
            dt = targets.dtype.base_dtype
            point_five = _constant.constant(0.5, dtype=dt)
            two_pi = _constant.constant(2 * np.pi, dtype=dt)
            stirling_approx = (targets * math_ops.log(targets)) - targets + (
                point_five * math_ops.log(two_pi * targets))
            zeros = array_ops.zeros_like(targets, dtype=dt)
            cond = math_ops.logical_and(targets >= zeros, targets <= 1.0)
            result += array_ops.where(cond, zeros, stirling_approx)
        return result


# --------------------------------------------------------------------------------------------
# convolutions
# --------------------------------------------------------------------------------------------

def _conv_lower(x, w, strides, padding, explicit_paddings, data_format, dilations, depthwise=False):
    nd = x.ndim
    n = nd - 2
    c_axis, sp = _spatial_axes(data_format, nd)
    s = [strides[a] for a in sp]
    d = [dilations[a] for a in sp]
    padding, data_format = _str(padding), _str(data_format)
    explicit = [(explicit_paddings[2 * a], explicit_paddings[2 * a + 1]) for a in sp] \
        if padding == "EXPLICIT" else None
    pads = _same_or_valid_pads([x.shape[a] for a in sp], w.shape[:n], s, d, padding, explicit)
    spatial = "DHW"[3 - n:]
    in_c = x.shape[c_axis]
    if depthwise:
        w = jnp.reshape(w, tuple(w.shape[:n]) + (1, w.shape[-2] * w.shape[-1]))
        groups = in_c
    else:
        if in_c % w.shape[-2]:
            raise ValueError(f"Depth of input ({in_c}) is not a multiple of input depth of filter "
                             f"({w.shape[-2]})")
        groups = in_c // w.shape[-2]
        if groups == 1 and n > 1 and data_format in ("NHWC", "NDHWC") and _covers_last_axis(x, w, pads, d):
            x, w, s, pads, d = _fold_last_axis(x, w, s, pads, d)
    y = onednn_conv.conv(x, w.astype(x.dtype), s, pads, d, groups, data_format)   # CPU: TF's oneDNN kernels
    if y is not None:
        return y
    if conv_impl.applies(x, w, groups, data_format, s, pads, d):   # CPU: gradients as TF's GEMMs
        return conv_impl.conv2d(x, w.astype(x.dtype), s, pads, d, _PRECISION)
    return lax.conv_general_dilated(
        x, w.astype(x.dtype), window_strides=s, padding=pads, rhs_dilation=d,
        dimension_numbers=(data_format, spatial + "IO", data_format), feature_group_count=groups,
        precision=_PRECISION)


def _covers_last_axis(x, w, pads, dilations):
    """Whether the filter spans the whole last spatial axis, unpadded (a text CNN's [width, embedding]
    filter over [tokens, embedding]): one output position along it."""
    k, size = w.shape[-3], x.shape[-2]
    return k == size and k > 1 and tuple(pads[-1]) == (0, 0) and dilations[-1] == 1


def _fold_last_axis(x, w, strides, pads, dilations):
    """The same convolution with the last spatial axis folded into the channels: [..., W, C] ->
    [..., 1, W*C] and the filter [..., W, C, O] -> [..., 1, W*C, O] (the same sums); returns the
    folded (x, w, strides, pads, dilations). XLA's CPU convolution computes the input gradient of
    the unfolded form as a transposed convolution padded by W-1 on both sides, W times the work
    (~12 s a step for a text CNN)."""
    xf = x.reshape(x.shape[:-2] + (1, x.shape[-2] * x.shape[-1]))
    wf = w.astype(x.dtype).reshape(w.shape[:-3] + (1, w.shape[-3] * w.shape[-2], w.shape[-1]))
    return xf, wf, list(strides[:-1]) + [1], list(pads[:-1]) + [(0, 0)], list(dilations[:-1]) + [1]


def _conv_attrs_lower(depthwise=False):
    def lower(input, filter, strides, padding, data_format="NHWC", dilations=None, explicit_paddings=(), **_):
        dil = dilations or (1,) * input.ndim
        return _conv_lower(input, filter, strides, padding, explicit_paddings, data_format, dil, depthwise)
    return lower


register_op("Conv2D")(_conv_attrs_lower())
register_op("Conv3D")(_conv_attrs_lower())
register_op("DepthwiseConv2dNative")(_conv_attrs_lower(depthwise=True))


def _backprop_input_lower(depthwise=False):
    def lower(input_sizes, filter, out_backprop, strides, padding, data_format="NHWC", dilations=None,
              explicit_paddings=(), **_):
        sizes = tuple(int(v) for v in static_ints(input_sizes, "the output shape of a transposed "
                                                  "convolution (input_sizes)").reshape(-1))
        dil = dilations or (1,) * len(sizes)

        def fwd(x):
            return _conv_lower(x, filter, strides, padding, explicit_paddings, data_format, dil, depthwise)

        x0 = jnp.zeros(sizes, out_backprop.dtype)
        expected = jax.eval_shape(fwd, x0).shape
        if tuple(expected) != tuple(out_backprop.shape):
            from compat_tf._src.framework import errors
            raise errors.InvalidArgumentError(
                None, None, f"Conv2DSlowBackpropInput: Size of out_backprop doesn't match computed: "
                f"actual = {tuple(out_backprop.shape)}, computed = {tuple(expected)} (input_sizes "
                f"{list(sizes)}, filter {tuple(filter.shape)}, strides {list(strides)}, padding {padding})")
        _, vjp = jax.vjp(fwd, x0)
        return vjp(out_backprop.astype(x0.dtype))[0]
    return lower


def _backprop_filter_lower(depthwise=False):
    def lower(input, filter_sizes, out_backprop, strides, padding, data_format="NHWC", dilations=None,
              explicit_paddings=(), **_):
        sizes = tuple(int(v) for v in static_ints(filter_sizes, "filter_sizes").reshape(-1))
        dil = dilations or (1,) * input.ndim

        def fwd(w):
            return _conv_lower(input, w, strides, padding, explicit_paddings, data_format, dil, depthwise)

        w0 = jnp.zeros(sizes, input.dtype)
        expected = jax.eval_shape(fwd, w0).shape
        if tuple(expected) != tuple(out_backprop.shape):
            from compat_tf._src.framework import errors
            raise errors.InvalidArgumentError(
                None, None, f"Conv2DBackpropFilter: Size of out_backprop doesn't match computed: actual = "
                f"{tuple(out_backprop.shape)}, computed = {tuple(expected)}")
        _, vjp = jax.vjp(fwd, w0)
        return vjp(out_backprop.astype(w0.dtype))[0]
    return lower


def _sizes_shape_rule(sizes_index, dtype_index):
    """Output shape = the value of the sizes input (as far as it is known at build time)."""
    def rule(op):
        t = op.inputs[sizes_index]
        rank = t.shape[0].value if t.shape.ndims == 1 else None
        shape = _shape_from_tensor(t, rank) if rank is not None else _ts.unknown_shape()
        return [(shape, op.inputs[dtype_index].dtype.base_dtype)]
    return rule


_IN_RULE, _FILTER_RULE = _sizes_shape_rule(0, 1), _sizes_shape_rule(1, 0)
register_op("Conv2DBackpropInput", shape=_IN_RULE)(_backprop_input_lower())
register_op("Conv3DBackpropInputV2", shape=_IN_RULE)(_backprop_input_lower())
register_op("DepthwiseConv2dNativeBackpropInput", shape=_IN_RULE)(_backprop_input_lower(depthwise=True))
register_op("Conv2DBackpropFilter", shape=_FILTER_RULE)(_backprop_filter_lower())
register_op("Conv3DBackpropFilterV2", shape=_FILTER_RULE)(_backprop_filter_lower())
register_op("DepthwiseConv2dNativeBackpropFilter", shape=_FILTER_RULE)(_backprop_filter_lower(depthwise=True))


def _check_data_format(data_format, allowed, op_type):
    if data_format not in allowed:
        raise ValueError(f"Attr 'data_format' of '{op_type}' Op passed string '{data_format}' not in: "
                         + ", ".join(f'"{a}"' for a in allowed) + ".")


def _conv_static_checks(op_type, name, x, w, strides, dilations, padding, explicit, data_format,
                        depthwise=False):
    nd = len(strides)
    _check_rank(x, nd, op_type, name, x, w)
    _check_rank(w, nd, op_type, name, x, w)
    c_axis, sp = _spatial_axes(data_format, nd)
    if strides[0] != 1 or strides[c_axis] != 1:
        raise ValueError("Current implementation does not yet support strides in the batch and depth "
                         "dimensions.")
    if dilations[0] != 1 or dilations[c_axis] != 1:
        raise ValueError("Current implementation does not yet support dilations in the batch and depth "
                         "dimensions.")
    if any(s < 1 for s in strides) or any(d < 1 for d in dilations):
        raise ValueError(f"{op_type}: strides and dilations must be >= 1, got {strides} and {dilations}")
    if x.shape.ndims is None or w.shape.ndims is None:
        return
    xs, ws = x.shape.as_list(), w.shape.as_list()
    in_c, f_in = xs[c_axis], ws[-2]
    if in_c is not None and f_in is not None:
        if depthwise and in_c != f_in:
            raise ValueError(f"Dimensions must be equal, but are {in_c} and {f_in} for '{name}' "
                             f"(op: '{op_type}') with input shapes: {_input_shapes(x, w)}.")
        if not depthwise and in_c % f_in:
            raise ValueError(f"Depth of input ({in_c}) is not a multiple of input depth of filter ({f_in}) "
                             f"for '{name}' (op: '{op_type}') with input shapes: {_input_shapes(x, w)}.")
    for i, a in enumerate(sp):
        pad = (explicit[2 * a], explicit[2 * a + 1]) if padding == "EXPLICIT" else (0, 0)
        try:
            _out_size(xs[a], ws[i], strides[a], dilations[a], padding, pad)
        except _NegativeDim as e:
            raise ValueError(f"Negative dimension size caused by subtracting {e.k} from {e.n} for '{name}' "
                             f"(op: '{op_type}') with input shapes: {_input_shapes(x, w)}.") from None


def _conv_op(op_type, input, filter, strides, padding, data_format, dilations, name, n_spatial,
             formats, allow_explicit=False, depthwise=False, full_strides=False):
    x = _convert(input, name="input")
    w = _convert_like(filter, x, name="filter")
    _check_dtype(x, _FLOATS, "input", op_type)
    if w.dtype.base_dtype != x.dtype.base_dtype:
        raise TypeError(f"Input 'filter' of '{op_type}' Op has type {w.dtype.base_dtype.name} that does not "
                        f"match type {x.dtype.base_dtype.name} of argument 'input'.")
    data_format = data_format or formats[0]
    _check_data_format(data_format, formats, op_type)
    channel_index = 1 if data_format.startswith("NC") else n_spatial + 1
    if full_strides:
        strides = [int(s) for s in strides]
        if len(strides) != n_spatial + 2:
            raise ValueError(f"{op_type} requires the stride attribute to contain {n_spatial + 2} values, "
                             f"but got: {len(strides)}")
    else:
        strides = _get_sequence(strides, n_spatial, channel_index, "strides")
    dilations = _get_sequence(dilations, n_spatial, channel_index, "dilations")
    padding, explicit = _check_padding(padding, op_type, allow_explicit)
    if padding == "EXPLICIT" and len(explicit) != 2 * (n_spatial + 2):
        raise ValueError(f"When padding is a list, it must be of size {n_spatial + 2}. Got padding of size: "
                         f"{len(explicit) // 2}")
    op_name = name or op_type
    _conv_static_checks(op_type, op_name.rstrip("/"), x, w, strides, dilations, padding, explicit,
                        data_format, depthwise)
    attrs = {"strides": tuple(strides), "padding": padding, "data_format": data_format,
             "dilations": tuple(dilations)}
    if allow_explicit:
        attrs["explicit_paddings"] = tuple(explicit)
        attrs["use_cudnn_on_gpu"] = True
    out = make_tensor(op_type, [x, w], attrs, name=op_name)
    if out.shape.ndims is None:  # TF's shape function still knows the rank and the output depth
        dims = [None] * (n_spatial + 2)
        if w.shape.ndims is not None:
            fo, fi = w.shape[-1].value, w.shape[-2].value
            dims[channel_index] = fo * fi if depthwise and fo is not None and fi is not None else \
                (None if depthwise else fo)
        out.set_shape(dims)
    return out


def conv2d(input, filter=None, strides=None, padding=None, use_cudnn_on_gpu=True, data_format="NHWC",
           dilations=[1, 1, 1, 1], name=None, filters=None):  # noqa: B006 - TF1's signature
    """tf.nn.conv2d (op Conv2D): strides/dilations of length 1, 2 or 4; padding SAME, VALID or an
    explicit list of 4 [before, after] pairs; NHWC or NCHW. `filters` is an alias of `filter`."""
    filter = _lookup("filters", filters, "filter", filter)
    if strides is None:
        raise TypeError("conv2d() missing required argument 'strides'")
    return _conv_op("Conv2D", input, filter, strides, padding, data_format, dilations, name, 2,
                    ("NHWC", "NCHW"), allow_explicit=True)


def conv3d(input, filter=None, strides=None, padding=None, data_format="NDHWC",
           dilations=[1, 1, 1, 1, 1], name=None, filters=None):  # noqa: B006 - TF1's signature
    """tf.nn.conv3d (op Conv3D): strides is a list of 5 ints; NDHWC or NCDHW."""
    filter = _lookup("filters", filters, "filter", filter)
    return _conv_op("Conv3D", input, filter, strides, padding, data_format, dilations, name, 3,
                    ("NDHWC", "NCDHW"), full_strides=True)


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None, data_format=None,
           name=None, input=None, dilations=None):
    """tf.nn.conv1d: a Conv2D over [batch, 1, width, channels] (ExpandDims, Conv2D "conv1d", Squeeze)."""
    value = _lookup("input", input, "value", value)
    with _g().name_scope(name or "conv1d") as scope:
        if data_format is None or data_format in ("NHWC", "NWC"):
            data_format, spatial_start_dim, channel_index = "NHWC", 1, 2
        elif data_format in ("NCHW", "NCW"):
            data_format, spatial_start_dim, channel_index = "NCHW", 2, 1
        else:
            raise ValueError('data_format must be "NWC" or "NCW".')
        strides = [1] + _get_sequence(stride, 1, channel_index, "stride")
        dilations = [1] + _get_sequence(dilations, 1, channel_index, "dilations")
        value = _convert(value)
        filters = _expand_dims(_convert_like(filters, value), 0)
        value = _expand_dims(value, spatial_start_dim)
        result = _conv_op("Conv2D", value, filters, strides, padding, data_format, dilations, scope, 2,
                          ("NHWC", "NCHW"), full_strides=True)
        return _squeeze(result, [spatial_start_dim])


def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC", dilations=[1, 1, 1, 1],
                            name=None):  # noqa: B006 - TF1's signature
    """tf.nn.depthwise_conv2d_native (op DepthwiseConv2dNative): filter [h, w, in, multiplier];
    output channel c * multiplier + m."""
    return _conv_op("DepthwiseConv2dNative", input, filter, strides, padding, data_format, dilations, name, 2,
                    ("NHWC", "NCHW"), depthwise=True, full_strides=True)


def _rate_pair(rate):
    if rate is None:
        return [1, 1]
    r = [int(v) for v in np.broadcast_to(np.asarray(rate), (2,))]
    if any(v < 1 for v in r):
        raise ValueError(f"dilation_rate must be positive, got {r}")
    return r


def _check_rate_strides(rate, strides):
    if any(v > 1 for v in rate):
        s = np.asarray(strides).reshape(-1)
        if np.any(s > 1):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None, data_format=None, dilations=None):
    """tf.nn.depthwise_conv2d: DepthwiseConv2dNative named "depthwise"; `rate` dilates the filter.

    TF1 computes a dilated depthwise convolution through SpaceToBatchND; compat_tf passes the
    rate as the op's dilations, which gives the same values.
    """
    rate = _rate_pair(_lookup("dilations", dilations, "rate", rate))
    _check_rate_strides(rate, strides)
    with _g().name_scope(name or "depthwise") as scope:
        x = _convert(input, name="tensor_in")
        w = _convert_like(filter, x, name="filter_in")
        df = data_format or "NHWC"
        dil = [1, 1] + rate if df.startswith("NC") else [1] + rate + [1]
        return _conv_op("DepthwiseConv2dNative", x, w, strides, padding, df, dil, scope, 2,
                        ("NHWC", "NCHW"), depthwise=True, full_strides=True)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, rate=None, name=None,
                     data_format=None, dilations=None):
    """tf.nn.separable_conv2d: depthwise conv ("depthwise") then a 1x1 Conv2D named by the scope."""
    rate = _rate_pair(_lookup("dilations", dilations, "rate", rate))
    _check_rate_strides(rate, strides)
    with _g().name_scope(name or "separable_conv2d") as scope:
        x = _convert(input, name="tensor_in")
        dw = _convert_like(depthwise_filter, x, name="depthwise_filter")
        pw = _convert_like(pointwise_filter, x, name="pointwise_filter")
        pws = pw.shape.with_rank(4)
        pws.dims[0].assert_is_compatible_with(1)
        pws.dims[1].assert_is_compatible_with(1)
        df = data_format or "NHWC"
        dil = [1, 1] + rate if df.startswith("NC") else [1] + rate + [1]
        depthwise = _conv_op("DepthwiseConv2dNative", x, dw, strides, padding, df, dil, "depthwise", 2,
                             ("NHWC", "NCHW"), depthwise=True, full_strides=True)
        return _conv_op("Conv2D", depthwise, pw, [1, 1, 1, 1], "VALID", df, None, scope, 2,
                        ("NHWC", "NCHW"), allow_explicit=True)


def _backprop_op(op_type, sizes, tensors, strides, padding, data_format, dilations, name, n_spatial,
                 formats, sizes_name, allow_explicit=False):
    data_format = data_format or formats[0]
    _check_data_format(data_format, formats, op_type)
    channel_index = 1 if data_format.startswith("NC") else n_spatial + 1
    strides = _get_sequence(strides, n_spatial, channel_index, "strides")
    dilations = _get_sequence(dilations, n_spatial, channel_index, "dilations")
    padding, explicit = _check_padding(padding, op_type, allow_explicit)
    if isinstance(sizes, _graph.Tensor):
        sizes_t = sizes
    else:
        sizes_t = _constant.convert_to_tensor(sizes, dtype=_dtypes.int32, name=sizes_name)
    if sizes_t.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"Value passed to parameter '{sizes_name}' has DataType {sizes_t.dtype.name} not in "
                        "list of allowed values: int32, int64")
    if sizes_t.shape.ndims is not None and sizes_t.shape.ndims != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {sizes_t.shape.ndims} for {sizes_name} of "
                         f"'{op_type}'")
    if sizes_t.shape.ndims == 1 and sizes_t.shape[0].value not in (None, n_spatial + 2):
        raise ValueError(f"{sizes_name} must have {n_spatial + 2} elements, got shape {sizes_t.shape}")
    first = _convert(tensors[0])
    ts = [first, _convert_like(tensors[1], first)]
    attrs = {"strides": tuple(strides), "padding": padding, "data_format": data_format,
             "dilations": tuple(dilations)}
    if allow_explicit:
        attrs["explicit_paddings"] = tuple(explicit)
        attrs["use_cudnn_on_gpu"] = True
    if sizes_name == "input_sizes":
        ins = [sizes_t, ts[0], ts[1]]
    else:
        ins = [ts[0], sizes_t, ts[1]]
    if ts[1].dtype.base_dtype != ts[0].dtype.base_dtype:
        raise TypeError(f"Input 'out_backprop' of '{op_type}' Op has type {ts[1].dtype.base_dtype.name} that "
                        f"does not match type {ts[0].dtype.base_dtype.name} of argument "
                        f"'{'filter' if sizes_name == 'input_sizes' else 'input'}'.")
    return make_tensor(op_type, ins, attrs, name=name or op_type)


def _shape_from_tensor(t, rank):
    """The static shape a 1-D shape tensor describes (TF's MakeShapeFromShapeTensor): its constant
    value, or the constant elements of a Pack (e.g. [tf.shape(x)[0], 8, 8, 64])."""
    from compat_tf._src.framework import shape_inference
    known = shape_inference.constant_value(t)
    if known is not None:
        return [int(v) for v in np.asarray(known).reshape(-1)]
    if t.op.type == "Pack" and len(t.op.inputs) == rank:
        dims = []
        for e in t.op.inputs:
            v = shape_inference.constant_value(e)
            dims.append(None if v is None or int(np.asarray(v)) < 0 else int(np.asarray(v)))
        return dims
    return _ts.unknown_shape(rank)


def conv2d_backprop_input(input_sizes, filter=None, out_backprop=None, strides=None, padding=None,
                          use_cudnn_on_gpu=True, data_format="NHWC", dilations=[1, 1, 1, 1], name=None,
                          filters=None):  # noqa: B006 - TF1's signature
    """tf.nn.conv2d_backprop_input (op Conv2DBackpropInput): the gradient of conv2d w.r.t. its input."""
    filter = _lookup("filters", filters, "filter", filter)
    return _backprop_op("Conv2DBackpropInput", input_sizes, [filter, out_backprop], strides, padding,
                        data_format, dilations, name, 2, ("NHWC", "NCHW"), "input_sizes", allow_explicit=True)


def conv2d_backprop_filter(input, filter_sizes, out_backprop, strides, padding, use_cudnn_on_gpu=True,
                           data_format="NHWC", dilations=[1, 1, 1, 1], name=None):  # noqa: B006
    """tf.nn.conv2d_backprop_filter (op Conv2DBackpropFilter): the gradient of conv2d w.r.t. its filter."""
    return _backprop_op("Conv2DBackpropFilter", filter_sizes, [input, out_backprop], strides, padding,
                        data_format, dilations, name, 2, ("NHWC", "NCHW"), "filter_sizes",
                        allow_explicit=True)


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, strides, padding,
                                           data_format="NHWC", dilations=[1, 1, 1, 1], name=None):  # noqa
    """tf.nn.depthwise_conv2d_native_backprop_input (op DepthwiseConv2dNativeBackpropInput)."""
    return _backprop_op("DepthwiseConv2dNativeBackpropInput", input_sizes, [filter, out_backprop], strides,
                        padding, data_format, dilations, name, 2, ("NHWC", "NCHW"), "input_sizes")


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, strides, padding,
                                            data_format="NHWC", dilations=[1, 1, 1, 1], name=None):  # noqa
    """tf.nn.depthwise_conv2d_native_backprop_filter (op DepthwiseConv2dNativeBackpropFilter)."""
    return _backprop_op("DepthwiseConv2dNativeBackpropFilter", filter_sizes, [input, out_backprop], strides,
                        padding, data_format, dilations, name, 2, ("NHWC", "NCHW"), "filter_sizes")


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None, padding="SAME",
                     data_format="NHWC", name=None, input=None, filters=None, dilations=None):
    """tf.nn.conv2d_transpose: op Conv2DBackpropInput (named "conv2d_transpose") with input_sizes =
    output_shape; the exact transpose of conv2d with the same strides and padding."""
    value = _lookup("input", input, "value", value)
    filter = _lookup("filters", filters, "filter", filter)
    with _g().name_scope(name or "conv2d_transpose") as scope:
        value = _convert(value, name="value")
        filter = _convert_like(filter, value, name="filter")
        _conv_transpose_checks(value, filter, output_shape, data_format or "NHWC", 2)
        return _backprop_op("Conv2DBackpropInput", output_shape, [filter, value], strides, padding,
                            data_format, dilations, scope, 2, ("NHWC", "NCHW"), "input_sizes",
                            allow_explicit=True)


def _conv_transpose_checks(value, filter, output_shape, data_format, n):
    axis = 1 if data_format.startswith("NC") else n + 1
    if value.shape.ndims is not None and filter.shape.ndims is not None:
        if value.shape.ndims != n + 2:
            raise ValueError(f"Shape must be rank {n + 2} but is rank {value.shape.ndims} for the input of a "
                             "transposed convolution")
        vc, fc = value.shape[axis].value, filter.shape[-1].value
        if vc is not None and fc is not None and vc != fc:
            raise ValueError(f"input channels does not match filter's input channels, {vc} != {fc}")
    if isinstance(output_shape, (list, tuple, np.ndarray)):
        if len(output_shape) != n + 2:
            raise ValueError(f"output_shape must have shape ({n + 2},), got ({len(output_shape)},)")
        oc = output_shape[axis]
        fo = filter.shape[-2].value if filter.shape.ndims is not None else None
        if isinstance(oc, (int, np.integer)) and fo is not None and oc != fo:
            raise ValueError(f"output_shape does not match filter's output channels, {oc} != {fo}")


def conv3d_transpose(value, filter=None, output_shape=None, strides=None, padding="SAME", data_format="NDHWC",
                     name=None, input=None, filters=None, dilations=None):
    """tf.nn.conv3d_transpose (op Conv3DBackpropInputV2, named "conv3d_transpose")."""
    value = _lookup("input", input, "value", value)
    filter = _lookup("filters", filters, "filter", filter)
    with _g().name_scope(name or "conv3d_transpose") as scope:
        value = _convert(value, name="value")
        filter = _convert_like(filter, value, name="filter")
        _conv_transpose_checks(value, filter, output_shape, data_format or "NDHWC", 3)
        return _backprop_op("Conv3DBackpropInputV2", output_shape, [filter, value], strides, padding,
                            data_format, dilations, scope, 3, ("NDHWC", "NCDHW"), "input_sizes")


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC", dilations=None,
                     name=None):
    """tf.nn.conv1d_transpose: conv2d_transpose over [batch, 1, width, channels]."""
    with _g().name_scope(name or "conv1d_transpose") as scope:
        if data_format is None or data_format in ("NWC", "NHWC"):
            df, spatial_start_dim, ci = "NHWC", 1, 2
        elif data_format in ("NCW", "NCHW"):
            df, spatial_start_dim, ci = "NCHW", 2, 1
        else:
            raise ValueError('data_format must be "NWC" or "NCW".')
        strides = [1] + _get_sequence(strides, 1, ci, "stride")
        dilations = [1] + _get_sequence(dilations, 1, ci, "dilations")
        x = _convert(input)
        w = _expand_dims(_convert_like(filters, x), 0)
        x = _expand_dims(x, spatial_start_dim)
        if isinstance(output_shape, (list, tuple, np.ndarray)):
            out = list(output_shape)
            out.insert(spatial_start_dim, 1)
        else:
            out_t = _convert(output_shape)
            out = array_ops.concat([out_t[:spatial_start_dim], [1], out_t[spatial_start_dim:]], 0)
        result = _backprop_op("Conv2DBackpropInput", out, [w, x], strides, padding, df, dilations, scope,
                              2, ("NHWC", "NCHW"), "input_sizes", allow_explicit=True)
        return _squeeze(result, [spatial_start_dim])


def convolution(input, filter, padding, strides=None, dilation_rate=None, name=None, data_format=None,
                filters=None, dilations=None):
    """tf.nn.convolution: N-d (1-3 spatial dims) convolution named "convolution".

    Picks conv1d / Conv2D / Conv3D by rank; dilation_rate becomes the op's dilations (TF1
    goes through SpaceToBatchND, with the same values).
    """
    filter = _lookup("filters", filters, "filter", filter)
    dilation_rate = _lookup("dilations", dilations, "dilation_rate", dilation_rate)
    with _g().name_scope(name or "convolution") as scope:
        x = _convert(input, name="input")
        w = _convert_like(filter, x, name="filter")
        if x.shape.ndims is not None:
            n = x.shape.ndims - 2
        elif w.shape.ndims is not None:
            n = w.shape.ndims - 2
        else:
            raise ValueError("rank of input or filter must be known")
        if not 1 <= n <= 3:
            raise ValueError(f"Input tensor must be of rank 3, 4 or 5 but was {n + 2}.")
        strides = [1] * n if strides is None else [int(s) for s in np.broadcast_to(np.asarray(strides), (n,))]
        rate = [1] * n if dilation_rate is None else \
            [int(d) for d in np.broadcast_to(np.asarray(dilation_rate), (n,))]
        if any(r < 1 for r in rate):
            raise ValueError(f"dilation_rate must be positive, got {rate}")
        if any(r > 1 for r in rate) and any(s > 1 for s in strides):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        channels_first = data_format is not None and data_format.startswith("NC")
        if n == 1:
            return conv1d(x, w, strides, padding, data_format="NCW" if channels_first else "NWC", name=scope,
                          dilations=rate)
        if n == 2:
            df = "NCHW" if channels_first else "NHWC"
            return _conv_op("Conv2D", x, w, strides, padding, df, rate, scope, 2, ("NHWC", "NCHW"),
                            allow_explicit=True)
        df = "NCDHW" if channels_first else "NDHWC"
        full = lambda v: [1, 1] + v if channels_first else [1] + v + [1]  # noqa: E731
        return _conv_op("Conv3D", x, w, full(strides), padding, df, full(rate), scope, 3,
                        ("NDHWC", "NCDHW"), full_strides=True)


def atrous_conv2d(value, filters, rate, padding, name=None):
    """tf.nn.atrous_conv2d: convolution with dilation_rate = rate (op Conv2D named "convolution")."""
    if int(np.asarray(rate).min()) < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    return convolution(input=value, filter=filters, padding=padding,
                       dilation_rate=np.broadcast_to(rate, (2,)), name=name)


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """tf.nn.atrous_conv2d_transpose: the transpose of atrous_conv2d (Conv2DBackpropInput with dilations)."""
    if int(np.asarray(rate).min()) < 1:
        raise ValueError(f"rate {rate} cannot be less than one")
    with _g().name_scope(name or "atrous_conv2d_transpose") as scope:
        value = _convert(value, name="value")
        filters = _convert_like(filters, value, name="filters")
        _conv_transpose_checks(value, filters, output_shape, "NHWC", 2)
        r = int(rate)
        return _backprop_op("Conv2DBackpropInput", output_shape, [filters, value], [1, 1, 1, 1], padding,
                            "NHWC", [1, r, r, 1], scope, 2, ("NHWC",), "input_sizes", allow_explicit=True)


# --------------------------------------------------------------------------------------------
# pooling
# --------------------------------------------------------------------------------------------

def _pool_pads(x_shape, ksize, strides, padding):
    """The pads of a pooling window; a window or stride below 1 (an imported node's attrs: the
    builders check theirs) is ValueError, as TF's shape function rejects it."""
    if any(int(k) < 1 for k in ksize):
        raise ValueError(f"Sliding window ksize must be positive, got {list(ksize)}")
    if any(int(s) < 1 for s in strides):
        raise ValueError(f"Sliding window stride must be positive, got {list(strides)}")
    return _same_or_valid_pads(x_shape, ksize, strides, [1] * len(ksize), padding)


def _max_init(dtype):
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    return np.array(jnp.iinfo(dtype).min, dtype)


def _max_pool_lower(input, ksize, strides, padding, **_):
    # reduce_window max with a gradient that is fast on CPU (pooling_impl.py)
    pads = _pool_pads(input.shape, ksize, strides, padding)
    return pooling_impl.max_pool(input, ksize, strides, pads)


def _avg_pool_lower(value, ksize, strides, padding, **_):
    pads = _pool_pads(value.shape, ksize, strides, padding)
    total = lax.reduce_window(value, np.array(0, value.dtype), lax.add, tuple(ksize), tuple(strides), pads)
    # divide by the number of valid (unpadded) elements of each window, as TF's AvgPool: a product of
    # per-axis counts, computed in the program (no host array the size of the output, which graph
    # construction's shape inference would build for every static shape, however large)
    counts = jnp.ones((), value.dtype)
    rank = len(value.shape)
    for axis, (n, k, s, (lo, _hi), o) in enumerate(zip(value.shape, ksize, strides, pads, total.shape)):
        start = jnp.arange(o) * s - lo
        c = (jnp.minimum(start + k, n) - jnp.maximum(start, 0)).astype(value.dtype)
        counts = counts * c.reshape([o if i == axis else 1 for i in range(rank)])
    return total / counts


register_op("MaxPool")(_max_pool_lower)
register_op("MaxPool3D")(_max_pool_lower)
register_op("AvgPool")(_avg_pool_lower)
register_op("AvgPool3D")(_avg_pool_lower)


@register_op("MaxPoolWithArgmax", num_outputs=2)
def _max_pool_with_argmax(input, ksize, strides, padding, Targmax=_dtypes.int64, include_batch_in_index=False,
                          **_):
    pads = _pool_pads(input.shape, ksize, strides, padding)
    out = lax.reduce_window(input, _max_init(input.dtype), lax.max, tuple(ksize), tuple(strides), pads)
    x = lax.stop_gradient(input)
    idx = jnp.arange(int(np.prod(x.shape)), dtype=jnp.int64).reshape(x.shape)
    big = np.array(np.iinfo(np.int64).max, np.int64)

    def select(a, b):
        av, ai = a
        bv, bi = b
        take_b = (bv > av) | ((bv == av) & (bi < ai))
        return jnp.where(take_b, bv, av), jnp.where(take_b, bi, ai)

    _, arg = lax.reduce_window((x, idx), (_max_init(x.dtype), big), select, tuple(ksize), tuple(strides),
                                pads)
    if not include_batch_in_index:
        arg = arg % int(np.prod(x.shape[1:]))
    return out, arg.astype(_dtypes.to_jax_dtype(Targmax))


_POOL_FLOATS = _FLOATS
_MAXPOOL_TYPES = _REAL


def _pool_op(op_type, value, ksize, strides, padding, data_format, name, n_spatial, formats, allowed,
             extra_attrs=None, num=1):
    x = _convert(value, name="input")
    _check_dtype(x, allowed, "input", op_type)
    data_format = data_format or formats[0]
    _check_data_format(data_format, formats, op_type)
    channel_index = 1 if data_format.startswith("NC") else n_spatial + 1
    ksize = _get_sequence(ksize, n_spatial, channel_index, "ksize")
    strides = _get_sequence(strides, n_spatial, channel_index, "strides")
    if any(k == 0 for k in ksize):
        raise ValueError("ksize cannot be zero.")
    padding, _ = _check_padding(padding, op_type)
    nd = n_spatial + 2
    op_name = name or op_type
    _check_rank(x, nd, op_type, op_name.rstrip("/"), x)
    if ksize[0] != 1 or strides[0] != 1:
        raise ValueError("Pooling is not yet supported on the batch dimension.")
    if x.shape.ndims is not None:
        for a in range(nd):
            try:
                _out_size(x.shape[a].value, ksize[a], strides[a], 1, padding)
            except _NegativeDim as e:
                raise ValueError(f"Negative dimension size caused by subtracting {e.k} from {e.n} for "
                                 f"'{op_name.rstrip('/')}' (op: '{op_type}') with input shapes: "
                                 f"{_input_shapes(x)}.") from None
    attrs = {"ksize": tuple(ksize), "strides": tuple(strides), "padding": padding, "data_format": data_format}
    attrs.update(extra_attrs or {})
    op = make_op(op_type, [x], attrs, name=op_name)
    for t in op.outputs:
        if t.shape.ndims is None:
            t.set_shape([None] * nd)
    return op.outputs[0] if num == 1 else op.outputs


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """tf.nn.max_pool (op MaxPool): ksize/strides an int or a list of 1, 2 or 4; SAME pads with -inf."""
    value = _lookup("input", input, "value", value)
    with _g().name_scope(name or "MaxPool") as scope:
        return _pool_op("MaxPool", value, ksize, strides, padding, data_format, scope, 2,
                        ("NHWC", "NCHW"), _MAXPOOL_TYPES)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """tf.nn.avg_pool (op AvgPool): with SAME padding each window averages its valid elements only."""
    value = _lookup("input", input, "value", value)
    with _g().name_scope(name or "AvgPool") as scope:
        return _pool_op("AvgPool", value, ksize, strides, padding, data_format, scope, 2, ("NHWC", "NCHW"),
                        _POOL_FLOATS)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """tf.nn.max_pool2d: max_pool."""
    return max_pool(input, ksize, strides, padding, data_format=data_format, name=name)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """tf.nn.avg_pool2d: avg_pool."""
    return avg_pool(input, ksize, strides, padding, data_format=data_format, name=name)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """tf.nn.max_pool3d (op MaxPool3D)."""
    with _g().name_scope(name or "MaxPool3D") as scope:
        return _pool_op("MaxPool3D", input, ksize, strides, padding, data_format, scope, 3,
                        ("NDHWC", "NCDHW"), _POOL_FLOATS)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """tf.nn.avg_pool3d (op AvgPool3D)."""
    with _g().name_scope(name or "AvgPool3D") as scope:
        return _pool_op("AvgPool3D", input, ksize, strides, padding, data_format, scope, 3,
                        ("NDHWC", "NCDHW"), _POOL_FLOATS)


def _pool1d(fn, default_name, input, ksize, strides, padding, data_format, name):
    with _g().name_scope(name or default_name) as scope:
        if data_format in (None, "NWC", "NHWC"):
            df, expand, ci = "NHWC", 1, 2
        elif data_format in ("NCW", "NCHW"):
            df, expand, ci = "NCHW", 2, 1
        else:
            raise ValueError('data_format must be "NWC" or "NCW".')
        ksize = [1] + _get_sequence(ksize, 1, ci, "ksize")
        strides = [1] + _get_sequence(strides, 1, ci, "strides")
        x = _expand_dims(_convert(input), expand)
        result = fn(x, ksize, strides, padding, data_format=df, name=scope)
        return _squeeze(result, [expand])


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """tf.nn.max_pool1d: MaxPool over [batch, 1, width, channels]."""
    return _pool1d(max_pool, "MaxPool1d", input, ksize, strides, padding, data_format, name)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """tf.nn.avg_pool1d: AvgPool over [batch, 1, width, channels]."""
    return _pool1d(avg_pool, "AvgPool1D", input, ksize, strides, padding, data_format, name)


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """tf.nn.max_pool_v2: N-d max pooling picked by the input's rank (3, 4 or 5)."""
    return _pool_v2("MAX", input, ksize, strides, padding, data_format, name)


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """tf.nn.avg_pool_v2: N-d average pooling picked by the input's rank (3, 4 or 5)."""
    return _pool_v2("AVG", input, ksize, strides, padding, data_format, name)


def _pool_v2(kind, input, ksize, strides, padding, data_format, name):
    x = _convert(input)
    if x.shape.ndims is None:
        n = len(ksize) - 2 if hasattr(ksize, "__len__") and len(ksize) > 2 else None
        if n is None:
            raise ValueError("The input rank must be known")
    else:
        n = x.shape.ndims - 2
    if not 1 <= n <= 3:
        raise ValueError(f"Input tensor must be of rank 3, 4 or 5 but was {n + 2}.")
    if n == 1:
        return (max_pool1d if kind == "MAX" else avg_pool1d)(x, ksize, strides, padding,
                                                              data_format or "NWC", name)
    if n == 2:
        fn = max_pool if kind == "MAX" else avg_pool
        return fn(x, ksize, strides, padding, data_format or "NHWC", name)
    return (max_pool3d if kind == "MAX" else avg_pool3d)(x, ksize, strides, padding, data_format or "NDHWC",
                                                          name)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", Targmax=None, name=None,
                         output_dtype=None, include_batch_in_index=False):
    """tf.nn.max_pool_with_argmax (op MaxPoolWithArgmax): (output, argmax), argmax the flat index
    ((b * height + y) * width + x) * channels + c, without b unless include_batch_in_index; ties
    go to the first (lowest) index."""
    if data_format != "NHWC":
        raise ValueError("Data formats other than 'NHWC' are not yet supported")
    targmax = _lookup("output_dtype", output_dtype, "Targmax", Targmax)
    targmax = _dtypes.as_dtype(targmax or _dtypes.int64)
    return _pool_op("MaxPoolWithArgmax", input, ksize, strides, padding, "NHWC", name, 2, ("NHWC",),
                    _REAL, {"Targmax": targmax, "include_batch_in_index": bool(include_batch_in_index)},
                    num=2)


def pool(input, window_shape, pooling_type, padding, dilation_rate=None, strides=None, name=None,
         data_format=None, dilations=None):
    """tf.nn.pool: N-d (1-3) MAX or AVG pooling in a "<type>_pool" scope.

    dilation_rate > 1 is not supported by compat_tf (NotImplementedError).
    """
    dilation_rate = _lookup("dilations", dilations, "dilation_rate", dilation_rate)
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"{len(window_shape)}-D {pooling_type} pooling is not supported.")
    with _g().name_scope(name or f"{pooling_type.lower()}_pool") as scope:
        x = _convert(input, name="input")
        n = len(window_shape)
        if not 1 <= n <= 3:
            raise ValueError("It is required that 1 <= num_spatial_dims <= 3.")
        if x.shape.ndims is not None and x.shape.ndims != n + 2:
            raise ValueError(f"input tensor must have rank {n + 2}")
        window_shape = [int(v) for v in window_shape]
        strides = [1] * n if strides is None else [int(v) for v in np.broadcast_to(np.asarray(strides), (n,))]
        rate = [1] * n if dilation_rate is None else \
            [int(v) for v in np.broadcast_to(np.asarray(dilation_rate), (n,))]
        if any(s > 1 for s in strides) and any(r > 1 for r in rate):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        if padding == "SAME" and any(r > 1 for r in rate):
            raise ValueError("pooling with SAME padding is not implemented for dilation_rate > 1")
        if any(s > w for s, w in zip(strides, window_shape)):
            raise ValueError("strides > window_shape not supported due to inconsistency between CPU and GPU "
                             "implementations")
        if any(r > 1 for r in rate):
            raise NotImplementedError("tf.nn.pool(dilation_rate > 1) is not supported by compat_tf")
        channels_first = data_format is not None and data_format.startswith("NC")
        if n == 1:
            fn = max_pool1d if pooling_type == "MAX" else avg_pool1d
            return fn(x, window_shape, strides, padding, "NCW" if channels_first else "NWC", scope)
        if n == 2:
            fn = max_pool if pooling_type == "MAX" else avg_pool
            return fn(x, window_shape, strides, padding, "NCHW" if channels_first else "NHWC", scope)
        fn = max_pool3d if pooling_type == "MAX" else avg_pool3d
        return fn(x, window_shape, strides, padding, "NCDHW" if channels_first else "NDHWC", scope)


# --------------------------------------------------------------------------------------------
# normalization: LRN, FusedBatchNormV3
# --------------------------------------------------------------------------------------------

@register_op("LRN")
def _lrn(input, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, **_):
    r = int(depth_radius)
    sq = jnp.square(input)
    nd = input.ndim
    sqr_sum = lax.reduce_window(sq, np.array(0, input.dtype), lax.add, (1,) * (nd - 1) + (2 * r + 1,),
                                (1,) * nd, [(0, 0)] * (nd - 1) + [(r, r)])
    return input / jnp.power(bias + alpha * sqr_sum, beta)


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5, name=None):
    """tf.nn.local_response_normalization / tf.nn.lrn (op LRN) over the last dimension:
    input / (bias + alpha * sum(input[..., d - r : d + r + 1] ** 2)) ** beta."""
    x = _convert(input, name="input")
    _check_dtype(x, (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32), "input", "LRN")
    _check_rank(x, 4, "LRN", name or "LRN", x)
    return make_tensor("LRN", [x], {"depth_radius": int(depth_radius), "bias": float(bias),
                                    "alpha": float(alpha), "beta": float(beta)}, name=name or "LRN")


lrn = local_response_normalization


@register_op("FusedBatchNormV3", num_outputs=6)
def _fused_batch_norm(x, scale, offset, mean, variance, epsilon=1e-4, data_format="NHWC", is_training=True,
                      exponential_avg_factor=1.0, **_):
    nd = x.ndim
    c_axis = 1 if _str(data_format).startswith("NC") else nd - 1
    red = tuple(i for i in range(nd) if i != c_axis)
    shape = [1] * nd
    shape[c_axis] = x.shape[c_axis]
    xf = x.astype(scale.dtype)
    if is_training:
        m = jnp.mean(xf, axis=red)
        v = jnp.mean(jnp.square(xf - jnp.reshape(m, shape)), axis=red)
        n = int(np.prod([x.shape[i] for i in red]))
        v_out = v * (n / max(n - 1, 1))
        m_out = m
        f = float(exponential_avg_factor)
        if f != 1.0:    # TF's kernel returns the running averages: (1 - f) * mean_in + f * batch's
            m_out = (1.0 - f) * mean + f * m
            v_out = (1.0 - f) * variance + f * v_out
    else:
        m, v = lax.stop_gradient(mean), lax.stop_gradient(variance)
        m_out, v_out = m, v
    inv = lax.rsqrt(v + jnp.asarray(epsilon, v.dtype)) * scale
    y = (xf - jnp.reshape(m, shape)) * jnp.reshape(inv, shape) + jnp.reshape(offset, shape)
    sg = lax.stop_gradient
    return (y.astype(x.dtype), sg(m_out), sg(v_out), sg(m), sg(v), jnp.zeros((0,), scale.dtype))


def fused_batch_norm(x, scale, offset, mean=None, variance=None, epsilon=0.001, data_format="NHWC",
                     is_training=True, name=None, exponential_avg_factor=1.0):
    """tf.nn.fused_batch_norm (op FusedBatchNormV3): returns (y, batch_mean, batch_var).

    Training: y uses the batch's population variance; batch_var is the Bessel-corrected
    (n / (n - 1)) variance, for the running averages, as TF. Inference: y uses the given
    mean/variance, which are returned unchanged. epsilon is raised to at least 1.001e-5 (cuDNN's
    minimum, as TF1). Gradients flow from y only (TF's FusedBatchNormGrad).
    `exponential_avg_factor` (TF 2's argument) f != 1 in training returns the running averages
    (1 - f) * mean + f * batch_mean (and the same for the variance), as TF's kernel.
    """
    x = _convert(x, name="input")
    scale = _convert(scale, name="scale")
    offset = _convert(offset, name="offset")
    if is_training and exponential_avg_factor != 1.0:
        if mean is None or variance is None:
            raise ValueError("Both 'mean' and 'variance' must be a 1D tensor when is_training is False or "
                             "exponential_avg_factor != 1.0.")
    elif is_training:
        if mean is not None or variance is not None:
            raise ValueError("Both 'mean' and 'variance' must be None if is_training is True.")
    if mean is None:
        mean = _constant.constant([], dtype=scale.dtype.base_dtype)
    if variance is None:
        variance = _constant.constant([], dtype=scale.dtype.base_dtype)
    mean = _convert_like(mean, scale)
    variance = _convert_like(variance, scale)
    _check_dtype(x, (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32), "x", "FusedBatchNormV3")
    _check_dtype(scale, (_dtypes.float32,), "scale", "FusedBatchNormV3")
    data_format = data_format or "NHWC"
    _check_data_format(data_format, ("NHWC", "NCHW"), "FusedBatchNormV3")
    _check_rank(x, 4, "FusedBatchNormV3", name or "FusedBatchNormV3", x, scale, offset, mean, variance)
    min_epsilon = 1.001e-5
    epsilon = epsilon if epsilon > min_epsilon else min_epsilon
    attrs = {"epsilon": float(epsilon), "data_format": data_format, "is_training": bool(is_training)}
    if exponential_avg_factor != 1.0:     # not an attr of TF 1.15's OpDef: written only when used
        attrs["exponential_avg_factor"] = float(exponential_avg_factor)
    op = make_op("FusedBatchNormV3", [x, scale, offset, mean, variance], attrs, name=name or "FusedBatchNormV3")
    return op.outputs[0], op.outputs[1], op.outputs[2]


# --------------------------------------------------------------------------------------------
# top_k, in_top_k
# --------------------------------------------------------------------------------------------

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _top_k_shape(op):
    # values and int32 indices shaped input[:-1] + [k], k unknown when only known at run time
    from compat_tf._src.framework import shape_inference
    x = op.inputs[0]
    k = shape_inference.constant_value(op.inputs[1])
    if x.shape.ndims is None:
        shape = None
    else:
        shape = x.shape.as_list()[:-1] + [None if k is None else int(k)]
    return [(shape, x.dtype.base_dtype), (shape, _dtypes.int32)]


@register_op("TopKV2", num_outputs=2, shape=_top_k_shape)
def _top_k(input, k, sorted=True, **_):
    kk = int(static_ints(k, "top_k's k"))
    n = input.shape[-1]
    if kk < 0:
        raise ValueError(f"Need k >= 0, got {kk}")
    if kk > n:
        raise ValueError(f"input must have at least k columns. Had {n}, needed {kk}")
    values, indices = lax.top_k(input, kk)
    return values, indices.astype(jnp.int32)


def top_k(input, k=1, sorted=True, name=None):
    """tf.nn.top_k (op TopKV2): (values, indices) of the k largest entries of the last dimension,
    sorted descending; ties go to the lower index. indices are int32."""
    x = _convert(input, name="input")
    _check_dtype(x, _REAL, "input", "TopKV2")
    k_t = _convert(k, dtype=_dtypes.int32, name="k")
    if x.shape.ndims is not None and x.shape.ndims < 1:
        raise ValueError(f"Shape must be at least rank 1 but is rank 0 for '{name or 'TopKV2'}' "
                         f"(op: 'TopKV2') with input shapes: [], {_fmt_shape(k_t.shape)}.")
    from compat_tf._src.framework import shape_inference
    kv = shape_inference.constant_value(k_t)
    if kv is not None and x.shape.ndims is not None:
        last = x.shape[-1].value
        if int(kv) < 0:
            raise ValueError(f"Need k >= 0, got {int(kv)}")
        if last is not None and int(kv) > last:
            raise ValueError(f"input must have at least k columns. Had {last}, needed {int(kv)} for "
                             f"'{name or 'TopKV2'}' (op: 'TopKV2') with input shapes: "
                             f"{_input_shapes(x, k_t)}.")
    op = make_op("TopKV2", [x, k_t], {"sorted": bool(sorted)}, name=name or "TopKV2")
    return TopKV2(op.outputs[0], op.outputs[1])


@register_op("InTopKV2", differentiable=False)
def _in_top_k(predictions, targets, k, **_):
    n = predictions.shape[-1]
    valid = (targets >= 0) & (targets < n)
    safe = jnp.where(valid, targets, 0).astype(jnp.int32)
    target_pred = jnp.take_along_axis(predictions, safe[:, None], axis=1)
    finite = jnp.all(jnp.isfinite(predictions), axis=1)
    more = jnp.sum(predictions > target_pred, axis=1)
    return valid & finite & (more < k)


def in_top_k(predictions, targets, k, name=None):
    """tf.nn.in_top_k (op InTopKV2 in an "in_top_k" scope): whether predictions[i, targets[i]] is
    among the k largest (ties count as in); False for out-of-range targets or non-finite rows."""
    with _g().name_scope(name or "in_top_k"):
        p = _convert(predictions, name="predictions")
        t = _convert(targets, name="targets")
        _check_dtype(p, (_dtypes.float32,), "predictions", "InTopKV2")
        _check_dtype(t, (_dtypes.int32, _dtypes.int64), "targets", "InTopKV2")
        k_t = _convert(k, dtype=t.dtype.base_dtype, name="k")
        _check_rank(p, 2, "InTopKV2", name or "InTopKV2", p, t, k_t)
        _check_rank(t, 1, "InTopKV2", name or "InTopKV2", p, t, k_t)
        return make_tensor("InTopKV2", [p, t, k_t], name=name or "InTopKV2")


# --------------------------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------------------------

def _get_noise_shape(x, noise_shape):
    if noise_shape is None:
        return array_ops.shape(x)
    try:
        ns = _ts.as_shape(noise_shape)
    except (TypeError, ValueError):
        return noise_shape
    if x.shape.ndims is not None and ns.ndims is not None and len(x.shape.dims) == len(ns.dims):
        new_dims = []
        for i, dim in enumerate(x.shape.dims):
            if ns.dims[i].value is None and dim.value is not None:
                new_dims.append(dim.value)
            else:
                new_dims.append(ns.dims[i].value)
        return _ts.TensorShape(new_dims).as_list() if None not in new_dims else noise_shape
    return noise_shape


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """tf.nn.dropout (v1): keeps each element with probability keep_prob (= 1 - rate), scaled by
    1 / keep_prob. The mask is `random_uniform(noise_shape, seed) >= rate` (TF 1.15's formula),
    so graph- and op-level seeds reproduce masks. keep_prob == 1 (rate 0) returns x itself."""
    try:
        keep = 1. - keep_prob if keep_prob is not None else None
    except TypeError:
        raise ValueError(f"keep_prob must be a floating point number or Tensor (got {keep_prob!r})") from None
    rate = _lookup("rate", rate, "keep_prob", keep)
    if rate is None:
        raise ValueError("You must provide a rate to dropout.")
    return dropout_v2(x, rate, noise_shape=noise_shape, seed=seed, name=name)


def dropout_v2(x, rate, noise_shape=None, seed=None, name=None):
    """tf.nn.dropout (v2 signature): `rate` is the probability of dropping an element."""
    with _g().name_scope(name or "dropout"):
        x = _convert(x, name="x")
        if not x.dtype.is_floating:
            raise ValueError("x has to be a floating point tensor since it's going to be scaled. Got a "
                             f"{x.dtype.name} tensor instead.")
        if isinstance(rate, numbers.Real) and not isinstance(rate, bool):
            if not (rate >= 0 and rate < 1):
                raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), got {rate:g}")
            if rate == 0:
                return x
        rate = _convert(rate, dtype=x.dtype.base_dtype, name="rate")
        rate.shape.assert_is_compatible_with(_ts.TensorShape([]))
        from compat_tf._src.framework import shape_inference
        cv = shape_inference.constant_value(rate)
        if cv is None and rate.op.type == "Const":
            cv = rate.op.get_attr("value")
        if cv is not None and np.asarray(cv).size == 1 and float(np.asarray(cv)) == 0:
            return x
        noise_shape = _get_noise_shape(x, noise_shape)
        from compat_tf._src.ops import random_ops
        random_tensor = random_ops.random_uniform(noise_shape, seed=seed, dtype=x.dtype.base_dtype)
        keep_prob = 1 - rate
        scale = 1 / keep_prob
        keep_mask = random_tensor >= rate
        ret = x * scale * math_ops.cast(keep_mask, x.dtype.base_dtype)
        ret.set_shape(x.shape)
        return ret


# --------------------------------------------------------------------------------------------
# not supported
# --------------------------------------------------------------------------------------------

def _unsupported(what):
    def fn(*args, **kwargs):
        raise NotImplementedError(f"tf.nn.{what} is not supported by compat_tf")
    fn.__name__ = what
    fn.__doc__ = f"tf.nn.{what}: not supported by compat_tf (raises NotImplementedError)."
    return fn


ctc_loss = _unsupported("ctc_loss")
ctc_loss_v2 = _unsupported("ctc_loss_v2")
ctc_greedy_decoder = _unsupported("ctc_greedy_decoder")
ctc_beam_search_decoder = _unsupported("ctc_beam_search_decoder")
fractional_max_pool = _unsupported("fractional_max_pool")
fractional_avg_pool = _unsupported("fractional_avg_pool")
dilation2d = _unsupported("dilation2d")
erosion2d = _unsupported("erosion2d")
