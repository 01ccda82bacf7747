"""TF1's image codecs: tf.image.decode_png / encode_png / decode_jpeg / encode_jpeg / decode_image.

Mirrors tensorflow/core/kernels/decode_image_op.cc, encode_png_op.cc,
encode_jpeg_op.cc and lib/png/png_io.cc. Images are encoded strings, so these
are host ops (NumPy between jitted segments).

PNG is a small zlib codec written here (exact: every color type, bit depths
1-16, palettes, tRNS, Adam7 interlacing), following libpng's transforms as TF
sets them up: palette -> RGB (RGBA when the file has tRNS), gray < 8 bits
expanded, tRNS -> alpha when alpha is wanted, missing alpha filled with the
maximum value, RGB -> gray with libpng's 0.299/0.587/0.114 fixed-point
weights, 16-bit -> 8-bit keeps the high byte, 8-bit -> 16-bit multiplies by
257. JPEG goes through Pillow (libjpeg-turbo, as TF); `ratio` uses libjpeg's
DCT scaling, `fancy_upscaling=False`, `try_recover_truncated` and
`acceptable_fraction` < 1 are not supported.
"""
import io
import struct
import zlib

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant

__all__ = []  # tf.image.* only (compat_tf/image.py)

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
_REG = dict(host=True, differentiable=False, stateful=False)


# --------------------------------------------------------------------------------------------
# PNG codec
# --------------------------------------------------------------------------------------------

def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_encode(image, compression=-1):
    """PNG bytes of an [height, width, channels] uint8/uint16 array (channels 1-4), filter None per row."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] not in (1, 2, 3, 4):
        raise ValueError(f"image must be [height, width, 1-4 channels], got shape {list(image.shape)}")
    h, w, c = image.shape
    if image.dtype == np.uint8:
        depth, rows = 8, image
    elif image.dtype == np.uint16:
        depth, rows = 16, image.astype(">u2")
    else:
        raise ValueError(f"PNG pixels must be uint8 or uint16, got {image.dtype}")
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    raw = np.ascontiguousarray(rows).view(np.uint8).reshape(h, -1)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), raw], axis=1).tobytes()
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0)
    return (_PNG_SIG + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw, compression))
            + _chunk(b"IEND", b""))


def _paeth_row(cur, prev, bpp):
    out = bytearray(cur)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        pred = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
        out[i] = (out[i] + pred) & 0xFF
    return out


def _avg_row(cur, prev, bpp):
    out = bytearray(cur)
    for i in range(len(out)):
        a = out[i - bpp] if i >= bpp else 0
        out[i] = (out[i] + ((a + prev[i]) >> 1)) & 0xFF
    return out


def _unfilter(data, pos, width, height, bits_pp):
    """Undoes the scanline filters of one (sub-)image; returns (rows uint8 [h, stride], new pos)."""
    stride = (width * bits_pp + 7) // 8
    bpp = max(1, bits_pp // 8)
    out = np.zeros((height, stride), np.uint8)
    prev = np.zeros(stride, np.uint8)
    for y in range(height):
        if pos + 1 + stride > len(data):
            raise ValueError("truncated image data")
        ftype = data[pos]
        cur = np.frombuffer(data, np.uint8, stride, pos + 1)
        pos += 1 + stride
        if ftype == 0:
            row = cur.copy()
        elif ftype == 1:   # Sub: running sum per byte lane, mod 256
            pad = (-stride) % bpp
            lanes = np.concatenate([cur, np.zeros(pad, np.uint8)]).reshape(-1, bpp).astype(np.uint64)
            row = (np.cumsum(lanes, axis=0) % 256).astype(np.uint8).reshape(-1)[:stride]
        elif ftype == 2:
            row = (cur.astype(np.uint16) + prev) .astype(np.uint8)
        elif ftype == 3:
            row = np.frombuffer(bytes(_avg_row(cur.tobytes(), prev.tobytes(), bpp)), np.uint8)
        elif ftype == 4:
            row = np.frombuffer(bytes(_paeth_row(cur.tobytes(), prev.tobytes(), bpp)), np.uint8)
        else:
            raise ValueError(f"bad filter type {ftype}")
        out[y] = row
        prev = out[y]
    return out, pos


def _unpack(rows, width, depth, samples):
    """Samples of unfiltered rows as uint16 [h, width, samples]."""
    h = rows.shape[0]
    if depth == 16:
        vals = rows.view(">u2").astype(np.uint16)
    elif depth == 8:
        vals = rows.astype(np.uint16)
    else:
        bits = np.unpackbits(rows, axis=1).reshape(h, -1, depth)
        weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint16)
        vals = (bits.astype(np.uint16) * weights).sum(axis=2).astype(np.uint16)
    return vals[:, :width * samples].reshape(h, width, samples)


_ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def _png_read(data):
    """Parses a PNG: (samples uint16 [h, w, samples], depth, color_type, palette, trns)."""
    if not data.startswith(_PNG_SIG):
        raise ValueError("not a PNG file")
    pos, ihdr, plte, trns, idat = 8, None, None, None, []
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if len(body) != n:
            raise ValueError("truncated chunk")
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            plte = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            trns = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None or not idat:
        raise ValueError("missing IHDR or IDAT")
    w, h, depth, ctype, _, _, interlace = ihdr
    samples = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(ctype)
    if samples is None or depth not in (1, 2, 4, 8, 16) or w == 0 or h == 0:
        raise ValueError("bad IHDR")
    raw = zlib.decompress(b"".join(idat))
    bits_pp = samples * depth
    if not interlace:
        rows, _ = _unfilter(raw, 0, w, h, bits_pp)
        img = _unpack(rows, w, depth, samples)
    else:
        img = np.zeros((h, w, samples), np.uint16)
        pos = 0
        for x0, y0, dx, dy in _ADAM7:
            sw, sh = (w - x0 + dx - 1) // dx, (h - y0 + dy - 1) // dy
            if sw <= 0 or sh <= 0:
                continue
            rows, pos = _unfilter(raw, pos, sw, sh, bits_pp)
            img[y0::dy, x0::dx] = _unpack(rows, sw, depth, samples)
    return img, depth, ctype, plte, trns


def png_decode(data, channels=0, dtype=np.uint8):
    """TF's DecodePng on bytes: [h, w, channels] uint8 or uint16 (see the module docstring)."""
    img, depth, ctype, plte, trns = _png_read(bytes(data))
    has_trns = trns is not None
    if ctype == 3:                                    # palette -> RGB(A), 8-bit
        if plte is None:
            raise ValueError("palette image without PLTE")
        idx = np.minimum(img[..., 0], len(plte) - 1)
        rgb = plte[idx].astype(np.uint16)
        if has_trns:
            alpha = np.full(256, 255, np.uint16)
            t = np.frombuffer(trns, np.uint8)[:256]
            alpha[:len(t)] = t
            img = np.concatenate([rgb, alpha[img[..., :1]]], axis=2)
        else:
            img = rgb
        depth, native = 8, (4 if has_trns else 3)
    else:
        native = img.shape[2]
        if depth < 8:                                  # gray 1/2/4 bits -> 8 bits
            scale = 255 // ((1 << depth) - 1)
            img = img * scale
            if has_trns:
                trns = struct.pack(">H", struct.unpack(">H", trns[:2])[0] * scale)
            depth = 8
        if has_trns and ctype in (0, 2):               # color key -> alpha (used only if wanted)
            key = np.array(struct.unpack(">" + "H" * (1 if ctype == 0 else 3), trns[:2 * img.shape[2]]))
            mask = np.all(img == key.astype(np.uint16), axis=2, keepdims=True)
            top = (1 << depth) - 1
            img = np.concatenate([img, np.where(mask, 0, top).astype(np.uint16)], axis=2)
    want = channels or native
    maxv = (1 << depth) - 1
    color = img.shape[2] >= 3
    has_alpha = img.shape[2] in (2, 4)
    base = img[..., :3] if color else img[..., :1]
    alpha = img[..., -1:] if has_alpha else None
    if want < 3 and color:                             # libpng rgb_to_gray, 0.299/0.587 (15-bit fixed point)
        rc, gc = 9797, 19234
        bc = 32768 - rc - gc
        r, g, b = (base[..., i].astype(np.int64) for i in range(3))
        gray = np.where((r == g) & (g == b), r, (rc * r + gc * g + bc * b + 16384) >> 15)
        base = gray[..., None].astype(np.uint16)
    elif want >= 3 and not color:
        base = np.repeat(base, 3, axis=2)
    if want % 2 == 0:
        if alpha is None:
            alpha = np.full(base.shape[:2] + (1,), maxv, np.uint16)
        out = np.concatenate([base, alpha], axis=2)
    else:
        out = base
    if np.dtype(dtype) == np.uint8:
        return (out >> 8).astype(np.uint8) if depth == 16 else out.astype(np.uint8)
    return out.astype(np.uint16) if depth == 16 else (out.astype(np.uint16) * 257)


# --------------------------------------------------------------------------------------------
# ops
# --------------------------------------------------------------------------------------------

def _scalar_bytes(ctx, contents):
    a = np.asarray(contents, dtype=object)
    if a.ndim != 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"contents must be scalar, got shape "
                                          f"[{','.join(map(str, a.shape))}]")
    v = a.item()
    return v.encode() if isinstance(v, str) else bytes(v)


def _check_scalar_input(t, what):
    if t.shape.ndims is not None and t.shape.ndims != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {t.shape.ndims} for {what}")


def _decode_rule(op):
    ch = op.get_attr("channels")
    return [(_ts.TensorShape([None, None, ch or None]), op.get_attr("dtype"))]


def _check_channels(ctx, channels, allowed):
    if channels not in allowed:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"channels must be {', '.join(map(str, allowed[:-1]))}, or {allowed[-1]}, "
            f"got {channels}")


@register_op("DecodePng", shape=_decode_rule, ctx=True, **_REG)
def _decode_png(ctx, contents, channels=0, dtype=_dtypes.uint8):
    _check_channels(ctx, channels, (0, 1, 3, 4))
    data = _scalar_bytes(ctx, contents)
    try:
        return png_decode(data, channels, _dtypes.as_dtype(dtype).as_numpy_dtype)
    except (ValueError, zlib.error, struct.error, IndexError) as e:
        raise errors.InvalidArgumentError(None, ctx.op, f"Invalid PNG data, size {len(data)} ({e})") from None


def decode_png(contents, channels=0, dtype=_dtypes.uint8, name=None):
    """tf.image.decode_png (op DecodePng): a [height, width, channels] uint8/uint16 tensor."""
    dtype = _dtypes.as_dtype(dtype)
    if dtype not in (_dtypes.uint8, _dtypes.uint16):
        raise TypeError(f"decode_png: dtype must be uint8 or uint16, got {dtype.name}")
    contents = _constant.convert_to_tensor(contents, dtype=_dtypes.string)
    _check_scalar_input(contents, "DecodePng contents")
    return contents.graph.create_op("DecodePng", [contents], {"channels": int(channels), "dtype": dtype},
                                    name=name or "DecodePng").outputs[0]


def _scalar_string_rule(op):
    return [(_ts.TensorShape([]), _dtypes.string)]


@register_op("EncodePng", shape=_scalar_string_rule, ctx=True, **_REG)
def _encode_png(ctx, image, compression=-1, T=None):
    image = np.asarray(image)
    if image.ndim != 3:
        raise errors.InvalidArgumentError(None, ctx.op, f"image must be 3-dimensional"
                                          f"[{','.join(map(str, image.shape))}]")
    if image.shape[2] not in (1, 2, 3, 4):
        raise errors.InvalidArgumentError(None, ctx.op, f"image must have 1, 2, 3, or 4 channels, got "
                                          f"{image.shape[2]}")
    return np.array(png_encode(image, compression), dtype=object)


def encode_png(image, compression=-1, name=None):
    """tf.image.encode_png (op EncodePng): PNG bytes of a [height, width, channels] uint8/uint16 image."""
    image = _constant.convert_to_tensor(image)
    if image.dtype.base_dtype not in (_dtypes.uint8, _dtypes.uint16):
        raise TypeError(f"encode_png: image must be uint8 or uint16, got {image.dtype.name}")
    if image.shape.ndims is not None and image.shape.ndims != 3:
        raise ValueError(f"Shape must be rank 3 but is rank {image.shape.ndims} for EncodePng")
    if not -1 <= int(compression) <= 9:
        raise ValueError(f"compression should be in [-1,9], got {compression}")
    return image.graph.create_op("EncodePng", [image], {"compression": int(compression),
                                                        "T": image.dtype.base_dtype},
                                 name=name or "EncodePng").outputs[0]


# -- JPEG (Pillow) ----------------------------------------------------------------------------

def _pil():
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency
        raise NotImplementedError("JPEG/GIF/BMP codecs need Pillow (pip install Pillow)") from None
    return Image


def _pil_to_array(img, channels):
    if channels == 0:
        channels = 1 if img.mode in ("L", "1", "I;16") else 3
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    return np.asarray(img.convert(mode), np.uint8).reshape(img.size[1], img.size[0], channels)


@register_op("DecodeJpeg", shape=_decode_rule, ctx=True, **_REG)
def _decode_jpeg(ctx, contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                 acceptable_fraction=1.0, dct_method="", dtype=_dtypes.uint8):
    _check_channels(ctx, channels, (0, 1, 3))
    data = _scalar_bytes(ctx, contents)
    Image = _pil()
    try:
        img = Image.open(io.BytesIO(data))
        if img.format != "JPEG":
            raise ValueError("not a JPEG")
        if ratio != 1:
            w, h = img.size
            img.draft(img.mode, ((w + ratio - 1) // ratio, (h + ratio - 1) // ratio))
        img.load()
    except Exception as e:  # noqa: BLE001 - Pillow raises many types
        raise errors.InvalidArgumentError(None, ctx.op, f"Invalid JPEG data or crop window, data size "
                                          f"{len(data)} ({e})") from None
    return _pil_to_array(img, channels)


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """tf.image.decode_jpeg (op DecodeJpeg), decoded by Pillow's libjpeg.

    Deviations: fancy_upscaling=False, try_recover_truncated=True and acceptable_fraction < 1
    raise NotImplementedError; dct_method is a hint (ignored), as TF allows.
    """
    if not fancy_upscaling or try_recover_truncated or acceptable_fraction != 1:
        raise NotImplementedError("tf.image.decode_jpeg(fancy_upscaling=False / try_recover_truncated / "
                                  "acceptable_fraction<1) is not supported by compat_tf")
    if ratio not in (1, 2, 4, 8):
        raise ValueError(f"ratio must be 1, 2, 4, or 8, got {ratio}")
    contents = _constant.convert_to_tensor(contents, dtype=_dtypes.string)
    _check_scalar_input(contents, "DecodeJpeg contents")
    attrs = {"channels": int(channels), "ratio": int(ratio), "fancy_upscaling": True,
             "try_recover_truncated": False, "acceptable_fraction": 1.0, "dct_method": dct_method or "",
             "dtype": _dtypes.uint8}
    return contents.graph.create_op("DecodeJpeg", [contents], attrs, name=name or "DecodeJpeg").outputs[0]


@register_op("EncodeJpeg", shape=_scalar_string_rule, ctx=True, **_REG)
def _encode_jpeg(ctx, image, format="", quality=95, progressive=False, optimize_size=False,
                 chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                 xmp_metadata=""):
    image = np.asarray(image, np.uint8)
    if image.ndim != 3 or image.shape[2] not in (1, 3):
        raise errors.InvalidArgumentError(None, ctx.op, f"image must be 3-dimensional with 1 or 3 channels, "
                                          f"got [{','.join(map(str, image.shape))}]")
    if format == "grayscale" and image.shape[2] != 1 or format == "rgb" and image.shape[2] != 3:
        raise errors.InvalidArgumentError(None, ctx.op, f"Image format '{format}' does not match the image "
                                          f"channels {image.shape[2]}")
    Image = _pil()
    img = Image.fromarray(image[..., 0] if image.shape[2] == 1 else image,
                          "L" if image.shape[2] == 1 else "RGB")
    buf = io.BytesIO()
    kw = dict(quality=int(quality), progressive=bool(progressive), optimize=bool(optimize_size),
              subsampling=2 if chroma_downsampling else 0)
    if density_unit == "in":
        kw["dpi"] = (x_density, y_density)
    img.save(buf, "JPEG", **kw)
    return np.array(buf.getvalue(), dtype=object)


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None):
    """tf.image.encode_jpeg (op EncodeJpeg) through Pillow's libjpeg (bytes differ from TF's encoder;
    xmp_metadata is ignored)."""
    image = _constant.convert_to_tensor(image)
    if image.dtype.base_dtype != _dtypes.uint8:
        raise TypeError(f"encode_jpeg: image must be uint8, got {image.dtype.name}")
    if image.shape.ndims is not None and image.shape.ndims != 3:
        raise ValueError(f"Shape must be rank 3 but is rank {image.shape.ndims} for EncodeJpeg")
    if format not in ("", "grayscale", "rgb"):
        raise ValueError(f"format must be '', 'grayscale' or 'rgb', got {format!r}")
    if not 0 <= quality <= 100:
        raise ValueError(f"quality must be in [0,100], got {quality}")
    attrs = {"format": format, "quality": int(quality), "progressive": bool(progressive),
             "optimize_size": bool(optimize_size), "chroma_downsampling": bool(chroma_downsampling),
             "density_unit": density_unit, "x_density": int(x_density), "y_density": int(y_density),
             "xmp_metadata": xmp_metadata}
    return image.graph.create_op("EncodeJpeg", [image], attrs, name=name or "EncodeJpeg").outputs[0]


def is_jpeg(contents, name=None):
    """tf.image.is_jpeg: whether the first bytes are the JPEG magic (built from Substr/Equal as TF1)."""
    from compat_tf._src.ops import string_ops
    from compat_tf._src.ops import math_ops
    from compat_tf._src.framework import graph as _graph
    with _graph.name_scope(name, "is_jpeg"):
        substr = string_ops.substr(contents, 0, 3)
        return math_ops.equal(substr, b"\xff\xd8\xff", name=name)


@register_op("DecodeImage", shape=lambda op: [(_ts.unknown_shape() if op.get_attr("expand_animations")
                                               else _ts.TensorShape([None, None, op.get_attr("channels")
                                                                     or None]), op.get_attr("dtype"))],
             ctx=True, **_REG)
def _decode_image(ctx, contents, channels=0, dtype=_dtypes.uint8, expand_animations=True):
    data = _scalar_bytes(ctx, contents)
    np_dtype = _dtypes.as_dtype(dtype).as_numpy_dtype
    if data.startswith(_PNG_SIG):
        _check_channels(ctx, channels, (0, 1, 3, 4))
        try:
            return png_decode(data, channels, np_dtype)
        except (ValueError, zlib.error, struct.error, IndexError) as e:
            raise errors.InvalidArgumentError(None, ctx.op, f"Invalid PNG data ({e})") from None
    if data[:3] in (b"\xff\xd8\xff", b"GIF") or data[:2] == b"BM":
        if data[:3] == b"\xff\xd8\xff":
            _check_channels(ctx, channels, (0, 1, 3))
        Image = _pil()
        try:
            img = Image.open(io.BytesIO(data))
            frames = []
            n = getattr(img, "n_frames", 1) if img.format == "GIF" else 1
            for i in range(n):
                img.seek(i)
                frames.append(_pil_to_array(img, channels or (3 if img.format == "GIF" else 0)))
        except Exception as e:  # noqa: BLE001
            raise errors.InvalidArgumentError(None, ctx.op, f"Invalid image data ({e})") from None
        arr = np.stack(frames) if img.format == "GIF" and expand_animations else frames[0]
        if np_dtype == np.uint16:
            arr = arr.astype(np.uint16) * 257
        return arr
    raise errors.InvalidArgumentError(None, ctx.op, "Unknown image file format. One of JPEG, PNG, GIF, "
                                      "BMP required.")


def decode_image(contents, channels=None, dtype=_dtypes.uint8, name=None, expand_animations=True):
    """tf.image.decode_image: PNG/JPEG/GIF/BMP by the first bytes (one DecodeImage host op; TF1 builds a
    tf.cond over the decoders). GIF with expand_animations gives [frames, h, w, 3]."""
    dtype = _dtypes.as_dtype(dtype)
    if dtype not in (_dtypes.uint8, _dtypes.uint16):
        raise NotImplementedError("tf.image.decode_image(dtype=float) is not supported by compat_tf")
    contents = _constant.convert_to_tensor(contents, dtype=_dtypes.string)
    _check_scalar_input(contents, "decode_image contents")
    attrs = {"channels": int(channels or 0), "dtype": dtype, "expand_animations": bool(expand_animations)}
    return contents.graph.create_op("DecodeImage", [contents], attrs,
                                    name=name or "decode_image").outputs[0]


def _pil_open(ctx, data, fmt, what):
    Image = _pil()
    try:
        img = Image.open(io.BytesIO(data))
        if img.format != fmt:
            raise ValueError(f"not a {fmt} file")
        img.load()
        return img
    except Exception as e:  # noqa: BLE001 - Pillow raises many types
        raise errors.InvalidArgumentError(None, ctx.op, f"{what} ({e})") from None


@register_op("DecodeAndCropJpeg", shape=_decode_rule, ctx=True, **_REG)
def _decode_and_crop_jpeg(ctx, contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                          try_recover_truncated=False, acceptable_fraction=1.0, dct_method="",
                          dtype=_dtypes.uint8):
    img = _decode_jpeg(ctx, contents, channels, ratio, fancy_upscaling, try_recover_truncated,
                       acceptable_fraction, dct_method)
    win = np.asarray(crop_window).reshape(-1)
    if win.size != 4:
        raise errors.InvalidArgumentError(None, ctx.op, f"crop_window must have 4 elements, got {win.size}")
    y, x, h, w = (int(v) for v in win)
    if y < 0 or x < 0 or h <= 0 or w <= 0 or y + h > img.shape[0] or x + w > img.shape[1]:
        raise errors.InvalidArgumentError(None, ctx.op, "Invalid JPEG data or crop window, data size "
                                          f"{len(_scalar_bytes(ctx, contents))}")
    return np.ascontiguousarray(img[y:y + h, x:x + w])


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """tf.image.decode_and_crop_jpeg (op DecodeAndCropJpeg): decode_jpeg, then the window
    [crop_y, crop_x, crop_height, crop_width] (decoded whole, then cropped)."""
    if not fancy_upscaling or try_recover_truncated or acceptable_fraction != 1:
        raise NotImplementedError("tf.image.decode_and_crop_jpeg(fancy_upscaling=False, try_recover_"
                                  "truncated, acceptable_fraction<1) is not supported by compat_tf")
    contents = _constant.convert_to_tensor(contents, dtype=_dtypes.string)
    _check_scalar_input(contents, "DecodeAndCropJpeg contents")
    crop_window = _constant.convert_to_tensor(crop_window, dtype=_dtypes.int32)
    attrs = {"channels": int(channels), "ratio": int(ratio), "fancy_upscaling": True,
             "try_recover_truncated": False, "acceptable_fraction": 1.0, "dct_method": dct_method or "",
             "dtype": _dtypes.uint8}
    return contents.graph.create_op("DecodeAndCropJpeg", [contents, crop_window], attrs,
                                    name=name or "DecodeAndCropJpeg").outputs[0]


@register_op("DecodeGif", shape=lambda op: [(_ts.TensorShape([None, None, None, 3]), _dtypes.uint8)],
             ctx=True, **_REG)
def _decode_gif(ctx, contents):
    data = _scalar_bytes(ctx, contents)
    img = _pil_open(ctx, data, "GIF", "Invalid GIF data")
    frames = []
    for i in range(getattr(img, "n_frames", 1)):
        img.seek(i)
        frames.append(_pil_to_array(img, 3))
    return np.stack(frames)


def decode_gif(contents, name=None):
    """tf.image.decode_gif (op DecodeGif): all frames, [num_frames, height, width, 3] uint8
    (frames composited by Pillow)."""
    contents = _constant.convert_to_tensor(contents, dtype=_dtypes.string)
    _check_scalar_input(contents, "DecodeGif contents")
    return contents.graph.create_op("DecodeGif", [contents], {}, name=name or "DecodeGif").outputs[0]


@register_op("DecodeBmp", shape=lambda op: [(_ts.TensorShape([None, None, op.get_attr("channels") or None]),
                                              _dtypes.uint8)], ctx=True, **_REG)
def _decode_bmp(ctx, contents, channels=0):
    _check_channels(ctx, channels, (0, 1, 3, 4))
    img = _pil_open(ctx, _scalar_bytes(ctx, contents), "BMP", "Invalid BMP data")
    if channels == 0:
        channels = 4 if img.mode == "RGBA" else (1 if img.mode in ("L", "1") else 3)
    return _pil_to_array(img, channels)


def decode_bmp(contents, channels=0, name=None):
    """tf.image.decode_bmp (op DecodeBmp): [height, width, channels] uint8."""
    contents = _constant.convert_to_tensor(contents, dtype=_dtypes.string)
    _check_scalar_input(contents, "DecodeBmp contents")
    return contents.graph.create_op("DecodeBmp", [contents], {"channels": int(channels)},
                                    name=name or "DecodeBmp").outputs[0]
