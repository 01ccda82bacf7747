"""tf.image codecs (decode_png / encode_png / decode_jpeg / encode_jpeg / decode_image) vs TF 1.15.

PNG files are built here independently of compat_tf's codec (Pillow, or chunks written by
hand with each scanline filter and Adam7 interlacing) and decoded pixels compared exactly.
"""
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess(graph):
    with tf.Session(graph=graph) as s:
        yield s


def _decode(sess, data, **kw):
    png = tf.placeholder(tf.string, [])
    return sess.run(tf.image.decode_png(png, **kw), {png: data})


def _pil_png(arr, mode, **save_kw):
    buf = io.BytesIO()
    Image.fromarray(arr, mode).save(buf, "PNG", **save_kw)
    return buf.getvalue()


def _chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png(w, h, depth, ctype, raw, interlace=0, extra=b""):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, interlace)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + extra + _chunk(b"IDAT", zlib.compress(raw))
            + _chunk(b"IEND", b""))


def _filter_row(ftype, row, prev, bpp):
    """PNG encoder-side filters (RFC 2083 6.3-6.6), written out per byte."""
    out = []
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if ftype == 0:
            pred = 0
        elif ftype == 1:
            pred = a
        elif ftype == 2:
            pred = b
        elif ftype == 3:
            pred = (a + b) // 2
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out.append((x - pred) % 256)
    return bytes([ftype] + out)


RNG = np.random.RandomState(0)
RGB = RNG.randint(0, 256, size=(7, 9, 3)).astype(np.uint8)


@pytest.mark.parametrize("ftype", [0, 1, 2, 3, 4])
def test_decode_png_each_scanline_filter(sess, ftype):
    rows = RGB.reshape(7, -1)
    prev = bytes(rows.shape[1])
    raw = b""
    for r in rows:
        raw += _filter_row(ftype, r.tobytes(), prev, 3)
        prev = r.tobytes()
    out = _decode(sess, _png(9, 7, 8, 2, raw))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, RGB)


def test_decode_png_mixed_filters_16bit_rgba(sess):
    img = RNG.randint(0, 65536, size=(5, 6, 4)).astype(np.uint16)
    rows = img.astype(">u2").view(np.uint8).reshape(5, -1)
    prev, raw = bytes(rows.shape[1]), b""
    for y, r in enumerate(rows):
        raw += _filter_row(y % 5, r.tobytes(), prev, 8)
        prev = r.tobytes()
    data = _png(6, 5, 16, 6, raw)
    np.testing.assert_array_equal(_decode(sess, data, dtype=tf.uint16), img)
    # 16-bit read as uint8 keeps the high byte (libpng strip_16).
    np.testing.assert_array_equal(_decode(sess, data), (img >> 8).astype(np.uint8))


def test_decode_png_adam7_interlaced(sess):
    img = RNG.randint(0, 256, size=(11, 13)).astype(np.uint8)
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
              (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        sub = img[y0::dy, x0::dx]
        if sub.size:
            raw += b"".join(b"\x00" + r.tobytes() for r in sub)
    out = _decode(sess, _png(13, 11, 8, 0, raw, interlace=1))
    np.testing.assert_array_equal(out[..., 0], img)
    assert out.shape == (11, 13, 1)


def test_decode_png_from_pillow_rgb_and_gray(sess):
    # a smooth image so that Pillow's adaptive filtering picks non-trivial filters
    yy, xx = np.mgrid[0:40, 0:50]
    img = np.stack([(xx * 5) % 256, (yy * 6) % 256, ((xx + yy) * 3) % 256], -1).astype(np.uint8)
    np.testing.assert_array_equal(_decode(sess, _pil_png(img, "RGB")), img)
    np.testing.assert_array_equal(_decode(sess, _pil_png(img[..., 0], "L"))[..., 0], img[..., 0])
    rgba = np.concatenate([img, img[..., :1]], -1)
    np.testing.assert_array_equal(_decode(sess, _pil_png(rgba, "RGBA")), rgba)


def test_decode_png_palette_with_and_without_trns(sess):
    idx = RNG.randint(0, 4, size=(3, 5)).astype(np.uint8)
    plte = np.array([[10, 20, 30], [40, 50, 60], [70, 80, 90], [200, 210, 220]], np.uint8)
    raw = b"".join(b"\x00" + r.tobytes() for r in idx)
    data = _png(5, 3, 8, 3, raw, extra=_chunk(b"PLTE", plte.tobytes()))
    out = _decode(sess, data)
    assert out.shape == (3, 5, 3)
    np.testing.assert_array_equal(out, plte[idx])
    data = _png(5, 3, 8, 3, raw, extra=_chunk(b"PLTE", plte.tobytes()) + _chunk(b"tRNS", bytes([0, 128])))
    out = _decode(sess, data)
    assert out.shape == (3, 5, 4)
    alpha = np.array([0, 128, 255, 255])[idx]
    np.testing.assert_array_equal(out, np.concatenate([plte[idx], alpha[..., None]], -1))
    # asked for 3 channels: alpha stripped
    np.testing.assert_array_equal(_decode(sess, data, channels=3), plte[idx])


def test_decode_png_low_bit_depth_gray_expands_to_8_bits(sess):
    bits = np.array([[0, 1, 1, 0, 1, 0, 0, 1, 1]], np.uint8)
    raw = b"\x00" + np.packbits(bits, axis=1).tobytes()
    np.testing.assert_array_equal(_decode(sess, _png(9, 1, 1, 0, raw))[..., 0], bits * 255)
    nib = np.array([[0, 15, 7, 3, 12]], np.uint8)
    packed = bytes([(nib[0, 0] << 4) | nib[0, 1], (nib[0, 2] << 4) | nib[0, 3], nib[0, 4] << 4])
    np.testing.assert_array_equal(_decode(sess, _png(5, 1, 4, 0, b"\x00" + packed))[..., 0], nib * 17)


def test_decode_png_channel_conversions(sess):
    gray = RNG.randint(0, 256, size=(4, 4)).astype(np.uint8)
    data = _pil_png(gray, "L")
    np.testing.assert_array_equal(_decode(sess, data, channels=3), np.repeat(gray[..., None], 3, -1))
    rgba = _decode(sess, data, channels=4)
    np.testing.assert_array_equal(rgba[..., 3], 255)
    np.testing.assert_array_equal(rgba[..., 1], gray)
    rgb = RGB[:4, :4]
    g = _decode(sess, _pil_png(rgb, "RGB"), channels=1)[..., 0].astype(np.int64)
    r_, g_, b_ = (rgb[..., i].astype(np.int64) for i in range(3))
    # libpng's rgb_to_gray with TF's weights 0.299/0.587 (and 0.114): within one level of the formula
    ref = 0.299 * r_ + 0.587 * g_ + 0.114 * b_
    assert np.abs(g - ref).max() <= 1.0
    # 8-bit image read as uint16 is scaled by 257 (0 -> 0, 255 -> 65535)
    u16 = _decode(sess, data, dtype=tf.uint16)
    assert u16.dtype == np.uint16
    np.testing.assert_array_equal(u16[..., 0], gray.astype(np.uint16) * 257)


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_encode_png_roundtrip_and_valid_for_pillow(sess, channels, dtype):
    top = np.iinfo(dtype).max + 1
    img = RNG.randint(0, top, size=(6, 5, channels)).astype(dtype)
    enc = tf.image.encode_png(tf.constant(img))
    assert enc.dtype == tf.string and enc.shape.as_list() == []
    data = sess.run(enc)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_array_equal(_decode(sess, data, dtype=tf.as_dtype(dtype)), img)
    if dtype == np.uint8:
        mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[channels]
        pil = np.asarray(Image.open(io.BytesIO(data)).convert(mode)).reshape(img.shape)
        np.testing.assert_array_equal(pil, img)


def test_encode_png_compression_levels_differ_in_size_not_pixels(sess):
    img = np.tile(np.arange(64, dtype=np.uint8), (64, 1))[..., None]
    a, b = sess.run([tf.image.encode_png(img, compression=0), tf.image.encode_png(img, compression=9)])
    assert len(a) > len(b)
    np.testing.assert_array_equal(_decode(sess, a), _decode(sess, b))


def test_png_static_shapes_and_errors(sess):
    png = tf.placeholder(tf.string, [])
    assert tf.image.decode_png(png, channels=3).shape.as_list() == [None, None, 3]
    assert tf.image.decode_png(png).shape.as_list() == [None, None, None]
    assert tf.image.decode_png(png, dtype=tf.uint16).dtype == tf.uint16
    with pytest.raises(ValueError):
        tf.image.decode_png(tf.constant(["a", "b"]))
    with pytest.raises(ValueError):
        tf.image.encode_png(tf.zeros([2, 2], tf.uint8))
    with pytest.raises(TypeError):
        tf.image.encode_png(tf.zeros([2, 2, 1], tf.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="PNG"):
        sess.run(tf.image.decode_png(png), {png: b"not a png at all"})
    with pytest.raises(tf.errors.InvalidArgumentError, match="channels"):
        sess.run(tf.image.decode_png(png, channels=2), {png: _pil_png(RGB, "RGB")})


def test_jpeg_roundtrip_and_pillow_agreement(sess):
    yy, xx = np.mgrid[0:32, 0:48]
    img = np.stack([xx * 5, yy * 7, (xx + yy) * 2], -1).astype(np.uint8)
    enc = tf.image.encode_jpeg(tf.constant(img), quality=100)
    data = sess.run(enc)
    assert data[:3] == b"\xff\xd8\xff"
    jpg = tf.placeholder(tf.string, [])
    dec = tf.image.decode_jpeg(jpg)
    out = sess.run(dec, {jpg: data})
    assert out.shape == img.shape and out.dtype == np.uint8
    assert np.abs(out.astype(int) - img).mean() < 2.0
    # same decoder as Pillow (libjpeg): identical pixels
    np.testing.assert_array_equal(out, np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    gray = sess.run(tf.image.decode_jpeg(jpg, channels=1), {jpg: data})
    assert gray.shape == (32, 48, 1)
    half = sess.run(tf.image.decode_jpeg(jpg, ratio=2), {jpg: data})
    assert half.shape == (16, 24, 3)
    assert sess.run(tf.image.is_jpeg(jpg), {jpg: data})
    assert not sess.run(tf.image.is_jpeg(jpg), {jpg: _pil_png(img, "RGB")})


def test_decode_image_dispatches_on_format(sess):
    data = tf.placeholder(tf.string, [])
    dec = tf.image.decode_image(data)
    np.testing.assert_array_equal(sess.run(dec, {data: _pil_png(RGB, "RGB")}), RGB)
    buf = io.BytesIO()
    Image.fromarray(RGB).save(buf, "JPEG", quality=95)
    out = sess.run(dec, {data: buf.getvalue()})
    assert out.shape == RGB.shape
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown image file format"):
        sess.run(dec, {data: b"hello"})


def test_decode_and_crop_jpeg_gif_bmp(sess):
    yy, xx = np.mgrid[0:16, 0:24]
    img = np.stack([xx * 9, yy * 13, (xx + yy) * 4], -1).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "JPEG", quality=90)
    data = tf.placeholder(tf.string, [])
    full = sess.run(tf.image.decode_jpeg(data), {data: buf.getvalue()})
    crop = tf.image.decode_and_crop_jpeg(data, [2, 3, 5, 7])
    np.testing.assert_array_equal(sess.run(crop, {data: buf.getvalue()}), full[2:7, 3:10])
    with pytest.raises(tf.errors.InvalidArgumentError, match="crop window"):
        sess.run(tf.image.decode_and_crop_jpeg(data, [10, 0, 10, 5]), {data: buf.getvalue()})
    # GIF: every frame, [frames, h, w, 3]
    pal = [Image.fromarray(np.full((4, 5, 3), c, np.uint8)) for c in ((255, 0, 0), (0, 0, 255))]
    gbuf = io.BytesIO()
    pal[0].save(gbuf, "GIF", save_all=True, append_images=pal[1:])
    gif = sess.run(tf.image.decode_gif(data), {data: gbuf.getvalue()})
    assert gif.shape == (2, 4, 5, 3)
    np.testing.assert_array_equal(gif[0, 0, 0], [255, 0, 0])
    np.testing.assert_array_equal(gif[1, 3, 4], [0, 0, 255])
    assert tf.image.decode_gif(data).shape.as_list() == [None, None, None, 3]
    bbuf = io.BytesIO()
    Image.fromarray(RGB).save(bbuf, "BMP")
    np.testing.assert_array_equal(sess.run(tf.image.decode_bmp(data), {data: bbuf.getvalue()}), RGB)
    rgba = sess.run(tf.image.decode_bmp(data, channels=4), {data: bbuf.getvalue()})
    assert rgba.shape == (7, 9, 4) and (rgba[..., 3] == 255).all()
    with pytest.raises(tf.errors.InvalidArgumentError, match="BMP"):
        sess.run(tf.image.decode_bmp(data), {data: buf.getvalue()})


# ============================================================================================
# geometry and colour ops (compat_tf/_src/ops/image_ops_impl.py); bit-exact parity with TensorFlow
# for every resize mode is checked by tests/oracle/test_image_parity.py
# ============================================================================================

_RIMG = np.arange(12, dtype=np.float32).reshape(1, 3, 4, 1) ** 1.5

# recorded with TensorFlow 2.21 tf.compat.v1.image (graph mode, CPU) on _RIMG; compat_tf matches bit for bit
_RESIZE_RECORDED = {
    ("resize_bilinear", (5, 3), False, False): [
        [0., 1.6094759, 4.406911], [4.8, 8.055314, 12.110256], [10.925484, 15.590218, 20.769224],
        [19.701935, 25.30325, 31.339436], [22.627417, 28.540926, 34.86284]],
    ("resize_bilinear", (5, 3), True, False): [
        [0., 1.9142135, 5.1961527], [4., 7.4264264, 11.858206], [8., 12.938639, 18.520258],
        [15.313708, 21.125013, 27.501564], [22.627417, 29.311388, 36.482872]],
    ("resize_bilinear", (5, 3), False, True): [
        [0.16666669, 1.9142135, 4.8015323], [3.512023, 6.323984, 10.034136], [8.530057, 12.938639, 17.88304],
        [17.425732, 22.762291, 28.55693], [23.35618, 29.311388, 35.672855]],
    ("resize_nearest_neighbor", (5, 6), False, False): [
        [0., 0., 1., 2.828427, 2.828427, 5.1961527], [0., 0., 1., 2.828427, 2.828427, 5.1961527],
        [8., 8., 11.18034, 14.6969385, 14.6969385, 18.520258], [8., 8., 11.18034, 14.6969385, 14.6969385, 18.520258],
        [22.627417, 22.627417, 27., 31.622776, 31.622776, 36.482872]],
    ("resize_nearest_neighbor", (2, 3), True, False): [
        [0., 2.828427, 5.1961527], [22.627417, 31.622776, 36.482872]],
    ("resize_bicubic", (5, 3), False, False): [
        [0., 1.5547347, 4.5530233], [3.3132856, 6.4505086, 10.568184], [11.345628, 16.333559, 21.87608],
        [20.24249, 26.069494, 32.404312], [24.206661, 30.423534, 37.121758]],
    ("resize_bicubic", (5, 3), False, True): [
        [-0.5276006, 0.99268353, 3.9509914], [2.3230274, 4.9818864, 8.773167], [8.324143, 12.898453, 18.122776],
        [18.263784, 24.023735, 30.298878], [24.189499, 30.518213, 37.327896]],
}


@pytest.mark.parametrize("key", sorted(_RESIZE_RECORDED, key=str))
def test_resize_matches_tensorflow_recorded(sess, key):
    fn, size, ac, hp = key
    out = sess.run(getattr(tf.image, fn)(tf.constant(_RIMG), size, align_corners=ac, half_pixel_centers=hp))
    assert out.dtype == np.float32
    # to an ULP or two of float32: XLA's kernels contract a*b+c into FMAs as TF's do, the NumPy tier
    # that folds these constants does not
    np.testing.assert_allclose(out[0, ..., 0], np.array(_RESIZE_RECORDED[key], np.float32), rtol=1e-6, atol=0)


def _np_bilinear_legacy(img, oh, ow):
    n, h, w, c = img.shape
    ys, xs = np.arange(oh) * np.float32(h / oh), np.arange(ow) * np.float32(w / ow)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    ly, lx = (ys - y0)[None, :, None, None], (xs - x0)[None, None, :, None]
    top = img[:, y0][:, :, x0] * (1 - lx) + img[:, y0][:, :, x1] * lx
    bot = img[:, y1][:, :, x0] * (1 - lx) + img[:, y1][:, :, x1] * lx
    return top * (1 - ly) + bot * ly


def test_resize_images_methods_dtypes_and_gradient(sess):
    rs = np.random.RandomState(0)
    img = rs.randint(0, 256, (6, 5, 3)).astype(np.uint8)
    x = tf.constant(img)
    bil = tf.image.resize_images(x, [9, 4])
    nn = tf.image.resize_images(x, [3, 10], method=tf.image.ResizeMethod.NEAREST_NEIGHBOR)
    same = tf.image.resize_images(x, [6, 5])
    assert bil.dtype == tf.float32 and bil.shape.as_list() == [9, 4, 3]
    assert nn.dtype == tf.uint8 and same.dtype == tf.uint8 and tf.image.resize is tf.image.resize_images
    b, n, s = sess.run([bil, nn, same])
    np.testing.assert_allclose(b, _np_bilinear_legacy(img[None].astype(np.float32), 9, 4)[0], rtol=1e-5)
    np.testing.assert_array_equal(n, img[np.floor(np.arange(3) * 2.0).astype(int)][:, np.floor(np.arange(10) * 0.5)
                                                                                      .astype(int)])
    np.testing.assert_array_equal(s, img)
    # the gradient of a linear resize is its transpose: <resize(x), w> == <x, grad>
    xf = tf.constant(img[None].astype(np.float32))
    w = rs.normal(size=(1, 9, 4, 3)).astype(np.float32)
    y = tf.image.resize_bilinear(xf, [9, 4])
    g = sess.run(tf.gradients(tf.reduce_sum(y * w), xf)[0])
    np.testing.assert_allclose(np.sum(g * img[None]), np.sum(sess.run(y) * w), rtol=1e-4)
    with pytest.raises(NotImplementedError, match="preserve_aspect_ratio"):
        tf.image.resize_images(x, [3, 3], preserve_aspect_ratio=True)


def test_crop_pad_central_crop_vs_numpy(sess):
    img = np.arange(5 * 7 * 2, dtype=np.float32).reshape(5, 7, 2)
    x = tf.constant(img)
    outs = sess.run([tf.image.crop_to_bounding_box(x, 1, 2, 3, 4), tf.image.pad_to_bounding_box(x, 1, 2, 8, 10),
                     tf.image.resize_image_with_crop_or_pad(x, 3, 10), tf.image.resize_with_crop_or_pad(x, 8, 4),
                     tf.image.central_crop(x, 0.5), tf.image.central_crop(tf.constant(img[None]), 0.33)])
    np.testing.assert_array_equal(outs[0], img[1:4, 2:6])
    np.testing.assert_array_equal(outs[1], np.pad(img, [[1, 2], [2, 1], [0, 0]]))
    np.testing.assert_array_equal(outs[2], np.pad(img[1:4], [[0, 0], [1, 2], [0, 0]]))
    np.testing.assert_array_equal(outs[3], np.pad(img[:, 1:5], [[1, 2], [0, 0], [0, 0]]))
    np.testing.assert_array_equal(outs[4], img[1:4, 1:6])       # TF: int((5 - 2.5) / 2) = 1, int((7 - 3.5) / 2) = 1
    np.testing.assert_array_equal(outs[5], img[None, 1:4, 2:5])  # TF-recorded shape (1, 3, 3, 2)
    with pytest.raises(ValueError, match="width must be >= target"):
        tf.image.crop_to_bounding_box(x, 0, 5, 2, 4)
    with pytest.raises(ValueError, match="central_fraction"):
        tf.image.central_crop(x, 1.5)


def test_crop_with_unknown_dims_runs(sess):
    ph = tf.placeholder(tf.float32, [None, None, 1])
    out = tf.image.resize_image_with_crop_or_pad(ph, 2, 5)
    img = np.arange(12, dtype=np.float32).reshape(4, 3, 1)
    np.testing.assert_array_equal(sess.run(out, {ph: img}), np.pad(img[1:3], [[0, 0], [1, 1], [0, 0]]))


def test_flips_transpose_rot90_vs_numpy(sess):
    img = np.arange(2 * 3 * 4 * 2, dtype=np.int32).reshape(2, 3, 4, 2)
    x = tf.constant(img)
    outs = sess.run([tf.image.flip_left_right(x), tf.image.flip_up_down(x[0]), tf.image.transpose_image(x),
                     tf.image.rot90(x[0]), tf.image.rot90(x, k=2), tf.image.rot90(x[1], k=-1)])
    np.testing.assert_array_equal(outs[0], img[:, :, ::-1])
    np.testing.assert_array_equal(outs[1], img[0, ::-1])
    np.testing.assert_array_equal(outs[2], img.transpose(0, 2, 1, 3))
    np.testing.assert_array_equal(outs[3], np.rot90(img[0], 1, axes=(0, 1)))
    np.testing.assert_array_equal(outs[4], np.rot90(img, 2, axes=(1, 2)))
    np.testing.assert_array_equal(outs[5], np.rot90(img[1], 3, axes=(0, 1)))


def test_random_flips_are_seeded_and_flip_half_the_time():
    img = np.arange(2 * 3 * 1, dtype=np.float32).reshape(2, 3, 1)
    batch = np.stack([img] * 16)

    def draw():
        with tf.Graph().as_default():
            tf.set_random_seed(5)
            singles = [tf.image.random_flip_left_right(tf.constant(img), seed=i) for i in range(12)]
            batched = tf.image.random_flip_up_down(tf.constant(batch), seed=1)
            with tf.Session() as s:
                return s.run([singles, batched])
    singles, batched = draw()
    flipped = []
    for v in singles:
        assert np.array_equal(v, img) or np.array_equal(v, img[:, ::-1])
        flipped.append(np.array_equal(v, img[:, ::-1]))
    assert 1 <= sum(flipped) <= 11
    per_image = [np.array_equal(b, img[::-1]) for b in batched]
    assert all(f or np.array_equal(b, img) for f, b in zip(per_image, batched))
    assert 0 < sum(per_image) < 16    # each image of a batch decides on its own
    again_s, again_b = draw()         # same graph seed and op seeds: the same draws
    np.testing.assert_array_equal(np.stack(again_s), np.stack(singles))
    np.testing.assert_array_equal(again_b, batched)


def test_convert_image_dtype_scaling_as_tf(sess):
    u8 = np.array([0, 1, 127, 128, 255], np.uint8)
    f = np.array([-0.1, 0.0, 0.5, 0.999, 1.2], np.float32)
    outs = sess.run([tf.image.convert_image_dtype(u8, tf.float32), tf.image.convert_image_dtype(u8, tf.int32),
                     tf.image.convert_image_dtype(np.array([0, 2 ** 24, 2 ** 31 - 1], np.int32), tf.uint8),
                     tf.image.convert_image_dtype(f, tf.uint8, saturate=True),
                     tf.image.convert_image_dtype(f[1:4], tf.uint8), tf.image.convert_image_dtype(u8, tf.uint8)])
    np.testing.assert_allclose(outs[0], u8 / np.float32(255), rtol=1e-6)
    np.testing.assert_array_equal(outs[1], u8.astype(np.int64) * (2 ** 31 // 256))
    np.testing.assert_array_equal(outs[2], [0, 2, 255])  # floordiv by 2**31 // 256
    np.testing.assert_array_equal(outs[3], [0, 0, 127, 255, 255])  # x * 255.5, saturated
    np.testing.assert_array_equal(outs[4], [0, 127, 255])
    np.testing.assert_array_equal(outs[5], u8)


def _np_rgb_to_hsv(x):
    import colorsys
    return np.array([colorsys.rgb_to_hsv(*p) for p in x.reshape(-1, 3)], np.float32).reshape(x.shape)


def test_colour_conversions_and_adjustments_vs_numpy(sess):
    rs = np.random.RandomState(1)
    img = rs.uniform(0, 1, (4, 5, 3)).astype(np.float32)
    x = tf.constant(img)
    hsv, back, gray, rgb, bright, contrast, sat, hue, gamma = sess.run([
        tf.image.rgb_to_hsv(x), tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(x)), tf.image.rgb_to_grayscale(x),
        tf.image.grayscale_to_rgb(x[..., :1]), tf.image.adjust_brightness(x, 0.25), tf.image.adjust_contrast(x, 2.0),
        tf.image.adjust_saturation(x, 0.0), tf.image.adjust_hue(x, 0.5), tf.image.adjust_gamma(x, 2.0, 0.5)])
    expect_hsv = _np_rgb_to_hsv(img)
    np.testing.assert_allclose(hsv, expect_hsv, atol=1e-5)
    np.testing.assert_allclose(back, img, atol=1e-5)
    np.testing.assert_allclose(gray[..., 0], img @ np.array([0.2989, 0.5870, 0.1140], np.float32), rtol=1e-5)
    np.testing.assert_array_equal(rgb, np.repeat(img[..., :1], 3, -1))
    np.testing.assert_allclose(bright, img + 0.25, rtol=1e-6)
    mean = img.mean(axis=(0, 1))
    np.testing.assert_allclose(contrast, (img - mean) * 2 + mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sat, np.repeat(img.max(-1, keepdims=True), 3, -1), atol=1e-6)  # s=0: grey at v
    import colorsys
    shifted = np.array([colorsys.hsv_to_rgb((h + 0.5) % 1, s, v) for h, s, v in expect_hsv.reshape(-1, 3)])
    np.testing.assert_allclose(hue, shifted.reshape(img.shape), atol=1e-5)
    np.testing.assert_allclose(gamma, 0.5 * img ** 2, rtol=1e-5)
    u8 = (img * 255).astype(np.uint8)
    b8 = sess.run(tf.image.adjust_brightness(u8, 0.5))
    assert b8.dtype == np.uint8
    # TF: to float (x * (1/255)), add, back with saturate_cast(x * 255.5) (truncating)
    want = (u8.astype(np.float32) * np.float32(1 / 255) + np.float32(0.5)) * np.float32(255.5)
    np.testing.assert_array_equal(b8, np.clip(want, 0, 255).astype(np.uint8))


def test_per_image_standardization_total_variation_gradients(sess):
    rs = np.random.RandomState(2)
    img = rs.uniform(0, 255, (2, 4, 5, 3)).astype(np.float32)
    x = tf.constant(img)
    std, std_flat, tv, tv3, (dy, dx) = sess.run([
        tf.image.per_image_standardization(x), tf.image.per_image_standardization(tf.ones([3, 3, 1])),
        tf.image.total_variation(x), tf.image.total_variation(x[0]), tf.image.image_gradients(x)])
    m = img.mean(axis=(1, 2, 3), keepdims=True)
    sd = np.maximum(img.std(axis=(1, 2, 3), keepdims=True), 1 / np.sqrt(60))
    np.testing.assert_allclose(std, (img - m) / sd, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(std_flat, np.zeros((3, 3, 1)))   # uniform image: min stddev, no NaN
    want_tv = np.abs(np.diff(img, axis=1)).sum((1, 2, 3)) + np.abs(np.diff(img, axis=2)).sum((1, 2, 3))
    np.testing.assert_allclose(tv, want_tv, rtol=1e-5)
    np.testing.assert_allclose(tv3, want_tv[0], rtol=1e-5)
    np.testing.assert_array_equal(dy[:, :-1], np.diff(img, axis=1))
    np.testing.assert_array_equal(dy[:, -1], 0)
    np.testing.assert_array_equal(dx[:, :, :-1], np.diff(img, axis=2))


def test_non_max_suppression(sess):
    boxes = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [1, 11, 0, 10.1],
                      [0, 100, 1, 101]], np.float32)   # box 4 is given with flipped corners
    scores = np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3], np.float32)
    sel = sess.run([tf.image.non_max_suppression(boxes, scores, 3, iou_threshold=0.5),
                    tf.image.non_max_suppression(boxes, scores, 10, iou_threshold=0.5),
                    tf.image.non_max_suppression(boxes, scores, 10, iou_threshold=0.5, score_threshold=0.4),
                    tf.image.non_max_suppression(boxes, scores, 10, iou_threshold=0.95)])
    assert sel[0].dtype == np.int32
    np.testing.assert_array_equal(sel[0], [3, 0, 5])
    np.testing.assert_array_equal(sel[1], [3, 0, 5])
    np.testing.assert_array_equal(sel[2], [3, 0])
    np.testing.assert_array_equal(sel[3], [3, 0, 1, 2, 4, 5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="iou_threshold"):
        sess.run(tf.image.non_max_suppression(boxes, scores, 3, iou_threshold=1.5))
