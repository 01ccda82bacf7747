"""tf.keras.backend tensor functions (TF 1.15's keras/backend.py): thin graph-op compositions
with Keras' conventions — `axis`/`keepdims` spellings, floatx defaults, Keras' epsilon in the
probability-space losses, channels_first/last handling for convolutions and pooling.

Numerics that matter for training parity are TF 1.15's:
- categorical/sparse_categorical/binary crossentropy on probabilities clip to
  [epsilon, 1 - epsilon] (and add epsilon inside binary's logs), except when the output is
  directly a Softmax (Sigmoid) op, whose logits are then used (TF's b/117284466 special case);
- relu(alpha, max_value, threshold), hard_sigmoid = clip(0.2 x + 0.5, 0, 1), elu(alpha);
- `rnn` runs `step_function` in a tf.while_loop over time (or unrolled), with mask handling
  as Keras: masked steps keep the previous output and states.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.keras.backend import epsilon, floatx, image_data_format, int_shape, ndim, variable
from compat_tf._src.ops import array_ops, control_flow_ops, functional_ops, gather_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import nn_impl, nn_ops, random_ops

# -- elementwise and reductions -----------------------------------------------------------------


def cast(x, dtype):
    return math_ops.cast(x, dtype)


def _axis(axis):
    return list(axis) if isinstance(axis, tuple) else axis


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    return math_ops.reduce_sum(x, _axis(axis), keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return math_ops.reduce_prod(x, _axis(axis), keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return math_ops.reduce_max(x, _axis(axis), keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return math_ops.reduce_min(x, _axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    if x.dtype.base_dtype == _dtypes.bool:
        x = math_ops.cast(x, floatx())
    return math_ops.reduce_mean(x, _axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    if x.dtype.base_dtype == _dtypes.bool:
        x = math_ops.cast(x, floatx())
    m = math_ops.reduce_mean(x, _axis(axis), keepdims=True)
    return math_ops.reduce_mean(math_ops.square(x - m), _axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return math_ops.sqrt(var(x, axis=axis, keepdims=keepdims))


def any(x, axis=None, keepdims=False):  # noqa: A001
    return math_ops.reduce_any(math_ops.cast(x, _dtypes.bool), _axis(axis), keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return math_ops.reduce_all(math_ops.cast(x, _dtypes.bool), _axis(axis), keepdims=keepdims)


def argmax(x, axis=-1):
    return math_ops.argmax(x, axis)


def argmin(x, axis=-1):
    return math_ops.argmin(x, axis)


def square(x):
    return math_ops.square(x)


def abs(x):  # noqa: A001
    return math_ops.abs(x)


def sqrt(x):
    """sqrt(clip(x, 0, inf)) as Keras (no NaN for tiny negative values)."""
    zero = _constant.constant(0., dtype=x.dtype.base_dtype)
    inf = _constant.constant(np.inf, dtype=x.dtype.base_dtype)
    return math_ops.sqrt(math_ops.clip_by_value(x, zero, inf))


def exp(x):
    return math_ops.exp(x)


def log(x):
    return math_ops.log(x)


def round(x):  # noqa: A001
    return math_ops.round(x)


def sign(x):
    return math_ops.sign(x)


def pow(x, a):  # noqa: A001
    return math_ops.pow(x, a)


def clip(x, min_value, max_value):
    if max_value is not None and max_value < min_value:
        max_value = min_value
    if max_value is None:
        max_value = np.inf
    return math_ops.clip_by_value(x, _constant.constant(min_value, dtype=x.dtype.base_dtype),
                                  _constant.constant(max_value, dtype=x.dtype.base_dtype))


def equal(x, y):
    return math_ops.equal(x, y)


def not_equal(x, y):
    return math_ops.not_equal(x, y)


def greater(x, y):
    return math_ops.greater(x, y)


def greater_equal(x, y):
    return math_ops.greater_equal(x, y)


def less(x, y):
    return math_ops.less(x, y)


def less_equal(x, y):
    return math_ops.less_equal(x, y)


def maximum(x, y):
    return math_ops.maximum(x, y)


def minimum(x, y):
    return math_ops.minimum(x, y)


def sin(x):
    return math_ops.sin(x)


def cos(x):
    return math_ops.cos(x)


def cumsum(x, axis=0):
    return math_ops.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    return math_ops.cumprod(x, axis=axis)


# -- creation ----------------------------------------------------------------------------------

def zeros(shape, dtype=None, name=None):
    """A variable of zeros (Keras' zeros is a variable)."""
    dtype = dtype or floatx()
    return variable(np.zeros(shape, dtype=_dtypes.as_dtype(dtype).as_numpy_dtype), dtype, name)


def ones(shape, dtype=None, name=None):
    dtype = dtype or floatx()
    return variable(np.ones(shape, dtype=_dtypes.as_dtype(dtype).as_numpy_dtype), dtype, name)


def eye(size, dtype=None, name=None):
    dtype = dtype or floatx()
    return variable(np.eye(size, dtype=_dtypes.as_dtype(dtype).as_numpy_dtype), dtype, name)


def zeros_like(x, dtype=None, name=None):
    return array_ops.zeros_like(x, dtype=dtype, name=name)


def ones_like(x, dtype=None, name=None):
    return array_ops.ones_like(x, dtype=dtype, name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    dtype = dtype or floatx()
    if seed is None:
        seed = np.random.randint(10e8)
    from compat_tf._src.ops import init_ops
    value = init_ops.random_uniform_initializer(low, high, dtype=dtype, seed=seed)(shape)
    return variable(value, dtype=dtype, name=name)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    dtype = dtype or floatx()
    if seed is None:
        seed = np.random.randint(10e8)
    from compat_tf._src.ops import init_ops
    value = init_ops.random_normal_initializer(mean, scale, dtype=dtype, seed=seed)(shape)
    return variable(value, dtype=dtype, name=name)


def arange(start, stop=None, step=1, dtype="int32"):
    if stop is None and start < 0:
        start = 0
    result = array_ops.range(start, limit=stop, delta=step, name="arange")
    if dtype != "int32":
        result = math_ops.cast(result, dtype)
    return result


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    if seed is None:
        seed = np.random.randint(10e6)
    return random_ops.random_normal(shape, mean=mean, stddev=stddev, dtype=dtype or floatx(), seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    if seed is None:
        seed = np.random.randint(10e6)
    return random_ops.random_uniform(shape, minval=minval, maxval=maxval, dtype=dtype or floatx(), seed=seed)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    dtype = dtype or floatx()
    if seed is None:
        seed = np.random.randint(10e6)
    return array_ops.where(random_ops.random_uniform(shape, dtype=dtype, seed=seed) <= p,
                           array_ops.ones(shape, dtype=dtype), array_ops.zeros(shape, dtype=dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    if seed is None:
        seed = np.random.randint(10e6)
    return random_ops.truncated_normal(shape, mean, stddev, dtype=dtype or floatx(), seed=seed)


# -- shapes ------------------------------------------------------------------------------------

def reshape(x, shape):
    return array_ops.reshape(x, shape)


def permute_dimensions(x, pattern):
    return array_ops.transpose(x, perm=list(pattern))


def transpose(x):
    return array_ops.transpose(x)


def flatten(x):
    return array_ops.reshape(x, [-1])


def batch_flatten(x):
    """[batch, ...] -> [batch, prod(...)]."""
    return array_ops.reshape(x, array_ops.stack([-1, math_ops.reduce_prod(array_ops.shape(x)[1:])]))


def expand_dims(x, axis=-1):
    return array_ops.expand_dims(x, axis)


def squeeze(x, axis):
    return array_ops.squeeze(x, [axis])


def concatenate(tensors, axis=-1):
    if axis < 0:
        rank = ndim(tensors[0])
        axis = axis % rank if rank else 0
    return array_ops.concat([t for t in tensors], axis)


def stack(x, axis=0):
    return array_ops.stack(x, axis=axis)


def tile(x, n):
    if isinstance(n, int):
        n = [n]
    return array_ops.tile(x, n)


def repeat(x, n):
    """[batch, dim] -> [batch, n, dim]."""
    x = array_ops.expand_dims(x, 1)
    return array_ops.tile(x, array_ops.stack([1, n, 1]))


def repeat_elements(x, rep, axis):
    """np.repeat(x, rep, axis) for a static axis length."""
    x_shape = x.shape.as_list()
    if x_shape[axis] is not None:
        splits = array_ops.split(value=x, num_or_size_splits=x_shape[axis], axis=axis)
        x_rep = [s for s in splits for _ in range(rep)]
        return concatenate(x_rep, axis)
    auxiliary_axis = axis + 1
    x_shape = array_ops.shape(x)
    x_rep = array_ops.expand_dims(x, axis=auxiliary_axis)
    reps = np.ones(len(x.shape) + 1)
    reps[auxiliary_axis] = rep
    x_rep = array_ops.tile(x_rep, reps.astype(np.int32))
    reps = np.delete(reps, auxiliary_axis)
    reps[axis] = rep
    reps = _constant.constant(reps, dtype="int32")
    x_shape = x_shape * reps
    return array_ops.reshape(x_rep, x_shape)


def reverse(x, axes):
    if isinstance(axes, int):
        axes = [axes]
    return array_ops.reverse(x, axes)


def gather(reference, indices):
    return gather_ops.gather(reference, indices)


def one_hot(indices, num_classes):
    return array_ops.one_hot(indices, depth=num_classes, axis=-1)


def temporal_padding(x, padding=(1, 1)):
    return array_ops.pad(x, [[0, 0], list(padding), [0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    data_format = data_format or image_data_format()
    if data_format == "channels_first":
        pattern = [[0, 0], [0, 0], list(padding[0]), list(padding[1])]
    else:
        pattern = [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]
    return array_ops.pad(x, pattern)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    data_format = data_format or image_data_format()
    if data_format == "channels_first":
        pattern = [[0, 0], [0, 0]] + [list(p) for p in padding]
    else:
        pattern = [[0, 0]] + [list(p) for p in padding] + [[0, 0]]
    return array_ops.pad(x, pattern)


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Upsamples the two spatial axes by integer factors (UpSampling2D)."""
    from compat_tf._src.ops import image_ops_impl
    if data_format == "channels_first":
        rows, cols = 2, 3
    elif data_format == "channels_last":
        rows, cols = 1, 2
    else:
        raise ValueError("Invalid `data_format` argument: %s" % (data_format,))
    original = int_shape(x)
    new_shape = array_ops.shape(x)[rows:cols + 1]
    new_shape = new_shape * _constant.constant(np.array([height_factor, width_factor], dtype="int32"))
    if data_format == "channels_first":
        x = permute_dimensions(x, [0, 2, 3, 1])
    if interpolation == "nearest":
        x = image_ops_impl.resize_images(x, new_shape, method=image_ops_impl.ResizeMethod.NEAREST_NEIGHBOR)
    elif interpolation == "bilinear":
        x = image_ops_impl.resize_images(x, new_shape, method=image_ops_impl.ResizeMethod.BILINEAR)
    else:
        raise ValueError("interpolation should be one of \"nearest\" or \"bilinear\".")
    if data_format == "channels_first":
        x = permute_dimensions(x, [0, 3, 1, 2])
    shape = list(original)
    shape[rows] = None if original[rows] is None else original[rows] * height_factor
    shape[cols] = None if original[cols] is None else original[cols] * width_factor
    x.set_shape(shape)
    return x


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Upsamples the three spatial axes by repetition (UpSampling3D)."""
    if data_format == "channels_first":
        axes = (2, 3, 4)
    elif data_format == "channels_last":
        axes = (1, 2, 3)
    else:
        raise ValueError("Invalid data_format: " + str(data_format))
    out = repeat_elements(x, depth_factor, axis=axes[0])
    out = repeat_elements(out, height_factor, axis=axes[1])
    return repeat_elements(out, width_factor, axis=axes[2])


# -- linear algebra ------------------------------------------------------------------------------

def dot(x, y):
    """Keras' dot: matmul, contracting x's last axis with y's second-to-last for rank > 2."""
    if ndim(x) is not None and (ndim(x) > 2 or ndim(y) > 2):
        x_shape = [i if i is not None else s for i, s in
                   zip(int_shape(x), array_ops.unstack(array_ops.shape(x)))]
        y_shape = [i if i is not None else s for i, s in
                   zip(int_shape(y), array_ops.unstack(array_ops.shape(y)))]
        perm = list(range(ndim(y)))
        perm = [perm.pop(-2)] + perm
        xt = array_ops.reshape(x, [-1, x_shape[-1]])
        yt = array_ops.reshape(array_ops.transpose(y, perm=perm), [y_shape[-2], -1])
        return array_ops.reshape(math_ops.matmul(xt, yt), x_shape[:-1] + y_shape[:-2] + y_shape[-1:])
    return math_ops.matmul(x, y)


def batch_dot(x, y, axes=None):
    """Keras 2.2.4-tf batch_dot: per-sample dot over `axes` (see TF 1.15 docs)."""
    if isinstance(axes, int):
        axes = (axes, axes)
    x_ndim, y_ndim = ndim(x), ndim(y)
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 2]
    if x_ndim > y_ndim:
        diff = x_ndim - y_ndim
        y = array_ops.reshape(y, array_ops.concat([array_ops.shape(y), [1] * diff], axis=0))
    elif y_ndim > x_ndim:
        diff = y_ndim - x_ndim
        x = array_ops.reshape(x, array_ops.concat([array_ops.shape(x), [1] * diff], axis=0))
    else:
        diff = 0
    if ndim(x) == 2 and ndim(y) == 2:
        if axes[0] == axes[1]:
            out = math_ops.reduce_sum(math_ops.multiply(x, y), axes[0])
        else:
            out = math_ops.reduce_sum(math_ops.multiply(array_ops.transpose(x, [1, 0]), y), axes[1])
    else:
        adj_x = None if axes[0] == ndim(x) - 1 else True
        adj_y = True if axes[1] == ndim(y) - 1 else None
        out = math_ops.matmul(x, y, adjoint_a=adj_x, adjoint_b=adj_y)
    if diff:
        idx = x_ndim + y_ndim - 3 if x_ndim > y_ndim else x_ndim - 1
        out = array_ops.squeeze(out, list(range(idx, idx + diff)))
    if ndim(out) == 1:
        out = array_ops.expand_dims(out, 1)
    return out


def l2_normalize(x, axis=None):
    return nn_impl.l2_normalize(x, axis=axis)


def in_top_k(predictions, targets, k):
    return nn_ops.in_top_k(predictions, targets, k)


# -- activations and losses -----------------------------------------------------------------------

def relu(x, alpha=0., max_value=None, threshold=0):
    """Keras relu: leaky below `threshold` with slope alpha, clipped at max_value."""
    if alpha != 0.:
        if max_value is None and threshold == 0:
            return nn_ops.leaky_relu(x, alpha=alpha)
        negative_part = nn_ops.relu(-x + threshold) if threshold != 0 else nn_ops.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = x * math_ops.cast(math_ops.greater(x, threshold), floatx())
    elif max_value == 6:
        x = nn_ops.relu6(x)
        clip_max = False
    else:
        x = nn_ops.relu(x)
    if clip_max:
        dt = x.dtype.base_dtype
        x = math_ops.clip_by_value(x, _constant.constant(0., dtype=dt), _constant.constant(max_value, dtype=dt))
    if alpha != 0.:
        x -= _constant.constant(alpha, dtype=x.dtype.base_dtype) * negative_part
    return x


def elu(x, alpha=1.):
    res = nn_ops.elu(x)
    if alpha == 1:
        return res
    return array_ops.where(x > 0, res, alpha * res)


def softmax(x, axis=-1):
    return nn_ops.softmax(x, axis=axis)


def softplus(x):
    return nn_ops.softplus(x)


def softsign(x):
    return nn_ops.softsign(x)


def sigmoid(x):
    return math_ops.sigmoid(x)


def hard_sigmoid(x):
    """clip(0.2 * x + 0.5, 0, 1)."""
    point_two = _constant.constant(0.2, dtype=x.dtype.base_dtype)
    point_five = _constant.constant(0.5, dtype=x.dtype.base_dtype)
    x = math_ops.multiply(x, point_two) + point_five
    return math_ops.clip_by_value(x, _constant.constant(0., dtype=x.dtype.base_dtype),
                                  _constant.constant(1., dtype=x.dtype.base_dtype))


def tanh(x):
    return math_ops.tanh(x)


def _eps(dtype):
    return _constant.constant(epsilon(), dtype=dtype)


def _is_op(output, op_type):
    op = getattr(output, "op", None)
    return op is not None and getattr(op, "type", None) == op_type and len(op.inputs) == 1 \
        and not hasattr(output, "initializer")


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(target * log(output)) over `axis`; probabilities renormalized and clipped to
    [eps, 1 - eps] unless `output` is a Softmax op (then its logits are used)."""
    if not from_logits:
        if not _is_op(output, "Softmax"):
            output = output / math_ops.reduce_sum(output, axis, True)
            eps = _eps(output.dtype.base_dtype)
            output = math_ops.clip_by_value(output, eps, 1. - eps)
            return -math_ops.reduce_sum(target * math_ops.log(output), axis)
        output = output.op.inputs[0]
    return nn_ops.softmax_cross_entropy_with_logits_v2(labels=target, logits=output, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Integer-label crossentropy (labels cast to int64; higher-rank outputs flattened)."""
    if not from_logits:
        if not _is_op(output, "Softmax"):
            eps = _eps(output.dtype.base_dtype)
            output = math_ops.clip_by_value(output, eps, 1 - eps)
            output = math_ops.log(output)
        else:
            output = output.op.inputs[0]
    output_rank = output.shape.ndims
    if output_rank is not None:
        axis %= output_rank
        if axis != output_rank - 1:
            perm = list(range(axis)) + list(range(axis + 1, output_rank)) + [axis]
            output = array_ops.transpose(output, perm=perm)
    elif axis != -1:
        raise ValueError(f"Cannot compute sparse categorical crossentropy with `axis={axis}` on an output "
                         "tensor with unknown rank")
    target = math_ops.cast(target, "int64")
    output_shape = array_ops.shape(output)
    target_rank = target.shape.ndims
    update_shape = target_rank is not None and output_rank is not None and target_rank != output_rank - 1
    if update_shape:
        target = array_ops.reshape(target, [-1])
        output = array_ops.reshape(output, [-1, output_shape[-1]])
    res = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)
    if update_shape and output_rank >= 3:
        return array_ops.reshape(res, output_shape[:-1])
    return res


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy; probabilities clipped to [eps, 1 - eps] with eps added
    inside the logs, unless `output` is a Sigmoid op (then its logits are used)."""
    if not from_logits:
        if not _is_op(output, "Sigmoid"):
            eps = _eps(output.dtype.base_dtype)
            output = math_ops.clip_by_value(output, eps, 1. - eps)
            bce = target * math_ops.log(output + epsilon())
            bce += (1 - target) * math_ops.log(1 - output + epsilon())
            return -bce
        output = output.op.inputs[0]
    return nn_ops.sigmoid_cross_entropy_with_logits(labels=target, logits=output)


def dropout(x, level, noise_shape=None, seed=None):
    if seed is None:
        seed = np.random.randint(10e6)
    return nn_ops.dropout(x, rate=level, noise_shape=noise_shape, seed=seed)


def bias_add(x, bias, data_format=None):
    data_format = data_format or image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Unknown data_format: " + str(data_format))
    bias_shape = int_shape(bias)
    if len(bias_shape) != 1 and len(bias_shape) != ndim(x) - 1:
        raise ValueError("Unexpected bias dimensions %d, expect to be 1 or %d dimensions"
                         % (len(bias_shape), ndim(x)))
    if len(bias_shape) == 1:
        if data_format == "channels_first" and ndim(x) >= 3:
            if ndim(x) == 4:
                return nn_ops.bias_add(x, bias, data_format="NCHW")
            return x + array_ops.reshape(bias, (1, bias_shape[0]) + (1,) * (ndim(x) - 2))
        return nn_ops.bias_add(x, bias)
    if data_format == "channels_first":
        bias = array_ops.transpose(bias, [len(bias_shape) - 1] + list(range(len(bias_shape) - 1)))
    return x + array_ops.reshape(bias, (1,) + tuple(int_shape(bias)))


def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):  # noqa: A002
    return nn_impl.batch_normalization(x, mean, var, beta, gamma, epsilon)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):  # noqa: A002
    mean_, var_ = nn_impl.moments(x, list(reduction_axes), keep_dims=False)
    target_shape = []
    for axis in range(ndim(x)):
        target_shape.append(1 if axis in reduction_axes else array_ops.shape(x)[axis])
    target_shape = array_ops.stack(target_shape)
    bm = array_ops.reshape(mean_, target_shape)
    bv = array_ops.reshape(var_, target_shape)
    bb = None if beta is None else array_ops.reshape(beta, target_shape)
    bg = None if gamma is None else array_ops.reshape(gamma, target_shape)
    return nn_impl.batch_normalization(x, bm, bv, bb, bg, epsilon), mean_, var_


# -- convolutions and pooling --------------------------------------------------------------------

def _df(data_format, nd):
    data_format = data_format or image_data_format()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError("Unknown data_format: " + str(data_format))
    return data_format


def _to_channels_last(x, data_format):
    if data_format == "channels_first":
        nd = ndim(x)
        x = array_ops.transpose(x, [0] + list(range(2, nd)) + [1])
    return x


def _from_channels_last(x, data_format):
    if data_format == "channels_first":
        nd = ndim(x)
        x = array_ops.transpose(x, [0, nd - 1] + list(range(1, nd - 1)))
    return x


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    data_format = _df(data_format, 1)
    if padding == "causal":
        left = dilation_rate * (kernel.shape.as_list()[0] - 1)
        x = temporal_padding(x, (left, 0))
        padding = "valid"
    x = _to_channels_last(x, data_format)
    out = nn_ops.convolution(x, kernel, padding.upper(), strides=(strides,), dilation_rate=(dilation_rate,))
    return _from_channels_last(out, data_format)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)):
    data_format = _df(data_format, 2)
    x = _to_channels_last(x, data_format)
    out = nn_ops.convolution(x, kernel, padding.upper(), strides=tuple(strides),
                             dilation_rate=tuple(dilation_rate))
    return _from_channels_last(out, data_format)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    data_format = _df(data_format, 2)
    if isinstance(output_shape, (tuple, list)):
        output_shape = array_ops.stack(list(output_shape))
    if data_format == "channels_first":
        x = array_ops.transpose(x, (0, 2, 3, 1))
        output_shape = array_ops.stack([output_shape[0], output_shape[2], output_shape[3], output_shape[1]])
    if dilation_rate != (1, 1):
        raise NotImplementedError("tf.keras.backend.conv2d_transpose with dilation_rate is not supported by "
                                  "compat_tf")
    out = nn_ops.conv2d_transpose(x, kernel, output_shape, (1,) + tuple(strides) + (1,),
                                  padding=padding.upper())
    if data_format == "channels_first":
        out = array_ops.transpose(out, (0, 3, 1, 2))
    return out


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None, dilation_rate=(1, 1, 1)):
    data_format = _df(data_format, 3)
    x = _to_channels_last(x, data_format)
    out = nn_ops.convolution(x, kernel, padding.upper(), strides=tuple(strides),
                             dilation_rate=tuple(dilation_rate))
    return _from_channels_last(out, data_format)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    data_format = _df(data_format, 2)
    x = _to_channels_last(x, data_format)
    out = nn_impl_separable(x, depthwise_kernel, pointwise_kernel, strides, padding, dilation_rate)
    return _from_channels_last(out, data_format)


def nn_impl_separable(x, dk, pk, strides, padding, dilation_rate):
    return nn_ops.separable_conv2d(x, dk, pk, strides=(1,) + tuple(strides) + (1,), padding=padding.upper(),
                                   rate=tuple(dilation_rate))


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    data_format = _df(data_format, 2)
    x = _to_channels_last(x, data_format)
    out = nn_ops.depthwise_conv2d(x, depthwise_kernel, strides=(1,) + tuple(strides) + (1,),
                                  padding=padding.upper(), rate=tuple(dilation_rate))
    return _from_channels_last(out, data_format)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    data_format = _df(data_format, 2)
    x = _to_channels_last(x, data_format)
    ks, st = (1,) + tuple(pool_size) + (1,), (1,) + tuple(strides) + (1,)
    if pool_mode == "max":
        out = nn_ops.max_pool(x, list(ks), list(st), padding.upper())
    elif pool_mode == "avg":
        out = nn_ops.avg_pool(x, list(ks), list(st), padding.upper())
    else:
        raise ValueError("Invalid pooling mode: " + str(pool_mode))
    return _from_channels_last(out, data_format)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    data_format = _df(data_format, 3)
    x = _to_channels_last(x, data_format)
    ks, st = (1,) + tuple(pool_size) + (1,), (1,) + tuple(strides) + (1,)
    if pool_mode == "max":
        out = nn_ops.max_pool3d(x, list(ks), list(st), padding.upper())
    elif pool_mode == "avg":
        out = nn_ops.avg_pool3d(x, list(ks), list(st), padding.upper())
    else:
        raise ValueError("Invalid pooling mode: " + str(pool_mode))
    return _from_channels_last(out, data_format)


def local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """Unshared-weight convolution (LocallyConnected1D/2D): one kernel row per output position."""
    data_format = _df(data_format, len(kernel_size))
    kernel_shape = int_shape(kernel)
    feature_dim = kernel_shape[1]
    channels_out = kernel_shape[-1]
    nd = len(output_shape)
    xs = []
    import itertools
    for position in itertools.product(*[range(d) for d in output_shape]):
        slices = [slice(position[d] * strides[d], position[d] * strides[d] + kernel_size[d]) for d in range(nd)]
        if data_format == "channels_first":
            xs.append(array_ops.reshape(inputs[(slice(None), slice(None)) + tuple(slices)], (1, -1, feature_dim)))
        else:
            xs.append(array_ops.reshape(inputs[(slice(None),) + tuple(slices)], (1, -1, feature_dim)))
    x_aggregate = array_ops.concat(xs, axis=0)
    output = math_ops.matmul(x_aggregate, kernel)
    output = array_ops.reshape(output, tuple(output_shape) + (-1, channels_out))
    if data_format == "channels_first":
        return permute_dimensions(output, [nd] + [nd + 1] + list(range(nd)))
    return permute_dimensions(output, [nd] + list(range(nd)) + [nd + 1])


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    output_length = int_shape(kernel)[0]
    return local_conv(inputs, kernel, kernel_size, strides, (output_length,), data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    return local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format)


# -- control flow ----------------------------------------------------------------------------------

def switch(condition, then_expression, else_expression):
    """A bool scalar picks a branch with tf.cond; a tensor condition selects elementwise."""
    if condition.dtype.base_dtype != _dtypes.bool:
        condition = math_ops.cast(condition, "bool")
    cond_ndim = ndim(condition)
    if not cond_ndim:
        then_fn = then_expression if callable(then_expression) else (lambda: then_expression)
        else_fn = else_expression if callable(else_expression) else (lambda: else_expression)
        return control_flow_ops.cond(condition, then_fn, else_fn)
    if callable(then_expression):
        then_expression = then_expression()
    if callable(else_expression):
        else_expression = else_expression()
    expr_ndim = ndim(then_expression)
    if cond_ndim > expr_ndim:
        raise ValueError(f"Rank of `condition` should be less than or equal to rank of `then_expression` and "
                         f"`else_expression`. ndim(condition)={cond_ndim}, ndim(then_expression)={expr_ndim}")
    if cond_ndim > 1:
        nd_diff = expr_ndim - cond_ndim
        cond_shape = array_ops.concat([array_ops.shape(condition), [1] * nd_diff], axis=0)
        condition = array_ops.reshape(condition, cond_shape)
        expr_shape = array_ops.shape(then_expression)
        shape_diff = expr_shape - cond_shape
        tile_shape = array_ops.where(shape_diff > 0, expr_shape, array_ops.ones_like(expr_shape))
        condition = array_ops.tile(condition, tile_shape)
    return array_ops.where(condition, then_expression, else_expression)


def map_fn(fn, elems, name=None, dtype=None):
    return functional_ops.map_fn(fn, elems, name=name, dtype=dtype)


def foldl(fn, elems, initializer=None, name=None):
    return functional_ops.foldl(fn, elems, initializer=initializer, name=name)


def foldr(fn, elems, initializer=None, name=None):
    return functional_ops.foldr(fn, elems, initializer=initializer, name=name)


def print_tensor(x, message=""):
    from compat_tf._src.ops import logging_ops
    return logging_ops.Print(x, [x], message)


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None, unroll=False,
        input_length=None, time_major=False, zero_output_for_mask=False):
    """Keras' rnn: iterates `step_function(input_t, states + constants) -> (output_t, new_states)`
    over the time axis; returns (last_output, outputs [batch, time, ...], new_states)."""
    def swap(t):
        axes = list(range(len(t.shape)))
        axes[0], axes[1] = 1, 0
        return array_ops.transpose(t, axes)
    if not time_major:
        inputs = swap(inputs)
    time_steps = inputs.shape[0].value
    batch = inputs.shape[1].value
    if mask is not None:
        if mask.dtype.base_dtype != _dtypes.bool:
            mask = math_ops.cast(mask, _dtypes.bool)
        if len(mask.shape) == 2:
            mask = array_ops.expand_dims(mask, -1)
        if not time_major:
            mask = swap(mask)
    constants = list(constants or [])
    states = tuple(initial_states)

    def expand_mask(mask_t, t):
        for _ in range(len(t.shape) - len(mask_t.shape)):
            mask_t = array_ops.expand_dims(mask_t, -1)
        multiples = [1] + t.shape.as_list()[1:]
        return array_ops.tile(mask_t, multiples)

    if unroll:
        if time_steps is None:
            raise ValueError("Unrolling requires a fixed number of timesteps.")
        xs = array_ops.unstack(inputs)
        masks = array_ops.unstack(mask) if mask is not None else None
        if go_backwards:
            xs.reverse()
            if masks is not None:
                masks.reverse()
        outputs, prev = [], None
        for i in range(time_steps):
            output, new_states = step_function(xs[i], tuple(states) + tuple(constants))
            if masks is not None:
                m = masks[i]
                prev_out = prev if prev is not None else array_ops.zeros_like(output)
                output = array_ops.where(expand_mask(m, output), output, prev_out)
                new_states = [array_ops.where(expand_mask(m, ns), ns, s) for s, ns in zip(states, new_states)]
            states = tuple(new_states)
            outputs.append(output)
            prev = output
        last_output = outputs[-1]
        stacked = array_ops.stack(outputs)
        if masks is not None and zero_output_for_mask:
            last_output = array_ops.where(expand_mask(masks[-1], last_output), last_output,
                                          array_ops.zeros_like(last_output))
            stacked = array_ops.where(_tile_mask_seq(mask if not go_backwards else array_ops.reverse(mask, [0]),
                                                     stacked),
                                      stacked, array_ops.zeros_like(stacked))
        if not time_major:
            stacked = swap(stacked)
        return last_output, stacked, list(states)
    return _rnn_loop(step_function, inputs, states, constants, mask, go_backwards, time_steps, batch,
                     zero_output_for_mask, time_major, swap, expand_mask)


def _tile_mask_seq(mask, outputs):
    for _ in range(len(outputs.shape) - len(mask.shape)):
        mask = array_ops.expand_dims(mask, -1)
    return array_ops.tile(mask, [1, 1] + outputs.shape.as_list()[2:])


def _rnn_loop(step_function, inputs, states, constants, mask, go_backwards, time_steps, batch,
              zero_output_for_mask, time_major, swap, expand_mask):
    """rnn over time as one tf.scan (a lax.scan): the accumulator is (output, *states)."""
    if go_backwards:
        inputs = array_ops.reverse(inputs, [0])
        if mask is not None:
            mask = array_ops.reverse(mask, [0])
    if mask is not None and not states:
        raise ValueError("No initial states provided! When using masking in an RNN, you should provide initial "
                         "states (and your step function should return as its first state at time `t` the output "
                         "at time `t-1`).")
    out0, _ = step_function(inputs[0], tuple(states) + tuple(constants))
    zero_out = array_ops.zeros_like(out0)
    n_states = len(states)

    def body(acc, elems):
        prev_out, st = acc[0], list(acc[1:])
        x_t = elems[0]
        output, new_states = step_function(x_t, tuple(st) + tuple(constants))
        new_states = list(new_states)
        for s, ns in zip(st, new_states):
            if hasattr(ns, "set_shape"):
                ns.set_shape(s.shape)
        if mask is not None:
            m = elems[1]
            fallback = zero_out if zero_output_for_mask else prev_out
            output = array_ops.where(expand_mask(m, output), output, fallback)
            new_states = [array_ops.where(expand_mask(m, ns), ns, s) for s, ns in zip(st, new_states)]
        return (output,) + tuple(new_states)

    elems = (inputs, mask) if mask is not None else (inputs,)
    stacked = functional_ops.scan(body, elems, initializer=(zero_out,) + tuple(states))
    outputs = stacked[0]
    new_states = [s[-1] for s in stacked[1:1 + n_states]]
    last_output = outputs[-1]
    shape = outputs.shape.as_list()
    shape[0] = time_steps
    shape[1] = batch
    outputs.set_shape(shape)
    if not time_major:
        outputs = swap(outputs)
    return last_output, outputs, new_states


# -- CTC -------------------------------------------------------------------------------------------

def ctc_label_dense_to_sparse(labels, label_lengths):
    """Dense [batch, max_len] labels + lengths -> SparseTensor of the first `length` labels per row."""
    from compat_tf._src.framework import sparse_tensor
    from compat_tf._src.ops import sparse_ops  # noqa: F401
    label_lengths = math_ops.cast(label_lengths, "int32")
    max_len = array_ops.shape(labels)[1]
    mask = array_ops.sequence_mask(label_lengths, max_len)
    indices = array_ops.where(mask)
    values = gather_ops.gather_nd(labels, indices)
    return sparse_tensor.SparseTensor(math_ops.cast(indices, "int64"), values,
                                      math_ops.cast(array_ops.shape(labels), "int64"))


def ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """CTC loss per batch element ([batch, 1]); y_pred softmax outputs [batch, time, classes]."""
    from compat_tf._src.ops import ctc_ops
    label_length = math_ops.cast(array_ops.squeeze(label_length, axis=-1), "int32")
    input_length = math_ops.cast(array_ops.squeeze(input_length, axis=-1), "int32")
    sparse_labels = ctc_label_dense_to_sparse(math_ops.cast(y_true, "int32"), label_length)
    y_pred = math_ops.log(array_ops.transpose(y_pred, perm=[1, 0, 2]) + epsilon())
    return array_ops.expand_dims(ctc_ops.ctc_loss(inputs=y_pred, labels=sparse_labels,
                                                  sequence_length=input_length), 1)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Greedy CTC decoding: ([dense decoded], log probabilities); beam search is not supported."""
    from compat_tf._src.ops import ctc_ops, sparse_ops
    if not greedy:
        raise NotImplementedError("tf.keras.backend.ctc_decode(greedy=False) (beam search) is not supported by "
                                  "compat_tf")
    y_pred = math_ops.log(array_ops.transpose(y_pred, perm=[1, 0, 2]) + epsilon())
    input_length = math_ops.cast(input_length, "int32")
    decoded, log_prob = ctc_ops.ctc_greedy_decoder(inputs=y_pred, sequence_length=input_length)
    decoded_dense = [sparse_ops.sparse_to_dense(st.indices, st.dense_shape, st.values, default_value=-1)
                     for st in decoded]
    return decoded_dense, log_prob

