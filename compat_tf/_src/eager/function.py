"""tf.contrib.eager.defun: a Python function traced into a graph once per input signature.

TF 1.15's defun (eager/function.py) traces the function into a FuncGraph for each new input
signature and calls that graph afterwards. compat_tf does the same: the first call with a
signature traces the function into a private Graph (placeholders for its tensor arguments;
eager tensors and variables it closes over are captured, see capture.py; variables it creates
are made eagerly, TF's lifting), and every call runs that graph with a private Session, so it
goes through the runtime graphs use (pruning, lowering, the interpreted-then-compiled tiers,
one XLA program per signature). The captured variables' values come from the eager store and
what the graph assigns is written back, so a defun'd training step (tape + apply_gradients
inside) updates the model's variables; ops with effects (assigns, optimizer updates, prints,
py_funcs) run even when no output depends on them (TF's automatic control dependencies).

Signatures: tensors (and NumPy arrays) by shape and dtype, Python values by value, other
objects (variables, models) by identity; `input_signature` (a list of `tf.TensorSpec`) gives
one trace whose unknown dimensions accept any size.

Deviations: no AutoGraph: a function whose Python control flow depends on tensor values
cannot be traced, and is then run eagerly, op by op, on every call; while a GradientTape is
recording, the function runs eagerly so the tape sees its ops (its Python side effects then
happen on each call, not only when traced).
"""
import functools
import weakref

import jax
import numpy as np

from compat_tf._src.eager import capture
from compat_tf._src.eager import tape as _tape
from compat_tf._src.eager.tensor import EagerTensor
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import registry
from compat_tf._src.framework import tensor_shape as _ts

# op types run for their effects even when no output needs them
_EFFECT_TYPES = frozenset({"Print", "PrintV2", "Assert", "PyFunc", "WriteFile", "CountUpTo"})


class TensorSpec:
    """tf.TensorSpec: the shape (unknown dimensions allowed), dtype and name of a tensor argument."""

    def __init__(self, shape, dtype=_dtypes.float32, name=None):
        self.shape = _ts.as_shape(shape)
        self.dtype = _dtypes.as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, spec_or_tensor):
        return (self.dtype == spec_or_tensor.dtype.base_dtype
                and self.shape.is_compatible_with(spec_or_tensor.shape))

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.dtype == other.dtype and self.name == other.name
                and self.shape.as_list() == other.shape.as_list() if self.shape.ndims is not None
                else isinstance(other, TensorSpec) and other.shape.ndims is None)

    def __hash__(self):
        return hash((self.dtype, self.name))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


def _executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


def _is_leaf(x):
    from compat_tf._src.ops import variables
    return x is None or isinstance(x, (_graph.Tensor, variables.Variable, np.ndarray, _graph.Operation))


def _shape_of(x):
    return tuple(x.shape.as_list()) if isinstance(x, _graph.Tensor) else tuple(np.shape(x))


def _is_tensor_arg(x):
    return isinstance(x, (EagerTensor, np.ndarray))


class Function:
    """What defun returns: call it like the Python function (see the module docstring)."""

    def __init__(self, python_function, name=None, input_signature=None):
        self._fn = python_function
        self._name = name or getattr(python_function, "__name__", "function")
        self._input_signature = list(input_signature) if input_signature is not None else None
        self._concrete = {}
        self._untraceable = False
        self._bound = weakref.WeakKeyDictionary()
        functools.update_wrapper(self, python_function)

    def __get__(self, instance, owner):
        """A defun'd method: one Function per instance (its traces see that instance)."""
        if instance is None:
            return self
        try:
            bound = self._bound.get(instance)
        except TypeError:
            bound = None
        if bound is None:
            bound = Function(self._fn.__get__(instance, owner), self._name, self._input_signature)
            try:
                self._bound[instance] = bound
            except TypeError:
                pass
        return bound

    @property
    def python_function(self):
        return self._fn

    def __call__(self, *args, **kwargs):
        if not _executing_eagerly() or self._untraceable or _tape.ACTIVE:
            return self._fn(*args, **kwargs)
        key, leaves, treedef = self._signature(args, kwargs)
        concrete = self._concrete.get(key)
        if concrete is None:
            concrete = self._trace(leaves, treedef)
            if concrete is None:
                return self._fn(*args, **kwargs)
            self._concrete[key] = concrete
        return concrete.call([x for x in leaves if _is_tensor_arg(x)])

    def get_concrete_function(self, *args, **kwargs):
        """The traced graph function for these arguments (traced now if new)."""
        key, leaves, treedef = self._signature(args, kwargs)
        concrete = self._concrete.get(key)
        if concrete is None:
            concrete = self._concrete[key] = self._trace(leaves, treedef)
        return concrete

    def _signature(self, args, kwargs):
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_leaf)
        parts = []
        tensors = [x for x in leaves if _is_tensor_arg(x)]
        if self._input_signature is not None:
            if len(tensors) != len(self._input_signature):
                raise ValueError(f"{self._name}: the input_signature has {len(self._input_signature)} tensors, "
                                 f"the call passes {len(tensors)}")
            for t, spec in zip(tensors, self._input_signature):
                t_dtype = _dtypes.as_dtype(t.dtype)
                if t_dtype.base_dtype != spec.dtype or not spec.shape.is_compatible_with(_shape_of(t)):
                    raise ValueError(f"Python inputs incompatible with input_signature: {t!r} is not compatible "
                                     f"with {spec}")
        for x in leaves:
            if _is_tensor_arg(x):
                parts.append(("T", tuple(_shape_of(x)), str(x.dtype)) if self._input_signature is None
                             else ("T",))
            elif isinstance(x, (int, float, str, bytes, bool, type(None))):
                parts.append(("P", type(x).__name__, x))
            else:
                parts.append(("O", id(x)))
        return (treedef, tuple(parts)), leaves, treedef

    def _trace(self, leaves, treedef):
        g = _graph.Graph()
        g._lifts_variables = True
        specs = iter(self._input_signature or ())
        placeholders = []
        from compat_tf._src.ops import constant
        try:
            with g.as_default(), g.name_scope(self._name):
                traced_leaves = []
                for i, x in enumerate(leaves):
                    if _is_tensor_arg(x):
                        spec = next(specs, None)
                        dtype = spec.dtype if spec is not None else _dtypes.as_dtype(x.dtype)
                        shape = spec.shape if spec is not None else _ts.TensorShape(list(_shape_of(x)))
                        ph = constant.placeholder(dtype, shape, name=f"arg{i}")
                        placeholders.append(ph)
                        traced_leaves.append(ph)
                    else:
                        traced_leaves.append(x)
                args, kwargs = jax.tree_util.tree_unflatten(treedef, traced_leaves)
                outputs = self._fn(*args, **kwargs)
        except TypeError as e:
            if "as a Python `bool`" in str(e) or "only iterable when eager" in str(e) or "cannot be used as a " \
                    "Python index" in str(e):
                self._untraceable = True      # Python control flow on tensor values: run eagerly
                return None
            raise
        return ConcreteFunction(g, placeholders, outputs)


class ConcreteFunction:
    """One traced signature: its graph, run by a private Session."""

    def __init__(self, graph, placeholders, outputs):
        self.graph = graph
        self.inputs = placeholders
        self.structured_outputs = outputs
        self._out_leaves, self._out_tree = jax.tree_util.tree_flatten(outputs, is_leaf=_is_leaf)
        self._fetch_pos = [i for i, x in enumerate(self._out_leaves) if isinstance(x, _graph.Tensor)]
        self._fetches = [self._out_leaves[i] for i in self._fetch_pos]
        self._targets = [op for op in graph._ops if op._func_owner is None and _has_effect(op)]
        self._targets += [x for x in self._out_leaves if isinstance(x, _graph.Operation)]
        self._captured = capture.captures(graph)
        self._session = None

    @property
    def outputs(self):
        return list(self._fetches)

    def __call__(self, *args):
        return self.call(list(args))

    def call(self, tensor_args):
        from compat_tf._src.eager.graph_session import EagerStateSession
        if self._session is None:
            self._session = EagerStateSession(graph=self.graph)
        feeds = {ph: np.asarray(x) for ph, x in zip(self.inputs, tensor_args)}
        for ph, t in self._captured:
            if ph.op.type == "Placeholder":
                feeds[ph] = np.asarray(t.numpy())
        values = self._session.run([self._fetches, self._targets], feed_dict=feeds)[0] \
            if self._targets or self._fetches else []
        out = list(self._out_leaves)
        for i, t, v in zip(self._fetch_pos, self._fetches, values):
            out[i] = EagerTensor(np.asarray(v), t.dtype.base_dtype)
        for i, x in enumerate(out):
            if isinstance(x, _graph.Operation):
                out[i] = None
        return jax.tree_util.tree_unflatten(self._out_tree, out)


def _has_effect(op):
    opdef = registry.lookup(op.type)
    return opdef is not None and (opdef.writes_ref or op.type in _EFFECT_TYPES)


def defun(func=None, input_signature=None, autograph=True, experimental_autograph_options=None,
          experimental_relax_shapes=False):
    """tf.contrib.eager.defun: `func` traced into a graph function (also usable as a decorator)."""
    if func is None:
        return functools.partial(defun, input_signature=input_signature, autograph=autograph,
                                 experimental_autograph_options=experimental_autograph_options,
                                 experimental_relax_shapes=experimental_relax_shapes)
    if input_signature is not None:
        for spec in input_signature:
            if not isinstance(spec, TensorSpec):
                raise TypeError(f"input_signature must be a list of tf.TensorSpec, got {spec!r}")
    return Function(func, input_signature=input_signature)
