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
