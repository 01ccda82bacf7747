"""Compile only what repeats: the runtime's execution tiers.

TF1 runs a graph with precompiled kernels, so the first `Session.run` of a
signature costs no more than the next. An XLA program must be compiled
before it runs: tens of milliseconds for the smallest one, seconds for a
training step. Programs that run once (a notebook's `sess.run(...)` of a new
expression, an evaluation over a new batch size, the short last batch of an
epoch) would pay that for nothing. So a device segment is a `TieredFunction`,
which handles each call signature (input shapes and dtypes) in tiers:

1. the first calls of a signature trace it to a jaxpr (the same trace the
   compiled program is lowered from) and evaluate that jaxpr with NumPy
   (`runtime.interp`): no XLA compile at all;
2. when the signature repeats (`compile_after` calls), its program is compiled
   in a background thread from that same trace, while further calls go on
   being interpreted; the compiled executable takes over as soon as it is
   ready, and every later call is one call of it (written state donated).

Both tiers compute the same function of the same inputs (the jaxpr is the
program), so results, state updates, RNG draws (bit-exact threefry) and host
callbacks are the same whichever tier ran a step, up to floating-point
rounding of NumPy's and XLA's kernels.

Some programs skip the first tier: those whose jaxpr has an array larger
than `max_interpreted_elements` (NumPy would hold several copies of it where
XLA fuses; big initialisers compile at once), those whose matrix products and
convolutions are more work than interpreting is worth: more than
`max_interpreted_flops` and more than `interpreted_flops_per_eqn` per equation
of the program. A compile costs about the same per equation (~4-5 ms here), and
NumPy does ~1e10 flop/s, so 4e7 flops per equation is where interpreting stops
paying: a CNN's training step (595 equations, 8e9 flops at batch 64) is
interpreted (0.7 s against 2.5 s of compile on a loaded 2-core machine), the
same CNN's evaluation over a dev set (83 equations, 7e9 flops at batch 256)
compiled (0.45 s against 0.7-1.0 s interpreted), any backend other than the CPU
(the interpreter runs on the host), and any the interpreter cannot evaluate
(it raises, the program is compiled, the call is not repeated).

Policy (environment, read at import; `set_policy` changes it at run time):
  COMPAT_TF_EXECUTION=auto       tiers as above (default)
  COMPAT_TF_EXECUTION=compile    compile every signature on its first call
  COMPAT_TF_EXECUTION=interpret  never compile (debugging; slow for big models)
  COMPAT_TF_COMPILE_AFTER=N      calls of a signature before it is compiled (default 2)
  COMPAT_TF_TRAINING_COMPILE_AFTER=N
                                 the same for a training step, a run that updates variables from
                                 their values (default 1: its compile is queued once its first
                                 call has been interpreted; a training loop runs it again at once)
  COMPAT_TF_WAIT_FOR_COMPILE_S=T  a training step whose interpreted call took T seconds or more
                                 (default 0.1) waits for its compile at its next call rather
                                 than being interpreted again beside it (0: never waits)
  COMPAT_TF_BACKGROUND_COMPILE=0 compile in the calling thread (then use it at once)
  COMPAT_TF_MAX_INTERPRETED_ELEMENTS=N, COMPAT_TF_MAX_INTERPRETED_FLOPS=N,
  COMPAT_TF_INTERPRETED_FLOPS_PER_EQN=N
                                 the largest array (default 2**24 elements) and the most
                                 dot/conv work (default: 5e9 flops, or 4e7 per equation of
                                 the program if that is more) a program may have and still
                                 be interpreted
  COMPAT_TF_MAX_SIGNATURES=N     signatures (and their executables) kept per step, least
                                 recently used dropped first (default 32): memory stays bounded
                                 however many batch sizes a long-running process is fed

Failures while a step runs are TF1's classes (op_errors.py): XLA's RESOURCE_EXHAUSTED is
ResourceExhaustedError, NumPy's MemoryError too.
"""
import atexit
import concurrent.futures
import itertools
import logging
import math
import os
import queue
import threading
import time

import jax
import numpy as np

from compat_tf._src.runtime import interp
from compat_tf._src.runtime import op_errors
from compat_tf._src.ops import onednn_conv
from compat_tf._src.runtime.interp import blas_threads
from compat_tf._src.runtime.interp import symbolic as interp_symbolic

_log = logging.getLogger("compat_tf.runtime")

_MODES = ("auto", "compile", "interpret")


class Policy:
    """The execution policy of every TieredFunction (see the module docstring)."""

    def __init__(self):
        self.mode = os.environ.get("COMPAT_TF_EXECUTION", "auto").strip().lower() or "auto"
        if self.mode not in _MODES:
            raise ValueError(f"COMPAT_TF_EXECUTION must be one of {_MODES}, got {self.mode!r}")
        self.compile_after = max(1, int(os.environ.get("COMPAT_TF_COMPILE_AFTER", "2")))
        # a training step (it updates variables from their values) is compiled from its first call
        self.training_compile_after = max(1, int(os.environ.get("COMPAT_TF_TRAINING_COMPILE_AFTER", "1")))
        self.background = os.environ.get("COMPAT_TF_BACKGROUND_COMPILE", "1").strip() not in ("0", "false", "")
        # a training step whose interpreted call took at least this long waits for its compile
        # at its next call instead of being interpreted again beside it (0: never waits)
        self.wait_for_compile_s = float(os.environ.get("COMPAT_TF_WAIT_FOR_COMPILE_S", "0.1"))
        self.max_interpreted_elements = int(os.environ.get("COMPAT_TF_MAX_INTERPRETED_ELEMENTS",
                                                           str(1 << 24)))
        self.max_interpreted_flops = float(os.environ.get("COMPAT_TF_MAX_INTERPRETED_FLOPS", "5e9"))
        self.interpreted_flops_per_eqn = float(os.environ.get("COMPAT_TF_INTERPRETED_FLOPS_PER_EQN", "4e7"))
        # signatures kept per step function (each may hold a compiled executable); the least
        # recently used are dropped beyond it, so a service fed ever new shapes stays bounded
        self.max_signatures = max(1, int(os.environ.get("COMPAT_TF_MAX_SIGNATURES", "32")))


POLICY = Policy()


def _execution_mode(mode):
    if mode not in _MODES:
        raise ValueError(f"execution mode must be one of {_MODES}, got {mode!r}")
    return mode


# set_policy's settings: {name: how a given value is normalised}
_SETTINGS = {"mode": _execution_mode, "compile_after": lambda v: max(1, int(v)),
             "training_compile_after": lambda v: max(1, int(v)), "background": bool,
             "max_interpreted_elements": int, "max_interpreted_flops": float,
             "interpreted_flops_per_eqn": float, "max_signatures": lambda v: max(1, int(v)),
             "wait_for_compile_s": float}


def set_policy(**settings):
    """Changes the execution policy (keywords: the Policy attributes in _SETTINGS; None leaves one
    as it is); returns the previous settings as a dict (for restoring)."""
    unknown = set(settings) - set(_SETTINGS)
    if unknown:
        raise TypeError(f"set_policy() got unexpected keyword argument(s) {sorted(unknown)}")
    prev = {name: getattr(POLICY, name) for name in _SETTINGS}
    new = {name: _SETTINGS[name](v) for name, v in settings.items() if v is not None}
    for name, v in new.items():
        setattr(POLICY, name, v)
    return prev


class Stats:
    """Counters, for tests and benchmarks: how each tier was used."""

    def __init__(self):
        self.traces = 0
        self.interpreted_calls = 0
        self.compiles = 0
        self.compiled_calls_started = 0
        self.interpreter_failures = 0
        self.evicted = 0
        self.symbolic_traces = 0
        self.symbolic_calls = 0

    def as_dict(self):
        return dict(vars(self))


STATS = Stats()


class _CompileQueue:
    """One daemon thread compiling programs in submission order.

    At exit the compiles not yet started are cancelled (a program never waits for compiles it
    will not use) and the one running, if any, is waited for: a thread abandoned inside XLA's
    compiler aborts the interpreter's shutdown when it returns to Python.
    """

    def __init__(self):
        self._queue = queue.Queue()
        self._thread = None
        self._lock = threading.Lock()
        self._running = None

    def submit(self, fn, *args):
        fut = concurrent.futures.Future()
        self._queue.put((fut, fn, args))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="compat_tf-compile", daemon=True)
                self._thread.start()
        return fut

    def _work(self):
        while True:
            fut, fn, args = self._queue.get()
            with self._lock:
                if not fut.set_running_or_notify_cancel():
                    continue
                self._running = fut
            try:
                fut.set_result(fn(*args))
            except BaseException as e:  # noqa: BLE001 - handed to whoever waits on the future
                fut.set_exception(e)
            finally:
                with self._lock:
                    self._running = None

    def shutdown(self):
        """Cancels the compiles not started; waits for the one running (at exit)."""
        with self._lock:
            while True:
                try:
                    fut, _, _ = self._queue.get_nowait()
                except queue.Empty:
                    break
                fut.cancel()
            running = self._running
        if running is not None:
            concurrent.futures.wait([running])


_compile_queue = _CompileQueue()
atexit.register(_compile_queue.shutdown)


def drain_background_compiles(timeout=None):
    """Waits until every background compile submitted so far has finished (tests, benchmarks)."""
    _compile_queue.submit(lambda: None).result(timeout=timeout)


def _interpretable_backend():
    return jax.default_backend() == "cpu"


class TieredFunction:
    """A function run like `jax.jit(fn, donate_argnums=...)`, whose signatures go through tiers.

    `fn(*args)` must be traceable by jax.jit (pytrees of arrays in, out).
    Call it as `tf(*args)`, or `tf.call_keyed(key, args)` with a cheap hashable
    key that determines the avals of `args` (the runtime's fast path keys by
    the fed shapes; a mismatch is detected and handled by the full key).
    """

    def __init__(self, fn, donate_argnums=(), name=None, poly=None, training=False, **jit_kwargs):
        self.fn = fn
        self.training = training       # a training step repeats: see compile_after()
        self.donate_argnums = tuple(donate_argnums)
        self.jitted = jax.jit(fn, donate_argnums=self.donate_argnums, **jit_kwargs)
        self.name = name or getattr(fn, "__name__", "step")
        self._programs = {}
        self._lock = threading.Lock()
        # {positional arg: axes that may change size between calls} (a placeholder's unknown
        # dimensions): once a signature is compiled, `fn` is also traced with those axes symbolic
        # (in the background), and a new size is interpreted from that trace (no new trace)
        self.poly = {i: tuple(ax) for i, ax in (poly or {}).items() if ax}
        self._symbolic = None          # _SymbolicTrace, once made
        self._symbolic_started = False

    def __call__(self, *args):
        return self.call_keyed(_full_key(args), args)

    def compile_after(self):
        """Calls of a signature before its compile starts: `training_compile_after` for a training
        step compiled in the background (its first call is still interpreted), else `compile_after`."""
        if self.training and POLICY.background:
            return POLICY.training_compile_after
        return POLICY.compile_after

    def call_keyed(self, key, args):
        prog = self._programs.get(key)
        if prog is not None:
            compiled = prog.compiled
            if compiled is not None:
                prog.last_used = next(_ticks)
                try:
                    return compiled(*args)
                except TypeError:
                    # the avals differ from the key's program (a state value changed shape):
                    # nothing ran, nothing was donated; take the full-signature path
                    full = _full_key(args)
                    if full == key:
                        raise
                    return self.call_keyed(full, args)
                except Exception as e:  # noqa: BLE001 - XLA's runtime failures as TF1's classes
                    _raise_as_op_error(e)
        else:
            with self._lock:
                prog = self._programs.get(key)
                if prog is None:
                    prog = self._programs[key] = _Program(self)
                    prog.last_used = next(_ticks)
                    if len(self._programs) > POLICY.max_signatures:
                        self._evict()
                    if len(self._programs) == 2:
                        self._want_symbolic(args)      # shapes vary: more sizes are likely
        prog.last_used = next(_ticks)
        try:
            return prog.call(args)
        except Exception as e:  # noqa: BLE001 - XLA's and NumPy's runtime failures as TF1's classes
            _raise_as_op_error(e)

    def _evict(self):
        """Drops the least recently used signatures beyond max_signatures (lock held)."""
        extra = len(self._programs) - POLICY.max_signatures
        if extra <= 0:
            return
        oldest = sorted(self._programs.items(), key=lambda kv: kv[1].last_used)[:extra]
        for k, _ in oldest:
            del self._programs[k]
        STATS.evicted += len(oldest)

    def trace(self, *args):
        """jax.jit's trace of `fn` for these arguments (the jaxpr both tiers run)."""
        return self.jitted.trace(*args)

    def _want_symbolic(self, args):
        """After a first compile: trace `fn` with its poly axes symbolic, in the background."""
        if not self.poly or self._symbolic_started or not interp_symbolic.AVAILABLE:
            return
        self._symbolic_started = True
        avals = _avals(args)
        _compile_queue.submit(self._make_symbolic, avals)

    def _make_symbolic(self, avals):
        try:
            sym = _SymbolicTrace.make(self, avals)
        except Exception as e:  # noqa: BLE001 - not shape-polymorphic: new sizes are traced as usual
            _log.debug("compat_tf: %s has no symbolic trace (%s: %s)", self.name, type(e).__name__, e)
            return
        self._symbolic = sym
        STATS.symbolic_traces += 1

    def programs(self):
        """The signatures seen so far: {key: 'interpreted' | 'compiling' | 'compiled'}."""
        return {k: p.status() for k, p in list(self._programs.items())}

    def discard(self):
        """Forgets every signature (their executables are freed when no longer referenced)."""
        with self._lock:
            self._programs = {}


class _Program:
    """One call signature of a TieredFunction."""

    __slots__ = ("owner", "calls", "traced", "compiled", "future", "interpretable", "lock", "compile_failed",
                 "last_used", "interpreted_s")

    def __init__(self, owner):
        self.owner = owner
        self.calls = 0
        self.traced = None
        self.compiled = None
        self.future = None
        self.interpretable = None      # None: not decided yet
        self.lock = threading.Lock()
        self.compile_failed = False    # a background compile raised: this signature stays interpreted
        self.last_used = 0
        self.interpreted_s = 0.0       # the last interpreted call's duration

    def status(self):
        if self.compiled is not None:
            return "compiled"
        return "compiling" if self.future is not None and not self.compile_failed else "interpreted"

    def call(self, args):
        self.calls += 1
        mode = POLICY.mode
        if mode == "compile":
            return self._compile_now(args)
        sym = self.owner._symbolic
        if self.traced is None and sym is not None:
            env = sym.binding(args)
            if env is not None:
                return self._call_symbolic(sym, env, args, mode)
        traced = self._trace(args)
        if not self.interpretable:
            return self._compile_now(args)
        fut = self.future
        compile_after_this_call = False
        if fut is None and mode == "auto" and self.calls >= self.owner.compile_after():
            if not POLICY.background:
                return self._compile_now(args)
            if self.calls == 1:
                compile_after_this_call = True    # queued once this call is interpreted: not slowed by it
            else:
                fut = self._start_compile()
        if fut is not None and not self.compile_failed and not fut.done() and self._wait_for_compile():
            concurrent.futures.wait([fut])
        if fut is not None and not self.compile_failed and fut.done():
            if fut.cancelled() or fut.exception() is None:
                return self._use_compiled(args)
            self.compile_failed = True
            _log.warning("compat_tf: compiling %s failed (%s: %s); its runs stay on the NumPy tier",
                         self.owner.name, type(fut.exception()).__name__, fut.exception())
        try:
            leaves, _ = jax.tree_util.tree_flatten(args)
            t0 = time.perf_counter()
            with blas_threads.limited():
                outs = interp.eval_closed_jaxpr(traced.jaxpr, leaves)
            self.interpreted_s = time.perf_counter() - t0
        except interp.InterpreterError as e:
            STATS.interpreter_failures += 1
            _log.debug("compat_tf: %s is compiled (the NumPy tier cannot run it: %s)", self.owner.name, e)
            self.interpretable = False
            return self._compile_now(args)
        STATS.interpreted_calls += 1
        if compile_after_this_call:
            self._start_compile()
        return jax.tree_util.tree_unflatten(traced.out_tree, outs)

    def _wait_for_compile(self):
        """Whether this call waits for the compile running in the background rather than being
        interpreted beside it: a training step (it repeats at once) whose last interpreted call
        took at least POLICY.wait_for_compile_s. Interpreted beside the compile, such a step runs
        at ~1.5x its cost and slows the compile ~2x on two cores (the MNIST CNN's: 0.15-0.2 s a
        step for 8-10 steps while its compile took 1.1-1.3 s)."""
        limit = POLICY.wait_for_compile_s
        return bool(limit) and self.owner.training and self.interpreted_s >= limit

    def _call_symbolic(self, sym, env, args, mode):
        """A new signature of a shape-polymorphic step: interpreted from its symbolic trace; when it
        repeats (`compile_after` calls, a training step's too: a new batch size such as an epoch's
        short last batch comes back once an epoch), traced and compiled in the background meanwhile."""
        fut = self.future
        if fut is None and mode == "auto" and self.calls >= POLICY.compile_after:
            avals = _avals(args)
            with self.lock:
                if self.future is None:
                    self.future = _compile_queue.submit(_trace_and_compile, self.owner.jitted, avals)
            fut = self.future
        if fut is not None and not self.compile_failed and fut.done() and (fut.cancelled() or fut.exception() is None):
            return self._use_compiled(args)
        try:
            leaves, _ = jax.tree_util.tree_flatten(args)
            with blas_threads.limited(), interp_symbolic.binding(env):
                outs = interp.eval_closed_jaxpr(sym.jaxpr, leaves)
        except interp.InterpreterError:
            self.owner._symbolic = None            # this step is not polymorphic after all
            return self.call_after_symbolic(args)
        STATS.interpreted_calls += 1
        STATS.symbolic_calls += 1
        return jax.tree_util.tree_unflatten(sym.out_tree, outs)

    def call_after_symbolic(self, args):
        self.calls -= 1
        return self.call(args)

    def _trace(self, args):
        if self.traced is None:
            with self.lock:
                if self.traced is None:
                    STATS.traces += 1
                    traced = self.owner.jitted.trace(*args)
                    self.interpretable = _interpretable_backend() and _small_enough(traced.jaxpr)
                    self.traced = traced
        return self.traced

    def _start_compile(self):
        with self.lock:
            if self.future is None:
                traced = self.traced
                self.future = _compile_queue.submit(_compile, traced)
            return self.future

    def _use_compiled(self, args):
        compiled = self.future.result()
        self.traced = None             # the jaxpr is not needed any more
        STATS.compiled_calls_started += 1
        self.owner._want_symbolic(args)
        out = compiled(*args)
        self.compiled = _direct_call(compiled)
        return out

    def _compile_now(self, args):
        if self.future is not None:
            return self._use_compiled(args)
        traced = self.traced if self.traced is not None else self.owner.jitted.trace(*args)
        if self.traced is None:
            STATS.traces += 1
        compiled = _compile(traced)
        self.traced = None
        STATS.compiled_calls_started += 1
        self.owner._want_symbolic(args)
        out = compiled(*args)
        self.compiled = _direct_call(compiled)
        return out


def _direct_call(compiled):
    """The executable's own (C++) call, which jax's `Compiled.__call__` sets up on its first call and
    then wraps in a Python frame on every call; the Compiled itself where there is none."""
    call = getattr(compiled, "_call", None)
    return call if callable(call) else compiled


_ticks = itertools.count(1)


def _avals(args):
    """Shape-dtype structs of `args`, without reading their values: np.asarray of a device array
    waits for the computation producing it and copies it to the host (0.75 s for an MNIST CNN's
    state, when getattr's default made it for every argument)."""
    return [jax.ShapeDtypeStruct(np.shape(a), a.dtype if hasattr(a, "dtype") else np.asarray(a).dtype)
            for a in args]


def _trace_and_compile(jitted, avals):
    STATS.traces += 1
    return _compile(jitted.trace(*avals))


class _SymbolicTrace:
    """A step traced with its poly axes as symbolic dimensions (interp/symbolic.py)."""

    __slots__ = ("jaxpr", "out_tree", "template", "dims")

    @classmethod
    def make(cls, owner, avals):
        from jax import export
        # poly axes of the same size share a symbol (x [b, 784] and its labels [b] are one batch)
        names, dims = {}, {}
        for i, axes in owner.poly.items():
            for ax in axes:
                size = avals[i].shape[ax]
                dims[(i, ax)] = names.setdefault(size, f"d{len(names)}")
        symbols = dict(zip(names.values(), export.symbolic_shape(",".join(names.values()))))
        sym_avals = list(avals)
        for i in owner.poly:
            shape = list(avals[i].shape)
            for ax in owner.poly[i]:
                shape[ax] = symbols[dims[(i, ax)]]
            sym_avals[i] = jax.ShapeDtypeStruct(tuple(shape), avals[i].dtype)
        traced = owner.jitted.trace(*sym_avals)
        if not _small_enough(traced.jaxpr):
            raise ValueError("too large to interpret")
        from compat_tf._src.runtime.interp.core import prepare
        prepare(traced.jaxpr)
        self = cls()
        self.jaxpr, self.out_tree = traced.jaxpr, traced.out_tree
        self.template = [(tuple(a.shape), np.dtype(a.dtype)) for a in avals]
        self.dims = dims
        return self

    def binding(self, args):
        """{symbol: size} for these arguments, or None when they are not an instance of the trace."""
        if len(args) != len(self.template):
            return None
        env = {}
        for i, (a, (shape, dtype)) in enumerate(zip(args, self.template)):
            ashape = np.shape(a)
            if len(ashape) != len(shape) or np.dtype(getattr(a, "dtype", None) or np.asarray(a).dtype) != dtype:
                return None
            for ax, (n, t) in enumerate(zip(ashape, shape)):
                name = self.dims.get((i, ax))
                if name is None:
                    if n != t:
                        return None
                elif n < 1 or env.setdefault(name, n) != n:
                    return None
        return env


def _raise_as_op_error(exc):
    mapped = op_errors.from_runtime(exc)
    if mapped is None or mapped is exc:
        raise exc
    raise mapped from exc


def _compile(traced):
    t0 = time.perf_counter()
    options = onednn_conv.compiler_options(traced.jaxpr)
    compiled = traced.lower().compile(compiler_options=options) if options else traced.lower().compile()
    STATS.compiles += 1
    _log.debug("compat_tf: compiled %s in %.3f s", getattr(traced, "fun_name", "step"), time.perf_counter() - t0)
    return compiled


def submit_background(fn, *args):
    """A Future of `fn(*args)` run in the background compile thread (eager kernels trace and compile
    there)."""
    return _compile_queue.submit(fn, *args)


def compile_now(traced):
    """`traced`'s executable, compiled in this thread and counted in STATS (eager kernels)."""
    return _compile(traced)


def _full_key(args):
    leaves, tree = jax.tree_util.tree_flatten(args)
    return (tree, tuple(_aval_key(x) for x in leaves))


def _aval_key(x):
    try:
        return (x.shape, x.dtype, getattr(x, "weak_type", False))
    except AttributeError:
        return (type(x), x) if isinstance(x, (int, float, bool, complex)) else (type(x),)


def _small_enough(closed):
    """Whether every array in the jaxpr (nested ones too) is at most max_interpreted_elements
    and its products and convolutions (each nested jaxpr counted once) at most
    max(max_interpreted_flops, interpreted_flops_per_eqn x its equations) (a symbolic dimension
    counts as 1: the limits then bound the rest of the shape). oneDNN's convolutions
    (ops/onednn_conv.py) are not counted: the NumPy tier runs the same kernels as the compiled
    step, so their work costs the same in both tiers."""
    limit = POLICY.max_interpreted_elements
    flops, eqns = 0.0, 0
    stack = [closed.jaxpr]
    seen = set()
    while stack:
        j = stack.pop()
        if id(j) in seen:
            continue
        seen.add(id(j))
        eqns += len(j.eqns)
        for v in list(j.invars) + list(j.outvars):
            if _elements(v.aval) > limit:
                return False
        for eqn in j.eqns:
            for v in eqn.outvars:
                if _elements(v.aval) > limit:
                    return False
            if eqn.primitive.name in _FLOP_PRIMITIVES:
                flops += _FLOP_PRIMITIVES[eqn.primitive.name](eqn)
            for p in eqn.params.values():
                for sub in (p if isinstance(p, (tuple, list)) else (p,)):
                    inner = getattr(sub, "jaxpr", None)
                    if inner is not None and hasattr(inner, "eqns"):
                        stack.append(inner)
                    elif hasattr(sub, "eqns"):
                        stack.append(sub)
    return flops <= max(POLICY.max_interpreted_flops, POLICY.interpreted_flops_per_eqn * eqns)


def _dot_flops(eqn):
    (contract, _), _ = eqn.params["dimension_numbers"]
    lhs = getattr(eqn.invars[0].aval, "shape", ())
    k = math.prod(lhs[a] if isinstance(lhs[a], int) else 1 for a in contract)
    return 2.0 * _elements(eqn.outvars[0].aval) * k


def _conv_flops(eqn):
    rhs = eqn.invars[1].aval
    out_features = rhs.shape[eqn.params["dimension_numbers"].rhs_spec[0]]
    per_output = _elements(rhs) / max(1, out_features if isinstance(out_features, int) else 1)
    return 2.0 * _elements(eqn.outvars[0].aval) * per_output


_FLOP_PRIMITIVES = {"dot_general": _dot_flops, "conv_general_dilated": _conv_flops}


def _elements(aval):
    shape = getattr(aval, "shape", ())
    try:
        return math.prod(d if isinstance(d, int) else 1 for d in shape)
    except TypeError:
        return 0
