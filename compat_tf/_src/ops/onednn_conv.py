"""Convolutions run by oneDNN on CPU: three JAX primitives (forward, input gradient, filter
gradient) that XLA compiles into host calls of `onednn_lib`'s kernels, and XLA's own convolution
everywhere else.

Why: XLA's CPU convolutions are 2-7x slower than oneDNN's, the kernels TF1's CPU build runs
(`onednn_lib`); a CNN's training step on CPU is mostly its convolutions and their gradients.

The three primitives are each linear in both operands, and each one's transposes are the other
two, as for TF's Conv2D / Conv2DBackpropInput / Conv2DBackpropFilter:

    y  = conv(x, w)            x^T: input_grad(ct, w)    w^T: filter_grad(x, ct)
    dx = input_grad(dy, w)     dy^T: conv(ct, w)         w^T: filter_grad(ct, dy)
    dw = filter_grad(x, dy)    x^T: input_grad(dy, ct)   dy^T: conv(x, ct)

so forward mode (`tf.hessians` uses `jax.jacfwd`), reverse mode and their nesting (a gradient
penalty) all stay on these primitives. `jax.vmap` maps them onto XLA's convolution.

Lowering is chosen when XLA compiles the step, per backend. On the CPU, in a single-device
program, each primitive is a custom call into oneDNN (`xla_ffi`: a ctypes FFI handler that runs
the kernel on XLA's own buffers, in place). On other backends, in programs partitioned over
several devices (the data-parallel and cluster sessions: a custom call there would gather every
shard on one device), and in `jax.export` (the handler is compat_tf's, not part of the exported
program), it is XLA's `conv_general_dilated` and its transposes: the same sums. The NumPy tier
(`runtime.interp`) calls the kernels directly. A compiled step holding the custom call is written
to JAX's persistent compilation cache like any other and loads in a new process.

Measured (MNIST-like CNN, Adam, batch 64, this 2-core AVX-512 machine, a hand-written JAX step):
28-30 ms per step against 54-58 ms with XLA's convolutions; through `jax.pure_callback` instead
of the custom call (copies of operands and results) it was 35-37 ms.

Applies to float32 NWC/NHWC/NDHWC convolutions with static shapes, grouped and depthwise ones
included (XLA's CPU depthwise convolution is 20x slower than oneDNN's: a 3x3 depthwise layer over
[32, 56, 56, 128] takes 317 ms forward against 15.5 ms), where
oneDNN is loaded (`onednn_lib.available()`) and has a kernel for the geometry.
`COMPAT_TF_ONEDNN=0` turns it off.
"""
import ast
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax._src import core as jax_core
from jax._src import dispatch
from jax.extend.core import Primitive
from jax.interpreters import ad, batching, mlir

from compat_tf._src.ops import onednn_lib
from compat_tf._src.ops import xla_ffi
from compat_tf._src.ops.onednn_lib import Geometry

_DATA_FORMATS = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def applies(x, w, groups, data_format):
    """Whether conv(x, w) can run on oneDNN: float32, channels-last, static non-empty shapes, and
    oneDNN loaded."""
    n = x.ndim - 2
    if data_format != _DATA_FORMATS.get(n) or not onednn_lib.available() or not xla_ffi.works():
        return False
    if x.dtype != jnp.float32 or w.dtype != jnp.float32:
        return False
    return all(isinstance(d, int) and d > 0 for d in (*x.shape, *w.shape))


def conv(x, w, strides, pads, dilations, groups, data_format):
    """conv(x, w) as TF's Conv2D/Conv3D/DepthwiseConv2dNative (channels-last, [*kernel, in / groups,
    out] filter, `groups` feature groups), or None where it does not apply (`applies`) or oneDNN has
    no kernel for this geometry: the caller then lowers XLA's convolution."""
    if not applies(x, w, groups, data_format):
        return None
    geometry = Geometry(batch=x.shape[0], spatial=tuple(x.shape[1:-1]), channels=x.shape[-1],
                        kernel=tuple(w.shape[:-2]), filters=w.shape[-1], strides=tuple(strides),
                        pads=tuple(tuple(p) for p in pads), dilations=tuple(dilations), groups=int(groups))
    if any(s <= 0 for s in geometry.out_spatial) or onednn_lib.convolution(geometry) is None:
        return None
    return conv_p.bind(x, w, geometry=geometry)


# -- the primitives ---------------------------------------------------------------------------------

conv_p = Primitive("compat_tf_onednn_conv")                       # (x, w) -> y
input_grad_p = Primitive("compat_tf_onednn_conv_input_grad")      # (dy, w) -> dx
filter_grad_p = Primitive("compat_tf_onednn_conv_filter_grad")    # (x, dy) -> dw

# per primitive: the kernel's kind (onednn_lib.Convolution.run), and the Geometry property that is
# the shape of its result
_KERNELS = {conv_p: ("forward", "y_shape"), input_grad_p: ("input_grad", "x_shape"),
            filter_grad_p: ("filter_grad", "w_shape")}


def _xla_conv(geometry, x, w):
    n = len(geometry.spatial)
    spec = (_DATA_FORMATS[n], "DHW"[3 - n:] + "IO", _DATA_FORMATS[n])
    return lax.conv_general_dilated(x, w, window_strides=geometry.strides, padding=geometry.pads,
                                    rhs_dilation=geometry.dilations, dimension_numbers=spec,
                                    feature_group_count=geometry.groups, precision=lax.Precision.HIGHEST)


def _xla_input_grad(geometry, dy, w):
    operand = jax.ShapeDtypeStruct(geometry.x_shape, dy.dtype)
    return jax.linear_transpose(lambda x: _xla_conv(geometry, x, w), operand)(dy)[0]


def _xla_filter_grad(geometry, x, dy):
    operand = jax.ShapeDtypeStruct(geometry.w_shape, dy.dtype)
    return jax.linear_transpose(lambda w: _xla_conv(geometry, x, w), operand)(dy)[0]


_XLA = {conv_p: _xla_conv, input_grad_p: _xla_input_grad, filter_grad_p: _xla_filter_grad}


def run_kernel(prim, geometry, *operands):
    """The oneDNN kernel of `prim` on NumPy operands (the NumPy tier's rule)."""
    return onednn_lib.convolution(geometry)(_KERNELS[prim][0], *(np.asarray(a) for a in operands))


_TARGET = "compat_tf_onednn_convolution"


def _custom_call(inputs, outputs, attrs):
    """The CPU custom call's handler (`xla_ffi`): kernel attrs["kind"] of the geometry
    attrs["geometry"] on XLA's buffers, writing the result in place."""
    kind, geometry = attrs["kind"].decode(), _decode(attrs["geometry"])
    conv = onednn_lib.convolution(geometry)
    expected = conv.shapes(kind)
    got = (inputs[0].shape, inputs[1].shape, outputs[0].shape)
    if got != expected:
        raise ValueError(f"oneDNN convolution {kind}: buffers of shapes {got}, expected {expected}")
    conv.run(kind, inputs[0].address, inputs[1].address, outputs[0].address)


@functools.lru_cache(maxsize=1024)
def _decode(text):
    return Geometry(*ast.literal_eval(text.decode()))


def _abstract_eval(prim):
    def rule(*operands, geometry):
        if any(op.dtype != jnp.float32 for op in operands):
            raise TypeError(f"{prim.name} takes float32 operands, got {[str(op.dtype) for op in operands]}")
        return jax_core.ShapedArray(getattr(geometry, _KERNELS[prim][1]), jnp.float32)
    return rule


def _xla(prim, *operands, geometry):
    return _XLA[prim](geometry, *operands)


def _host_calls_allowed(ctx):
    """A single-device program that is not being exported (module docstring)."""
    module = ctx.module_context
    if getattr(module.lowering_parameters, "for_export", False):
        return False
    return getattr(module.axis_context, "num_devices", None) == 1 and len(module.platforms) == 1


def _cpu_lowering(prim):
    xla = mlir.lower_fun(functools.partial(_xla, prim), multiple_results=False)
    call = jax.ffi.ffi_lowering(_TARGET)

    def rule(ctx, *operands, geometry):
        if not _host_calls_allowed(ctx):
            return xla(ctx, *operands, geometry=geometry)
        xla_ffi.register(_TARGET, _custom_call)
        return call(ctx, *operands, kind=_KERNELS[prim][0], geometry=repr(tuple(geometry)))
    return rule


def _batched(prim):
    def rule(operands, dims, *, geometry):
        return jax.vmap(functools.partial(_XLA[prim], geometry), in_axes=tuple(dims))(*operands), 0
    return rule


for _prim in _KERNELS:
    _prim.def_impl(functools.partial(dispatch.apply_primitive, _prim))
    _prim.def_abstract_eval(_abstract_eval(_prim))
    mlir.register_lowering(_prim, mlir.lower_fun(functools.partial(_xla, _prim), multiple_results=False))
    mlir.register_lowering(_prim, _cpu_lowering(_prim), platform="cpu")
    batching.primitive_batchers[_prim] = _batched(_prim)

# transposes (module docstring): each primitive's operands' cotangents are the other two primitives
ad.defbilinear(conv_p,
               lambda ct, x, w, geometry: input_grad_p.bind(ct, w, geometry=geometry),
               lambda ct, x, w, geometry: filter_grad_p.bind(x, ct, geometry=geometry))
ad.defbilinear(input_grad_p,
               lambda ct, dy, w, geometry: conv_p.bind(ct, w, geometry=geometry),
               lambda ct, dy, w, geometry: filter_grad_p.bind(ct, dy, geometry=geometry))
ad.defbilinear(filter_grad_p,
               lambda ct, x, dy, geometry: input_grad_p.bind(dy, ct, geometry=geometry),
               lambda ct, x, dy, geometry: conv_p.bind(x, ct, geometry=geometry))

PRIMITIVES = tuple(_KERNELS)

# XLA's CPU scheduler by default orders a step's independent work so that it can run at once;
# beside a oneDNN call (whose OpenMP threads split the work statically over the cores) that
# concurrent work slows both down: a hand-written JAX step of the MNIST CNN (Adam, 5x5
# convolutions, batch 64, 2 cores) took 30-32 ms with it and 25-27 ms without, in alternating
# processes; through a Session the difference was within the noise. Steps holding these primitives are compiled
# without it.
COMPILER_OPTIONS = {"xla_cpu_enable_concurrency_optimized_scheduler": False}


def compiler_options(closed_jaxpr):
    """XLA options for compiling `closed_jaxpr` on CPU: COMPILER_OPTIONS where it holds one of
    these primitives, else none."""
    if jax.default_backend() != "cpu":
        return {}
    names = {p.name for p in PRIMITIVES}
    stack, seen = [closed_jaxpr.jaxpr], set()
    while stack:
        jaxpr = stack.pop()
        if id(jaxpr) in seen:
            continue
        seen.add(id(jaxpr))
        for eqn in jaxpr.eqns:
            if eqn.primitive.name in names:
                return dict(COMPILER_OPTIONS)
            for sub in jax_core.jaxprs_in_params(eqn.params):
                stack.append(sub)
    return {}
