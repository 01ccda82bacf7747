"""The jaxpr walker of the NumPy tier: equations in order, one NumPy rule per primitive.

Each rule is registered under the primitive's name (`@register("add")`) and
called as `rule(*input_values, **eqn.params)`; it returns one array, or a
sequence for primitives with several results. Values are NumPy arrays (0-d
arrays for scalars) and `PRNGKeys` for typed PRNG keys; the walker casts each
result to the dtype the jaxpr promises and checks its shape, so a rule may
rely on NumPy's promotion as long as the shape is right.

A primitive with no rule is evaluated by JAX itself (`primitive.bind` on the
concrete values, outside any trace): the same numbers, at the price of a
small XLA compile per new shape. `fallback_counts()` records which
primitives took that path, so tests can keep it off the common ones.
"""
import collections
import threading
import weakref

import jax
import numpy as np

from compat_tf._src.runtime.interp import numpy_env
from compat_tf._src.runtime.interp import symbolic

try:                                        # the public extension API (jax >= 0.4.30)
    from jax.extend.core import Literal as _Literal
except ImportError:                         # pragma: no cover - older jax
    from jax.core import Literal as _Literal

RULES = {}
KEY_RULES = {}            # rules of structural primitives applied to typed PRNG key arrays
_fallbacks = collections.Counter()
_fallback_lock = threading.Lock()


class InterpreterError(Exception):
    """A jaxpr the NumPy tier could not evaluate; the runtime compiles it with XLA instead."""


class TooLong(InterpreterError):
    """The evaluation went past its budget of equations (a long loop): the runtime compiles it."""


class Fallback(Exception):
    """Raised by a NumPy rule for a case it does not cover: JAX evaluates that equation instead."""


class PRNGKeys:
    """A typed PRNG key array (JAX's key<impl> dtype): the raw key data and its implementation."""
    __slots__ = ("impl", "data")

    def __init__(self, impl, data):
        self.impl = impl
        self.data = data

    @property
    def shape(self):
        return self.data.shape[:self.data.ndim - len(self.impl.key_shape)]


def register(*names):
    """Decorator: the NumPy rule of the primitives called `names`."""
    def deco(fn):
        for n in names:
            RULES[n] = fn
        return fn
    return deco


def register_key_rule(*names):
    """Decorator: the rule of `names` when an operand is a typed PRNG key array (prng.py)."""
    def deco(fn):
        for n in names:
            KEY_RULES[n] = fn
        return fn
    return deco


def fallback_counts():
    """{primitive name: number of equations evaluated by JAX's eager fallback} since the last reset."""
    with _fallback_lock:
        return dict(_fallbacks)


def reset_fallback_counts():
    with _fallback_lock:
        _fallbacks.clear()


def eval_closed_jaxpr(closed, args):
    """Evaluates a ClosedJaxpr on concrete `args`; returns the list of its outputs."""
    return eval_jaxpr(closed.jaxpr, closed.consts, args)


# Equations one top-level evaluation may walk before it gives up (TooLong), unless a host callback
# already ran (giving up then would run its side effects twice). Loops are what reach it: a
# scan over 10,000 elements of a while-loop sampler is far cheaper compiled.
BUDGET = 400_000
_local = threading.local()


def eval_jaxpr(jaxpr, consts, args, budget=None):
    """Evaluates `jaxpr` on concrete `consts` and `args`; returns the list of its outputs.

    InterpreterError when a NumPy rule fails, TooLong past `budget` equations (BUDGET by
    default); an exception raised by a host callback in the jaxpr propagates unchanged.
    """
    outer = getattr(_local, "left", None)
    _local.left = BUDGET if budget is None else budget
    _local.called_host = False
    try:
        with numpy_env.evaluation():        # denormals are 0, as in XLA's and TF1's CPU kernels
            return _eval(jaxpr, consts, args)
    except _PassThrough as e:
        raise e.exc from None
    finally:
        _local.left = outer


def _charge(n):
    left = getattr(_local, "left", None)
    if left is None:
        return
    left -= n
    _local.left = left
    if left < 0 and not getattr(_local, "called_host", False):
        raise TooLong(f"more than {BUDGET} equations to evaluate")


def _eval(jaxpr, consts, args):
    prog = _program(jaxpr)
    _charge(len(prog.steps))
    env = {}
    for v, x in zip(jaxpr.constvars, consts):
        env[v] = _to_numpy(x)
    for v, x in zip(jaxpr.invars, args):
        env[v] = x if type(x) is np.ndarray else _to_numpy(x)
    with np.errstate(all="ignore"):
        for rule, name, ins, outs, params, multiple, eqn, sym, dead in prog.steps:
            vals = [env[i] if type(i) is not _Const else i.value for i in ins]
            for v in dead:          # last use: NumPy may reuse the memory for this step's result
                del env[v]
            if rule is not None and rule is _KEYED:
                rule = KEY_RULES.get(name)
            if sym:
                params = _concrete_params(name, params)
            try:
                if rule is None:
                    res = _fallback(name, eqn, vals)
                else:
                    try:
                        res = rule(*vals, **params)
                    except Fallback:
                        res = _fallback(name, eqn, vals)
            except (InterpreterError, _PassThrough):
                raise
            except Exception as e:   # noqa: BLE001 - a rule's failure: compile instead, never a wrong answer
                raise InterpreterError(f"NumPy rule of {name!r} failed: {type(e).__name__}: {e}") from e
            if multiple:
                for (v, aval), r in zip(outs, res):
                    env[v] = _conform(r, aval, name)
            else:
                v, aval = outs[0]
                env[v] = _conform(res, aval, name)
    return [env[v] if type(v) is not _Const else v.value for v in prog.outvars]


class _PassThrough(Exception):
    """Wraps an exception that must reach the caller as it is (raised by a host callback)."""

    def __init__(self, exc):
        super().__init__(str(exc))
        self.exc = exc


class _Const:
    """A literal operand of an equation, converted to NumPy once."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Program:
    __slots__ = ("steps", "outvars", "__weakref__")


_programs = weakref.WeakKeyDictionary()
_programs_lock = threading.Lock()


def _program(jaxpr):
    """The equations of `jaxpr` pre-digested for the walker (cached per jaxpr object)."""
    try:
        prog = _programs.get(jaxpr)
    except TypeError:                       # not weak-referenceable: digest each time
        return _digest(jaxpr)
    if prog is None:
        prog = _digest(jaxpr)
        with _programs_lock:
            _programs[jaxpr] = prog
    return prog


def _operand(v):
    if isinstance(v, _Literal):
        return _Const(_literal_value(v))
    return v


def _literal_value(lit):
    aval = lit.aval
    val = lit.val
    dtype = getattr(aval, "dtype", None)
    if dtype is not None and not _is_key_dtype(dtype):
        return np.asarray(val, dtype=dtype)
    return _to_numpy(val)


def _live_eqns(jaxpr):
    """The equations of `jaxpr` whose results are used (by the outputs, or by a used equation) or
    that have effects: XLA drops the others when it compiles (an optimizer's unused slot
    initialisers, a run-time check whose flag the step does not read), and so does the walker."""
    live = {v for v in jaxpr.outvars if not isinstance(v, _Literal)}
    kept = []
    for eqn in reversed(jaxpr.eqns):
        if eqn.effects or any(v in live for v in eqn.outvars):
            kept.append(eqn)
            live.update(v for v in eqn.invars if not isinstance(v, _Literal))
    kept.reverse()
    return kept


def _digest(jaxpr):
    prog = _Program()
    steps = []
    for eqn in _live_eqns(jaxpr):
        name = eqn.primitive.name
        outs = tuple((v, v.aval) for v in eqn.outvars)
        rule = RULES.get(name)
        if name not in _KEY_NATIVE and any(_is_key_dtype(getattr(v.aval, "dtype", None)) for v in eqn.invars):
            rule = _KEYED            # a key operand: the key version of the rule, if any, else JAX
        params = dict(eqn.params)
        sym = any(symbolic.has_symbolic(v) for v in params.values())   # shape polymorphism (symbolic.py)
        steps.append([rule, name, [_operand(v) for v in eqn.invars], outs, params,
                      eqn.primitive.multiple_results, eqn, sym, ()])
    prog.outvars = [_operand(v) for v in jaxpr.outvars]
    # each variable is dropped from the walker's environment at its last use (not the program's
    # outputs): a training step's intermediates are then freed as it goes, as XLA's buffer
    # assignment does, instead of all living to the end (memory, and page faults on fresh pages)
    last = {}
    for i, step in enumerate(steps):
        for v in step[2]:
            if type(v) is not _Const:
                last[v] = i
    keep = {v for v in prog.outvars if type(v) is not _Const}
    dead = {}
    for v, i in last.items():
        if v not in keep:
            dead.setdefault(i, []).append(v)
    for i, vs in dead.items():
        steps[i][8] = tuple(dict.fromkeys(vs))
    prog.steps = [tuple(step) for step in steps]
    return prog


# primitives whose rules take typed keys themselves (prng.py) or only pass values through
_KEY_NATIVE = frozenset({"random_bits", "random_split", "random_fold_in", "random_unwrap", "random_clone",
                         "random_wrap", "random_seed", "jit", "pjit", "closed_call", "core_call", "cond",
                         "while", "scan", "custom_jvp_call", "custom_vjp_call", "remat", "remat2",
                         "checkpoint", "optimization_barrier", "stop_gradient"})


def _KEYED(*_, **__):                      # a marker in digested programs (never called)
    raise AssertionError


def _is_key_dtype(dtype):
    return getattr(dtype, "_impl", None) is not None


def _conform(x, aval, name):
    """`x` as the NumPy array the jaxpr promises (`aval`): dtype cast, shape checked."""
    if type(x) is PRNGKeys:
        return x
    dtype = aval.dtype
    if type(x) is not np.ndarray:
        if _is_key_dtype(dtype):
            return _keys_from_jax(x)
        x = np.asarray(x)
    if x.dtype != dtype:
        x = x.astype(dtype)
    if x.shape != aval.shape:
        ev = symbolic.evaluator()
        if ev is None or x.shape != symbolic.shape(aval.shape, ev):
            raise InterpreterError(f"NumPy rule of {name!r} gave shape {x.shape}, the jaxpr says {aval.shape}")
    return x


def _concrete_params(name, params):
    """An equation's parameters with its symbolic dimensions evaluated under the current binding."""
    ev = symbolic.evaluator()
    if ev is None:
        raise InterpreterError(f"{name!r} has symbolic dimensions and no binding for them")
    return {k: symbolic.substitute(v, ev) for k, v in params.items()}


def _to_numpy(x):
    if type(x) is np.ndarray or type(x) is PRNGKeys:
        return x
    if isinstance(x, jax.Array) and _is_key_dtype(x.dtype):
        return _keys_from_jax(x)
    return np.asarray(x)


def _keys_from_jax(x):
    return PRNGKeys(x.dtype._impl, np.asarray(jax.random.key_data(x)))


def _to_jax(x):
    if type(x) is PRNGKeys:
        from jax._src.random import prng as _jprng
        return _jprng.random_wrap(jax.numpy.asarray(x.data), impl=x.impl)
    return x


def _fallback(name, eqn, vals):
    """JAX's own eager evaluation of one equation (a small XLA program per new signature)."""
    return _fallback_bind(eqn.primitive, eqn.params, vals)


def _fallback_bind(primitive, params, vals):
    with _fallback_lock:
        _fallbacks[primitive.name] += 1
    with jax.ensure_compile_time_eval():
        out = primitive.bind(*[_to_jax(v) for v in vals], **params)
    if primitive.multiple_results:
        return [_to_numpy(o) for o in out]
    return _to_numpy(out)


def prepare(closed):
    """Digests a jaxpr and its sub-jaxprs ahead of its first evaluation (a background thread can)."""
    stack = [closed.jaxpr if hasattr(closed, "consts") else closed]
    seen = set()
    while stack:
        j = stack.pop()
        if id(j) in seen:
            continue
        seen.add(id(j))
        _program(j)
        for eqn in j.eqns:
            for p in eqn.params.values():
                for sub in (p if isinstance(p, (tuple, list)) else (p,)):
                    inner = getattr(sub, "jaxpr", None)
                    if inner is not None and hasattr(inner, "eqns"):
                        stack.append(inner)
                    elif hasattr(sub, "eqns"):
                        stack.append(sub)


def call_jaxpr(closed_or_open, args, consts=()):
    """Evaluates a sub-jaxpr parameter (a ClosedJaxpr, or an open Jaxpr with `consts`)."""
    if hasattr(closed_or_open, "consts"):
        return _eval(closed_or_open.jaxpr, closed_or_open.consts, args)
    return _eval(closed_or_open, consts, args)


def host_call(fn, *args):
    """Runs a host callback; its exceptions reach the caller unchanged (not an InterpreterError)."""
    _local.called_host = True
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - re-raised as is by eval_jaxpr's caller
        raise _PassThrough(e) from e
