"""Python functions as XLA custom calls on CPU: FFI handlers made with ctypes (XLA's FFI C API,
`xla/ffi/api/c_api.h` as shipped in jaxlib's include directory, API version 0.3).

A handler registered here gets the custom call's buffers in place: the input addresses and the
output buffers XLA allocated, which the function writes into. `jax.pure_callback` instead hands a
callback copies of its inputs and copies its result into the output (about 1 ms per 6 MB on a
machine with slow memory), and a step that holds one is never written to JAX's persistent
compilation cache. A custom call is named in the compiled program, so a cached step holding one
loads in a new process once its target is registered again (`register` is idempotent).

`register(name, fn)`: `fn(inputs, outputs, attrs)` gets lists of `Buffer` (address, shape, dtype
code) and a dict of the call's string attributes (bytes). An exception raised by `fn` becomes an
XLA FFI error (the step raises it; JAX reports it as an XlaRuntimeError naming the message).
ctypes takes the GIL for each call. Only string attributes are decoded.
"""
import ctypes
import functools
import threading
from typing import NamedTuple

import jax

_vp = ctypes.c_void_p
_API_MAJOR, _API_MINOR = 0, 3
_EXTENSION_METADATA = 1
_STAGE_EXECUTE = 3
_ATTR_STRING = 4
_ERROR_INTERNAL = 13


class _ExtensionBase(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("type", ctypes.c_int), ("next", _vp)]


class _ApiVersion(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("extension_start", _vp), ("major", ctypes.c_int),
                ("minor", ctypes.c_int)]


class _Metadata(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("api_version", _ApiVersion), ("traits", ctypes.c_uint32),
                ("state_type_id", ctypes.c_int64)]


class _MetadataExtension(ctypes.Structure):
    _fields_ = [("base", _ExtensionBase), ("metadata", ctypes.POINTER(_Metadata))]


class _Buffer(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("extension_start", _vp), ("dtype", ctypes.c_int),
                ("data", _vp), ("rank", ctypes.c_int64), ("dims", ctypes.POINTER(ctypes.c_int64))]


class _List(ctypes.Structure):                # XLA_FFI_Args and XLA_FFI_Rets
    _fields_ = [("struct_size", ctypes.c_size_t), ("extension_start", _vp), ("size", ctypes.c_int64),
                ("types", ctypes.POINTER(ctypes.c_int)), ("items", ctypes.POINTER(_vp))]


class _Attrs(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("extension_start", _vp), ("size", ctypes.c_int64),
                ("types", ctypes.POINTER(ctypes.c_int)), ("names", ctypes.POINTER(_vp)),
                ("attrs", ctypes.POINTER(_vp))]


class _ByteSpan(ctypes.Structure):
    _fields_ = [("ptr", _vp), ("len", ctypes.c_size_t)]


class _CallFrame(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("extension_start", ctypes.POINTER(_ExtensionBase)),
                ("api", _vp), ("ctx", _vp), ("stage", ctypes.c_int), ("args", _List), ("rets", _List),
                ("attrs", _Attrs), ("future", _vp)]


class _ErrorCreateArgs(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("extension_start", _vp), ("message", ctypes.c_char_p),
                ("errc", ctypes.c_int)]


_ErrorCreate = ctypes.CFUNCTYPE(_vp, ctypes.POINTER(_ErrorCreateArgs))


class _Api(ctypes.Structure):                  # the leading fields of XLA_FFI_Api
    _fields_ = [("struct_size", ctypes.c_size_t), ("extension_start", _vp), ("api_version", _ApiVersion),
                ("internal_api", _vp), ("error_create", _ErrorCreate)]


_Handler = ctypes.CFUNCTYPE(_vp, ctypes.POINTER(_CallFrame))


class Buffer(NamedTuple):
    """One operand or result of the call: its address, shape and XLA FFI dtype code."""
    address: int
    shape: tuple
    dtype: int


def _buffers(items):
    out = []
    for i in range(items.size):
        b = ctypes.cast(items.items[i], ctypes.POINTER(_Buffer)).contents
        out.append(Buffer(b.data or 0, tuple(b.dims[k] for k in range(b.rank)), b.dtype))
    return out


def _span(pointer):
    span = ctypes.cast(pointer, ctypes.POINTER(_ByteSpan)).contents
    return ctypes.string_at(span.ptr, span.len)


def _attributes(attrs):
    return {_span(attrs.names[i]).decode(): _span(attrs.attrs[i])
            for i in range(attrs.size) if attrs.types[i] == _ATTR_STRING}


def _error(frame, message):
    api = ctypes.cast(frame.api, ctypes.POINTER(_Api)).contents
    args = _ErrorCreateArgs(ctypes.sizeof(_vp) * 3 + ctypes.sizeof(ctypes.c_int), None,
                            message.encode("utf-8", "replace"), _ERROR_INTERNAL)
    return api.error_create(ctypes.byref(args))


def _handler(fn):
    def handle(frame_pointer):
        frame = frame_pointer.contents
        if frame.extension_start and frame.extension_start.contents.type == _EXTENSION_METADATA:
            # XLA asks which FFI version the handler speaks (at registration/compilation)
            metadata = ctypes.cast(frame.extension_start, ctypes.POINTER(_MetadataExtension)).contents.metadata
            metadata.contents.api_version.major = _API_MAJOR
            metadata.contents.api_version.minor = _API_MINOR
            metadata.contents.traits = 0
            return None
        if frame.stage != _STAGE_EXECUTE:
            return None
        try:
            fn(_buffers(frame.args), _buffers(frame.rets), _attributes(frame.attrs))
        except Exception as e:             # noqa: BLE001 - any failure becomes the step's error
            return _error(frame, f"{type(e).__name__}: {e}")
        return None
    return handle


_registered = {}
_lock = threading.Lock()


def register(name, fn):
    """Registers `fn(inputs, outputs, attrs)` as the CPU custom call `name` (once per process)."""
    with _lock:
        if name in _registered:
            return
        handler = _Handler(_handler(fn))
        jax.ffi.register_ffi_target(name, jax.ffi.pycapsule(ctypes.cast(handler, _vp)), platform="cpu")
        _registered[name] = handler            # kept alive: XLA holds its address


@functools.cache
def works():
    """Whether this jaxlib speaks the FFI version the structures above describe: the API version in
    the C header jaxlib ships (`jax.ffi.include_dir()`) is 0.x with x >= 3 (minor versions only
    append fields). False (another major version, no header) sends callers to XLA's own programs.
    Reading the header takes a fraction of a millisecond; compiling a test call took 40 ms."""
    import os
    import re
    try:
        with open(os.path.join(jax.ffi.include_dir(), "xla", "ffi", "api", "c_api.h")) as f:
            text = f.read()
        major = int(re.search(r"#define XLA_FFI_API_MAJOR (\d+)", text).group(1))
        minor = int(re.search(r"#define XLA_FFI_API_MINOR (\d+)", text).group(1))
    except (OSError, AttributeError, ValueError):
        return False
    return major == _API_MAJOR and minor >= _API_MINOR
