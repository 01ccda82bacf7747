"""tf.signal (also tf.spectral): FFTs (compat_tf._src.ops.fft_ops) and the signal ops (signal_ops)."""
from compat_tf._src.ops.fft_ops import (  # noqa: F401
    fft, fft2d, fft3d, fftnd, ifft, ifft2d, ifft3d, ifftnd, irfft, irfft2d, irfft3d, irfftnd, rfft, rfft2d, rfft3d,
    rfftnd)
from compat_tf._src.ops.signal_ops import (  # noqa: F401
    dct, fftshift, frame, hamming_window, hann_window, idct, ifftshift, inverse_mdct, inverse_stft,
    inverse_stft_window_fn, kaiser_bessel_derived_window, kaiser_window, linear_to_mel_weight_matrix, mdct,
    mfccs_from_log_mel_spectrograms, overlap_and_add, stft, vorbis_window)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.signal")
