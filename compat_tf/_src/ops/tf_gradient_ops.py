"""TF's symbolic gradient op types (TanhGrad, BiasAddGrad, MaxPoolGrad, FusedBatchNormGradV3, ...).

compat_tf computes its own gradients with one "Gradients" op (jax.vjp over the
lowerings), so its Python API never creates these ops. Graphs written by real
TensorFlow do: `tf.gradients` / `Optimizer.minimize` in TF add one backprop op
per forward op (gen_nn_ops.tanh_grad, bias_add_grad, max_pool_grad, ...). This
module registers those op types with TF's input order, attrs and semantics, so
`tf.import_graph_def` / `tf.train.import_meta_graph` of a TF-written training
graph runs its train op. Conventions checked against TF's OpDefs and kernels:

- element-wise `XGrad(y, dy)` (Tanh, Sigmoid, Rsqrt, Sqrt, Reciprocal/Inv) take the forward
  OUTPUT first; `XGrad(gradients, features)` (Relu, Relu6, LeakyRelu, Softplus, Softsign) take
  the forward INPUT second; EluGrad/SeluGrad take (gradients, outputs).
  Boundaries as TF's kernels: ReluGrad passes where features > 0; Relu6Grad where
  0 < features < 6; LeakyReluGrad uses alpha where features <= 0; EluGrad/SeluGrad use the
  negative branch where outputs < 0.
- BiasAddGrad(out_backprop; data_format) sums all but the channel dimension.
- MaxPoolGrad routes each window's gradient to the first maximum in the window (row-major),
  as TF's CPU kernel; MaxPoolGradGrad gathers from the same positions. AvgPoolGrad spreads
  over the valid (unpadded) elements of each window, as AvgPool divides.
- FusedBatchNormGrad{,V2,V3}(y_backprop, x, scale, reserve_space_1, reserve_space_2[, rs3])
  read the mean and the (population) variance from reserve_space_1/2, as the CPU kernel.
- BroadcastGradientArgs / ConcatOffset are computed from shape values with NumPy (known when
  the step is traced).
Not here: Snapshot, PreventGradient, FusedBatchNorm/V2 and BatchMatMul are imported as aliases of
Identity / FusedBatchNormV3 / BatchMatMulV2 (graph_io._ALIASES); the Apply* optimizer ops are in
train/training_ops.py; Conv2DBackpropInput/Filter and the depthwise ones in nn_ops.py.

These lowerings are JAX code, so higher-order gradients (a compat_tf tf.gradients through
an imported TF gradient graph) are jax.vjp of them.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops, nn_ops, pooling_impl
from compat_tf._src.ops._op_util import static_ints

__all__ = []

_SELU_SCALE = 1.0507009873554804934193349852946
_SELU_SCALE_ALPHA = 1.7580993408473768599402175208123


def _str(v):
    return v.decode() if isinstance(v, bytes) else v


def _like(value, ref):
    return jnp.asarray(value, dtype=jnp.result_type(ref))


# ---------------------------------------------------------------------------------------------
# element-wise activation gradients
# ---------------------------------------------------------------------------------------------

@register_op("TanhGrad")
def _tanh_grad(y, dy, **_):
    return dy * (_like(1, y) - y * y)


@register_op("SigmoidGrad")
def _sigmoid_grad(y, dy, **_):
    return dy * (y * (_like(1, y) - y))


@register_op("RsqrtGrad")
def _rsqrt_grad(y, dy, **_):
    return dy * (y * y * y) * _like(-0.5, y)


@register_op("SqrtGrad")
def _sqrt_grad(y, dy, **_):
    return dy * _like(0.5, y) / y


def _reciprocal_grad(y, dy, **_):
    return -dy * (y * y)


register_op("ReciprocalGrad")(_reciprocal_grad)
register_op("InvGrad")(_reciprocal_grad)


@register_op("ReluGrad")
def _relu_grad(gradients, features, **_):
    return jnp.where(features > 0, gradients, jnp.zeros_like(gradients))


@register_op("Relu6Grad")
def _relu6_grad(gradients, features, **_):
    keep = (features > 0) & (features < 6)
    return jnp.where(keep, gradients, jnp.zeros_like(gradients))


@register_op("LeakyReluGrad")
def _leaky_relu_grad(gradients, features, alpha=0.2, **_):
    return jnp.where(features > 0, gradients, gradients * _like(alpha, gradients))


@register_op("EluGrad")
def _elu_grad(gradients, outputs, **_):
    return jnp.where(outputs < 0, gradients * (outputs + _like(1, outputs)), gradients)


@register_op("SeluGrad")
def _selu_grad(gradients, outputs, **_):
    return jnp.where(outputs < 0, gradients * (outputs + _like(_SELU_SCALE_ALPHA, outputs)),
                     gradients * _like(_SELU_SCALE, gradients))


@register_op("SoftplusGrad")
def _softplus_grad(gradients, features, **_):
    return gradients * jax.nn.sigmoid(features).astype(jnp.result_type(gradients))


@register_op("SoftsignGrad")
def _softsign_grad(gradients, features, **_):
    d = _like(1, features) + jnp.abs(features)
    return gradients / (d * d)


# ---------------------------------------------------------------------------------------------
# BiasAddGrad
# ---------------------------------------------------------------------------------------------

@register_op("BiasAddGrad")
def _bias_add_grad(out_backprop, data_format="NHWC", **_):
    nd = out_backprop.ndim
    if nd < 2:
        raise _errors.InvalidArgumentError(None, None, f"Input tensor must be at least 2D: {out_backprop.shape}")
    c_axis = 1 if _str(data_format).startswith("NC") and nd >= 3 else nd - 1
    return jnp.sum(out_backprop, axis=tuple(i for i in range(nd) if i != c_axis))


# ---------------------------------------------------------------------------------------------
# pooling gradients
# ---------------------------------------------------------------------------------------------

def _pool_pads(shape, ksize, strides, padding, explicit_paddings=()):
    padding = _str(padding)
    explicit = None
    if padding == "EXPLICIT":
        explicit = [(explicit_paddings[2 * i], explicit_paddings[2 * i + 1]) for i in range(len(shape))]
    return nn_ops._same_or_valid_pads(shape, ksize, strides, [1] * len(ksize), padding, explicit)


def _max_pool_argmax(x, ksize, strides, pads):
    """Flat index (into x) of each window's first maximum (row-major order), as TF's CPU kernel."""
    x = lax.stop_gradient(x)
    idx = jnp.arange(int(np.prod(x.shape)), dtype=jnp.int64).reshape(x.shape)
    big = np.array(np.iinfo(np.int64).max, np.int64)

    def select(a, b):
        av, ai = a
        bv, bi = b
        take_b = (bv > av) | ((bv == av) & (bi < ai)) | ((ai == big) & (bi != big))
        return jnp.where(take_b, bv, av), jnp.where(take_b, bi, ai)

    _, arg = lax.reduce_window((x, idx), (nn_ops._max_init(x.dtype), big), select, tuple(ksize),
                               tuple(strides), pads)
    return arg


def _check_pool_shapes(op, orig_output, out_shape):
    if tuple(np.shape(orig_output)) != tuple(out_shape):
        raise _errors.InvalidArgumentError(
            None, None, f"{op}: orig_output shape {tuple(np.shape(orig_output))} does not match the pooled "
            f"shape {tuple(out_shape)}")


def _max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding, explicit_paddings=(), **_):
    ksize, strides = tuple(int(k) for k in ksize), tuple(int(s) for s in strides)
    pads = _pool_pads(orig_input.shape, ksize, strides, padding, explicit_paddings)
    out, vjp = jax.vjp(lambda x: pooling_impl.max_pool(x, ksize, strides, pads), orig_input)
    _check_pool_shapes("MaxPoolGrad", grad, out.shape)
    if not jnp.issubdtype(orig_input.dtype, jnp.floating):
        # integer pools have no derivative in JAX: route by the argmax, as TF's kernel does
        arg = _max_pool_argmax(orig_input, ksize, strides, pads)
        n = int(np.prod(orig_input.shape))
        flat = jnp.zeros((n,), jnp.result_type(grad)).at[arg.reshape(-1)].add(jnp.reshape(grad, (-1,)))
        return flat.reshape(orig_input.shape)
    return vjp(jnp.asarray(grad, out.dtype))[0]


def _max_pool_grad_grad(orig_input, orig_output, grad, ksize, strides, padding, **_):
    ksize, strides = tuple(int(k) for k in ksize), tuple(int(s) for s in strides)
    pads = _pool_pads(orig_input.shape, ksize, strides, padding)
    arg = _max_pool_argmax(orig_input, ksize, strides, pads)
    if tuple(np.shape(grad)) != tuple(orig_input.shape):
        raise _errors.InvalidArgumentError(None, None, "MaxPoolGradGrad: grad must have the shape of orig_input")
    return jnp.reshape(grad, (-1,))[arg]


register_op("MaxPoolGrad")(_max_pool_grad)
register_op("MaxPoolGradGrad")(_max_pool_grad_grad)


def _v2(fn):
    def lower(orig_input, orig_output, grad, ksize, strides, padding, **attrs):
        k = tuple(int(v) for v in static_ints(ksize, "MaxPoolGradV2's ksize").reshape(-1))
        s = tuple(int(v) for v in static_ints(strides, "MaxPoolGradV2's strides").reshape(-1))
        return fn(orig_input, orig_output, grad, k, s, padding, **attrs)
    return lower


register_op("MaxPoolGradV2")(_v2(_max_pool_grad))
register_op("MaxPoolGradGradV2")(_v2(_max_pool_grad_grad))


def _sizes_rule(dtype_index):
    """A shape rule: output shape = the value of input 0 (a shape vector), dtype of input `dtype_index`."""
    return lambda op: _sizes_spec(op, dtype_index)


def _sizes_spec(op, dtype_index):
    t = op.inputs[0]
    v = shape_inference.constant_value(t)
    if v is not None:
        shape = _ts.TensorShape([int(d) for d in np.asarray(v).reshape(-1)])
    elif t.shape.ndims == 1 and t.shape[0].value is not None:
        shape = _ts.unknown_shape(rank=t.shape[0].value)
    else:
        shape = _ts.unknown_shape()
    return [(shape, op.inputs[dtype_index].dtype.base_dtype)]


@register_op("AvgPoolGrad", shape=_sizes_rule(1))
def _avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, **_):
    shape = tuple(int(v) for v in static_ints(orig_input_shape, "AvgPoolGrad's orig_input_shape").reshape(-1))
    x0 = jnp.zeros(shape, jnp.result_type(grad))

    def fwd(x):
        return nn_ops._avg_pool_lower(x, tuple(ksize), tuple(strides), padding)

    out = jax.eval_shape(fwd, x0)
    _check_pool_shapes("AvgPoolGrad", grad, out.shape)
    return jax.vjp(fwd, x0)[1](jnp.asarray(grad))[0]


# ---------------------------------------------------------------------------------------------
# LRNGrad
# ---------------------------------------------------------------------------------------------

@register_op("LRNGrad")
def _lrn_grad(input_grads, input_image, output_image, depth_radius=5, bias=1.0, alpha=1.0, beta=0.5, **_):
    def fwd(x):
        return nn_ops._lrn(x, depth_radius=depth_radius, bias=bias, alpha=alpha, beta=beta)
    return jax.vjp(fwd, input_image)[1](input_grads)[0]


# ---------------------------------------------------------------------------------------------
# batch normalization
# ---------------------------------------------------------------------------------------------

def _fused_batch_norm_grad(y_backprop, x, scale, reserve_space_1, reserve_space_2, *rest, epsilon=1e-4,
                           data_format="NHWC", is_training=True, **_):
    nd = x.ndim
    c_axis = 1 if _str(data_format).startswith("NC") else nd - 1
    red = tuple(i for i in range(nd) if i != c_axis)
    shape = [1] * nd
    shape[c_axis] = x.shape[c_axis]
    u = jnp.result_type(scale)
    dy = y_backprop.astype(u)
    xf = x.astype(u)
    mean = jnp.reshape(reserve_space_1.astype(u), shape)
    inv = lax.rsqrt(reserve_space_2.astype(u) + jnp.asarray(epsilon, u))
    xc = xf - mean
    dy_sum = jnp.sum(dy, axis=red)
    dy_xc = jnp.sum(dy * xc, axis=red)
    scale_bp = dy_xc * inv
    if is_training:
        n = int(np.prod([x.shape[i] for i in red]))
        k = jnp.reshape(scale * inv, shape)
        x_bp = k * (dy - jnp.reshape(dy_sum / n, shape) - xc * jnp.reshape(dy_xc * inv * inv / n, shape))
    else:
        x_bp = dy * jnp.reshape(scale * inv, shape)
    empty = jnp.zeros((0,), u)
    return x_bp.astype(x.dtype), scale_bp, dy_sum, empty, empty


for _t in ("FusedBatchNormGrad", "FusedBatchNormGradV2", "FusedBatchNormGradV3"):
    register_op(_t, num_outputs=5)(_fused_batch_norm_grad)


# ---------------------------------------------------------------------------------------------
# shape arithmetic of gradient graphs
# ---------------------------------------------------------------------------------------------

def _broadcast_gradient_args_np(s0, s1):
    """TF's BroadcastGradientArgs (BCast with fewer_dims_optimization off): the axes to reduce."""
    s0 = [int(d) for d in s0]
    s1 = [int(d) for d in s1]
    if s0 == s1:
        return [], []
    rank = max(len(s0), len(s1))
    a = [1] * (rank - len(s0)) + s0
    b = [1] * (rank - len(s1)) + s1
    r0, r1 = [], []
    for i, (da, db) in enumerate(zip(a, b)):
        if da == db == 1:
            r0.append(i)
            r1.append(i)
        elif da == 1:
            r0.append(i)
        elif db == 1:
            r1.append(i)
        elif da != db:
            raise _errors.InvalidArgumentError(
                None, None, f"Incompatible shapes: [{','.join(map(str, s0))}] vs. [{','.join(map(str, s1))}]")
    return r0, r1


def _bga_shape(op):
    dt = op.get_attr("T") if "T" in op.attrs else op.inputs[0].dtype.base_dtype
    dt = _dtypes.as_dtype(dt)
    vals = [shape_inference.constant_value(t) for t in op.inputs]
    if all(v is not None for v in vals):
        try:
            r0, r1 = _broadcast_gradient_args_np(np.asarray(vals[0]).reshape(-1), np.asarray(vals[1]).reshape(-1))
        except _errors.InvalidArgumentError:   # raised when run, as TF
            return [(_ts.TensorShape([None]), dt)] * 2
        return [(_ts.TensorShape([len(r0)]), dt), (_ts.TensorShape([len(r1)]), dt)]
    return [(_ts.TensorShape([None]), dt)] * 2


@register_op("BroadcastGradientArgs", num_outputs=2, shape=_bga_shape, differentiable=False)
def _broadcast_gradient_args(s0, s1, T=None, **_):
    a = static_ints(s0, "BroadcastGradientArgs's s0 (a shape)").reshape(-1)
    b = static_ints(s1, "BroadcastGradientArgs's s1 (a shape)").reshape(-1)
    dt = np.asarray(s0).dtype if T is None else _dtypes.as_dtype(T).as_numpy_dtype
    r0, r1 = _broadcast_gradient_args_np(a, b)
    return np.array(r0, dt), np.array(r1, dt)


def _concat_offset_shape(op):
    n = len(op.inputs) - 1
    dt = op.inputs[1].dtype.base_dtype
    return [(op.inputs[1 + i].shape if op.inputs[1 + i].shape.ndims == 1 else _ts.TensorShape([None]), dt)
            for i in range(n)]


@register_op("ConcatOffset", num_outputs=lambda attrs, n: n - 1, shape=_concat_offset_shape,
             differentiable=False)
def _concat_offset(concat_dim, *shapes, **_):
    dt = np.asarray(shapes[0]).dtype
    shapes = [static_ints(s, "ConcatOffset's shape").reshape(-1) for s in shapes]
    rank = len(shapes[0])
    axis = int(static_ints(concat_dim, "ConcatOffset's concat_dim"))
    if axis < 0:
        axis += rank
    if not 0 <= axis < rank:
        raise _errors.InvalidArgumentError(None, None, f"Concat dim is out of range: {axis} vs. {rank}")
    out, offset = [], 0
    for i, s in enumerate(shapes):
        if len(s) != rank:
            raise _errors.InvalidArgumentError(
                None, None, f"input {i} should contain {rank} elements, but got {len(s)}")
        bad = [d for d in range(rank) if d != axis and s[d] != shapes[0][d]]
        if bad:
            raise _errors.InvalidArgumentError(
                None, None, f"All dimensions except {axis} must match. Input {i} has shape {list(s)} and "
                f"doesn't match input 0 with shape {list(shapes[0])}.")
        o = np.zeros(rank, dt)
        o[axis] = offset
        offset += int(s[axis])
        out.append(o)
    return out


@register_op("StridedSliceGrad", shape=_sizes_rule(4))
def _strided_slice_grad(shape, begin, end, strides, dy, **masks):
    sizes = tuple(int(v) for v in static_ints(shape, "StridedSliceGrad's shape").reshape(-1))
    x0 = jnp.zeros(sizes, jnp.result_type(dy))
    masks = {k: v for k, v in masks.items() if k.endswith("_mask")}

    def fwd(x):
        return array_ops._strided_slice(x, begin, end, strides, **masks)

    return jax.vjp(fwd, x0)[1](jnp.asarray(dy))[0]
