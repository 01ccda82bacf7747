"""NumPy-tier rules of primitives that hold sub-jaxprs (jit, custom derivatives, remat, cond,
while, scan), of host callbacks, and of the primitives that only carry placement or
differentiation hints (identities here).
"""
import numpy as np

from compat_tf._src.runtime.interp import core
from compat_tf._src.runtime.interp.core import register


@register("pjit", "jit")
def _pjit(*args, jaxpr, **_):
    return core.call_jaxpr(jaxpr, args)


@register("closed_call", "core_call")
def _closed_call(*args, call_jaxpr, **_):
    return core.call_jaxpr(call_jaxpr, args)


@register("custom_jvp_call")
def _custom_jvp_call(*args, call_jaxpr, **_):
    return core.call_jaxpr(call_jaxpr, args)


@register("custom_vjp_call", "custom_vjp_call_jaxpr")
def _custom_vjp_call(*args, call_jaxpr=None, fun_jaxpr=None, **_):
    return core.call_jaxpr(call_jaxpr if call_jaxpr is not None else fun_jaxpr, args)


@register("remat", "remat2", "checkpoint")
def _remat(*args, jaxpr, **_):
    return core.call_jaxpr(jaxpr, args)


@register("cond")
def _cond(index, *args, branches, **_):
    i = int(index)
    i = min(max(i, 0), len(branches) - 1)           # XLA clamps the branch index
    return core.call_jaxpr(branches[i], args)


@register("while")
def _while(*args, cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts, **_):
    cconsts = list(args[:cond_nconsts])
    bconsts = list(args[cond_nconsts:cond_nconsts + body_nconsts])
    carry = list(args[cond_nconsts + body_nconsts:])
    while bool(core.call_jaxpr(cond_jaxpr, cconsts + carry)[0]):
        carry = core.call_jaxpr(body_jaxpr, bconsts + carry)
    return carry


@register("scan")
def _scan(*args, jaxpr, length, reverse, num_consts, num_carry, **_):
    consts = list(args[:num_consts])
    carry = list(args[num_consts:num_consts + num_carry])
    xs = args[num_consts + num_carry:]
    ys = []
    for i in (range(length - 1, -1, -1) if reverse else range(length)):
        out = core.call_jaxpr(jaxpr, consts + carry + [x[i] for x in xs])
        carry = list(out[:num_carry])
        ys.append(out[num_carry:])
    if reverse:
        ys.reverse()
    n_ys = len(jaxpr.out_avals) - num_carry
    stacked = []
    for j in range(n_ys):
        aval = jaxpr.out_avals[num_carry + j]
        if ys:
            stacked.append(np.stack([y[j] for y in ys]))
        else:
            stacked.append(np.zeros((0,) + tuple(aval.shape), aval.dtype))
    return carry + stacked


# -- host callbacks: called directly with NumPy arguments ----------------------------------------

@register("debug_callback")
def _debug_callback(*args, callback, **_):
    core.host_call(callback, *args)
    return []


@register("pure_callback", "io_callback")
def _host_callback(*args, callback, result_avals, **_):
    out = core.host_call(callback, *args)
    out = out if isinstance(out, (list, tuple)) else [out]
    return [np.asarray(o, dtype=a.dtype).reshape(a.shape) for o, a in zip(out, result_avals)]


# -- hints: identities -----------------------------------------------------------------------------

@register("optimization_barrier", "device_put")
def _identity_many(*args, **_):
    return list(args)


@register("sharding_constraint", "mesh_cast", "reshard", "pvary", "name", "copy_to_host_async", "stop_gradient",
          "stage")
def _identity(x, **_):
    return x


@register("custom_linear_solve")
def _custom_linear_solve(*args, const_lengths, jaxprs, **_):
    n = const_lengths
    start = n.matvec + n.vecmat
    consts = list(args[start:start + n.solve])
    b = list(args[n.matvec + n.vecmat + n.solve + n.transpose_solve:])
    return core.call_jaxpr(jaxprs.solve, consts + b)


@register("platform_index")
def _platform_index(platforms, **_):
    """The branch of a `lax.platform_dependent` for the host CPU (the interpreter's platform)."""
    default = None
    for i, ps in enumerate(platforms):
        if ps is None:
            default = i
        elif "cpu" in ps:
            return np.int32(i)
    if default is None:
        raise core.InterpreterError("platform_dependent has no CPU branch")
    return np.int32(default)
