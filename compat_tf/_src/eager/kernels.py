"""Eager op kernels: one op's lowering run on concrete values, interpreted first, compiled on repetition.

An eager op must cost microseconds, not an XLA compile: a tutorial's one-off `tf.add(1, 2)`
should not compile anything, and a training loop's ops should not stay in Python. So each
op signature (op type, attrs, input shapes/dtypes, the values of inputs that must be static)
gets a `Kernel`, which runs in tiers like the Session's programs (runtime/tiers.py):

1. its first calls evaluate the lowering with NumPy (`interp.fold`: the NumPy eager trace,
   no compile, tens of microseconds for a small op);
2. when the signature repeats (`tiers.POLICY.compile_after` calls) it is compiled with XLA
   (in the background compile thread unless the policy says otherwise, NumPy meanwhile);
   from then on a call is one call of the executable (~10 µs of dispatch).

Ops with arrays over `_LARGE` elements compile on their first call (NumPy is slower than XLA
there); `COMPAT_TF_EXECUTION=compile|interpret` forces one tier, as for sessions.

Inputs that a lowering needs as Python values (axes, shapes, perms) cannot be traced: a
kernel first treats every input as a traced argument; if tracing fails, the op type (with
those attrs) is remembered as needing its small integer inputs static, and later kernels
key on their values. Stateful kernels (variable updates, optimizer Apply* ops, random ops)
are pure functions of the variables they touch: `(ref values, inputs, seeds) -> (outputs,
new ref values)`, their LoweringContext's state holding the traced values; random ops take
their seeds and the eager draw counter as traced arguments, so a new seed is not a new
program.
"""
import jax
import numpy as np

from compat_tf._src.framework import shape_inference
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import tiers
from compat_tf._src.runtime.interp.fold import fold
from compat_tf._src.runtime.lowering import VarRef

_LARGE = 1 << 18             # elements: an op this big compiles on its first call
_MAX_STATIC_ELEMENTS = 64    # integer inputs up to this size may be static (shapes, axes, perms)
_SEED_ATTRS = ("seed", "seed2")

_kernels = {}                # signature -> Kernel
_needs_static = set()        # (op type, attrs key): small integer inputs must be static

TRACE_FAILURES = (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
                   jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError,
                   TypeError, ValueError, IndexError, NotImplementedError)


class KernelContext(lowering.LoweringContext):
    """The LoweringContext of a stateful kernel: the touched variables' values, and traced seeds."""

    def __init__(self, state, seeds=None):
        super().__init__(state)
        self._seeds = seeds

    def rng_key(self, op=None):
        """LoweringContext.rng_key with the op's (seed, seed2) and the draw counter as traced values."""
        seed, seed2, counter = self._seeds
        key = jax.random.PRNGKey(seed)
        key = jax.random.fold_in(key, seed2)
        return jax.random.fold_in(key, counter)


class Kernel:
    """One op signature's function, in tiers (see the module docstring)."""

    __slots__ = ("fn", "calls", "compiled", "future", "failed", "ref_outputs", "on_untraceable")

    def __init__(self, fn, on_untraceable=None):
        self.fn = fn
        self.on_untraceable = on_untraceable
        self.calls = 0
        self.compiled = None
        self.future = None
        self.failed = False
        self.ref_outputs = {}     # output index -> ref input position (outputs aliasing a variable)

    def __call__(self, args, large):
        compiled = self.compiled
        if compiled is not None:
            return compiled(*args)
        self.calls += 1
        mode = tiers.POLICY.mode
        if not self.failed and mode != "interpret":
            if mode == "compile" or large:
                return self._compile_now(args)
            fut = self.future
            if fut is None and self.calls >= tiers.POLICY.compile_after:
                if not tiers.POLICY.background:
                    return self._compile_now(args)
                fut = self.future = tiers.submit_background(self._build, _specs(args))
            if fut is not None and fut.done():
                return self._finish(args)
        return self.interpret(args)

    def interpret(self, args):
        return fold(self.fn, *[np.asarray(a) for a in args])

    def _build(self, specs):
        try:
            traced = jax.jit(self.fn).trace(*specs)
        except TRACE_FAILURES as e:
            raise _Untraceable() from e
        return tiers.compile_now(traced)

    def _finish(self, args):
        """Takes the (background) compile's result: the executable, or NumPy for good if it failed."""
        try:
            self.compiled = self.future.result()
        except _Untraceable:
            self._not_traceable()
        except Exception:  # noqa: BLE001 - XLA could not compile it: this signature stays on NumPy
            self.failed = True
        if self.compiled is None:
            return self.interpret(args)
        return self.compiled(*args)

    def _compile_now(self, args):
        if self.future is None:
            try:
                self.compiled = self._build(_specs(args))
            except _Untraceable:
                self._not_traceable()
                return self.interpret(args)
            return self.compiled(*args)
        return self._finish(args)

    def _not_traceable(self):
        """Tracing failed: this signature stays on NumPy; `on_untraceable` (if any) makes later
        kernels of the op key on their small integer inputs' values (read as Python values)."""
        self.failed = True
        if self.on_untraceable is not None:
            self.on_untraceable()


class _Untraceable(Exception):
    """A kernel's function could not be traced with all its inputs abstract."""


def _specs(args):
    return [jax.ShapeDtypeStruct(np.shape(a), a.dtype, weak_type=getattr(a, "weak_type", False)) for a in args]


def _is_large(values):
    for v in values:
        shape = getattr(v, "shape", ())
        n = 1
        for d in shape:
            n *= d
        if n > _LARGE:
            return True
    return False


_MAX_KERNELS = 8192


def _make_room():
    """A program that keeps making new signatures (new shapes, new static values) does not grow the
    cache without bound: past _MAX_KERNELS it starts over (executables are freed with their kernels)."""
    if len(_kernels) >= _MAX_KERNELS:
        _kernels.clear()


def _static_later(op_type, attrs_key, static):
    if static is not None:
        return None
    return lambda: _needs_static.add((op_type, attrs_key))


def needs_static(key):
    return key in _needs_static


def mark_needs_static(key):
    _needs_static.add(key)


def static_key(values, ref_inputs=()):
    """(positions, frozen values) of the small integer/bool inputs (those a lowering may need static)."""
    return _static_key(values, ref_inputs)


def _static_key(values, ref_inputs):
    """(positions, frozen values) of the small integer/bool inputs (those a lowering may need static)."""
    pos, vals = [], []
    for i, v in enumerate(values):
        if i in ref_inputs:
            continue
        kind = v.dtype.kind
        if kind in "iub" and v.size <= _MAX_STATIC_ELEMENTS:
            arr = np.asarray(v)
            pos.append(i)
            vals.append((arr.dtype.str, arr.shape, arr.tobytes()))
    return tuple(pos), tuple(vals)


def _avals(values):
    return tuple((v.shape, v.dtype, getattr(v, "weak_type", False)) for v in values)


def run_pure(opdef, op, values):
    """Outputs of a pure op (no context, no state) for concrete input `values`."""
    attrs = op._attrs
    try:
        attrs_key = shape_inference._freeze_attrs(attrs)
    except TypeError:
        return fold(opdef.lower, *values, **attrs)
    op_type = op._type
    static = None
    if (op_type, attrs_key) in _needs_static:
        static = _static_key(values, ())
    dyn_pos = range(len(values)) if static is None else [i for i in range(len(values)) if i not in static[0]]
    dyn = [values[i] for i in dyn_pos] if static is not None else values
    key = (op_type, attrs_key, static, _avals(dyn))
    kernel = _kernels.get(key)
    if kernel is None:
        _make_room()
        kernel = _kernels[key] = Kernel(_pure_fn(opdef.lower, attrs, values, static),
                                        _static_later(op_type, attrs_key, static))
    out = kernel(dyn, _is_large(dyn))
    return out


def _pure_fn(lower, attrs, values, static):
    n = len(values)
    if static is None:
        def fn(*args):
            return lower(*args, **attrs)
        return fn
    fixed = {i: values[i] for i in static[0]}
    fixed = {i: np.asarray(v) for i, v in fixed.items()}

    def fn_static(*args):
        it = iter(args)
        full = [fixed[i] if i in fixed else next(it) for i in range(n)]
        return lower(*full, **attrs)
    return fn_static


def run_stateful(opdef, op, values, state, seeds):
    """Outputs of a context op (variable update, random draw): the state of its ref inputs is read
    from `state` (a mapping of variable keys to values) and written back there."""
    attrs = op._attrs
    try:
        attrs_key = shape_inference._freeze_attrs({k: v for k, v in attrs.items() if k not in _SEED_ATTRS})
    except TypeError:
        return None
    ref_pos = tuple(opdef.ref_inputs)
    refs = [values[i] for i in ref_pos]
    if not all(type(r) is VarRef for r in refs):
        return None
    ref_vals = [state[r.key] for r in refs]
    op_type = op._type
    static = None
    if (op_type, attrs_key) in _needs_static:
        static = _static_key(values, ref_pos)
    skip = set(ref_pos) | (set(static[0]) if static is not None else set())
    dyn_pos = [i for i in range(len(values)) if i not in skip]
    dyn = [values[i] for i in dyn_pos]
    seed_args = []
    if seeds is not None:
        seed_args = [np.uint32(s & 0xFFFFFFFF) for s in seeds]
    args = ref_vals + dyn + seed_args
    key = (op_type, attrs_key, static, _avals(args), ref_pos, seeds is not None)
    kernel = _kernels.get(key)
    if kernel is None:
        _make_room()
        kernel = _kernels[key] = Kernel(None, _static_later(op_type, attrs_key, static))
        kernel.fn = _stateful_fn(kernel, opdef.lower, skeleton_op(op), values, ref_pos, dyn_pos, static,
                                 seeds is not None)
    outs, new_refs = kernel(args, _is_large(args))
    for r, v in zip(refs, new_refs):
        state[r.key] = v
    outs = list(outs)
    for i, p in kernel.ref_outputs.items():
        outs[i] = values[p]
    return outs


def _stateful_fn(kernel, lower, template_op, values, ref_pos, dyn_pos, static, seeded):
    n = len(values)
    fixed = {i: np.asarray(values[i]) for i in (static[0] if static is not None else ())}
    nrefs = len(ref_pos)
    ndyn = len(dyn_pos)

    def fn(*args):
        ref_vals, dyn, seeds = args[:nrefs], args[nrefs:nrefs + ndyn], args[nrefs + ndyn:]
        local = {f"r{j}": v for j, v in enumerate(ref_vals)}
        ctx = KernelContext(local, seeds if seeded else None)
        ctx.op = template_op
        full = [None] * n
        for j, p in enumerate(ref_pos):
            full[p] = VarRef(f"r{j}")
        for j, p in enumerate(dyn_pos):
            full[p] = dyn[j]
        for p, v in fixed.items():
            full[p] = v
        out = lower(ctx, *full, **template_op._attrs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        flat = []
        for i, o in enumerate(outs):
            if type(o) is VarRef:
                kernel.ref_outputs[i] = ref_pos[int(o.key[1:])]
                flat.append(np.zeros((), np.int8))
            else:
                flat.append(o)
        return flat, [local[f"r{j}"] for j in range(nrefs)]
    return fn


_skeleton_graph = None


def skeleton_op(op):
    """A value-free copy of `op` (type, name, attrs, input and output dtypes/shapes) for a kernel's
    lowering context to read, so the kernel keeps no eager values alive."""
    global _skeleton_graph
    from compat_tf._src.framework import graph as _graph
    if _skeleton_graph is None:
        _skeleton_graph = _graph.Graph()
    g = _skeleton_graph
    ins = []
    for t in op._inputs:
        src = _graph.Operation(g, "Placeholder", "input", [], {}, (), "")
        src._outputs = [_graph.Tensor(src, 0, t._dtype, t._shape)]
        ins.append(src._outputs[0])
    new = _graph.Operation(g, op._type, op._name, ins, dict(op._attrs), (), "")
    new._outputs = [_graph.Tensor(new, i, o._dtype, o._shape) for i, o in enumerate(op._outputs)]
    return new


def clear():
    """Forgets every kernel (tests)."""
    _kernels.clear()
    _needs_static.clear()
