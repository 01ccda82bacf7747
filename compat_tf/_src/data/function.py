"""Tracing the user functions of Dataset.map / filter / flat_map / interleave.

TF1 traces such a function once into a function graph (TF's
StructuredFunctionWrapper). compat_tf traces it once into the dataset's own
graph, inside a private name scope and outside any control-dependency block:
one placeholder per element component, then the user's TF ops. Outer-graph
tensors the function uses (a placeholder fed when the iterator is
initialised, a random op) are *captured*: they are evaluated when the
iterator is initialised and fed to the function on every call, as TF1
captures them by value. Build-time constants are not captured (they are baked
into the compiled function), and variables are read live from the session.

Each call runs a `runtime.plan.Plan` over the traced ops (fetches: the
function's outputs; feeds: the element placeholders and the captures) in the
session that runs the iterator, so the numeric part is one jitted segment
compiled once per element shape, and host ops (string parsing, py_func) run
in NumPy between segments, as in any Session.run. The traced ops are never
reached by the user's own fetches: nothing outside the function consumes them.
"""
import re
import threading

import jax
import numpy as np

from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.data import structure

_MAX_COMPILED_SHAPES = 8
_VARIABLE_OPS = ("VariableV2", "Variable", "VarHandleOp")


def _scope_name(kind, fn):
    name = getattr(fn, "__name__", None) or type(fn).__name__
    name = re.sub(r"[^A-Za-z0-9_.\-]", "_", name).strip("_") or "fn"
    return f"Dataset_{kind}_{name}"


def _is_capturable(t):
    """An outer tensor whose value is taken once, when the iterator is initialised."""
    from compat_tf._src.runtime import plan as _plan
    if _plan.ref_key(t) is not None:        # a variable: read when the function runs
        return False
    return shape_inference.constant_value(t) is None


class TracedFunction:
    """A user function traced once over placeholders for the element `input_spec`.

    kind "map": the function returns a structure of tensors (`output_spec`).
    kind "dataset": the function returns a Dataset (`output_dataset`), built in
    terms of the placeholders; each call yields the values of that dataset's
    run-time tensors.
    """

    def __init__(self, fn, input_spec, kind, what):
        from compat_tf._src.data import dataset_ops
        from compat_tf._src.ops import constant as _constant
        self.kind = kind
        self.input_spec = input_spec
        g = _graph.get_default_graph()
        if g is _graph._eager_graph:
            from compat_tf._src.eager import data as _eager_data
            g = _eager_data.function_graph()    # eager mode: traced into the eager datasets' graph
        self.graph = g
        first_id = g._last_id
        with g.as_default(), g.control_dependencies(None), g.name_scope(None), \
                g.name_scope(_scope_name(what, fn)):
            flat_specs = structure.flatten(input_spec)
            self.arg_tensors = [_constant.placeholder(s.dtype, s.shape, name=f"args_{i}")
                                for i, s in enumerate(flat_specs)]
            args = structure.pack_as(input_spec, self.arg_tensors)
            if isinstance(args, tuple) and not hasattr(type(args), "_fields"):
                ret = fn(*args)
            else:
                ret = fn(args)
            if kind == "dataset":
                if not isinstance(ret, dataset_ops.DatasetV1):
                    raise TypeError(f"`{what}` function must return a `Dataset` object, got "
                                    f"{type(ret).__name__}.")
                self.output_dataset = ret
                self.output_spec = ret._spec
                fetches = ret._tensor_inputs()
            else:
                if isinstance(ret, list):
                    ret = tuple(ret)   # TF 1.15 converts a returned list to a tuple (with a warning)
                ret = structure.map_structure(_as_output_tensor, ret)
                self.output_tensors = structure.flatten(ret)
                self.output_spec = structure.map_structure(lambda t: structure.Spec(t.dtype, t.shape), ret)
                self.output_structure = ret
                fetches = list(self.output_tensors)
        self.fetches = fetches
        own = {op for op in g._ops if op._id > first_id}
        self.ops = own
        captures = []
        seen = set(self.arg_tensors)
        candidates = [t for op in sorted(own, key=lambda o: o._id) for t in op._inputs] + list(fetches)
        for t in candidates:
            if t in seen or t.op in own:
                continue
            seen.add(t)
            if _is_capturable(t):
                captures.append(t)
        self.captures = captures
        self._plan = None
        self._lock = threading.Lock()
        self._eager = False
        self._shapes = set()

    def _get_plan(self):
        if self._plan is None:
            from compat_tf._src.runtime import plan as _plan
            with self._lock:
                if self._plan is None:
                    self._plan = _plan.Plan(self.graph, self.fetches, [], self.arg_tensors + self.captures)
        return self._plan

    def call(self, ictx, flat_args):
        """Runs the function on one element (flat NumPy components); returns the flat fetches.

        The function runs as a jitted plan (compiled once per element shape). It switches to
        op-by-op evaluation over concrete values when it cannot be compiled (shapes computed from
        the element's values, e.g. `tf.fill([v], v)`) or when elements keep changing shape
        (variable-length records would otherwise compile once per length).
        """
        plan = self._get_plan()
        feeds = [structure.as_numpy(a, t.dtype.base_dtype) for a, t in zip(flat_args, self.arg_tensors)]
        feeds.extend(ictx.env[c] for c in self.captures)
        if not self._eager:
            sig = tuple(np.shape(f) for f in feeds)
            if sig not in self._shapes:
                self._shapes.add(sig)
                if len(self._shapes) > _MAX_COMPILED_SHAPES:
                    self._eager = True
        if self._eager:
            outs = self._run_eager(plan, ictx.session, feeds)
        else:
            try:
                outs = plan.run(ictx.session, feeds)
            except errors.OpError:
                raise
            except (ValueError, TypeError, jax.errors.JAXTypeError):
                outs = self._run_eager(plan, ictx.session, feeds)
                self._eager = True
        return [_host_value(v) for v in outs]

    @staticmethod
    def _run_eager(plan, session, feeds):
        """Evaluates the plan's ops one by one on concrete values (the state as one host segment)."""
        from compat_tf._src.runtime import lowering
        env = dict(plan.var_refs)
        env.update(zip(plan.feed_tensors, feeds))
        with session._lock:
            state = dict(session._state)
        ctx = lowering.LoweringContext(state, session._next_rng_counter(), session, frozenset(state))
        lowering.evaluate([op for op in plan.ops if op.type not in _VARIABLE_OPS], env, ctx)
        outs = [ctx.read(env[t]) for t in plan.fetch_tensors]
        if ctx.written:
            session._commit({k: state[k] for k in ctx.written})
        return outs

    def call_dataset(self, ictx, flat_args):
        """kind "dataset": the dataset the function returns for one element, ready to iterate."""
        values = self.call(ictx, flat_args)
        return self.output_dataset, ictx.child(dict(zip(self.fetches, values)))


def _as_output_tensor(v):
    from compat_tf._src.ops import constant as _constant
    from compat_tf._src.data import dataset_ops
    if isinstance(v, dataset_ops.DatasetV1):
        raise TypeError("A Dataset cannot be an element component: use flat_map or interleave to "
                        "return datasets from a function.")
    if hasattr(v, "indices") and hasattr(v, "dense_shape") and not isinstance(v, Tensor):
        raise NotImplementedError("SparseTensor components of tf.data elements are not supported by "
                                  "compat_tf (densify them in the function, e.g. tf.sparse_tensor_to_dense)")
    return _constant.convert_to_tensor(v)


def _host_value(v):
    if isinstance(v, np.ndarray):
        return v
    return np.asarray(v)
