"""The way out of TF1: a TF1 graph as a plain, pure JAX function.

`to_jax_function(fetches, feeds)` gives `fn(params, *feed_values, rng=None)`,
`to_jax_step(fetches, feeds, targets)` gives `step(state, *feed_values) ->
(fetch values, new_state)`; both are pure functions of JAX arrays, so
`jax.jit`, `jax.grad`, `jax.vmap`, `jax.pmap` and `lax.scan` apply to them
as to any hand-written JAX code, and they no longer need a Session.

How: the same pieces a `Session.run` uses (`runtime.plan.prune` to the ops
the fetches and targets need, `runtime.lowering.evaluate` of each op's
registered JAX lowering, a `LoweringContext` holding the variable values),
with the variables given as an explicit dict instead of the session's store.
So an exported function computes exactly what `Session.run` computes.

Conventions:
- Variables are keyed by their TF name without the output suffix
  (`"dense/kernel"`, `"dense/kernel/Adam"`, `"global_step"`): the names of
  TF1 checkpoints and of `Variable.op.name`. The values are JAX arrays.
- Feeds: a list or tuple of tensors becomes positional arguments, one per
  tensor; a dict `{key: tensor}` becomes one dict argument with the same keys;
  a single tensor one argument. Any tensor may be a feed (not only
  placeholders); the graph is cut there, as `feed_dict` cuts it.
- Random ops (dropout, `tf.random_*`): TF1's seeding (graph/op seeds) is kept
  and a uint32 run counter is folded in, as `Session.run` does with its own
  counter. `fn` takes it as `rng=` (a uint32 counter, or a JAX PRNG key from
  which one is drawn; default 0, so `fn` is deterministic); `step` keeps it in
  its state under `RNG_COUNTER_KEY` and advances it by one per call, so a
  step run n times draws the same numbers as n `Session.run` calls.
- Host ops (strings, queues, iterators and datasets, readers, `tf.py_func`)
  are Python code the Session runs between jitted segments; they cannot be
  traced, so exporting a graph that needs one raises ValueError naming it.
  Feed the tensors such an op produces instead (list them in `feeds`).
  Run-time checks and printing (`tf.Assert`, `tf.check_numerics`,
  `tf.Print`, `tf.print`) are host callbacks: ValueError too, unless
  `drop_checks=True`, which leaves them out (Print passes its input through).
- Control flow: tf.cond lowers to `lax.cond` (a select under vmap); tf.while_loop with
  `maximum_iterations` to a `lax.scan`, which jax.grad differentiates; without it to a
  `lax.while_loop`, which JAX cannot reverse-differentiate (tf.gradients cannot either).
- Writes: `fn` computes assigns the fetches depend on (e.g. batch-norm moving averages
  under a control dependency) on a private copy of `params` and discards them; `step`
  returns them in `new_state`.
- Calling `fn`/`step` without `jax.jit` runs op by op (JAX's eager mode, each op
  compiled on its own); jit them for speed.
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import registry
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import Operation, Tensor
from compat_tf._src.runtime import fetches as _fetches
from compat_tf._src.runtime import host_checks
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import plan as _plan

RNG_COUNTER_KEY = "compat_tf:rng_counter"
"""The state key of the random-op run counter in `to_jax_step`'s state (no TF name has a ':')."""

_VARIABLE_OP_TYPES = ("VariableV2", "Variable", "VarHandleOp")
_CHECK_OP_TYPES = ("Assert", "CheckNumerics", "Print", "PrintV2")
_PY_FUNC_TYPES = ("PyFunc", "PyFuncStateless", "EagerPyFunc")


# --------------------------------------------------------------------------------------------
# the traced computation shared by to_jax_function and to_jax_step
# --------------------------------------------------------------------------------------------

class _Feeds:
    """The feed structure: how the exported function's arguments map to feed tensors."""

    def __init__(self, graph, feeds):
        if feeds is None:
            feeds = []
        if isinstance(feeds, dict):
            self.kind = "dict"
            self.keys = list(feeds)
            items = [feeds[k] for k in self.keys]
        elif isinstance(feeds, (list, tuple)):
            self.kind = "seq"
            items = list(feeds)
        else:
            self.kind = "single"
            items = [feeds]
        self.tensors = []
        for f in items:
            try:
                t = _fetches._feed_key(graph, f)
            except TypeError as e:
                raise TypeError(f"feeds: {e}") from None
            if t in self.tensors:
                raise ValueError(f"feeds: tensor {t.name} is listed twice")
            self.tensors.append(t)

    @property
    def n_args(self):
        return len(self.tensors) if self.kind == "seq" else 1

    def flatten(self, args, what):
        if len(args) != self.n_args:
            raise TypeError(f"{what} takes {self.n_args} feed argument(s) after the state "
                            f"({', '.join(t.name for t in self.tensors) or 'none'}), got {len(args)}")
        if self.kind == "seq":
            values = list(args)
        elif self.kind == "single":
            values = [args[0]]
        else:
            given = args[0]
            if not isinstance(given, dict) or set(given) != set(self.keys):
                raise TypeError(f"{what} takes a dict of feed values with keys {sorted(map(str, self.keys))}")
            values = [given[k] for k in self.keys]
        return [_feed_value(t, v) for t, v in zip(self.tensors, values)]


def _feed_value(tensor, value):
    """A fed value as a JAX value of the tensor's dtype; its shape checked against the static shape."""
    dtype = tensor.dtype.base_dtype
    if dtype == _dtypes.string:
        raise ValueError(f"feed {tensor.name} is a string tensor; strings cannot be traced by JAX")
    value = jnp.asarray(value, _dtypes.to_jax_dtype(dtype))
    shape = tensor.shape
    if shape.ndims is not None:
        dims = shape.as_list()
        if value.ndim != len(dims) or any(d is not None and d != n for d, n in zip(dims, value.shape)):
            raise ValueError(f"Cannot feed value of shape {tuple(value.shape)} for Tensor {tensor.name!r}, "
                             f"which has shape {shape} (under jax.vmap/pmap the shape seen is one "
                             "example's: map over an axis the feed does not declare)")
    return value


def _nested_ops(op):
    out = []
    for v in op._attrs.values():
        if isinstance(v, tuple):
            out.extend(host_checks._nested_ops(v))
    return out


def _draws_random(ops):
    """Whether any of `ops` (or an op nested in a cond/loop/scan body) draws from the run's RNG.

    A stateful random kernel's lowering takes the LoweringContext and calls its `rng_key`
    (through random_ops' `_rng_key`); other context ops (assigns, optimizer updates, control
    flow owners) do not draw, so a training step without dropout keeps no RNG counter.
    """
    seen = set()
    stack = list(ops)
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        opdef = registry.lookup(op.type)
        if opdef is not None and opdef.ctx:
            code = getattr(opdef.lower, "__code__", None)
            if code is None or any("rng_key" in n for n in code.co_names):
                return True
        stack.extend(_nested_ops(op))
    return False


def _host_reason(op):
    if op.type in _PY_FUNC_TYPES:
        return "calls a Python function (tf.py_func)"
    dts = {t.dtype.base_dtype for t in list(op._outputs) + list(op._inputs)}
    if _dtypes.string in dts:
        return "works on strings, which JAX cannot represent"
    if dts & {_dtypes.resource, _dtypes.variant}:
        return "uses a host resource (a queue, iterator, dataset, reader or similar) that the Session keeps in Python"
    return "runs in Python on the host between the Session's jitted segments"


class _Traced:
    """What an exported function evaluates: the pruned ops, the feeds, the variables it touches."""

    def __init__(self, fetches, feeds, targets, drop_checks, graph=None):
        if graph is None:
            graph = _graph_of(fetches, feeds, targets)
        self.graph = graph
        self.no_fetches = fetches is None
        self.mapper = None if fetches is None else _fetches.FetchMapper(graph, fetches)
        self.feeds = _Feeds(graph, feeds)
        fetch_tensors = [] if self.mapper is None else list(self.mapper.unique_tensors)
        target_ops = [] if self.mapper is None else list(self.mapper.unique_ops)
        for t in _as_list(targets):
            el = graph.as_graph_element(t, allow_tensor=True, allow_operation=True)
            op = el if isinstance(el, Operation) else el.op
            if op not in target_ops:
                target_ops.append(op)
        self.fetch_tensors = fetch_tensors
        fed = frozenset(self.feeds.tensors)
        self.fed = fed
        ops = _plan.prune(fetch_tensors, target_ops, fed)
        self._check_ops(ops, drop_checks)
        self.passthrough = {op for op in ops if op.type in _CHECK_OP_TYPES}
        self.ops = [op for op in ops if op.type not in _VARIABLE_OP_TYPES]
        self.var_refs = {op._outputs[0]: lowering.VarRef(op.name)
                         for op in ops if op.type in _VARIABLE_OP_TYPES}
        self.reads, self.writes = self._variable_access()
        self.keys = list(dict.fromkeys(self.reads + self.writes))
        self.uses_rng = _draws_random(self.ops)

    def _check_ops(self, ops, drop_checks):
        missing = sorted({op.type for op in ops if registry.lookup(op.type) is None})
        if missing:
            raise ValueError("cannot export to a JAX function: no lowering is registered for op types: "
                             + ", ".join(missing))
        host = [op for op in ops if op.type not in _VARIABLE_OP_TYPES and _plan.is_host_op(op)]
        if host:
            listed = "; ".join(f"'{op.name}' ({op.type}) {_host_reason(op)}" for op in host[:5])
            more = f" (and {len(host) - 5} more host ops)" if len(host) > 5 else ""
            raise ValueError(
                f"cannot export to a JAX function: the graph needs host ops, which run in Python and "
                f"cannot be traced by JAX: {listed}{more}. Feed the tensors they produce instead "
                "(list them in `feeds`), or compute them outside the exported function.")
        for op in ops:
            if op.type == "Placeholder" and op._outputs[0] not in self.fed:
                raise ValueError(f"cannot export to a JAX function: placeholder '{op.name}' is needed by the "
                                 "fetches but is not in `feeds`")
            if op.type in _CHECK_OP_TYPES and not drop_checks:
                raise ValueError(
                    f"cannot export to a JAX function: op '{op.name}' ({op.type}) is a run-time check or "
                    "print that calls back to Python on the host; pass drop_checks=True to leave such ops "
                    "out (a Print/CheckNumerics passes its input through)")
            for sub in _nested_ops(op):
                if sub.type in _CHECK_OP_TYPES or sub.type in _PY_FUNC_TYPES:
                    raise ValueError(
                        f"cannot export to a JAX function: op '{sub.name}' ({sub.type}) inside '{op.name}' "
                        f"({op.type}) calls back to Python on the host and cannot be left out there")

    def _variable_access(self):
        """(keys read, keys written), in program order, of the variables the ops touch."""
        reads, writes = [], []

        def add(lst, k):
            if k is not None and k not in lst:
                lst.append(k)
        for op in self.ops:
            opdef = registry.get(op.type)
            for i, t in enumerate(op._inputs):
                k = _plan.ref_key(t, self.fed)
                if k is None:
                    continue
                if i in opdef.ref_inputs:
                    if opdef.reads_ref:
                        add(reads, k)
                    if opdef.writes_ref:
                        add(writes, k)
                else:
                    add(reads, k)
            for k in op._attrs.get("_state_reads", ()):
                add(reads, k)
            for k in op._attrs.get("_state_writes", ()):
                add(writes, k)
        for t in self.fetch_tensors:
            add(reads, _plan.ref_key(t, self.fed))
        return reads, writes

    def __call__(self, state, feed_values, counter):
        """Evaluates the ops: (flat fetch values, the state after the ops' writes)."""
        ctx = lowering.LoweringContext(dict(state), counter, None, frozenset(state))
        ctx.staging = True
        env = dict(self.var_refs)
        env.update(zip(self.feeds.tensors, feed_values))
        with host_checks.tracing(self):
            for op in self.ops:
                if op in self.passthrough:      # a dropped check/print: its outputs are its inputs
                    for t, src in zip(op._outputs, op._inputs):
                        env.setdefault(t, env[src])
                    continue
                lowering.evaluate([op], env, ctx)
        outs = []
        for t in self.fetch_tensors:
            v = env[t]
            outs.append(ctx.read(v) if isinstance(v, lowering.VarRef) else v)
        return outs, ctx.state

    def build(self, outs):
        return None if self.mapper is None else self.mapper.build(outs)


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _graph_of(*structures):
    for s in structures:
        for leaf in jax.tree_util.tree_leaves(s, is_leaf=lambda x: not isinstance(x, (list, tuple, dict))):
            g = getattr(leaf, "graph", None)
            if g is not None:
                return g
    from compat_tf._src.framework import graph as _graph
    return _graph.get_default_graph()


def _counter_of(rng):
    """A uint32 run counter from `rng`: None (0), an integer counter, or a JAX PRNG key."""
    if rng is None:
        return np.uint32(0)
    dt = getattr(rng, "dtype", None)
    if dt is not None and jax.dtypes.issubdtype(dt, jax.dtypes.prng_key):
        return jax.random.bits(rng, (), jnp.uint32)
    shape = np.shape(rng)
    if shape == (2,):                            # a raw uint32[2] key (jax.random.PRNGKey)
        return jax.random.bits(jnp.asarray(rng, jnp.uint32), (), jnp.uint32)
    if shape != ():
        raise ValueError(f"rng must be a uint32 counter or a JAX PRNG key, got shape {shape}")
    if isinstance(rng, int):
        return np.uint32(rng & 0xFFFFFFFF)
    return jnp.asarray(rng).astype(jnp.uint32)


# --------------------------------------------------------------------------------------------
# variable values: from a session, or from the variables' initializers
# --------------------------------------------------------------------------------------------

def _copy(value):
    """A private copy: the Session donates its variable buffers, so never share one with it."""
    return jnp.array(value, copy=True)


def _initial_values(graph, keys):
    """The values `keys` get from their initializers, in a fresh Session."""
    from compat_tf._src.runtime.session import Session
    inits = []
    by_name = {}
    for c in graph.get_all_collection_keys():
        for v in graph.get_collection(c):
            op = getattr(v, "op", None)
            init = getattr(v, "initializer", None)
            if isinstance(op, Operation) and isinstance(init, Operation):
                by_name.setdefault(op.name, init)
    for k in keys:
        init = by_name.get(k)
        if init is None:
            try:
                init = graph.get_operation_by_name(k + "/Assign")
            except (KeyError, ValueError):
                raise ValueError(f"cannot find the initializer of variable {k!r}; pass a session holding "
                                 "its value") from None
        inits.append(init)
    sess = Session(graph=graph)
    try:
        try:
            sess.run(inits)
        except errors.FailedPreconditionError:
            # an initial value that reads another variable: initialise everything, in TF1's order
            all_inits = [v.initializer for c in ("variables", "local_variables")
                         for v in graph.get_collection(c) if getattr(v, "initializer", None) is not None]
            sess.run(all_inits)
            sess.run(inits)
        return _session_values(sess, keys)
    finally:
        sess.close()


def _session_values(session, keys):
    with session._lock:
        state = session._state
        missing = [k for k in keys if k not in state]
        if missing:
            raise errors.FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {missing[0]}: the exported function "
                f"reads variables the session has not initialized ({', '.join(missing)})")
        return {k: _copy(state[k]) for k in keys}


def _values(traced, session, keys):
    if session is None:
        return _initial_values(traced.graph, keys)
    if session.graph is not traced.graph:
        raise ValueError("the session's graph is not the graph of the fetches")
    return _session_values(session, keys)


def _check_state(state, keys, what):
    if not isinstance(state, dict):
        raise TypeError(f"{what}: the state/params must be a dict {{variable name: array}}")
    missing = [k for k in keys if k not in state]
    if missing:
        raise KeyError(f"{what}: missing values for variables {missing}")


# --------------------------------------------------------------------------------------------
# the public functions
# --------------------------------------------------------------------------------------------

def to_jax_function(fetches, feeds=(), session=None, variables=None, drop_checks=False):
    """A TF1 computation as a pure JAX function: `fn, params = to_jax_function(fetches, feeds)`.

    Args:
      fetches: a tensor, or a list/tuple/dict/namedtuple nesting tensors, as `Session.run` takes
        (Operations give None and are run for their effect on the, discarded, state).
      feeds: the function's arguments: a list/tuple of tensors (one positional argument each), a
        dict {key: tensor} (one dict argument with those keys) or one tensor.
      session: the Session whose current variable values `params` gets (copied); None: the
        variables' initial values, from their initializers run in a fresh Session.
      variables: optional iterable of variables (objects or names) whose values to put in
        `params` beyond those the fetches read.
      drop_checks: leave tf.Assert / check_numerics / Print ops out instead of raising ValueError.

    Returns:
      `(fn, params)`: `fn(params, *feed_values, rng=None)` returns the fetch values in the
      structure of `fetches`, as JAX arrays; `params` is {variable name: array} of the variables
      the fetches read. Variables the computation writes are written into a private copy and
      discarded (see `to_jax_step` for training). `fn` is pure: jit, grad, vmap, pmap it.

    Raises:
      ValueError: the computation needs host ops (strings, queues, iterators, py_func), a
        placeholder that is not in `feeds`, or an op type without a lowering.
    """
    traced = _Traced(fetches, feeds, None, drop_checks)
    keys = list(traced.keys)
    for v in variables or ():
        k = _variable_key(traced.graph, v)
        if k not in keys:
            keys.append(k)
    params = _values(traced, session, keys)
    needed = tuple(traced.keys)

    def fn(params, *feed_values, rng=None):
        _check_state(params, needed, "exported function")
        values = traced.feeds.flatten(feed_values, "exported function")
        outs, _ = traced(params, values, _counter_of(rng))
        return traced.build(outs)

    fn.__name__ = "exported_tf1_function"
    fn.__doc__ = (f"Exported TF1 computation: fn(params, {_arg_doc(traced)}, rng=None) -> fetch values.\n"
                  f"params: {needed}")
    return fn, params


def to_jax_step(fetches, feeds=(), targets=None, session=None, drop_checks=False):
    """A TF1 training step as a pure JAX step: `step, state = to_jax_step(loss, [x, y], train_op, sess)`.

    `step(state, *feed_values) -> (fetch values, new_state)` runs what
    `session.run([fetches, targets], feed_dict)` runs: `state` is {variable name: array} of
    every variable the step reads or writes (weights, optimizer slots such as Adam's `m`/`v`
    and beta powers, `global_step`), plus `RNG_COUNTER_KEY` when the step has random ops;
    `new_state` has the same keys, so the step loops in `jax.lax.scan`/`fori_loop` or a
    Python loop around `jax.jit(step, donate_argnums=0)`. Fetched variables give their values
    after the step's writes, as in Session.run. The initial `state` holds copies of the
    session's current values (None: the initializers' values, from a fresh Session).
    `load_state(session, state)` writes a state back into a Session.

    `targets`: an Operation (a train op) or a list of them; Operations among `fetches` are
    targets too (their fetch value is None). Other arguments as in `to_jax_function`.
    """
    traced = _Traced(fetches, feeds, targets, drop_checks)
    keys = list(traced.keys)
    state = _values(traced, session, keys)
    uses_rng = traced.uses_rng
    if uses_rng:
        count = 0 if session is None else session._rng_counter
        state[RNG_COUNTER_KEY] = jnp.asarray(np.uint32(count & 0xFFFFFFFF))
    needed = tuple(state)

    def step(state, *feed_values):
        _check_state(state, needed, "exported step")
        values = traced.feeds.flatten(feed_values, "exported step")
        variables = {k: state[k] for k in keys}
        if uses_rng:
            counter = jnp.asarray(state[RNG_COUNTER_KEY], jnp.uint32) + jnp.uint32(1)
        else:
            counter = np.uint32(0)
        outs, new = traced(variables, values, counter)
        new_state = {k: jnp.asarray(new[k], jnp.asarray(state[k]).dtype) for k in keys}
        if uses_rng:
            new_state[RNG_COUNTER_KEY] = counter
        return traced.build(outs), new_state

    step.__name__ = "exported_tf1_step"
    step.__doc__ = (f"Exported TF1 step: step(state, {_arg_doc(traced)}) -> (fetch values, new_state).\n"
                    f"state: {needed}")
    return step, state


def load_state(session, state):
    """Writes a state dict {variable name: array} (from `to_jax_step`/`to_jax_function`) into `session`.

    Each value is checked against the variable's dtype and static shape and copied (so later
    session runs, which donate their buffers, never invalidate the caller's arrays).
    `RNG_COUNTER_KEY`, when present, sets the session's random-op run counter. Variables not
    in `state` keep their values. Afterwards `session.run` continues from `state`.
    """
    graph = session.graph
    updates = {}
    counter = None
    for name, value in state.items():
        if name == RNG_COUNTER_KEY:
            counter = int(np.asarray(value))
            continue
        key = _variable_key(graph, name)
        op = graph.get_operation_by_name(key)
        if op.type == "VarHandleOp":          # a resource handle: dtype and shape are attrs
            var_dtype, var_shape = _dtypes.as_dtype(op.get_attr("dtype")), _ts.as_shape(op.get_attr("shape"))
        else:
            var_dtype, var_shape = op._outputs[0].dtype.base_dtype, op._outputs[0].shape
        arr = jnp.array(value, dtype=_dtypes.to_jax_dtype(var_dtype), copy=True)
        if not var_shape.is_compatible_with(arr.shape):
            raise ValueError(f"load_state: value for variable {key!r} has shape {tuple(arr.shape)}, "
                             f"the variable has shape {var_shape}")
        updates[key] = arr
    with session._lock:
        session._state.update(updates)
        if counter is not None:
            session._rng_counter = counter


def _variable_key(graph, v):
    """The state key of a variable given as a Variable, a tensor, an op, or a name ('w' or 'w:0')."""
    if isinstance(v, str):
        name = v[:-2] if v.endswith(":0") else v
        try:
            op = graph.get_operation_by_name(name)
        except (KeyError, ValueError):
            raise KeyError(f"no variable named {v!r} in the graph") from None
    else:
        el = graph.as_graph_element(v, allow_tensor=True, allow_operation=True)
        op = el if isinstance(el, Operation) else el.op
        if isinstance(el, Tensor):
            key = _plan.ref_key(el)
            if key is not None:
                op = graph.get_operation_by_name(key)
    if op.type not in _VARIABLE_OP_TYPES:
        raise KeyError(f"{v!r} is not a variable (op {op.name} is a {op.type})")
    return op.name


def _arg_doc(traced):
    f = traced.feeds
    if f.kind == "dict":
        return "{" + ", ".join(f"{k!r}: {t.name}" for k, t in zip(f.keys, f.tensors)) + "}"
    return ", ".join(t.name for t in f.tensors)
