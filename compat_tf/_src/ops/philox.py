"""TensorFlow's Philox4x32-10 counter-based generator (tensorflow/core/lib/random/philox_random.h),
as the host-side kernels that take (seed, seed2) use it, so their orders equal TF's.

`PhiloxRandom(seed, seed2)`: key = the two 32-bit halves of `seed`, counter = [0, 0, low and high
halves of `seed2`]; each call gives four uint32 values and advances the 128-bit counter by one.
`Uint32Stream` reads those values one at a time, as TF's `SingleSampleAdapter<PhiloxRandom>`
does (tf.data's shuffle buffer, its seed generator). Values are computed a block of counters at
a time with NumPy.
"""
import numpy as np

_M32 = 0xFFFFFFFF
_MUL_A = np.uint64(0xD2511F53)
_MUL_B = np.uint64(0xCD9E8D57)
_KEY_INC = (0x9E3779B9, 0xBB67AE85)
_ROUNDS = 10


def philox_blocks(key, counter, n):
    """The outputs of `n` successive PhiloxRandom calls from `counter` (four 32-bit words, low
    first) under `key` (two words): a uint32 array [n, 4]."""
    c0, c1, c2, c3 = _counter_words(_as_int(counter), n)
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    m32 = np.uint64(_M32)
    for r in range(_ROUNDS):
        p0 = _MUL_A * c0
        p1 = _MUL_B * c2
        hi0, lo0 = p0 >> np.uint64(32), p0 & m32
        hi1, lo1 = p1 >> np.uint64(32), p1 & m32
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        if r < _ROUNDS - 1:
            k0 = (k0 + np.uint64(_KEY_INC[0])) & m32
            k1 = (k1 + np.uint64(_KEY_INC[1])) & m32
    return np.stack([c0, c1, c2, c3], axis=1).astype(np.uint32)


def _as_int(words):
    return words[0] | words[1] << 32 | words[2] << 64 | words[3] << 96


def _as_words(c):
    return [(c >> (32 * w)) & _M32 for w in range(4)]


def _counter_words(c, n):
    """The four uint64 word arrays of the 128-bit counters c, c + 1, ..., c + n - 1."""
    low, high = c & (2 ** 64 - 1), c >> 64
    if low + n <= 2 ** 64:            # no carry into the high words: one vector add
        lows = np.uint64(low) + np.arange(n, dtype=np.uint64)
        hw = _as_words(high)
        m32 = np.uint64(_M32)
        return [lows & m32, lows >> np.uint64(32), np.full(n, hw[0], np.uint64), np.full(n, hw[1], np.uint64)]
    steps = [_as_words((c + i) & (2 ** 128 - 1)) for i in range(n)]       # the rare carry: per counter
    return [np.array(w, dtype=np.uint64) for w in zip(*steps)]


class Uint32Stream:
    """TF's SingleSampleAdapter<PhiloxRandom>(PhiloxRandom(seed, seed2)): uint32 values in order."""

    _BLOCK = 256

    def __init__(self, seed, seed2):
        seed, seed2 = int(seed) & (2 ** 64 - 1), int(seed2) & (2 ** 64 - 1)
        self._key = (seed & _M32, seed >> 32)
        self._counter = [0, 0, seed2 & _M32, seed2 >> 32]
        self._values = []
        self._next = 0
        self.samples = 0              # values drawn (TF's num_random_samples_)

    def _refill(self):
        block = philox_blocks(self._key, self._counter, self._BLOCK)
        self._counter = _as_words((_as_int(self._counter) + self._BLOCK) & (2 ** 128 - 1))
        self._values = block.reshape(-1).tolist()
        self._next = 0

    def __call__(self):
        if self._next >= len(self._values):
            self._refill()
        v = self._values[self._next]
        self._next += 1
        self.samples += 1
        return v

