"""Protobuf's base-128 varints, as TF's core/lib/core/coding writes them: encoding, bounded
decoding (tensor bundles, string tensor contents, serialized sparse tensors) and the
length-delimited fields the event writer builds by hand."""


def encode(n):
    """The varint bytes of the non-negative integer `n`."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def decode(buf, pos, limit, what, max_bytes=10):
    """(value, position after it) of the varint at buf[pos:limit]; ValueError naming `what` when
    it runs past `limit` or over `max_bytes`. As TF's GetVarint32/GetVarint64, the bits beyond the
    32 (max_bytes 5) or 64 (max_bytes 10) that the value holds are dropped."""
    result = shift = 0
    mask = (1 << (32 if max_bytes <= 5 else 64)) - 1
    for _ in range(max_bytes):
        if pos >= limit:
            break
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result & mask, pos
        shift += 7
    raise ValueError(f"bad varint in {what}")


def length_delimited(field, payload):
    """A length-delimited protobuf field (wire type 2) holding `payload`."""
    return encode(field << 3 | 2) + encode(len(payload)) + payload
