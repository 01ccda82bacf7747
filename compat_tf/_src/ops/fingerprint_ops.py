"""tf.fingerprint (op Fingerprint): an 8-byte fingerprint per row of `data`, as TF's kernel.

"farmhash64" is the only method (InvalidArgumentError for others, as TF): a numeric row's raw
little-endian bytes are fingerprinted with FarmHash Fingerprint64 (pyfarmhash, the hash TF
uses); for strings, one string per row is fingerprinted itself, several per row have their
fingerprints concatenated and fingerprinted again. The result is uint8 [rows, 8], the uint64
stored little-endian. A host op.
"""
import struct

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["fingerprint"]


def _fp(b):
    import farmhash
    return struct.pack("<Q", farmhash.fingerprint64(bytes(b)))


def _shape(op):
    d = op.inputs[0].shape
    rows = d[0].value if d.ndims else None
    return [(_ts.TensorShape([rows, 8]), _dtypes.uint8)]


@register_op("Fingerprint", shape=_shape, host=True, differentiable=False)
def _fingerprint(ctx, data, method, **_):
    m = np.asarray(method, dtype=object).reshape(()).item()
    m = m.decode() if isinstance(m, bytes) else str(m)
    if m != "farmhash64":
        raise _errors.InvalidArgumentError(None, ctx.op, f"Unsupported fingerprint method: {m}")
    arr = np.asarray(data)
    rows = arr.shape[0]
    out = np.empty((rows, 8), np.uint8)
    if ctx.op.inputs[0].dtype.base_dtype == _dtypes.string:
        flat = arr.reshape(rows, -1) if rows else arr.reshape(0, 1)
        for i in range(rows):
            if flat.shape[1] == 1:
                digest = _fp(flat[i, 0])
            else:
                digest = _fp(b"".join(_fp(s) for s in flat[i]))
            out[i] = np.frombuffer(digest, np.uint8)
    else:
        le = np.ascontiguousarray(arr.astype(arr.dtype.newbyteorder("<"))).reshape(rows, -1)
        for i in range(rows):
            out[i] = np.frombuffer(_fp(le[i].tobytes()), np.uint8)
    return out


def fingerprint(data, method="farmhash64", name=None):
    """tf.fingerprint: see the module docstring."""
    d = _constant.convert_to_tensor(data, name="data")
    if d.shape.ndims == 0:
        raise ValueError(f"Shape must be at least rank 1 but is rank 0 for 'Fingerprint' (data shape {d.shape})")
    m = _constant.convert_to_tensor(method, dtype=_dtypes.string, name="method")
    return make_tensor("Fingerprint", [d, m], name=name or "Fingerprint")
