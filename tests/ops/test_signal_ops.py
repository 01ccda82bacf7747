"""tf.signal against values recorded from TensorFlow (tests/data/make_signal_fixtures.py), and
gradients of the FFTs against finite differences."""
import os

import numpy as np
import pytest

import compat_tf as tf

E = dict(np.load(os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "signal", "expected.npz")))


def _cases():
    s = tf.signal
    x, c, img = E["x"], E["c"], E["img"]
    out = {
        "fft": s.fft(c), "ifft": s.ifft(c), "fft2d": s.fft2d(c.reshape(2, 2, 4)),
        "ifft3d": s.ifft3d(c.reshape(1, 2, 2, 4)),
        "rfft": s.rfft(x), "rfft_16": s.rfft(x, [16]), "rfft_64": s.rfft(x, [64]), "irfft": s.irfft(s.rfft(x)),
        "irfft_12": s.irfft(c, [12]), "rfft2d": s.rfft2d(img), "irfft2d": s.irfft2d(s.rfft2d(img)),
        "rfft2d_35": s.rfft2d(img, [3, 5]),
        "hann": s.hann_window(10), "hann_sym": s.hann_window(10, periodic=False), "hamming": s.hamming_window(7),
        "kaiser": s.kaiser_window(9, beta=5.0), "kbd": s.kaiser_bessel_derived_window(8, beta=4.0),
        "vorbis": s.vorbis_window(12), "hann1": s.hann_window(1),
        "frame": s.frame(x, 8, 5), "frame_pad": s.frame(x, 8, 5, pad_end=True, pad_value=-1.0),
        "ola": s.overlap_and_add(tf.reshape(tf.constant(x[:, :36]), [2, 4, 9]), 4),
        "stft": s.stft(x, 16, 8), "stft_fft": s.stft(x, 10, 4, fft_length=16, pad_end=True),
        "mel": s.linear_to_mel_weight_matrix(10, 33, 16000, 20.0, 7000.0),
        "mfcc": s.mfccs_from_log_mel_spectrograms(tf.constant(img)),
        "fftshift": s.fftshift(tf.constant(img)), "ifftshift": s.ifftshift(tf.constant(img), axes=[1]),
    }
    for t in (1, 2, 3, 4):
        out[f"dct{t}"] = s.dct(x[:, :8], type=t)
        out[f"idct{t}"] = s.idct(x[:, :8], type=t)
    out["dct2_ortho"] = s.dct(x[:, :8], type=2, norm="ortho")
    out["dct3_ortho"] = s.dct(x[:, :8], type=3, norm="ortho")
    out["dct4_ortho"] = s.dct(x[:, :8], type=4, norm="ortho")
    out["dct2_n5"] = s.dct(x[:, :8], type=2, n=5)
    out["dct2_n10"] = s.dct(x[:, :8], type=2, n=10)
    m = s.mdct(x, 16)
    out["mdct"] = m
    out["imdct"] = s.inverse_mdct(m)
    out["istft"] = s.inverse_stft(s.stft(x, 16, 4), 16, 4, window_fn=s.inverse_stft_window_fn(4))
    return out


def test_signal_values_match_tensorflow():
    with tf.Graph().as_default():
        cases = _cases()
        for k, t in cases.items():
            assert t.shape.as_list() == list(E[k].shape), k       # static shapes as TF's
            assert t.dtype.as_numpy_dtype == E[k].dtype, k
        got = tf.Session().run(cases)
    for k, v in got.items():
        np.testing.assert_allclose(v, E[k], rtol=2e-4, atol=2e-4, err_msg=k)


def test_fft_gradients_and_errors():
    rng = np.random.RandomState(2)
    xv = rng.rand(3, 6)
    with tf.Graph().as_default():
        x = tf.constant(xv)
        y = tf.reduce_sum(tf.abs(tf.signal.rfft(x)) ** 2)          # Parseval: d/dx sum|X|^2 known in closed form
        g = tf.gradients(y, x)[0]
        got = tf.Session().run(g)
        with pytest.raises(TypeError, match="input must be complex64 or complex128"):
            tf.signal.fft(tf.constant([1.0, 2.0]))
        with pytest.raises(ValueError, match="Types I, II, III and IV"):
            tf.signal.dct(x, type=5)
    eps = 1e-6
    num = np.zeros_like(xv)
    f = lambda v: (np.abs(np.fft.rfft(v)) ** 2).sum()   # noqa: E731
    for i in np.ndindex(xv.shape):
        d = np.zeros_like(xv)
        d[i] = eps
        num[i] = (f(xv + d) - f(xv - d)) / (2 * eps)
    np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-6)
