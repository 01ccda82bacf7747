"""compat_tf/_src/io/varint.py: protobuf varints as TF's core/lib/core/coding reads them."""
import pytest

from compat_tf._src.io import varint


@pytest.mark.parametrize("n", [0, 1, 127, 128, 300, 2 ** 32 - 1, 2 ** 63, 2 ** 64 - 1])
def test_round_trip(n):
    data = varint.encode(n) + b"tail"
    assert varint.decode(data, 0, len(data), "x") == (n, len(data) - 4)


def test_bits_beyond_the_width_are_dropped_as_tf_does():
    ten = b"\xff" * 9 + b"\x7f"                  # 70 bits of ones in 10 bytes
    assert varint.decode(ten, 0, len(ten), "x") == (2 ** 64 - 1, 10)
    five = b"\xff" * 4 + b"\x7f"                 # 35 bits in 5 bytes, read as a 32-bit varint
    assert varint.decode(five, 0, len(five), "x", 5) == (2 ** 32 - 1, 5)


@pytest.mark.parametrize("data, limit, max_bytes", [
    (b"\x80\x80", 2, 10),          # runs past the limit
    (b"\xff" * 11, 11, 10),        # longer than 10 bytes
    (b"\xff" * 6, 6, 5),           # longer than 5 bytes for a 32-bit varint
    (b"\x81\x01", 1, 10),          # the limit cuts it
])
def test_malformed_varints_are_value_errors_naming_the_field(data, limit, max_bytes):
    with pytest.raises(ValueError, match="bad varint in the field"):
        varint.decode(data, 0, limit, "the field", max_bytes)
