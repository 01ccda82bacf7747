"""TF's OrderedCode (tensorflow/core/lib/strings/ordered_code.cc), decoding only: the keys under
which a tensor bundle stores the slices of a partitioned variable
(checkpoint::EncodeTensorNameSlice: NumIncreasing(0), String(name), NumIncreasing(rank), then a
SignedNumIncreasing start and length per dimension, a length of -1 meaning the whole dimension).
"""

__all__ = ["decode_tensor_name_slice"]


def _read_num_increasing(buf, pos):
    n = buf[pos]
    if pos + 1 + n > len(buf):
        raise ValueError("truncated NumIncreasing")
    return int.from_bytes(buf[pos + 1:pos + 1 + n], "big"), pos + 1 + n


def _read_string(buf, pos):
    out = bytearray()
    while pos + 1 < len(buf):
        c = buf[pos]
        if c == 0x00:
            nxt = buf[pos + 1]
            if nxt == 0x01:
                return bytes(out), pos + 2
            if nxt != 0xFF:
                raise ValueError("bad escape in String")
            out.append(0x00)
            pos += 2
        elif c == 0xFF:
            if buf[pos + 1] != 0x00:
                raise ValueError("bad escape in String")
            out.append(0xFF)
            pos += 2
        else:
            out.append(c)
            pos += 1
    raise ValueError("unterminated String")


def _read_signed_num_increasing(buf, pos):
    """The length is the count of leading header bits (after undoing the sign's complement): 1..10."""
    negative = not buf[pos] & 0x80
    mask = 0xFF if negative else 0x00
    raw = bytes(b ^ mask for b in buf[pos:pos + 10])
    if raw[0] != 0xFF:
        length = 1
        while raw[0] & (0x80 >> length):
            length += 1
        value_bits = 8 * length - (length + 1)
    elif raw[1] < 0x80:
        length, value_bits = 8, 64 - 9
    elif raw[1] < 0xC0:
        length, value_bits = 9, 62
    else:
        length, value_bits = 10, 64
    if pos + length > len(buf):
        raise ValueError("truncated SignedNumIncreasing")
    x = int.from_bytes(raw[:length], "big") & ((1 << value_bits) - 1)
    return (-x - 1 if negative else x), pos + length


def decode_tensor_name_slice(key):
    """(name, ((start, length), ...)) of a slice key (bytes starting with 0x00); length -1: full."""
    buf = bytes(key)
    tag, pos = _read_num_increasing(buf, 0)
    if tag != 0:
        raise ValueError("not a tensor slice key")
    name, pos = _read_string(buf, pos)
    rank, pos = _read_num_increasing(buf, pos)
    extents = []
    for _ in range(rank):
        start, pos = _read_signed_num_increasing(buf, pos)
        length, pos = _read_signed_num_increasing(buf, pos)
        extents.append((start, length))
    if pos != len(buf):
        raise ValueError("trailing bytes after a tensor slice key")
    return name.decode("utf-8"), tuple(extents)
