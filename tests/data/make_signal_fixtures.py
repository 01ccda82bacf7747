"""Writes tests/data/signal/expected.npz with REAL TensorFlow (the oracle venv): tf.signal values on
fixed inputs, for tests/ops/test_signal_ops.py.

Run: /tmp/tfvenv/bin/python tests/data/make_signal_fixtures.py
"""
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "signal", "expected.npz")


def cases():
    rng = np.random.RandomState(0)
    x = rng.rand(2, 40).astype(np.float32)
    c = (rng.rand(2, 8) + 1j * rng.rand(2, 8)).astype(np.complex64)
    img = rng.rand(2, 4, 6).astype(np.float32)
    s = tf.signal
    out = {"x": x, "c": c, "img": img}
    out.update({
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
    })
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
    st = s.stft(x, 16, 4)
    out["istft"] = s.inverse_stft(st, 16, 4, window_fn=s.inverse_stft_window_fn(4))
    return out


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with tf.Graph().as_default():
        items = cases()
        names = [k for k, v in items.items() if isinstance(v, tf.Tensor)]
        with tf.Session() as sess:
            values = sess.run([items[k] for k in names])
        arrays = {k: v for k, v in items.items() if not isinstance(v, tf.Tensor)}
        arrays.update(dict(zip(names, values)))
    np.savez(OUT, **arrays)


if __name__ == "__main__":
    main()
