"""tf.image quality metrics, filters and colour spaces (TF 1.15 image_ops_impl.py): psnr, ssim,
ssim_multiscale, sobel_edges, rgb_to_yiq / yiq_to_rgb / rgb_to_yuv / yuv_to_rgb,
resize_image_with_pad, extract_image_patches / extract_patches (op ExtractImagePatches),
extract_jpeg_shape; composed of compat_tf ops with TF's formulas and constants.
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops, math_ops, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = []   # tf.image.* (compat_tf/image.py)


def _g():
    return _graph.get_default_graph()


def _float_images(img1, img2, max_val):
    from compat_tf._src.ops.image_ops_impl import convert_image_dtype
    img1 = _constant.convert_to_tensor(img1, name="img1")
    img2 = _constant.convert_to_tensor(img2, name="img2")
    max_val = math_ops.cast(max_val, img1.dtype)
    max_val = convert_image_dtype(max_val, _dtypes.float32)
    return convert_image_dtype(img1, _dtypes.float32), convert_image_dtype(img2, _dtypes.float32), max_val


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio over the last three dimensions (float32)."""
    with _g().name_scope(name or "PSNR"):
        a, b, max_val = _float_images(a, b, max_val)
        mse = math_ops.reduce_mean(math_ops.squared_difference(a, b), [-3, -2, -1])
        return math_ops.subtract(20 * math_ops.log(max_val) / np.log(10.0), np.float32(10 / np.log(10)) *
                                 math_ops.log(mse), name="psnr")


def _fspecial_gauss(size, sigma):
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.square(coords) * (-0.5 / sigma ** 2)
    g = (g[None, :] + g[:, None]).reshape(-1)
    g = np.exp(g - g.max())
    return (g / g.sum()).reshape(size, size, 1, 1)


def _ssim_per_channel(img1, img2, max_val, filter_size, filter_sigma, k1, k2):
    channels = img1.shape[-1].value
    if channels is None:
        raise NotImplementedError("tf.image.ssim needs a known number of channels")
    kernel = _constant.constant(np.tile(_fspecial_gauss(filter_size, filter_sigma), [1, 1, channels, 1]).astype(
        np.float32))

    def reducer(x):
        shape = array_ops.shape(x)
        x4 = array_ops.reshape(x, array_ops.concat([[-1], shape[-3:]], 0))
        y = nn_ops.depthwise_conv2d(x4, kernel, strides=[1, 1, 1, 1], padding="VALID")
        return array_ops.reshape(y, array_ops.concat([shape[:-3], array_ops.shape(y)[1:]], 0))
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = mean0 * mean1 * 2.0
    den0 = math_ops.square(mean0) + math_ops.square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(math_ops.square(img1) + math_ops.square(img2))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    return math_ops.reduce_mean(luminance * cs, [-3, -2]), math_ops.reduce_mean(cs, [-3, -2])


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03):
    """Structural similarity (Gaussian 11x11, sigma 1.5, valid filtering), averaged over channels."""
    with _g().name_scope("SSIM"):
        img1, img2, max_val = _float_images(img1, img2, max_val)
        per_channel, _ = _ssim_per_channel(img1, img2, max_val, filter_size, filter_sigma, k1, k2)
        return math_ops.reduce_mean(per_channel, [-1])


_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ssim_multiscale(img1, img2, max_val, power_factors=_MSSSIM_WEIGHTS, filter_size=11, filter_sigma=1.5, k1=0.01,
                    k2=0.03):
    """Multi-scale SSIM: contrast-structure at each 2x average-pooled scale, SSIM at the last,
    combined by a weighted geometric mean (odd sizes padded symmetrically first, as TF)."""
    with _g().name_scope("MS-SSIM"):
        img1, img2, max_val = _float_images(img1, img2, max_val)
        imgs = [img1, img2]
        mcs = []
        per_channel = None
        for k in range(len(power_factors)):
            with _g().name_scope(f"Scale{k}"):
                if k > 0:
                    tail = imgs[0].shape.as_list()[-3:]
                    head = array_ops.shape(imgs[0])[:-3]
                    if None in tail:
                        raise NotImplementedError("tf.image.ssim_multiscale needs known image sizes")
                    flat = [array_ops.reshape(x, [-1] + tail) for x in imgs]
                    rem = [tail[0] % 2, tail[1] % 2]
                    if any(rem):
                        flat = [array_ops.pad(x, [[0, 0], [0, rem[0]], [0, rem[1]], [0, 0]], mode="SYMMETRIC")
                                for x in flat]
                    down = [nn_ops.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID") for x in flat]
                    new_tail = down[0].shape.as_list()[1:]
                    imgs = [array_ops.reshape(x, array_ops.concat([head, new_tail], 0)) for x in down]
                per_channel, cs = _ssim_per_channel(imgs[0], imgs[1], max_val, filter_size, filter_sigma, k1, k2)
                mcs.append(nn_ops.relu(cs))
        mcs.pop()
        stacked = array_ops.stack(mcs + [nn_ops.relu(per_channel)], axis=-1)
        ms = math_ops.reduce_prod(math_ops.pow(stacked, _constant.constant(power_factors, _dtypes.float32)), [-1])
        return math_ops.reduce_mean(ms, [-1])


def sobel_edges(image):
    """[batch, h, w, d] -> [batch, h, w, d, 2]: Sobel dy and dx per channel (reflect padding)."""
    image = _constant.convert_to_tensor(image, name="image")
    kernels = np.transpose(np.asarray([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]]),
                           (1, 2, 0))[:, :, None, :]
    channels = image.shape[-1].value
    if channels is None:
        raise NotImplementedError("tf.image.sobel_edges needs a known number of channels")
    k = _constant.constant(np.tile(kernels, [1, 1, channels, 1]), dtype=image.dtype, name="sobel_filters")
    padded = array_ops.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    out = nn_ops.depthwise_conv2d(padded, k, [1, 1, 1, 1], "VALID")
    out = array_ops.reshape(out, array_ops.concat([array_ops.shape(image), [2]], 0))
    out.set_shape(image.shape.concatenate([2]))
    return out


_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617], [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512], [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _color_transform(kernel, name):
    def fn(images):
        images = _constant.convert_to_tensor(images, name="images")
        k = _constant.constant(kernel, dtype=images.dtype, name="kernel")
        ndims = images.shape.ndims
        return math_ops.tensordot(images, k, axes=[[ndims - 1], [0]])
    fn.__name__ = name
    fn.__doc__ = f"tf.image.{name}: a 3x3 colour matrix applied to the last dimension (TF's constants)."
    return fn


rgb_to_yiq = _color_transform(_RGB_TO_YIQ, "rgb_to_yiq")
yiq_to_rgb = _color_transform(_YIQ_TO_RGB, "yiq_to_rgb")
rgb_to_yuv = _color_transform(_RGB_TO_YUV, "rgb_to_yuv")
yuv_to_rgb = _color_transform(_YUV_TO_RGB, "yuv_to_rgb")


def resize_image_with_pad(image, target_height, target_width, method=0, align_corners=False):
    """Resizes keeping the aspect ratio to fit target_height x target_width, then zero-pads
    (centred) to exactly that size (TF 1.15's v1 function)."""
    from compat_tf._src.ops import image_ops_impl
    with _g().name_scope("resize_image_with_pad"):
        image = _constant.convert_to_tensor(image, name="image")
        is_batch = image.shape.ndims == 4
        if not is_batch:
            image = array_ops.expand_dims(image, 0)
        _, height, width, _ = image.shape.as_list()
        if height is None or width is None:
            raise NotImplementedError("tf.image.resize_image_with_pad needs known image sizes in compat_tf")
        ratio = max(width / target_width, height / target_height)
        rh, rw = int(np.floor(height / ratio)), int(np.floor(width / ratio))
        ph = max(0, int(np.floor((target_height - height / ratio) / 2)))
        pw = max(0, int(np.floor((target_width - width / ratio) / 2)))
        resized = image_ops_impl.resize_images(image, [rh, rw], method=method, align_corners=align_corners)
        padded = image_ops_impl.pad_to_bounding_box(resized, ph, pw, target_height, target_width)
        return padded if is_batch else array_ops.squeeze(padded, [0])


# -- ExtractImagePatches -----------------------------------------------------------------------
@register_op("ExtractImagePatches")
def _extract_patches(images, ksizes=(1, 1, 1, 1), strides=(1, 1, 1, 1), rates=(1, 1, 1, 1), padding="VALID", T=None):
    x = jnp.asarray(images)
    kh, kw = ksizes[1], ksizes[2]
    p = jax.lax.conv_general_dilated_patches(x.astype(jnp.float32) if x.dtype not in (jnp.float32, jnp.float64)
                                             else x, (kh, kw), tuple(strides[1:3]), padding,
                                             rhs_dilation=tuple(rates[1:3]),
                                             dimension_numbers=("NHWC", "HWIO", "NHWC"))
    b, oh, ow, _ = p.shape
    c = x.shape[-1]
    # lax orders the patch as (channel, row, col); TF as (row, col, channel)
    p = p.reshape(b, oh, ow, c, kh * kw).transpose(0, 1, 2, 4, 3).reshape(b, oh, ow, kh * kw * c)
    return p.astype(x.dtype)


def extract_image_patches(images, ksizes=None, strides=None, rates=None, padding=None, name=None, sizes=None):
    """tf.image.extract_image_patches / extract_patches (op ExtractImagePatches): patches of
    ksizes [1, kh, kw, 1] every strides, dilated by rates, flattened (row, col, channel)."""
    ksizes = sizes if ksizes is None else ksizes
    images = _constant.convert_to_tensor(images, name="images")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    attrs = {"ksizes": tuple(int(v) for v in ksizes), "strides": tuple(int(v) for v in strides),
             "rates": tuple(int(v) for v in rates), "padding": padding, "T": images.dtype.base_dtype}
    for what in ("ksizes", "strides", "rates"):
        if len(attrs[what]) != 4 or attrs[what][0] != 1 or attrs[what][3] != 1:
            raise ValueError(f"{what} must be [1, r, c, 1], got {list(attrs[what])}")
    return make_tensor("ExtractImagePatches", [images], attrs, name=name or "ExtractImagePatches")


def extract_patches(images, sizes, strides, rates, padding, name=None):
    return extract_image_patches(images, sizes, strides, rates, padding, name=name)


# -- ExtractJpegShape --------------------------------------------------------------------------
@register_op("ExtractJpegShape", shape=lambda op: [(_ts.TensorShape([3]), op.get_attr("output_type"))], host=True,
             differentiable=False)
def _extract_jpeg_shape(ctx, contents, output_type=_dtypes.int32):
    import io

    from PIL import Image
    from compat_tf._src.framework import errors
    data = np.asarray(contents).item()
    try:
        img = Image.open(io.BytesIO(data))
        if img.format != "JPEG":
            raise ValueError(img.format)
    except Exception:  # noqa: BLE001 - not a JPEG: TF's InvalidArgumentError
        raise errors.InvalidArgumentError(None, ctx.op, "Invalid JPEG data or crop window, data size "
                                                        f"{len(data)}") from None
    channels = {"L": 1, "RGB": 3, "CMYK": 4, "YCbCr": 3}.get(img.mode, len(img.getbands()))
    return np.array([img.height, img.width, channels], dtype=output_type.as_numpy_dtype)


def extract_jpeg_shape(contents, output_type=_dtypes.int32, name=None):
    """tf.image.extract_jpeg_shape: [height, width, channels] from a JPEG's header."""
    contents = _constant.convert_to_tensor(contents, _dtypes.string, name="contents")
    return make_tensor("ExtractJpegShape", [contents], {"output_type": _dtypes.as_dtype(output_type)},
                       name=name or "ExtractJpegShape")


