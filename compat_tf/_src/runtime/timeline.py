"""tensorflow.python.client.timeline (TF 1.15): a RunMetadata's step stats as a Chrome trace.

    run_metadata = tf.RunMetadata()
    sess.run(train_op, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
             run_metadata=run_metadata)
    tl = timeline.Timeline(run_metadata.step_stats)
    open("timeline.json", "w").write(tl.generate_chrome_trace_format())   # chrome://tracing, Perfetto

As TF's: process 0 "Allocators", then two per device ("<device> Compute", "<device> Tensors"),
one complete event ("ph": "X") per NodeExecStats in category "Op", named after the op type parsed
from its timeline_label ("name = Type(inputs)"), with args name/op/input0...; with show_dataflow,
flow events ("s"/"t", category "DataFlow") from the node producing an input to the node
consuming it when they ran on different devices or threads. compat_tf's traced runs record a fused
XLA program as one node (type "XlaSegment"; see runtime/tracing). show_memory adds nothing: compat_tf
records no allocations.
"""
import json
import re

__all__ = ["Timeline"]

_LABEL = re.compile(r"(.*) = (.*)\((.*)\)")


class _ChromeTrace:
    def __init__(self):
        self.events, self.metadata = [], []

    def process(self, pid, name):
        self.metadata.append({"name": "process_name", "ph": "M", "pid": pid, "args": {"name": name}})

    def region(self, ts, dur, pid, tid, category, name, args):
        self.events.append({"ph": "X", "cat": category, "name": name, "pid": pid, "tid": tid, "ts": ts,
                            "dur": dur, "args": args})

    def flow(self, ph, name, ts, pid, tid, flow_id):
        ev = {"ph": ph, "cat": "DataFlow", "name": name, "pid": pid, "tid": tid, "ts": ts, "id": flow_id}
        if ph == "t":
            ev["bp"] = "e"
        self.events.append(ev)

    def format(self, pretty=False):
        trace = {"traceEvents": self.metadata + self.events}
        return json.dumps(trace, indent=4, separators=(",", ": ")) if pretty else \
            json.dumps(trace, separators=(",", ":"))


class Timeline:
    """TF1's timeline.Timeline(step_stats, graph=None)."""

    def __init__(self, step_stats, graph=None):
        self._step_stats = step_stats
        self._graph = graph

    @staticmethod
    def _parse_op_label(label):
        m = _LABEL.match(label or "")
        if not m:
            return "unknown", "unknown", []
        inputs = [i.strip() for i in m.group(3).split(",")] if m.group(3).strip() else []
        return m.group(1), m.group(2), inputs

    def generate_chrome_trace_format(self, show_dataflow=True, show_memory=False):
        """The step stats as a Chrome trace JSON string."""
        trace = _ChromeTrace()
        trace.process(0, "Allocators")
        pids = {}
        for dev in self._step_stats.dev_stats:
            if dev.device not in pids:
                pids[dev.device] = 1 + 2 * len(pids)
                trace.process(pids[dev.device], f"{dev.device} Compute")
                trace.process(pids[dev.device] + 1, f"{dev.device} Tensors")
        producers, placed = {}, []
        for dev in self._step_stats.dev_stats:
            pid = pids[dev.device]
            for ns in dev.node_stats:
                _, op, inputs = self._parse_op_label(ns.timeline_label)
                args = {"name": ns.node_name, "op": op}
                for i, name in enumerate(inputs):
                    args[f"input{i}"] = name
                start, dur = int(ns.all_start_micros), int(ns.all_end_rel_micros)
                trace.region(start, dur, pid, int(ns.thread_id), "Op", op, args)
                producers.setdefault(ns.node_name, (start, pid, int(ns.thread_id)))
                placed.append((start, pid, int(ns.thread_id), inputs))
        if show_dataflow:
            flow_id = 0
            for start, pid, tid, inputs in placed:
                for name in inputs:
                    src = producers.get(name.split(":")[0].lstrip("^"))
                    if src is None or (src[1], src[2]) == (pid, tid):
                        continue
                    trace.flow("s", name, src[0], src[1], src[2], flow_id)
                    trace.flow("t", name, start, pid, tid, flow_id)
                    flow_id += 1
        return trace.format()
