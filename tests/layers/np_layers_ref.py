"""NumPy references for the tf.layers tests."""
import numpy as np


def _pads(n, k, s, d, padding):
    """TF's SAME/VALID output size and (before, after) padding."""
    kd = (k - 1) * d + 1
    if padding == "valid":
        return (n - kd) // s + 1, (0, 0)
    out = -(-n // s)
    total = max((out - 1) * s + kd - n, 0)
    return out, (total // 2, total - total // 2)


def np_conv(x, w, strides, padding, dilations=None):
    """N-d cross-correlation, channels last: x [b, *sp, ci], w [*k, ci, co]."""
    nsp = x.ndim - 2
    dilations = dilations or (1,) * nsp
    outs, pads = zip(*[_pads(x.shape[1 + i], w.shape[i], strides[i], dilations[i],
                             padding) for i in range(nsp)])
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)])
    out = np.zeros((x.shape[0],) + outs + (w.shape[-1],), np.float64)
    for idx in np.ndindex(*outs):
        sl = [slice(None)]
        for i, o in enumerate(idx):
            start = o * strides[i]
            sl.append(slice(start, start + (w.shape[i] - 1) * dilations[i] + 1, dilations[i]))
        patch = xp[tuple(sl) + (slice(None),)]            # [b, *k, ci]
        out[(slice(None),) + idx] = np.tensordot(patch, w, axes=(list(range(1, nsp + 2)),
                                                                 list(range(nsp + 1))))
    return out


def np_pool(x, k, s, padding, kind):
    """2-D pooling, NHWC; SAME average counts only valid elements, SAME max ignores padding."""
    b, h, w, c = x.shape
    (oh, ph), (ow, pw) = _pads(h, k[0], s[0], 1, padding), _pads(w, k[1], s[1], 1, padding)
    out = np.zeros((b, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * s[0] - ph[0], j * s[1] - pw[0]
            win = x[:, max(r0, 0):min(r0 + k[0], h), max(c0, 0):min(c0 + k[1], w), :]
            out[:, i, j] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out
