"""`tf.device` towers placed on devices: TF1's multi-GPU tower pattern, one tower per device.

The TF1 pattern pins tower i's ops (its share of the batch, its loss, its
`tf.gradients`) to "/gpu:i" and the variables, the gradient averaging and the
update to the CPU. When a session runs such a step and JAX sees at least as
many devices as the highest tower index + 1, the step is one SPMD program over
those devices (`jax.shard_map`): device i evaluates tower i's ops (a
`lax.switch` on the device's index), the tower results the rest of the graph
needs are shared by a sum across devices in which every other device adds
zeros (exact), and the untowered ops run on every device. The numbers are those
of a one-device run.

Why one SPMD program rather than one program per device dispatched
concurrently: benchmarks/tower_placement.py measures both on 8 host devices
(benchmarks/results/tower_placement.json, a 2-core CPU): per-device programs
pay a dispatch and a copy of the variables per tower and step, and were 3-8
times slower for small towers and within noise of one program for large ones;
one program also lets XLA run the towers' exchange as one collective (NCCL on
GPUs).

Which ops are towers: those whose device (after TF1's device merging) names an
accelerator ("GPU", "TPU", ...) with an index; "/gpu:i" maps to the i-th device
JAX sees (the i-th host device on a CPU-only machine, as XLA_FLAGS=
--xla_force_host_platform_device_count=N gives). Everything else - "/cpu:0",
no device - runs on every device of the program.

An op of a tower that writes a variable (a batch-norm update, a counter) runs
with the untowered ops, on every device, so the variables stay the same
everywhere. Falls back to one program on one device (what TF1 does with
allow_soft_placement=True when the GPUs are missing) when there are fewer
devices than towers, when a tower op calls back to the host (tf.Print,
py_func), or when fewer than two towers are in the step.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.sharding import Mesh, PartitionSpec

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import registry
from compat_tf._src.framework import shape_inference
from compat_tf._src.parallel import replica as _replica
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.runtime import host_checks
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import plan as _plan

AXIS = "tower"
ACCELERATOR_TYPES = frozenset({"GPU", "TPU", "XLA_GPU", "XLA_TPU", "XLA_TPU_JIT"})


@functools.lru_cache(maxsize=4096)
def tower_index(device):
    """The tower (accelerator device index) a device string names, or None for the host."""
    if not device:
        return None
    try:
        _, _, _, device_type, index = _graph._parse_device(device)
    except ValueError:
        return None
    return index if device_type in ACCELERATOR_TYPES else None


@functools.lru_cache(maxsize=1)
def _device_count():
    return jax.device_count()


def plan_factory(graph, fetch_tensors, target_ops, feed_tensors):
    """A session's default plan factory: towers are placed when JAX sees several devices."""
    cls = TowerPlan if _device_count() > 1 else _plan.Plan
    return cls(graph, fetch_tensors, target_ops, feed_tensors)


class _Phase:
    def __init__(self, towered):
        self.towered = towered
        self.ops = []             # untowered phase: its ops
        self.by_tower = {}        # towered phase: tower -> its ops
        self.exports = []         # towered phase: (tower, tensor) the rest of the step needs


class TowerLayout:
    """How one device segment's ops split into phases run everywhere and phases run per tower."""

    def __init__(self, phases, towers, devices):
        self.phases = phases
        self.towers = towers
        self.devices = devices
        self.mesh = Mesh(np.array(devices, dtype=object), (AXIS,))

    def device_of(self, tower):
        return self.devices[tower]


_warned = set()


def _fallback(seg, why):
    key = (why, tuple(sorted({tower_index(op.device) for op in seg.ops} - {None})))
    if key not in _warned:
        _warned.add(key)
        logging.info("compat_tf: the towers pinned to %s run in one program on one device: %s",
                     ", ".join(f"/gpu:{i}" for i in key[1]), why)
    return None


def layout_of(plan, seg):
    """The TowerLayout of a device segment, or None when it is not placed (see the module docstring)."""
    tower = {}
    for op in seg.ops:
        t = tower_index(op.device)
        if t is not None:
            opdef = registry.get(op.type)
            # with the untowered ops (run on every device, in step): references (variable aliases),
            # writes of variables (every device keeps the same state), and values known when the
            # graph is built (constants, static shapes: they must stay static for their users)
            writes = _plan._variable_access(op, opdef, plan._fed)[1] or op._attrs.get("_state_writes")
            if opdef.ref_outputs or writes or (op._outputs and all(
                    shape_inference.constant_value(o) is not None for o in op._outputs)):
                t = None
        tower[op] = t
    towers = sorted({t for t in tower.values() if t is not None})
    if len(towers) < 2:
        return None
    n = towers[-1] + 1
    if n > _device_count():
        return _fallback(seg, f"JAX sees {_device_count()} device(s) (allow_soft_placement)")
    for op, t in tower.items():
        if t is not None and host_checks.plan_uses_callbacks([op]):
            return _fallback(seg, f"{op.name} on a tower calls back to the host")
    return TowerLayout(_phases(seg, tower, plan), towers, jax.devices()[:n])


def _phases(seg, tower, plan):
    """Ops in levels: even levels run on every device, odd levels per tower (as plan._segment does)."""
    level = {}
    last_write, reads_since = {}, {}      # state key -> its last writer / the readers after it
    for op in seg.ops:
        deps = [t.op for t in op._inputs] + list(op._control_inputs) + \
            [t.op for t in op._attrs.get("_captured_inputs", ())]
        # the plan's order of variable reads and writes is kept: an op that touches a variable
        # comes after the ops before it (in plan order) that wrote it, a write after the reads too
        reads, writes = _plan._variable_access(op, registry.get(op.type), plan._fed)
        reads = set(reads) | set(op._attrs.get("_state_reads", ()))
        writes = set(writes) | set(op._attrs.get("_state_writes", ()))
        for k in reads | writes:
            if k in last_write:
                deps.append(last_write[k])
        for k in writes:
            deps.extend(reads_since.get(k, ()))
        for k in reads:
            reads_since.setdefault(k, []).append(op)
        for k in writes:
            last_write[k] = op
            reads_since[k] = []
        lv = 0
        for d in deps:
            if d in level:
                # a tower op that needs another tower's result waits for the next towered phase
                # (model parallelism: layer 1 on /gpu:0, layer 2 on /gpu:1)
                other = tower[op] is not None and tower[d] is not None and tower[d] != tower[op]
                lv = max(lv, level[d] + (2 if other else 0))
        if (lv % 2 == 1) != (tower[op] is not None):
            lv += 1
        level[op] = lv
    phases = [_Phase(i % 2 == 1) for i in range(max(level.values()) + 1)]
    for op in seg.ops:
        ph = phases[level[op]]
        if ph.towered:
            ph.by_tower.setdefault(tower[op], []).append(op)
        else:
            ph.ops.append(op)
    # what each towered phase hands on: outputs consumed by a later phase or by the segment's outputs
    later_uses = set(seg.outputs)
    for ph in reversed(phases):
        ops = ph.ops if not ph.towered else [op for ops in ph.by_tower.values() for op in ops]
        if ph.towered:
            ph.exports = [(k, t) for k, ops_k in sorted(ph.by_tower.items()) for op in ops_k
                          for t in op._outputs if t in later_uses]
        for op in ops:
            later_uses.update(op._inputs)
            later_uses.update(op._attrs.get("_captured_inputs", ()))
    return [ph for ph in phases if ph.ops or ph.by_tower]


class TowerPlan(_plan.Plan):
    """A Plan whose device segments with towers run each tower on its own device (module docstring)."""
    SPECIALISE_UNKNOWN_RANK_BOOLS = False   # _jit_flat counts the step's inputs with n_flat_inputs

    def __init__(self, graph, fetch_tensors, target_ops, feed_tensors):
        self._layouts = {}          # a segment's step function -> its TowerLayout
        super().__init__(graph, fetch_tensors, target_ops, feed_tensors)

    def _make_step(self, seg):
        layout = layout_of(self, seg)
        if layout is None:
            return super()._make_step(seg)
        # a placed step has no fused run-time check outputs (runtime/run_checks.py): its checks
        # are not made (GPU-like results, as TF1 on the GPUs the towers stand for)
        seg.checked, seg.n_check, seg.precheck = False, 0, None
        step = _tower_step(self, seg, layout)
        self._layouts[step] = layout
        return step

    def tower_layouts(self):
        """The layouts of this plan's placed segments (what runs where)."""
        return [self._layouts[s.step] for s in self.segments if not s.host and s.step in self._layouts]

    def _jit_segment(self, step, donate=False):
        layout = self._layouts.get(step)
        if layout is None:
            return super()._jit_segment(step, donate)
        spec = PartitionSpec()
        mapped = jax.shard_map(step, mesh=layout.mesh, in_specs=(spec,) * 4, out_specs=(spec, spec),
                               check_vma=False)
        return jax.jit(mapped, donate_argnums=(1,) if donate else ())

    def _jit_flat(self, flat, seg, ro, rw):
        layout = self._layouts.get(seg.step)
        if layout is None:
            return super()._jit_flat(flat, seg, ro, rw)
        n_in = len(ro) + len(rw) + self.n_flat_inputs(seg) + (1 if self.uses_rng else 0)
        spec = PartitionSpec()
        # everything replicated: each device computes its tower, the rest is shared (module docstring)
        mapped = jax.shard_map(flat, mesh=layout.mesh, in_specs=(spec,) * n_in,
                               out_specs=(spec,) * (len(seg.outputs) + len(seg.writes)), check_vma=False)
        return jax.jit(mapped, donate_argnums=tuple(range(len(ro), len(ro) + len(rw))))


def _tower_step(plan, seg, layout):
    """Plan._make_step's function, with the towered phases evaluated per device."""
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
        with host_checks.tracing(plan):
            for ph in layout.phases:
                if ph.towered:
                    env.update(_run_towers(ph, layout, env, ctx))
                else:
                    lowering.evaluate(ph.ops, env, ctx)
        outs = []
        for t in seg.outputs:
            v = env[t]
            outs.append(ctx.read(v) if isinstance(v, lowering.VarRef) else v)
        return outs, {k: state[k] for k in written}

    return step


def _run_towers(phase, layout, env, ctx):
    """One towered phase: device k evaluates tower k's ops; the exported values end up on every device."""
    towers = sorted(phase.by_tower)

    def tower_values(k):
        local = dict(env)
        with jax.named_scope(f"tower_{k}_on_{layout.device_of(k)}".replace(" ", "_")):
            lowering.evaluate(phase.by_tower[k], local, ctx)
        return [ctx.read(local[t]) if isinstance(local[t], lowering.VarRef) else jnp.asarray(local[t])
                for owner, t in phase.exports if owner == k]

    shapes = {k: jax.eval_shape(functools.partial(tower_values, k)) for k in towers}
    slots, counts = [], {}          # each export: (its tower, its position among that tower's values)
    for owner, _ in phase.exports:
        slots.append((owner, counts.get(owner, 0)))
        counts[owner] = counts.get(owner, 0) + 1

    def branch(k):
        def run(_):
            mine = tower_values(k) if k in phase.by_tower else []
            return [mine[i] if owner == k else jnp.zeros(shapes[owner][i].shape, shapes[owner][i].dtype)
                    for owner, i in slots]
        return run

    n = len(layout.devices)
    values = lax.switch(lax.axis_index(AXIS), [branch(k) for k in range(n)], None)
    values = _share(values)
    return {t: v for (_, t), v in zip(phase.exports, values)}


def _share(values):
    """Every device's values summed over the devices (each value is non-zero on its tower's device only)."""
    bools = [v.dtype == jnp.bool_ for v in values]
    ints = [v.astype(jnp.int32) if b else v for v, b in zip(values, bools)]
    out = _replica.collective_over(ints, lambda v: lax.psum(v, AXIS))
    return [o > 0 if b else o for o, b in zip(out, bools)]
