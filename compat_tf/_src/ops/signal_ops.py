"""tf.signal (TF 1.15 / 2.x ops/signal): windows, framing, overlap-add, STFT and its inverse, mel
weights, MFCCs, DCT/IDCT (types I-IV), MDCT, fftshift; composed of compat_tf ops (gradients
flow), formulas as TensorFlow's signal package.

frame_length / frame_step / fft_length / window lengths must be Python ints or constants; `axis`
of frame and dct is -1 only (as TF's dct; frame's other axes raise NotImplementedError).
"""
import math

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.ops import array_ops, gather_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import fft_ops

__all__ = ["dct", "fftshift", "frame", "hamming_window", "hann_window", "idct", "ifftshift", "inverse_mdct",
           "inverse_stft", "inverse_stft_window_fn", "kaiser_bessel_derived_window", "kaiser_window",
           "linear_to_mel_weight_matrix", "mdct", "mfccs_from_log_mel_spectrograms", "overlap_and_add", "stft",
           "vorbis_window"]


def _g():
    return _graph.get_default_graph()


def _static(x, what):
    if isinstance(x, (int, np.integer)):
        return int(x)
    v = shape_inference.constant_value(_constant.convert_to_tensor(x))
    if v is None:
        raise NotImplementedError(f"tf.signal: {what} must be known when the graph is built in compat_tf")
    return int(v)


# -- windows -----------------------------------------------------------------------------------
def _window(values, dtype, name):
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dtype}")
    return _constant.constant(np.asarray(values, dtype=dtype.as_numpy_dtype), dtype=dtype, name=name)


def _raised_cosine(window_length, periodic, a, b):
    """a - b cos(2 pi k / (N - 1)), N = window_length + 1 for a periodic window of even length
    (TF's rule: an odd-length periodic window is the symmetric one)."""
    n = _static(window_length, "window_length")
    if n == 1:
        return np.ones(1)
    denom = n + (1 if periodic and n % 2 == 0 else 0) - 1
    return a - b * np.cos(2 * np.pi * np.arange(n) / denom)


def hann_window(window_length, periodic=True, dtype=_dtypes.float32, name=None):
    """0.5 - 0.5 cos(2 pi k / (N - 1)) (see _raised_cosine for N)."""
    return _window(_raised_cosine(window_length, periodic, 0.5, 0.5), dtype, name or "hann_window")


def hamming_window(window_length, periodic=True, dtype=_dtypes.float32, name=None):
    """0.54 - 0.46 cos(2 pi k / (N - 1))."""
    return _window(_raised_cosine(window_length, periodic, 0.54, 0.46), dtype, name or "hamming_window")


def kaiser_window(window_length, beta=12.0, dtype=_dtypes.float32, name=None):
    """I0(beta sqrt(1 - (2n/(N-1) - 1)^2)) / I0(beta)."""
    n = _static(window_length, "window_length")
    return _window(np.kaiser(n, beta) if n > 1 else np.ones(n), dtype, name or "kaiser_window")


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=_dtypes.float32, name=None):
    """The KBD window: sqrt of the normalised cumulative sum of a Kaiser window, mirrored."""
    n = _static(window_length, "window_length")
    half = n // 2
    kw = np.kaiser(half + 1, beta)
    cs = np.cumsum(kw)
    w = np.sqrt(cs[:-1] / cs[-1])
    return _window(np.concatenate([w, w[::-1]]), dtype, name or "kaiser_bessel_derived_window")


def vorbis_window(window_length, dtype=_dtypes.float32, name=None):
    """sin(pi/2 sin^2(pi (n + 0.5) / N))."""
    n = _static(window_length, "window_length")
    arg = np.pi * (np.arange(n) + 0.5) / n
    return _window(np.sin(np.pi / 2.0 * np.sin(arg) ** 2), dtype, name or "vorbis_window")


# -- framing -----------------------------------------------------------------------------------
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """[..., samples] -> [..., frames, frame_length] windows every frame_step samples."""
    with _g().name_scope(name or "frame"):
        signal = _constant.convert_to_tensor(signal, name="signal")
        rank = signal.shape.ndims
        if rank is None:
            raise ValueError("frame: the signal's rank must be known")
        if axis not in (-1, rank - 1):
            raise NotImplementedError("tf.signal.frame(axis != -1) is not supported by compat_tf")
        length, step = _static(frame_length, "frame_length"), _static(frame_step, "frame_step")
        size = signal.shape[-1].value
        if size is None:
            raise NotImplementedError("tf.signal.frame of a signal of unknown length is not supported by compat_tf")
        if pad_end:
            num = -(-size // step)
            pad = max(0, (num - 1) * step + length - size)
            if pad:
                signal = array_ops.pad(signal, [[0, 0]] * (rank - 1) + [[0, pad]], constant_values=pad_value)
        else:
            num = max(0, 1 + (size - length) // step) if size >= length else 0
        idx = np.arange(num)[:, None] * step + np.arange(length)[None, :]
        if num == 0:
            shape = signal.shape.as_list()[:-1] + [0, length]
            return array_ops.zeros(shape, dtype=signal.dtype)
        return gather_ops.gather(signal, _constant.constant(idx.astype(np.int32)), axis=rank - 1)


def overlap_and_add(signal, frame_step, name=None):
    """[..., frames, frame_length] -> [..., (frames - 1) * frame_step + frame_length], frames summed."""
    with _g().name_scope(name or "overlap_and_add"):
        signal = _constant.convert_to_tensor(signal, name="signal")
        if signal.shape.ndims is None or signal.shape.ndims < 2:
            raise ValueError("input must have at least rank 2")
        step = _static(frame_step, "frame_step")
        frames, length = signal.shape[-2].value, signal.shape[-1].value
        if frames is None or length is None:
            raise NotImplementedError("tf.signal.overlap_and_add with unknown frame dims is not supported")
        out_len = (frames - 1) * step + length
        # a 0/1 matrix [frames * length, out_len] places each sample
        place = np.zeros((frames * length, out_len), dtype=signal.dtype.as_numpy_dtype)
        for f in range(frames):
            for i in range(length):
                place[f * length + i, f * step + i] = 1
        outer = array_ops.shape(signal)[:-2]
        flat = array_ops.reshape(signal, [-1, frames * length])
        out = math_ops.matmul(flat, _constant.constant(place))
        return array_ops.reshape(out, array_ops.concat([outer, [out_len]], 0))


# -- STFT --------------------------------------------------------------------------------------
def _enclosing_power_of_two(n):
    return int(2 ** math.ceil(math.log2(n)))


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window, pad_end=False, name=None):
    """Short-time Fourier transform: rfft(window * frame(signals)), fft_length the next power of 2."""
    with _g().name_scope(name or "stft"):
        signals = _constant.convert_to_tensor(signals, name="signals")
        length = _static(frame_length, "frame_length")
        n = _enclosing_power_of_two(length) if fft_length is None else _static(fft_length, "fft_length")
        framed = frame(signals, length, frame_step, pad_end=pad_end)
        if window_fn is not None:
            framed = framed * window_fn(length, dtype=signals.dtype)
        return fft_ops.rfft(framed, [n])


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """A window_fn for inverse_stft that undoes forward_window_fn's overlap (perfect reconstruction)."""
    def inverse_window_fn(frame_length, dtype):
        with _g().name_scope(name or "inverse_stft_window_fn"):
            step = _static(frame_step, "frame_step")
            fwd = forward_window_fn(frame_length, dtype=dtype)
            w = shape_inference.constant_value(fwd)
            if w is None:
                raise NotImplementedError("inverse_stft_window_fn needs a constant forward window")
            denom = np.square(w)
            overlaps = -(-frame_length // step)
            denom = np.pad(denom, (0, overlaps * step - frame_length))
            denom = np.tile(denom.reshape(overlaps, step).sum(0, keepdims=True), (overlaps, 1)).reshape(-1)
            return _constant.constant((w / denom[:frame_length]).astype(w.dtype), dtype=dtype)
    return inverse_window_fn


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window, name=None):
    """irfft of each frame, windowed, overlap-added (pair it with inverse_stft_window_fn)."""
    with _g().name_scope(name or "inverse_stft"):
        stfts = _constant.convert_to_tensor(stfts, name="stfts")
        length = _static(frame_length, "frame_length")
        n = _enclosing_power_of_two(length) if fft_length is None else _static(fft_length, "fft_length")
        frames = fft_ops.irfft(stfts, [n])[..., :length]
        if n < length:
            frames = array_ops.pad(frames, [[0, 0]] * (frames.shape.ndims - 1) + [[0, length - n]])
        if window_fn is not None:
            frames = frames * window_fn(length, dtype=stfts.dtype.real_dtype)
        return overlap_and_add(frames, frame_step)


# -- mel and MFCC ------------------------------------------------------------------------------
def _hertz_to_mel(hz):
    return 1127.0 * np.log1p(np.asarray(hz, np.float64) / 700.0)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype=_dtypes.float32, name=None):
    """[num_spectrogram_bins, num_mel_bins] triangular HTK-mel filters (the DC bin gets no weight)."""
    if num_mel_bins <= 0:
        raise ValueError("num_mel_bins must be positive. Got: %s" % num_mel_bins)
    if lower_edge_hertz < 0.0:
        raise ValueError("lower_edge_hertz must be non-negative. Got: %s" % lower_edge_hertz)
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"lower_edge_hertz {lower_edge_hertz} >= upper_edge_hertz {upper_edge_hertz}")
    if upper_edge_hertz > sample_rate / 2:
        raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency (sample_rate / 2). Got "
                         f"{upper_edge_hertz} for sample_rate: {sample_rate}")
    dt = _dtypes.as_dtype(dtype).as_numpy_dtype
    linear = np.linspace(0.0, sample_rate / 2.0, num_spectrogram_bins).astype(dt)[1:]
    bins_mel = _hertz_to_mel(linear).astype(dt)[:, None]
    edges = np.linspace(_hertz_to_mel(lower_edge_hertz), _hertz_to_mel(upper_edge_hertz), num_mel_bins + 2).astype(dt)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(0, np.minimum(lower_slopes, upper_slopes)).astype(dt)
    weights = np.pad(weights, [[1, 0], [0, 0]])
    return _constant.constant(weights, dtype=dtype, name=name or "linear_to_mel_weight_matrix")


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """dct(log_mel, type=2) * rsqrt(2 * num_mel_bins) (TF's scaling, HTK-compatible)."""
    with _g().name_scope(name or "mfccs_from_log_mel_spectrograms"):
        x = _constant.convert_to_tensor(log_mel_spectrograms, name="log_mel_spectrograms")
        num = x.shape[-1].value
        if num is None:
            raise NotImplementedError("mfccs_from_log_mel_spectrograms needs a known number of mel bins")
        return dct(x, type=2) * (1.0 / math.sqrt(2.0 * num))


# -- DCT / MDCT ------------------------------------------------------------------------------
def _dct_matrix(n_in, n, kind, norm):
    """M with dct(x) = x @ M for inputs cut/padded to n (scipy.fft.dct's definitions)."""
    k = np.arange(n)[None, :]
    i = np.arange(n)[:, None]
    if kind == 1:
        m = 2 * np.cos(np.pi * k * i / (n - 1))
        m[0, :] = 1
        m[-1, :] = (-1.0) ** np.arange(n)
    elif kind == 2:
        m = 2 * np.cos(np.pi * k * (2 * i + 1) / (2 * n))
        if norm == "ortho":
            m = m * np.where(k == 0, np.sqrt(1.0 / (4 * n)), np.sqrt(1.0 / (2 * n)))
    elif kind == 3:
        m = 2 * np.cos(np.pi * i * (2 * k + 1) / (2 * n))
        m[0, :] = 1
        if norm == "ortho":
            m = m / np.sqrt(2 * n) * np.where(i == 0, np.sqrt(2.0), 1.0)
            m[0, :] = 1.0 / np.sqrt(n)
    else:
        m = 2 * np.cos(np.pi * (2 * i + 1) * (2 * k + 1) / (4 * n))
        if norm == "ortho":
            m = m / np.sqrt(2 * n)
    if n_in != n:
        full = np.zeros((n_in, n))
        full[:min(n_in, n)] = m[:min(n_in, n)]
        m = full
    return m


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002 - TF's names
    """Discrete cosine transform of types I-IV over the last axis (scipy.fft.dct's values)."""
    if type not in (1, 2, 3, 4):
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported, got {type}.")
    if axis != -1:
        raise NotImplementedError("axis must be -1. Got: %s" % axis)
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    if type == 1 and norm == "ortho":
        raise ValueError("Normalization is not supported for the Type-I DCT.")
    with _g().name_scope(name or "dct"):
        x = _constant.convert_to_tensor(input, name="input")
        size = x.shape[-1].value
        if size is None:
            raise NotImplementedError("tf.signal.dct of an input with unknown last dimension is not supported")
        length = size if n is None else int(n)
        if type == 1 and length < 2:
            raise ValueError("Type-I DCT requires the input length to be at least 2.")
        m = _dct_matrix(size, length, type, norm).astype(x.dtype.as_numpy_dtype)
        return math_ops.tensordot(x, _constant.constant(m), [[x.shape.ndims - 1], [0]])


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The DCT of the inverse type (II <-> III; I and IV self-inverse), unscaled as TF's."""
    inverse_type = {1: 1, 2: 3, 3: 2, 4: 4}.get(type)
    if inverse_type is None:
        raise ValueError(f"Types I, II, III and IV (I)DCT are supported, got {type}.")
    return dct(input, type=inverse_type, n=n, axis=axis, norm=norm, name=name or "idct")


def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None, name=None):
    """Modified DCT of frames overlapping by half (frame_length a multiple of 4)."""
    with _g().name_scope(name or "mdct"):
        signals = _constant.convert_to_tensor(signals, name="signals")
        length = _static(frame_length, "frame_length")
        if length % 4 != 0:
            raise ValueError("The frame length must be a multiple of 4.")
        framed = frame(signals, length, length // 2, pad_end=pad_end)
        framed = framed * (window_fn(length, dtype=framed.dtype) if window_fn is not None else 1.0 / np.sqrt(2))
        q = length // 4
        a, b, c, d = (framed[..., i * q:(i + 1) * q] for i in range(4))
        first = -array_ops.reverse(c, [-1]) - d
        second = a - array_ops.reverse(b, [-1])
        return dct(array_ops.concat([first, second], -1), type=4, norm=norm)


def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    """Inverse of mdct (with the same window: time-domain aliasing cancels in overlap-add)."""
    with _g().name_scope(name or "inverse_mdct"):
        mdcts = _constant.convert_to_tensor(mdcts, name="mdcts")
        half = mdcts.shape[-1].value
        if half is None:
            raise NotImplementedError("tf.signal.inverse_mdct needs a known last dimension")
        if norm is None:
            result = (0.5 / half) * dct(mdcts, type=4)
        elif norm == "ortho":
            result = dct(mdcts, type=4, norm="ortho")
        else:
            raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
        h = half // 2
        first, second = result[..., :h], result[..., h:]
        frames = array_ops.concat([second, -array_ops.reverse(second, [-1]), -array_ops.reverse(first, [-1]),
                                   -first], -1)
        frames = frames * (window_fn(2 * half, dtype=mdcts.dtype) if window_fn is not None else 1.0 / np.sqrt(2))
        return overlap_and_add(frames, half)


# -- shifts ------------------------------------------------------------------------------------
def _shift(x, axes, inverse, name):
    from compat_tf._src.ops import sort_ops
    with _g().name_scope(name):
        x = _constant.convert_to_tensor(x, name="x")
        if x.shape.ndims is None:
            raise ValueError("the input rank must be known")
        ax = list(range(x.shape.ndims)) if axes is None else [int(a) for a in np.reshape(axes, -1)]
        dims = x.shape.as_list()
        shifts = []
        for a in ax:
            if dims[a] is None:
                raise NotImplementedError("fftshift over a dimension of unknown size is not supported")
            shifts.append(-(dims[a] // 2) if inverse else dims[a] // 2)
        return sort_ops.roll(x, shifts, ax)


def fftshift(x, axes=None, name=None):
    """Zero frequency moved to the centre (numpy.fft.fftshift)."""
    return _shift(x, axes, False, name or "fftshift")


def ifftshift(x, axes=None, name=None):
    """The inverse of fftshift."""
    return _shift(x, axes, True, name or "ifftshift")
