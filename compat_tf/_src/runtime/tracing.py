"""Session.run with `RunOptions(trace_level=...)`: RunMetadata.step_stats from measured timings.

TF1 fills `run_metadata.step_stats` with one NodeExecStats per executed node when a run asks for
a trace (any trace_level above NO_TRACE; FULL_TRACE adds hardware counters compat_tf does not
have). compat_tf runs a plan's device part as fused XLA programs, so a traced run executes the
plan segment by segment and measures each one:

- a device segment (one jitted XLA program holding many TF ops) is one NodeExecStats, timed
  from dispatch until its results are ready (`block_until_ready`), compile time excluded (the
  program is compiled ahead of the timed call). It is named after the TF ops it holds
  (`node_name` lists them, `timeline_label` is "name = XlaSegment(op types)"), on the device
  the program ran on;
- a host op (strings, queues, tf.data, py_func, SaveV2) is one NodeExecStats of its own, with
  its name and type, on the CPU device.

Each NodeExecStats carries the wall-clock start (all_start_micros/nanos), the duration and the
thread id. So `FileWriter.add_run_metadata` shows compute time
in TensorBoard and `tensorflow.python.client.timeline.Timeline(step_stats)` (runtime/timeline)
writes a Chrome trace. A traced run commits its results like any run; it does not donate state
buffers, and its fetches, writes and RNG draws are those of an untraced run.
Deviation: no per-op timing inside a fused program, no memory, allocator or output-shape stats.
"""
import threading
import time

import jax
import numpy as np

from compat_tf._src.framework import errors
from compat_tf._src.runtime import host_checks
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import run_checks
from compat_tf._src.runtime import plan as _plan

_MAX_NAMED_OPS = 8
_JOB = "/job:localhost/replica:0/task:0/device:"


def wants_trace(options):
    """Whether RunOptions `options` asks for step stats (trace_level above NO_TRACE)."""
    return options is not None and int(getattr(options, "trace_level", 0) or 0) > 0


def _device_name(platform, index=0):
    return f"{_JOB}{'GPU' if platform in ('gpu', 'cuda', 'rocm') else platform.upper()}:{index}"



class _Recorder:
    def __init__(self):
        from compat_tf._src.protos import step_stats_pb2
        self._pb = step_stats_pb2
        self.devices = {}

    def add(self, device, node_name, label, start_ns, end_ns):
        from compat_tf._src.protos import step_stats_pb2
        dev = self.devices.get(device)
        if dev is None:
            dev = self.devices[device] = step_stats_pb2.DeviceStepStats(device=device)
        ns = dev.node_stats.add(node_name=node_name, timeline_label=label, thread_id=threading.get_ident() & 0xFFFF)
        dur = max(0, end_ns - start_ns)
        ns.all_start_nanos, ns.all_start_micros = start_ns, start_ns // 1000
        ns.op_start_rel_nanos, ns.op_start_rel_micros = 0, 0
        ns.op_end_rel_nanos = ns.all_end_rel_nanos = dur
        ns.op_end_rel_micros = ns.all_end_rel_micros = max(1, dur // 1000) if dur else 0
        ns.scheduled_nanos, ns.scheduled_micros = start_ns, start_ns // 1000
        return ns

    def step_stats(self):
        return self._pb.StepStats(dev_stats=list(self.devices.values()))


def segment_name(seg):
    ops = [op.name for op in seg.ops]
    shown = ", ".join(ops[:_MAX_NAMED_OPS])
    more = f", ... (+{len(ops) - _MAX_NAMED_OPS})" if len(ops) > _MAX_NAMED_OPS else ""
    return f"XlaSegment[{shown}{more}]"


def _segment_label(name, seg):
    types = []
    for op in seg.ops:
        if op.type not in types:
            types.append(op.type)
    return f"{name} = XlaSegment({', '.join(types)})"


def _compiled(plan, seg, args):
    """The compiled executable of a device segment for these arguments (compiled once, outside timing)."""
    cache = getattr(plan, "_traced_executables", None)
    if cache is None:
        cache = plan._traced_executables = {}
    leaves = jax.tree_util.tree_leaves(args)
    key = (id(seg), jax.tree_util.tree_structure(args),
           tuple((getattr(x, "shape", ()), str(getattr(x, "dtype", type(x)))) for x in leaves))
    exe = cache.get(key)
    if exe is None:
        fn = seg.nodonate_fn
        exe = cache[key] = getattr(fn, "jitted", fn).lower(*args).compile()    # a TieredFunction's jit
    return exe


def run_traced(session, runner, feed_values, run_metadata):
    """Runs `runner`'s plan in `session` segment by segment, timing each; fills `run_metadata.step_stats`
    and returns the fetched values (as Session.run would)."""
    plan = runner.plan
    rec = _Recorder()
    platform = jax.devices()[0].platform
    device = _device_name(platform)
    host_device = _device_name("cpu")
    _plan._check_initialized(plan.needs_init, session._state)
    env = dict(plan.var_refs)
    env.update(zip(plan.feed_tensors, feed_values))
    counter = session._next_rng_counter() if plan.uses_rng else np.uint32(0)
    new_state = {}
    for seg in plan.segments:
        if seg.host:
            with session._lock:
                cur = dict(session._state)
                for k in seg.reads:
                    if k in cur and k not in new_state:
                        cur[k] = _plan._copy(cur[k])
            cur.update(new_state)
            ctx = lowering.LoweringContext(cur, counter, session, frozenset(cur))
            for op in seg.ops:
                t0 = time.time_ns()
                lowering.evaluate([op], env, ctx)
                t1 = time.time_ns()
                ins = ", ".join(t.name for t in op.inputs)
                rec.add(host_device, op.name, f"{op.name} = {op.type}({ins})", t0, t1)
            new_state.update({k: cur[k] for k in ctx.written})
            for t in seg.outputs:
                if isinstance(env[t], lowering.VarRef):
                    env[t] = ctx.read(env[t])
            continue
        with session._lock:
            cur = dict(session._state)
            cur.update(new_state)
            ro = {k: cur[k] for k in seg.reads if k not in seg.writes and k in cur}
            rw = {k: cur[k] for k in seg.writes if k in cur}
            args = (ro, rw, [env[t] for t in seg.inputs], counter)
        if getattr(seg, "precheck", None) is not None:
            seg.precheck(args[2])
        exe = _compiled(plan, seg, args)
        t0 = time.time_ns()
        outs, updates = exe(*args)
        jax.block_until_ready((outs, updates))
        t1 = time.time_ns()
        name = segment_name(seg)
        rec.add(device, name, _segment_label(name, seg), t0, t1)
        if plan.callbacks:
            host_checks.raise_failures(plan, counter, (outs, updates))
        if getattr(seg, "n_check", 0):
            run_checks.raise_if_failed(seg.check_makers, outs[-2], outs[-1])
        new_state.update(updates)
        env.update(zip(seg.outputs, outs))
    with session._lock:
        if session._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        session._commit(new_state)
        values = plan._fetch_values(env, session._state)
    run_metadata.step_stats.CopyFrom(rec.step_stats())
    return values


def check_run_metadata(run_metadata):
    if not hasattr(run_metadata, "step_stats"):
        raise errors.InvalidArgumentError(None, None, f"run_metadata must be a RunMetadata proto, got "
                                          f"{type(run_metadata).__name__}")


def run_session_traced(session, fetches, feed_dict, run_metadata):
    """Session.run(fetches, feed_dict, options=<a trace level>, run_metadata=...): a traced run."""
    from compat_tf._src.runtime.session import _Runner
    check_run_metadata(run_metadata)
    runner = _Runner(session._graph, fetches, feed_dict)
    feed_values = runner.convert_feeds(feed_dict)
    runner.plan = session._plan_for(runner.mapper.unique_tensors, runner.mapper.unique_ops, runner.feed_tensors)
    return runner._fetched(run_traced(session, runner, feed_values, run_metadata))
