"""tf.compat: `tf.compat.v1` is the compat_tf namespace itself (one module object); TF1's
as_bytes/as_text/as_str/as_str_any/path_to_str and the *_types tuples."""
import sys as _sys

import compat_tf as _root

v1 = _root
_sys.modules[__name__ + ".v1"] = _root

# -- TF 1.15's string/number helpers (tensorflow/python/util/compat.py) ---------------------------
import numbers as _numbers  # noqa: E402

import numpy as _np  # noqa: E402

bytes_or_text_types = (bytes, str)
integral_types = (_numbers.Integral, _np.integer)
real_types = (_numbers.Real, _np.integer, _np.floating)
complex_types = (_numbers.Complex, _np.number)


def as_bytes(bytes_or_text, encoding="utf-8"):
    """`bytes_or_text` as bytes (str encoded with `encoding`); TypeError for anything else."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    """`bytes_or_text` as str (bytes decoded with `encoding`); TypeError for anything else."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text      # Python 3: the native string is text


def as_str_any(value):
    """str(value), decoding bytes as text."""
    return as_str(value) if isinstance(value, bytes) else str(value)


def path_to_str(path):
    """An os.PathLike as its str path; anything else unchanged."""
    if hasattr(path, "__fspath__"):
        path = as_str_any(path.__fspath__())
    return path
