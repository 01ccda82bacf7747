"""From (fetches, feeds, targets) to an executable plan of jitted segments.

A plan is built once per distinct run signature and cached by the Session:

1. prune: the ops the fetches and targets need (data and control inputs),
   stopping at fed tensors; ops owned by a cond branch or loop body are
   reached only through their owner;
2. order: a topological order, ties broken by creation order, so unordered
   reads and assigns happen in program order;
3. segment: numeric ops form device segments, each one pure function
   `(state, inputs, rng_counter) -> (outputs, new state)` under `jax.jit`
   with the written state donated; host ops (strings, session queries) run
   in NumPy between them. A graph with no host ops is one jitted function;
4. variable analysis: which variables are read before being written (they
   must be initialised, else FailedPreconditionError, raised before anything
   runs), and which are written (they become initialised).
"""
import contextlib
import heapq
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import registry
from compat_tf._src.framework import shape_inference
from compat_tf._src.runtime import host_checks
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import prechecks
from compat_tf._src.runtime import run_checks
from compat_tf._src.runtime import tiers

_HOST_DTYPES = None
# TF's DataTypeString, used in runtime error messages ("dtype float", not "float32")
_TF_TYPE_STRINGS = {"float32": "float", "float64": "double", "float16": "half"}
_VARIABLE_OP_TYPES = ("VariableV2", "Variable", "VarHandleOp")
# host op types that may wait for another thread's run (TF1's queues, barriers, staging areas,
# gradient accumulators)
_BLOCKING_OP_MARKERS = ("Queue", "Barrier", "Stage", "Accumulator")


def _host_dtypes():
    global _HOST_DTYPES
    if _HOST_DTYPES is None:
        _HOST_DTYPES = {_dtypes.string, _dtypes.resource, _dtypes.variant}
    return _HOST_DTYPES


def is_host_op(op):
    opdef = registry.get(op.type)
    if opdef.host(op) if callable(opdef.host) else opdef.host:   # callable: decided per op (py_func)
        return True
    hd = _host_dtypes()
    # a string input too (tf.equal of two strings has a bool output but no device lowering)
    return (any(t.dtype.base_dtype in hd for t in op._outputs)
            or any(t.dtype.base_dtype == _dtypes.string for t in op._inputs))


def ref_key(tensor, fed=()):
    """The variable a tensor aliases (VariableV2 output, Identity/Assign of one), else None.

    None too when a tensor on that chain is in `fed`: a fed variable (or fed
    `v/read`) is not read, so it needs no initialisation, as in TF1.
    """
    seen = 0
    while tensor is not None and seen < 1000:
        if tensor in fed:
            return None
        op = tensor.op
        opdef = registry.lookup(op.type)
        if opdef is None:
            return None
        if op.type in _VARIABLE_OP_TYPES:
            return op.name
        if tensor.value_index in opdef.ref_outputs and op._inputs:
            tensor = op._inputs[0]
            seen += 1
            continue
        return None
    return None


def prune(fetch_tensors, target_ops, fed):
    """Ops needed to compute the fetches and run the targets, in topological order."""
    needed = set()
    stack = [t.op for t in fetch_tensors if t not in fed] + list(target_ops)
    while stack:
        op = stack.pop()
        if op in needed:
            continue
        if op._outputs and all(t in fed for t in op._outputs):
            continue    # fed, so not run (a control dependency on a fed placeholder is satisfied)
        needed.add(op)
        for t in op._inputs:
            if t not in fed:
                stack.append(t.op)
        stack.extend(op._control_inputs)
        for extra in op._attrs.get("_captured_ops", ()):
            stack.append(extra)
    return topo_order(needed)


def topo_order(ops):
    """Kahn's algorithm over `ops`, ties broken by creation id."""
    ops = set(ops)
    indeg = {op: 0 for op in ops}
    users = {op: [] for op in ops}
    for op in ops:
        deps = {t.op for t in op._inputs} | set(op._control_inputs)
        for d in deps:
            if d in ops:
                indeg[op] += 1
                users[d].append(op)
    heap = [(op._id, op) for op, n in indeg.items() if n == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, op = heapq.heappop(heap)
        order.append(op)
        for u in users[op]:
            indeg[u] -= 1
            if indeg[u] == 0:
                heapq.heappush(heap, (u._id, u))
    if len(order) != len(ops):
        raise ValueError("the graph has a cycle among the ops this run needs")
    return order


class Segment:
    def __init__(self, host):
        self.host = host
        self.ops = []
        self.inputs = []       # tensors produced earlier (or fed) that this segment consumes
        self.outputs = []      # tensors this segment must hand on (later segments, fetches)
        self.reads = []        # state keys read
        self.writes = []       # state keys written
        self.fn = None
        self.precheck = None   # prechecks.PreCheck: the checks made before the step


def _variable_access(op, opdef, fed=()):
    """(read keys, written keys) of one op, in the order TF1 executes them."""
    reads, writes = [], []
    for i, t in enumerate(op._inputs):
        k = ref_key(t, fed)
        if k is None:
            continue
        if i in opdef.ref_inputs:
            if opdef.reads_ref:
                reads.append(k)
            if opdef.writes_ref:
                writes.append(k)
        else:
            reads.append(k)
    return reads, writes


class Plan:
    """An executable plan for one (fetches, feeds, targets) signature."""

    # the one-segment step is specialised on fed bools of unknown rank while they are fed 0-d
    # values (_init_fast_path); the parallel plans, which count the step's arguments with
    # n_flat_inputs, specialise only bools declared scalar
    SPECIALISE_UNKNOWN_RANK_BOOLS = True

    def __init__(self, graph, fetch_tensors, target_ops, feed_tensors):
        self.graph = graph
        self.fetch_tensors = list(fetch_tensors)
        self.feed_tensors = list(feed_tensors)
        fed = set(feed_tensors)
        self._fed = frozenset(fed)
        self.ops = prune(self.fetch_tensors, target_ops, fed)
        self._check_feeds_and_ops(fed)
        # Variable ops are not executed: their outputs are references, seeded
        # into every segment's environment (host or device alike).
        self.var_refs = {}
        for op in self.ops:
            if op.type in _VARIABLE_OP_TYPES:
                self.var_refs[op._outputs[0]] = lowering.VarRef(op.name)
        fed = fed | set(self.var_refs)
        self.needs_init = []      # keys read before any write in this run
        self.writes = []          # keys written in this run
        self._analyse_variables()
        # a run that updates variables from their current values (an optimizer step) is run again
        # and again: its steps are compiled from their first call (tiers, training_compile_after)
        self.training = bool(set(self.needs_init) & set(self.writes))
        # run-time checks (run_checks.py): fused into device steps, or host callbacks in loop bodies
        _, self._checks_in_bodies = run_checks.classify(self.ops)
        self.segments = self._segment(fed)
        # A multi-segment plan that writes variables holds the session lock for the whole
        # run (read-modify-write of the state is atomic, as a one-segment plan's is),
        # unless one of its host ops may block waiting on another thread (queues).
        self.serialize = bool(self.writes) and not any(
            any(s in op.type for s in _BLOCKING_OP_MARKERS) for seg in self.segments if seg.host
            for op in seg.ops)
        self.trace_count = 0
        self._lock = threading.Lock()
        # variable ops are not executed (their outputs are VarRefs), so they need no counter
        self.uses_rng = any(registry.get(op.type).ctx for op in self.ops
                            if op.type not in _VARIABLE_OP_TYPES)
        # ops calling back to the host in the step (tf.Assert, py_func, tf.Print): no donation, and
        # errors they record are raised after the step, before its writes are committed
        self.callbacks = host_checks.plan_uses_callbacks(self.ops) or self._checks_in_bodies
        self.uses_rng = self.uses_rng or self.callbacks
        self._init_fast_path()

    def _check_feeds_and_ops(self, fed):
        missing = [op.type for op in self.ops if registry.lookup(op.type) is None]
        if missing:
            raise errors.UnimplementedError(None, None, "no lowering is registered for op types: "
                                            + ", ".join(sorted(set(missing))))
        for op in self.ops:
            if op.type == "Placeholder" and op._outputs[0] not in fed:
                t = op._outputs[0]
                shape = t.shape
                shp = "<unknown>" if shape.ndims is None else "[" + ",".join(
                    "?" if d is None else str(d) for d in shape.as_list()) + "]"
                dt = t.dtype.base_dtype.name
                raise errors.InvalidArgumentError(
                    None, op, f"You must feed a value for placeholder tensor '{op.name}' with dtype "
                    f"{_TF_TYPE_STRINGS.get(dt, dt)} and shape {shp}\n\t [[node {op.name}]]")

    def _analyse_variables(self):
        written = set()
        need = []
        for op in self.ops:
            opdef = registry.get(op.type)
            reads, writes = _variable_access(op, opdef, self._fed)
            for k in reads:
                if k not in written and k not in need:
                    need.append(k)
            written.update(writes)
        for t in self.fetch_tensors:
            k = ref_key(t, self._fed)
            if k is not None and k not in written and k not in need:
                need.append(k)
        self.needs_init = need
        self.writes = sorted(written)

    def _segment(self, fed):
        level = {}
        for op in self.ops:
            if op.type in _VARIABLE_OP_TYPES:
                continue
            host = is_host_op(op)
            lv = 0
            deps = [t.op for t in op._inputs if t not in fed] + list(op._control_inputs)
            for d in deps:
                if d in level:
                    lv = max(lv, level[d])
            # parity: even levels are host, odd levels device
            if (lv % 2 == 0) != host:
                lv += 1
            level[op] = lv
        if not level:
            return []
        n_levels = max(level.values()) + 1
        segs = [Segment(host=(i % 2 == 0)) for i in range(n_levels)]
        for op in self.ops:
            if op in level:
                segs[level[op]].ops.append(op)
        segs = [s for s in segs if s.ops]
        produced_in = {}
        for si, s in enumerate(segs):
            for op in s.ops:
                for t in op._outputs:
                    produced_in[t] = si
        fetch_set = set(self.fetch_tensors)
        for si, s in enumerate(segs):
            ins = []
            for op in s.ops:
                for t in op._inputs:
                    src = produced_in.get(t)
                    if (src is None or src < si) and t not in ins and t not in self.var_refs:
                        ins.append(t)
                for extra in op._attrs.get("_captured_inputs", ()):
                    src = produced_in.get(extra)
                    if (src is None or src < si) and extra not in ins:
                        ins.append(extra)
            # A value known when the graph is built (a Const, a static shape) that crosses into a
            # device segment is baked into that segment's trace rather than passed as a traced
            # argument, so the ops there that need it statically (axes, shapes) still see it.
            s.consts = {}
            if not s.host:
                for t in list(ins):
                    if t not in self._fed and t.dtype.base_dtype != _dtypes.string:
                        value = shape_inference.constant_value(t)
                        if value is not None:
                            s.consts[t] = value
                            ins.remove(t)
            s.inputs = ins
        for si, s in enumerate(segs):
            outs = []
            for op in s.ops:
                for t in op._outputs:
                    later = any(t in s2.inputs for s2 in segs[si + 1:])
                    if (later or t in fetch_set) and t not in outs:
                        outs.append(t)
            s.outputs = outs
            reads, writes = [], []
            for op in s.ops:
                r, w = _variable_access(op, registry.get(op.type), self._fed)
                for k in r:
                    if k not in reads:
                        reads.append(k)
                for k in w:
                    if k not in writes:
                        writes.append(k)
                # ops with a context (cond/while owners, random ops) may touch any state key
                reads.extend(k for k in op._attrs.get("_state_reads", ()) if k not in reads)
                writes.extend(k for k in op._attrs.get("_state_writes", ()) if k not in writes)
            for t in s.outputs:
                k = ref_key(t, self._fed)
                if k is not None and k not in reads and k not in writes:
                    reads.append(k)
            s.reads, s.writes = reads, writes
            if not s.host:
                s.checked = self._segment_checked(s.ops)
                # checks reading only the segment's inputs run before it (prechecks.py); the rest
                # are fused into the step, which then returns them after its outputs
                if s.checked and self.hoist_checks:
                    hoisted, s.precheck = prechecks.build(self, s)
                    s.checked = not hoisted
                s.n_check = 2 if s.checked else 0     # (first failed check, payloads) after the outputs
                s.check_makers = run_checks.MakerTable()
                s.step = self._make_step(s)
                s.nodonate_fn = self._jit_segment(s.step)
        return segs

    # A hook: plans whose steps agree on failed checks across devices keep them fused (parallel/)
    hoist_checks = True

    def _segment_checked(self, ops):
        """Whether a device segment returns run-time check results (run_checks.py). A hook: a
        cluster plan checks every segment (its workers' failures are agreed by a collective)."""
        return run_checks.classify(ops)[0]

    def _jit_segment(self, step, donate=False):
        """The executable of a segment's `step(state_ro, state_rw, inputs, rng_counter)` (the
        multi-segment path): a TieredFunction (interpreted first, compiled when it repeats);
        `donate`: the written state (`state_rw`) is donated once compiled.

        A hook: the data-parallel plan (compat_tf/_src/parallel) adds shardings here.
        """
        return tiers.TieredFunction(step, donate_argnums=(1,) if donate else (), name="segment",
                                    training=self.training)

    def _make_step(self, seg):
        """The pure Python function a device segment is traced from."""
        plan = self
        written = list(seg.writes)

        def step(state_ro, state_rw, inputs, rng_counter):
            plan.trace_count += 1
            state = dict(state_ro)
            state.update(state_rw)
            ctx = lowering.LoweringContext(state, rng_counter)
            ctx.staging = True
            env = dict(plan.var_refs)
            env.update(seg.consts)
            env.update(zip(seg.inputs, inputs))
            checks = run_checks.suspend() if seg.precheck is not None else run_checks.step_scope(rng_counter)
            with host_checks.tracing(plan), checks as scope:
                lowering.evaluate(seg.ops, env, ctx, needed=seg.outputs)
            outs = []
            for t in seg.outputs:
                v = env[t]
                outs.append(ctx.read(v) if isinstance(v, lowering.VarRef) else v)
            new = {k: state[k] for k in written}
            if seg.checked:
                # a failed check leaves every written variable as it was (run_checks.py)
                code, payload = run_checks.step_outputs(scope.fused, seg.check_makers)
                new = run_checks.guard_state(code, state_rw, new)
                outs = outs + [code, payload]
            return outs, new

        return step

    # -- the one-segment fast path -------------------------------------------------
    def _init_fast_path(self):
        """Precomputes what a run of a one-device-segment plan needs (most training steps).

        The steady-state run is then: pick the state buffers by precomputed keys,
        call one jitted function with flat positional arguments (the written
        buffers donated), publish the new buffers. No per-op Python work, no
        pytree of dicts, no environment dict.
        """
        self._fast = None
        if len(self.segments) != 1 or self.segments[0].host or self.callbacks:
            return
        seg = self.segments[0]
        feed_pos = {}
        for i, t in enumerate(self.feed_tensors):
            feed_pos.setdefault(t, i)
        if any(t not in feed_pos for t in seg.inputs):
            return
        out_pos = {t: i for i, t in enumerate(seg.outputs)}
        sources = []
        for t in self.fetch_tensors:
            if t in out_pos:
                sources.append((0, out_pos[t]))
            elif t in feed_pos:
                sources.append((1, feed_pos[t]))
            elif t in self.var_refs:
                sources.append((2, self.var_refs[t].key))
            else:
                return
        # fed scalar bools (an `is_training` flag) are not arguments of the step: it is specialised
        # on their values (one program per value, _FastLayout.fns), so a tf.cond on one is no XLA
        # conditional but the chosen branch alone (control_flow_ops._if), as TF1 runs one branch.
        # A bool of unknown rank (`tf.placeholder(tf.bool)`, the tutorials' usual flag) is
        # specialised while it is fed 0-d values; fed an array, it is an argument (_tail_for)
        ranks = (0, None) if self.SPECIALISE_UNKNOWN_RANK_BOOLS else (0,)
        self._static_inputs = tuple(j for j, t in enumerate(seg.inputs)
                                    if t.dtype.base_dtype == _dtypes.bool and t.shape.ndims in ranks)
        self._static_ranks_known = all(seg.inputs[j].shape.ndims == 0 for j in self._static_inputs)
        self._argument_inputs = {}   # static-value pattern with a None -> the inputs passed (_arguments)
        dynamic = [j for j in range(len(seg.inputs)) if j not in self._static_inputs]
        self._fast = (seg, tuple(feed_pos[seg.inputs[j]] for j in dynamic), tuple(sources), len(seg.outputs))
        self._static_feed_pos = tuple(feed_pos[seg.inputs[j]] for j in self._static_inputs)
        self._all_input_pos = tuple(feed_pos[t] for t in seg.inputs)
        # fetches that are exactly the step's leading outputs: its result is returned as is
        # (the caller reads only the first len(fetch_tensors) values)
        direct = tuple(i for _, i in sources) if all(k == 0 for k, _ in sources) else None
        if direct is not None and direct == tuple(range(len(direct))):
            direct = _IDENTITY
        self._fast_direct = direct
        self._layout = None       # _FastLayout for the state keys present now
        self._flat_fns = {}       # (ro keys, rw keys, static input values) -> jitted flat step
        self._stateless = not (seg.reads or seg.writes or self.needs_init or any(k == 2 for k, _ in sources))
        self._stateless_keyed = None  # the stateless step's keyed call when no input is specialised

    def _flat_fn(self, ro, rw, static_values):
        """The flat step for these state keys and values of the specialised inputs (made once)."""
        key = (ro, rw, static_values)
        fn = self._flat_fns.get(key)
        if fn is None:
            fn = self._flat_fns[key] = self._make_flat_fn(self._fast[0], ro, rw, static_values)
        return fn

    def _make_layout(self, state):
        """Which state keys the flat step takes, given the keys present in `state`.

        Raises FailedPreconditionError for a variable read before it is initialised.
        """
        _check_initialized(self.needs_init, state)
        seg = self._fast[0]
        writes = set(seg.writes)
        ro = tuple(k for k in seg.reads if k not in writes and k in state)
        rw = tuple(k for k in seg.writes if k in state)
        absent = tuple(k for k in list(seg.reads) + list(seg.writes) if k not in state)
        passed = set(ro) | set(rw)
        check = tuple(k for k in self.needs_init if k not in passed)
        return _FastLayout(self, ro, rw, absent, check)

    def _make_flat_fn(self, seg, ro, rw, static_values=()):
        step = seg.step
        n_ro, n_rw = len(ro), len(rw)
        written = list(seg.writes)
        uses_rng = self.uses_rng
        zero = np.uint32(0)
        # the specialised inputs' values, put back at their places in the step's inputs (None: an
        # unknown-rank bool fed an array, which stays an argument)
        static = [(j, np.asarray(v, np.bool_)) for j, v in zip(self._static_inputs, static_values)
                  if v is not None]

        def flat(*args):
            state_ro = dict(zip(ro, args[:n_ro]))
            state_rw = dict(zip(rw, args[n_ro:n_ro + n_rw]))
            if uses_rng:
                inputs, counter = list(args[n_ro + n_rw:-1]), args[-1]
            else:
                inputs, counter = list(args[n_ro + n_rw:]), zero
            for j, v in static:
                inputs.insert(j, v)
            outs, new = step(state_ro, state_rw, inputs, counter)
            return (*outs, *(new[k] for k in written))

        if None in static_values:
            return self._jit_flat(flat, seg, ro, rw,
                                  args=[seg.inputs[j] for j in self._arguments(static_values)])
        return self._jit_flat(flat, seg, ro, rw)

    def n_flat_inputs(self, seg):
        """How many of the segment's inputs the flat step takes as arguments (the specialised
        scalar bools are not among them; the parallel plans' _jit_flat count with it: they
        specialise only bools declared scalar, SPECIALISE_UNKNOWN_RANK_BOOLS)."""
        return len(seg.inputs) - len(self._static_inputs)

    def _arguments(self, static_values):
        """The segment inputs (indices, in order) the flat step takes as arguments when an
        unknown-rank bool was fed an array (a None among the static values): all but the
        specialised ones."""
        idx = self._argument_inputs.get(static_values)
        if idx is None:
            specialised = {j for j, v in zip(self._static_inputs, static_values) if v is not None}
            idx = self._argument_inputs[static_values] = tuple(
                j for j in range(len(self._fast[0].inputs)) if j not in specialised)
        return idx

    def _tail_for(self, static_values, feed_values):
        """The step's fed arguments for such a pattern (see _arguments)."""
        return [feed_values[self._all_input_pos[j]] for j in self._arguments(static_values)]

    def _jit_flat(self, flat, seg, ro, rw, args=None):
        """The executable of the fast path's flat step `(*ro, *rw, *inputs[, counter]) -> (*outputs,
        *written)`: a TieredFunction, whose compiled tier donates the read-write state. `args`: the
        inputs it takes, when not all of the segment's but the specialised bools.

        A hook: the data-parallel plan adds shardings here (and returns a plain jax.jit).
        """
        # the fed tensors' unknown dimensions (a placeholder's None) may change between runs
        base = len(ro) + len(rw)
        if args is None:
            args = [t for j, t in enumerate(seg.inputs) if j not in self._static_inputs]
        poly = {base + i: tuple(ax for ax, d in enumerate(t.shape.as_list()) if d is None)
                for i, t in enumerate(args) if t.shape.ndims is not None}
        return tiers.TieredFunction(flat, donate_argnums=tuple(range(len(ro), base)),
                                    name="step", poly=poly, training=self.training)

    def _run_fast(self, session, feed_values):
        seg, in_idx, sources, n_out = self._fast
        tail = [feed_values[i] for i in in_idx] if in_idx else []
        # the fed shapes determine the step's signature (state shapes are the layout's)
        key = tuple([getattr(v, "shape", None) for v in tail])
        static_pos = self._static_feed_pos
        static_values = ()
        if static_pos:
            if self._static_ranks_known:
                static_values = tuple([bool(feed_values[i]) for i in static_pos])
            else:
                static_values = tuple([_scalar_bool(feed_values[i]) for i in static_pos])
                if None in static_values:
                    tail = self._tail_for(static_values, feed_values)
                    key = tuple([getattr(v, "shape", None) for v in tail])
        if seg.precheck is not None:
            seg.precheck([feed_values[i] for i in self._all_input_pos] if static_pos else tail)
        if self._stateless:
            # touches no variable: nothing to read or publish, so no lock
            if self.uses_rng:
                tail.append(session._next_rng_counter())
            keyed = self._stateless_keyed if not static_pos else None
            if keyed is None:
                fn = self._flat_fn((), (), static_values)
                keyed = getattr(fn, "call_keyed", None) or (lambda _, args: fn(*args))
                if not static_pos:
                    self._stateless_keyed = keyed
            res = keyed(key, tail)
            if seg.n_check:
                run_checks.raise_if_failed(seg.check_makers, res[n_out], res[n_out + 1])
            direct = self._fast_direct
            if direct is not None:
                return res if direct is _IDENTITY else [res[i] for i in direct]
            return [res[i] if kind == 0 else feed_values[i] for kind, i in sources]
        with session._lock:
            state = session._state
            layout = self._layout
            args = None
            # the layout holds while the same keys are present (keys are only ever added)
            if layout is not None and layout.state_id == id(state) and (
                    layout.simple or (not any(k in state for k in layout.absent)
                                      and all(k in state for k in layout.check))):
                try:
                    args = [state[k] for k in layout.keys]
                except KeyError:
                    pass
            if args is None:
                layout = self._layout = self._make_layout(state)
                layout.state_id = id(state)
                args = [state[k] for k in layout.keys]
            if tail:
                args.extend(tail)
            if self.uses_rng:
                session._rng_counter += 1           # session._next_rng_counter, lock held
                args.append(np.uint32(session._rng_counter & 0xFFFFFFFF))
            fn, keyed = layout.fns.get(static_values) or layout.add(static_values)
            res = keyed(key, args) if keyed is not None else fn(*args)
            if seg.writes:
                # with run-time checks, a failed step wrote back the old values (run_checks.py)
                state.update(zip(seg.writes, res[n_out + seg.n_check:]))
            direct = self._fast_direct
            if direct is not None:
                out = res if direct is _IDENTITY else [res[i] for i in direct]
            else:
                out = [res[i] if kind == 0 else (feed_values[i] if kind == 1 else _copy(state[i]))
                       for kind, i in sources]
        if seg.n_check:
            # waits for the step (outside the lock, so other runs go on meanwhile)
            run_checks.raise_if_failed(seg.check_makers, res[n_out], res[n_out + 1])
        return out

    # -- running ------------------------------------------------------------
    def run(self, session, feed_values):
        """Executes the plan against `session`'s state; returns fetch values (device or host).

        A plan that is one jitted segment donates the variables it writes and
        publishes the new buffers under the session lock, so concurrent runs
        always see whole steps. A plan with host segments does not donate and
        publishes its writes only when every segment has succeeded, so a run
        that fails half-way leaves the variables as they were; except a plan
        that may block on another thread (queues), whose segments each commit
        their writes atomically as they run (see _run_segments).

        A state buffer may be donated (deleted) by another thread's run as soon
        as the lock is released, so every use of one is started under the lock:
        device segments are dispatched under it (a dispatched computation keeps
        its inputs alive), and host segments and fetched variables get copies.
        """
        if self._fast is not None:
            # _run_fast may hand back extra trailing values (the new state); the Session
            # reads only what it fetched, other callers get exactly one value per fetch
            return list(self._run_fast(session, feed_values)[:len(self.fetch_tensors)])
        _check_initialized(self.needs_init, session._state)
        env = dict(self.var_refs)
        env.update(zip(self.feed_tensors, feed_values))
        counter = session._next_rng_counter() if self.uses_rng else np.uint32(0)
        with session._lock if self.serialize else contextlib.nullcontext():
            return self._run_segments(session, env, counter)

    def _run_segments(self, session, env, counter):
        # A plan that may block on another thread (a queue op) is not run under the session lock as a
        # whole; then each segment's read-modify-write of the state is atomic on its own: it reads,
        # computes and commits under the lock, so concurrent runs lose no update (TF1's ops apply
        # their writes as they execute; a later failure does not undo them).
        commit_each = not self.serialize and bool(self.writes)
        new_state = {}
        for seg in self.segments:
            if seg.host:
                with session._lock:
                    cur = dict(session._state)
                    for k in seg.reads:
                        if k in cur and k not in new_state:
                            cur[k] = _copy(cur[k])
                cur.update(new_state)
                ctx = lowering.LoweringContext(cur, counter, session, frozenset(cur))
                lowering.evaluate(seg.ops, env, ctx)
                written = {k: cur[k] for k in ctx.written}
                if commit_each and written:
                    session._commit(written)
                else:
                    new_state.update(written)
                for t in seg.outputs:
                    if isinstance(env[t], lowering.VarRef):
                        env[t] = ctx.read(env[t])
                continue
            if seg is self.segments[-1] and not self.callbacks:
                # The last segment (e.g. the train step after a host get_next): nothing can fail
                # after it, so it donates the state it writes and the run commits under the same
                # lock, as a one-segment plan does.
                if seg.fn is None:
                    seg.fn = self._jit_segment(seg.step, donate=True)
                if seg.precheck is not None:
                    seg.precheck([env[t] for t in seg.inputs])
                with session._lock:
                    cur = dict(session._state)
                    cur.update(new_state)
                    ro = {k: cur[k] for k in seg.reads if k not in seg.writes and k in cur}
                    rw = {k: cur[k] for k in seg.writes if k in cur}
                    outs, updates = seg.fn(ro, rw, [env[t] for t in seg.inputs], counter)
                    new_state.update(updates)
                    session._commit(new_state)
                    if not seg.n_check:
                        env.update(zip(seg.outputs, outs))
                        return self._fetch_values(env, session._state)
                run_checks.raise_if_failed(seg.check_makers, outs[-2], outs[-1])
                env.update(zip(seg.outputs, outs))
                with session._lock:
                    return self._fetch_values(env, session._state)
            if seg.precheck is not None:
                seg.precheck([env[t] for t in seg.inputs])
            with session._lock:
                cur = dict(session._state)
                cur.update(new_state)
                ro = {k: cur[k] for k in seg.reads if k not in seg.writes and k in cur}
                rw = {k: cur[k] for k in seg.writes if k in cur}
                outs, updates = seg.nodonate_fn(ro, rw, [env[t] for t in seg.inputs], counter)
                if seg.n_check:
                    run_checks.raise_if_failed(seg.check_makers, outs[-2], outs[-1])
                if commit_each:
                    if self.callbacks:
                        host_checks.raise_failures(self, counter, (outs, updates))
                    session._commit(updates)
            if not commit_each:
                if self.callbacks:
                    host_checks.raise_failures(self, counter, (outs, updates))
                new_state.update(updates)
            env.update(zip(seg.outputs, outs))
        with session._lock:
            session._commit(new_state)
            return self._fetch_values(env, session._state)

    def _fetch_values(self, env, state):
        """The fetched values; a fetched variable is a copy of its buffer (call under the lock)."""
        out = []
        for t in self.fetch_tensors:
            v = env[t]
            if isinstance(v, lowering.VarRef):
                v = _copy(state[v.key])
            out.append(v)
        return out


_IDENTITY = object()     # Plan._fast_direct: the fetches are the step's first outputs, in order


def _scalar_bool(value):
    """A fed bool's value when it is 0-d (the step is specialised on it), else None."""
    if value.__class__ is bool:
        return value
    return bool(value) if np.ndim(value) == 0 else None


class _FastLayout:
    """The flat steps for one set of present state keys (see Plan._init_fast_path): `fns` maps the
    values of the specialised scalar-bool inputs to (step, its keyed call)."""
    __slots__ = ("plan", "ro", "rw", "keys", "absent", "check", "fns", "state_id", "simple", "last")

    def __init__(self, plan, ro, rw, absent, check):
        self.plan, self.ro, self.rw = plan, ro, rw
        self.keys, self.absent, self.check = ro + rw, absent, check
        self.fns = {}
        self.state_id = None
        self.simple = not absent and not check

    @property
    def fn(self):
        """The step last made (tests and tools that inspect a run's program)."""
        return self.plan._flat_fns[self.last]

    def add(self, static_values):
        self.last = (self.ro, self.rw, static_values)
        fn = self.plan._flat_fn(self.ro, self.rw, static_values)
        pair = self.fns[static_values] = (fn, getattr(fn, "call_keyed", None))    # a TieredFunction's
        return pair


def _check_initialized(needs_init, state):
    uninit = [k for k in needs_init if k not in state]
    if uninit:
        raise errors.FailedPreconditionError(
            None, None, f"Attempting to use uninitialized value {uninit[0]}\n\t [[node {uninit[0]}]]"
            + (f" (and {len(uninit) - 1} more uninitialized variables)" if len(uninit) > 1 else ""))


def _copy(value):
    """A copy of a state value that no later run can donate (jax Array or NumPy array)."""
    copy = getattr(value, "copy", None)
    return copy() if callable(copy) else value
