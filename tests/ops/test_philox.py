"""compat_tf/_src/ops/philox.py: TF's Philox4x32-10 and its single-sample reading."""
import numpy as np
import pytest

from compat_tf._src.ops import philox


@pytest.mark.parametrize("key, counter, want", [      # Random123's known-answer tests (kat_vectors)
    ((0, 0), [0, 0, 0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]),
    ((0xffffffff, 0xffffffff), [0xffffffff] * 4, [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]),
    ((0xa4093822, 0x299f31d0), [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
     [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]),
])
def test_known_answers(key, counter, want):
    assert philox.philox_blocks(key, counter, 1)[0].tolist() == want


def test_blocks_advance_the_128_bit_counter_with_carry():
    """Block i is the generator at counter + i, the carry crossing the 32- and 64-bit words."""
    start = [0xfffffffe, 0xffffffff, 7, 0]
    blocks = philox.philox_blocks((5, 6), start, 4)
    for i in range(4):
        c = (start[0] | start[1] << 32 | start[2] << 64) + i
        words = [(c >> (32 * w)) & 0xffffffff for w in range(4)]
        assert blocks[i].tolist() == philox.philox_blocks((5, 6), words, 1)[0].tolist()


def test_stream_reads_each_block_in_order_across_refills():
    """Uint32Stream(seed, seed2): key from seed's halves, counter words 2-3 from seed2, four values per
    counter, read one at a time (TF's SingleSampleAdapter), the same across its internal blocks."""
    seed, seed2 = 2 ** 40 + 3, 87654321
    stream = philox.Uint32Stream(seed, seed2)
    got = [stream() for _ in range(4 * 300)]
    want = philox.philox_blocks((seed & 0xffffffff, seed >> 32), [0, 0, seed2 & 0xffffffff, seed2 >> 32], 300)
    assert got == want.reshape(-1).tolist()
    assert stream.samples == 1200
    assert all(isinstance(v, int) and 0 <= v < 2 ** 32 for v in got[:8])
    assert np.unique(got).size > 1190
