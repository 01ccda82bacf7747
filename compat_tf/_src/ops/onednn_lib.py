"""oneDNN's CPU convolutions, called through its C API with ctypes (the kernels TF1's CPU build uses).

XLA's CPU backend runs a convolution's forward pass 2-3x and its filter gradient up to 7x slower
than oneDNN on AVX-512 machines (5x5 32->64 over 14x14, batch 64: XLA 10.2 / 9.6 / 25.6 ms for
forward / input gradient / filter gradient, oneDNN 3.2 / 3.2 / 3.7 ms), and TF1's CPU build uses
oneDNN (MKL-DNN) for exactly these layers. The library comes from Intel's `onednn-cpu-gomp` wheel
(libdnnl.so.3, GNU OpenMP threads), a dependency on x86-64 Linux; where it cannot be loaded, or
with `COMPAT_TF_ONEDNN=0`, `available()` is False and convolutions stay XLA's.

`Convolution(geometry)` holds the three primitives of one convolution geometry (batch, sizes,
channels, strides, padding, dilation, feature groups; NWC/NHWC/NDHWC activations, TF's
[*kernel, in / groups, out] filters, float32):
`forward(x, w)`, `input_grad(dy, w)` and `filter_grad(x, dy)` take and return C-contiguous NumPy
arrays in TF's layouts. Filters are reordered into the blocked layout oneDNN's kernels pick
(`format_tag_any`), which is 1.3-2x faster than running on plain HWIO; activations stay NHWC, so
no copy of them is made. Executions are serialised by one lock: the library's stream is not
thread-safe, and two convolutions on the same cores gain nothing from running at once.
"""
import collections
import ctypes
import ctypes.util
import functools
import math
import os
import sys
import threading
from typing import NamedTuple

import numpy as np

# constants of oneDNN 3.x's C API (dnnl_types.h, dnnl_common_types.h)
_F32 = 3
_TAG_ANY = 1
_ACTIVATION_TAGS = {1: 15, 2: 22, 3: 33}           # nwc, nhwc, ndhwc
_FILTER_TAGS = {1: 19, 2: 28, 3: 38}               # wio, hwio, dhwio
_GROUPED_FILTER_TAGS = {1: 29, 2: 39, 3: 45}       # wigo, hwigo, dhwigo
_FORWARD_TRAINING = 64
_CONVOLUTION_DIRECT = 1
_CPU_ENGINE = 1
_STREAM_DEFAULT = 1
_ARG_SRC, _ARG_WEIGHTS, _ARG_DST = 1, 33, 17
_ARG_DIFF_SRC, _ARG_DIFF_WEIGHTS, _ARG_DIFF_DST = 129, 161, 145
_ARG_FROM, _ARG_TO = 1, 17
_QUERY_IMPL_INFO = 8
_QUERY_WEIGHTS_MD, _QUERY_DIFF_WEIGHTS_MD = 131, 132
_MAX_NDIMS = 12

_vp = ctypes.c_void_p
_Dims = ctypes.c_int64 * _MAX_NDIMS


class _Arg(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_int), ("memory", _vp)]


class OneDNNError(RuntimeError):
    """A oneDNN call returned an error status."""


class Geometry(NamedTuple):
    """One convolution: x [batch, *spatial, channels] * w [*kernel, channels / groups, filters].

    With `groups` > 1 (TF's grouped and depthwise convolutions, XLA's feature_group_count) each
    group of channels / groups input channels makes its filters / groups outputs, the outputs
    ordered group by group."""
    batch: int
    spatial: tuple
    channels: int
    kernel: tuple
    filters: int
    strides: tuple
    pads: tuple            # ((lo, hi), ...) per spatial axis
    dilations: tuple       # TF's dilation rates (1 = dense)
    groups: int = 1

    @property
    def out_spatial(self):
        return tuple((n + lo + hi - d * (k - 1) - 1) // s + 1
                     for n, k, s, (lo, hi), d in zip(self.spatial, self.kernel, self.strides, self.pads,
                                                     self.dilations))

    @property
    def x_shape(self):
        return (self.batch, *self.spatial, self.channels)

    @property
    def w_shape(self):
        return (*self.kernel, self.channels // self.groups, self.filters)

    @property
    def y_shape(self):
        return (self.batch, *self.out_spatial, self.filters)


class _Library:
    """libdnnl loaded once, with one CPU engine and stream."""

    # the oneDNN 3.x C API functions used here (2.x had other descriptor constructors)
    FUNCTIONS = ("dnnl_engine_create", "dnnl_stream_create", "dnnl_stream_wait", "dnnl_memory_desc_create_with_tag",
                 "dnnl_memory_desc_destroy", "dnnl_memory_desc_get_size", "dnnl_memory_create", "dnnl_memory_destroy",
                 "dnnl_primitive_create", "dnnl_primitive_execute", "dnnl_primitive_desc_query",
                 "dnnl_primitive_desc_query_md", "dnnl_reorder_primitive_desc_create",
                 "dnnl_convolution_forward_primitive_desc_create",
                 "dnnl_convolution_backward_data_primitive_desc_create",
                 "dnnl_convolution_backward_weights_primitive_desc_create")

    def __init__(self, path):
        self.dll = ctypes.CDLL(path)
        for name in self.FUNCTIONS:
            getattr(self.dll, name)                    # AttributeError: not oneDNN 3.x
        self.dll.dnnl_primitive_desc_query_md.restype = _vp
        self.dll.dnnl_memory_desc_get_size.restype = ctypes.c_size_t
        self.engine = _vp()
        self.check(self.dll.dnnl_engine_create(ctypes.byref(self.engine), _CPU_ENGINE, 0), "dnnl_engine_create")
        self.stream = _vp()
        self.check(self.dll.dnnl_stream_create(ctypes.byref(self.stream), self.engine, _STREAM_DEFAULT),
                   "dnnl_stream_create")
        self.lock = threading.Lock()

    @staticmethod
    def check(status, what):
        if status != 0:
            raise OneDNNError(f"oneDNN: {what} failed with status {status}")

    def memory_desc(self, dims, tag):
        md = _vp()
        self.check(self.dll.dnnl_memory_desc_create_with_tag(ctypes.byref(md), len(dims), _Dims(*dims), _F32, tag),
                   "dnnl_memory_desc_create_with_tag")
        return md

    def primitive(self, pd):
        prim = _vp()
        self.check(self.dll.dnnl_primitive_create(ctypes.byref(prim), pd), "dnnl_primitive_create")
        return prim

    def impl_name(self, pd):
        name = ctypes.c_char_p()
        self.dll.dnnl_primitive_desc_query(pd, _QUERY_IMPL_INFO, 0, ctypes.byref(name))
        return (name.value or b"").decode()

    def execute(self, prim, args):
        """Runs `prim` on [(arg id, memory desc, buffer address)] (the buffers are used in place)."""
        mems = []
        try:
            for _, md, address in args:
                mem = _vp()
                self.check(self.dll.dnnl_memory_create(ctypes.byref(mem), md, self.engine,
                                                       _vp(address)), "dnnl_memory_create")
                mems.append(mem)
            packed = (_Arg * len(args))(*[_Arg(a, m) for (a, _, _), m in zip(args, mems)])
            self.check(self.dll.dnnl_primitive_execute(prim, self.stream, len(args), packed), "dnnl_primitive_execute")
            self.check(self.dll.dnnl_stream_wait(self.stream), "dnnl_stream_wait")
        finally:
            for mem in mems:
                self.dll.dnnl_memory_destroy(mem)


def _library_path():
    """COMPAT_TF_ONEDNN_LIB, else the wheel's library: it installs into `<prefix>/lib` of the
    environment (a venv, conda, the system) or of `pip install --user` (site.USER_BASE)."""
    override = os.environ.get("COMPAT_TF_ONEDNN_LIB")
    if override:
        return override
    import site
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix, getattr(site, "USER_BASE", None) or sys.prefix)):
        candidate = os.path.join(prefix, "lib", "libdnnl.so.3")
        if os.path.exists(candidate):
            return candidate
    return ctypes.util.find_library("dnnl")


@functools.cache
def _library():
    """The loaded library, or None (not installed, not loadable, or COMPAT_TF_ONEDNN=0)."""
    if os.environ.get("COMPAT_TF_ONEDNN", "1").strip().lower() in ("0", "false", "off"):
        return None
    path = _library_path()
    if not path:
        return None
    try:
        return _Library(path)
    except (OSError, OneDNNError, AttributeError):
        return None


def available():
    """Whether oneDNN's convolutions can be used in this process."""
    return _library() is not None


class Convolution:
    """The forward, input-gradient and filter-gradient primitives of one `Geometry`."""

    def __init__(self, geometry):
        self._owned = []         # (oneDNN destroy function, handle), destroyed in reverse by __del__
        lib = self.lib = _library()
        g = self.geometry = geometry
        nsp = len(g.spatial)
        act = _ACTIVATION_TAGS[nsp]
        if g.groups == 1:        # oneDNN's logical filter order: [O, I, *kernel] or [G, O/G, I/G, *kernel]
            w_dims, flt = (g.filters, g.channels, *g.kernel), _FILTER_TAGS[nsp]
        else:
            w_dims = (g.groups, g.filters // g.groups, g.channels // g.groups, *g.kernel)
            flt = _GROUPED_FILTER_TAGS[nsp]
        # oneDNN's logical order is [N, C, *spatial] / [O, I, *kernel]; the tag gives TF's layout
        self.src_md = self._own("dnnl_memory_desc_destroy", lib.memory_desc((g.batch, g.channels, *g.spatial), act))
        self.dst_md = self._own("dnnl_memory_desc_destroy", lib.memory_desc((g.batch, g.filters, *g.out_spatial), act))
        self.user_w_md = self._own("dnnl_memory_desc_destroy", lib.memory_desc(w_dims, flt))
        any_w = self._own("dnnl_memory_desc_destroy", lib.memory_desc(w_dims, _TAG_ANY))
        conv = (_Dims(*g.strides), _Dims(*(d - 1 for d in g.dilations)),
                _Dims(*(lo for lo, _ in g.pads)), _Dims(*(hi for _, hi in g.pads)))
        d = lib.dll
        self.fwd_pd, self.bwd_data_pd, self.bwd_weights_pd = pds = _vp(), _vp(), _vp()
        for pd in pds:
            self._own("dnnl_primitive_desc_destroy", pd)          # destroyed only if created
        lib.check(d.dnnl_convolution_forward_primitive_desc_create(
            ctypes.byref(self.fwd_pd), lib.engine, _FORWARD_TRAINING, _CONVOLUTION_DIRECT, self.src_md, any_w, None,
            self.dst_md, *conv, None), "convolution forward descriptor")
        lib.check(d.dnnl_convolution_backward_data_primitive_desc_create(
            ctypes.byref(self.bwd_data_pd), lib.engine, _CONVOLUTION_DIRECT, self.src_md, any_w, self.dst_md,
            *conv, self.fwd_pd, None), "convolution backward-data descriptor")
        lib.check(d.dnnl_convolution_backward_weights_primitive_desc_create(
            ctypes.byref(self.bwd_weights_pd), lib.engine, _CONVOLUTION_DIRECT, self.src_md, any_w, None,
            self.dst_md, *conv, self.fwd_pd, None), "convolution backward-weights descriptor")
        self.fwd_w_md = _vp(d.dnnl_primitive_desc_query_md(self.fwd_pd, _QUERY_WEIGHTS_MD, 0))
        self.bwd_data_w_md = _vp(d.dnnl_primitive_desc_query_md(self.bwd_data_pd, _QUERY_WEIGHTS_MD, 0))
        self.bwd_weights_w_md = _vp(d.dnnl_primitive_desc_query_md(self.bwd_weights_pd, _QUERY_DIFF_WEIGHTS_MD, 0))
        self._prims = {}
        self._buffers = {}

    def _own(self, destroy, handle):
        self._owned.append((destroy, handle))
        return handle

    def __del__(self):
        """Destroys the primitives, descriptors and memory descriptors this geometry created
        (the cache drops a geometry beyond MAX_CONVOLUTIONS; a kernel running it holds a
        reference, so it is destroyed after that run)."""
        lib = getattr(self, "lib", None)
        for destroy, handle in reversed(getattr(self, "_owned", ())):
            if lib is not None and handle:
                getattr(lib.dll, destroy)(handle)
        self._owned = []

    def implementations(self):
        """oneDNN's names of the chosen kernels (forward, input gradient, filter gradient)."""
        return tuple(self.lib.impl_name(pd) for pd in (self.fwd_pd, self.bwd_data_pd, self.bwd_weights_pd))

    def _prim(self, name, make_pd):
        """The primitive `name`, created (JIT-compiled by oneDNN) on first use."""
        prim = self._prims.get(name)
        if prim is None:
            pd = make_pd()
            if pd not in (self.fwd_pd, self.bwd_data_pd, self.bwd_weights_pd):
                self._own("dnnl_primitive_desc_destroy", pd)       # a reorder's
            prim = self._prims[name] = self._own("dnnl_primitive_destroy", self.lib.primitive(pd))
        return prim

    def _scratch(self, name, md):
        """The address of float32 buffer `name`, the size of memory descriptor `md` (kept: it is
        used under the lock only)."""
        buf = self._buffers.get(name)
        if buf is None:
            buf = self._buffers[name] = np.empty(math.ceil(self.lib.dll.dnnl_memory_desc_get_size(md) / 4), np.float32)
        return buf.ctypes.data

    def _reorder(self, name, src_md, dst_md, src, dst):
        """dst (laid out as dst_md) = src (laid out as src_md); addresses."""
        lib = self.lib

        def make_pd():
            pd = _vp()
            lib.check(lib.dll.dnnl_reorder_primitive_desc_create(ctypes.byref(pd), src_md, lib.engine, dst_md,
                                                                  lib.engine, None), "reorder descriptor")
            return pd
        lib.execute(self._prim(name, make_pd), [(_ARG_FROM, src_md, src), (_ARG_TO, dst_md, dst)])
        return dst

    def run(self, kind, a, b, out):
        """Kernel `kind` ("forward": a=x, b=w, out=y; "input_grad": a=dy, b=w, out=dx;
        "filter_grad": a=x, b=dy, out=dw) on C-contiguous float32 buffers given by address, shaped
        as the geometry says (the caller checks)."""
        lib = self.lib
        with lib.lock:
            if kind in ("forward", "input_grad"):      # the filter is an input: reordered first
                if kind == "forward":
                    pd, w_md = self.fwd_pd, self.fwd_w_md
                    act_args = [(_ARG_SRC, self.src_md, a), (_ARG_DST, self.dst_md, out)]
                else:
                    pd, w_md = self.bwd_data_pd, self.bwd_data_w_md
                    act_args = [(_ARG_DIFF_DST, self.dst_md, a), (_ARG_DIFF_SRC, self.src_md, out)]
                wb = self._reorder("w->" + kind, self.user_w_md, w_md, b, self._scratch("w->" + kind, w_md))
                lib.execute(self._prim(kind, lambda: pd), act_args + [(_ARG_WEIGHTS, w_md, wb)])
            elif kind == "filter_grad":                 # the filter is the result: reordered after
                dwb = self._scratch("filter_grad", self.bwd_weights_w_md)
                lib.execute(self._prim(kind, lambda: self.bwd_weights_pd),
                            [(_ARG_SRC, self.src_md, a), (_ARG_DIFF_WEIGHTS, self.bwd_weights_w_md, dwb),
                             (_ARG_DIFF_DST, self.dst_md, b)])
                self._reorder("filter_grad->w", self.bwd_weights_w_md, self.user_w_md, dwb, out)
            else:
                raise ValueError(f"unknown oneDNN convolution kernel {kind!r}")

    def shapes(self, kind):
        """The shapes of kernel `kind`'s (a, b, out)."""
        g = self.geometry
        return {"forward": (g.x_shape, g.w_shape, g.y_shape), "input_grad": (g.y_shape, g.w_shape, g.x_shape),
                "filter_grad": (g.x_shape, g.y_shape, g.w_shape)}[kind]

    def __call__(self, kind, a, b):
        """Kernel `kind` (see `run`) on NumPy arrays; returns its result, a new array."""
        sa, sb, so = self.shapes(kind)
        a, b = _operand(a, sa), _operand(b, sb)
        out = np.empty(so, np.float32)
        self.run(kind, a.ctypes.data, b.ctypes.data, out.ctypes.data)
        return out

    def forward(self, x, w):
        """y = conv(x, w), as TF's Conv2D (cross-correlation)."""
        return self("forward", x, w)

    def input_grad(self, dy, w):
        """dx of conv(x, w) given dy (TF's Conv2DBackpropInput)."""
        return self("input_grad", dy, w)

    def filter_grad(self, x, dy):
        """dw of conv(x, w) given dy (TF's Conv2DBackpropFilter)."""
        return self("filter_grad", x, dy)


def _operand(a, shape):
    a = np.ascontiguousarray(a, dtype=np.float32)
    if a.shape != tuple(shape):
        raise ValueError(f"oneDNN convolution: operand of shape {a.shape}, expected {tuple(shape)}")
    return a


# geometries kept, least recently used dropped first (each holds JIT-compiled kernels and a
# filter-sized buffer; a service fed ever new batch sizes stays bounded, as TF's MKL primitive
# cache does)
MAX_CONVOLUTIONS = 256
_convolutions = collections.OrderedDict()
_convolutions_lock = threading.Lock()


def convolution(geometry):
    """The `Convolution` of `geometry` (cached: one set of primitives per geometry), or None where
    oneDNN is unavailable or has no implementation for it."""
    if not available():
        return None
    with _convolutions_lock:
        if geometry in _convolutions:
            _convolutions.move_to_end(geometry)
            return _convolutions[geometry]
        try:
            conv = Convolution(geometry)
        except OneDNNError:
            conv = None
        _convolutions[geometry] = conv
        while len(_convolutions) > MAX_CONVOLUTIONS:
            _convolutions.popitem(last=False)
        return conv
