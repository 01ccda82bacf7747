"""tf.keras.backend, graph-mode state (TF 1.15's keras/backend.py, v1 path).

What it mirrors:
- one Keras session per thread: `get_session()` returns the default session when there is one
  (`with sess.as_default():`, `set_session`), else a Session made for the current default graph
  (a new one when the graph changed); unless `manual_variable_initialization(True)`, it
  initializes the not yet initialized variables Keras created (layers' weights, optimizer
  slots, `K.variable`s) before returning, as TF 1.15 does;
- `learning_phase()`: per graph, the placeholder_with_default(False) "keras_learning_phase",
  or the 0/1 set by `set_learning_phase`; fit feeds 1, evaluate/predict feed 0;
- per-graph object-name uids (`unique_object_name`, `get_uid`): layers and models are named
  "dense", "dense_1", ... (tf.layers classes use the same counters, one-based);
- `function(inputs, outputs, updates)`: a callable running outputs + updates in one
  `Session.run` (updates after the first output, as Keras' control dependency orders them);
- `get_value`/`set_value`/`batch_*`: reads and assigns through the Keras session (assigns
  through one cached placeholder per variable, so repeated set_value adds no ops).

The tensor functions (`K.dot`, `K.mean`, `K.rnn`, ...) live in backend_ops.py; the public
module tf.keras.backend re-exports both.

Deviation: eager execution and distribution strategies are not modelled.
"""
import collections
import contextlib
import threading
import weakref

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import array_ops, control_flow_ops, state_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variables as _variables

# -- configuration (keras.json's fields) -------------------------------------------------------
_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx():
    """'float32' unless set_floatx changed it."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in {"float16", "float32", "float64"}:
        raise ValueError("Unknown floatx type: " + str(value))
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor of Keras' numerics (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = value


def image_data_format():
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in {"channels_last", "channels_first"}:
        raise ValueError("Unknown data_format: " + str(data_format))
    _IMAGE_DATA_FORMAT = str(data_format)


def cast_to_floatx(x):
    """A NumPy array of dtype floatx()."""
    return np.asarray(x, dtype=_FLOATX)


def backend():
    """'tensorflow'."""
    return "tensorflow"


# -- per-graph state ---------------------------------------------------------------------------
_NAME_UIDS = weakref.WeakKeyDictionary()          # graph -> {(namespace, name): count}
_UIDS = weakref.WeakKeyDictionary()               # graph -> {prefix: count}  (get_uid)
_LEARNING_PHASES = weakref.WeakKeyDictionary()    # graph -> placeholder or 0/1
_GRAPH_VARIABLES = weakref.WeakKeyDictionary()    # graph -> [variables Keras created]
_GRAPH_TF_OPTIMIZERS = weakref.WeakKeyDictionary()  # graph -> [TFOptimizer wrappers]
_MANUAL_VAR_INIT = False


class _SessionHolder(threading.local):
    session = None


_SESSION = _SessionHolder()


_EAGER_KERAS_GRAPH = []        # the graph of Keras' symbolic tensors while executing eagerly


def get_graph():
    """The default graph (graph mode); while executing eagerly, Keras' own graph, where `Input`
    placeholders and functional models are built (TF 1.15's keras_graph FuncGraph)."""
    if _graph._eager_graph is not None and not _graph._default_graph_state.stack:
        if not _EAGER_KERAS_GRAPH:
            g = _graph.Graph()
            g._lifts_variables = True     # layers built there make eager variables (capture.py)
            g._captures_by_value = True
            _EAGER_KERAS_GRAPH.append(g)
        return _EAGER_KERAS_GRAPH[0]
    return _graph.get_default_graph()


def _executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


def get_default_graph_uid_map():
    g = get_graph()
    m = _NAME_UIDS.get(g)
    if m is None:
        m = _NAME_UIDS[g] = collections.defaultdict(int)
    return m


def unique_object_name(name, name_uid_map=None, avoid_names=None, namespace="", zero_based=False):
    """Keras' unique_object_name: "name", "name_1", ... (zero_based) or "name_1", "name_2", ...
    over the default graph's counters, skipping `avoid_names`."""
    uids = get_default_graph_uid_map() if name_uid_map is None else name_uid_map
    avoid = avoid_names or set()
    proposed = None
    while proposed is None or proposed in avoid:
        key = (namespace, name)
        if zero_based:
            n = uids[key]
            proposed = f"{name}_{n}" if n else name
            uids[key] += 1
        else:
            uids[key] += 1
            proposed = f"{name}_{uids[key]}"
    return proposed


def get_uid(prefix=""):
    """tf.keras.backend.get_uid: 1, 2, ... per prefix and graph."""
    g = get_graph()
    uids = _UIDS.setdefault(g, collections.defaultdict(int))
    uids[prefix] += 1
    return uids[prefix]


def reset_uids():
    """Forgets the default graph's name counters."""
    g = get_graph()
    _UIDS.pop(g, None)
    _NAME_UIDS.pop(g, None)


def clear_session():
    """Resets the default graph, the name counters, the Keras session and the learning phase
    (and, while executing eagerly, Keras' own graph)."""
    if _executing_eagerly():
        del _EAGER_KERAS_GRAPH[:]
    _graph.reset_default_graph()
    reset_uids()
    _SESSION.session = None
    g = get_graph()
    with g.as_default():
        _LEARNING_PHASES.pop(g, None)
        symbolic_learning_phase()
    _GRAPH_VARIABLES.pop(g, None)
    _GRAPH_TF_OPTIMIZERS.pop(g, None)


def manual_variable_initialization(value):
    """True: get_session() no longer initializes Keras' variables (the user runs the initializer)."""
    global _MANUAL_VAR_INIT
    _MANUAL_VAR_INIT = bool(value)


# -- learning phase ----------------------------------------------------------------------------

def symbolic_learning_phase():
    """The graph's "keras_learning_phase" placeholder_with_default(False) (created on first use)."""
    g = get_graph()
    phase = _LEARNING_PHASES.get(g)
    if phase is None or isinstance(phase, int):
        if isinstance(phase, int):
            return phase
        with g.as_default(), g.name_scope(None), g.control_dependencies(None):
            phase = _constant.placeholder_with_default(False, shape=(), name="keras_learning_phase")
        _LEARNING_PHASES[g] = phase
    return phase


def learning_phase():
    """The learning phase of the default graph: a bool tensor, or the int set by set_learning_phase;
    while executing eagerly, the int set by set_learning_phase (0 by default), as TF 1.15."""
    if _executing_eagerly():
        phase = _LEARNING_PHASES.get(get_graph())
        return phase if isinstance(phase, int) else 0
    return symbolic_learning_phase()


def set_learning_phase(value):
    """Fixes the learning phase to 0 (test) or 1 (train) for the default graph."""
    if value not in {0, 1}:
        raise ValueError("Expected learning phase to be 0 or 1.")
    _LEARNING_PHASES[get_graph()] = int(value)


def global_learning_phase_is_set():
    return isinstance(_LEARNING_PHASES.get(get_graph()), int)


@contextlib.contextmanager
def learning_phase_scope(value):
    """Sets the learning phase to `value` (0 or 1) inside the block."""
    if value not in {0, 1}:
        raise ValueError("Expected learning phase to be 0 or 1.")
    g = get_graph()
    previous = _LEARNING_PHASES.get(g)
    _LEARNING_PHASES[g] = int(value)
    try:
        yield value
    finally:
        if previous is None:
            _LEARNING_PHASES.pop(g, None)
        else:
            _LEARNING_PHASES[g] = previous


# -- session -----------------------------------------------------------------------------------

def _get_session():
    from compat_tf._src.runtime import session as _session
    default = _session.get_default_session()
    if default is not None:
        return default
    s = _SESSION.session
    if s is None or s.graph is not get_graph() or getattr(s, "_closed", False):
        if _executing_eagerly():       # Keras' eager graph: its variables are eager ones
            from compat_tf._src.eager.graph_session import EagerStateSession
            s = EagerStateSession(graph=get_graph())
        else:
            s = _session.Session(graph=get_graph())
        _SESSION.session = s
    return s


def get_session(op_input_list=()):
    """tf.keras.backend.get_session: the Keras session, its Keras variables initialized."""
    session = _get_session()
    if not _MANUAL_VAR_INIT:
        with session.graph.as_default():
            _initialize_variables(session)
    return session


def set_session(session):
    """tf.keras.backend.set_session: the session Keras uses when there is no default session."""
    _SESSION.session = session


def track_variable(v):
    """Records a variable Keras created, for get_session()'s initialization (not eager ones: they
    are initialized when created)."""
    if getattr(v, "_unique_id", None) is not None:
        return
    g = v.graph if hasattr(v, "graph") else get_graph()
    _GRAPH_VARIABLES.setdefault(g, []).append(v)


def track_tf_optimizer(tf_optimizer):
    _GRAPH_TF_OPTIMIZERS.setdefault(get_graph(), []).append(tf_optimizer)


def _get_variables(graph):
    variables = list(_GRAPH_VARIABLES.get(graph, ()))
    for opt in _GRAPH_TF_OPTIMIZERS.get(graph, ()):
        variables.extend(opt.optimizer.variables())
    return variables


def _initialize_variables(session):
    """Initializes the tracked variables that are not initialized yet (each checked once)."""
    candidates = [v for v in _get_variables(session.graph) if not getattr(v, "_keras_initialized", False)]
    if not candidates:
        return
    flags = session.run([_variables.is_variable_initialized(v) for v in candidates])
    todo = []
    for flag, v in zip(flags, candidates):
        if not flag:
            todo.append(v)
        v._keras_initialized = True
    if todo:
        session.run(_variables.variables_initializer(todo))


def name_scope(name):
    """tf.keras.backend.name_scope: tf.name_scope(name)."""
    return _graph.name_scope(name)


# -- variables and placeholders ----------------------------------------------------------------

def variable(value, dtype=None, name=None, constraint=None):
    """tf.keras.backend.variable: a Variable initialized to `value` (dtype floatx by default)."""
    if dtype is None:
        dtype = floatx()
    v = _variables.Variable(value, dtype=_dtypes.as_dtype(dtype), name=name, constraint=constraint)
    if isinstance(value, np.ndarray):
        v._keras_shape = value.shape
    elif hasattr(value, "shape"):
        v._keras_shape = int_shape(value)
    track_variable(v)
    return v


def constant(value, dtype=None, shape=None, name=None):
    if dtype is None:
        dtype = floatx()
    return _constant.constant(value, dtype=dtype, shape=shape, name=name)


def is_sparse(tensor):
    from compat_tf._src.framework import sparse_tensor
    return isinstance(tensor, sparse_tensor.SparseTensor)


def to_dense(tensor):
    if is_sparse(tensor):
        from compat_tf._src.ops import sparse_ops
        return sparse_ops.sparse_tensor_to_dense(tensor)
    return tensor


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None):
    """tf.keras.backend.placeholder: a placeholder of `shape` (or of rank `ndim`), dtype floatx."""
    if dtype is None:
        dtype = floatx()
    if not shape and ndim:
        shape = (None,) * ndim
    if sparse:
        from compat_tf._src.ops import sparse_ops
        return sparse_ops.sparse_placeholder(dtype, shape=shape, name=name)
    return _constant.placeholder(dtype, shape=shape, name=name)


def is_placeholder(x):
    try:
        return x.op.type == "Placeholder"
    except AttributeError:
        return False


def shape(x):
    """The dynamic shape of `x` (a tensor)."""
    return array_ops.shape(x)


def int_shape(x):
    """The static shape as a tuple of ints / None, or None for unknown rank."""
    try:
        s = x.shape
        if not isinstance(s, tuple):
            s = tuple(_ts.TensorShape(s).as_list())
        return s
    except ValueError:
        return None


def ndim(x):
    dims = x.shape._dims if isinstance(x.shape, _ts.TensorShape) else x.shape
    return None if dims is None else len(dims)


def dtype(x):
    """The dtype name of `x` ('float32')."""
    return x.dtype.base_dtype.name


def eval(x):  # noqa: A001 - Keras name
    """The value of `x` (a tensor or variable) through the Keras session."""
    return get_value(to_dense(x))


def _is_eager(x):
    return hasattr(x, "numpy") and (getattr(x, "_unique_id", None) is not None or hasattr(x, "_capture_into"))


def get_value(x):
    """The value of a variable (or tensor) as a NumPy array (eager ones: their value, no session)."""
    if isinstance(x, np.ndarray):
        return x
    if _is_eager(x):
        return np.asarray(x.numpy())
    return get_session().run(x)


def batch_get_value(tensors):
    """Values of several variables in one run."""
    if tensors and all(_is_eager(x) for x in tensors):
        return [np.asarray(x.numpy()) for x in tensors]
    if tensors:
        return get_session().run(list(tensors))
    return []


def _assign_placeholder(x):
    ph = getattr(x, "_assign_placeholder", None)
    if ph is None or ph.graph is not x.graph:
        dt = x.dtype.base_dtype
        with x.graph.as_default(), x.graph.name_scope(None), x.graph.control_dependencies(None):
            ph = _constant.placeholder(dt, shape=x.get_shape())
            op = state_ops.assign(x, ph)
        x._assign_placeholder = ph
        x._assign_op = op
    return x._assign_placeholder, x._assign_op


def set_value(x, value):
    """Assigns a NumPy value to a variable."""
    batch_set_value([(x, value)])


def batch_set_value(tuples):
    """Assigns several (variable, NumPy value) pairs in one run."""
    if not tuples:
        return
    if all(_is_eager(x) for x, _ in tuples):
        for x, value in tuples:
            x.assign(np.asarray(value, dtype=x.dtype.base_dtype.as_numpy_dtype))
        return
    ops, feed = [], {}
    for x, value in tuples:
        value = np.asarray(value, dtype=x.dtype.base_dtype.as_numpy_dtype)
        ph, op = _assign_placeholder(x)
        ops.append(op)
        feed[ph] = value
    get_session().run(ops, feed_dict=feed)


def count_params(x):
    return int(np.prod(x.shape.as_list()))


# -- functions ---------------------------------------------------------------------------------

class GraphExecutionFunction:
    """What K.function returns: calling it with a list of input values runs `outputs` (and the
    updates, after the first output) in one Session.run of the Keras session."""

    def __init__(self, inputs, outputs, updates=None, name=None, **session_kwargs):
        updates = updates or []
        if not isinstance(updates, (list, tuple)):
            raise TypeError("`updates` in a Keras backend function should be a list or tuple.")
        self.inputs = list(_flatten(inputs))
        self._outputs_structure = outputs
        self.outputs = [x.value() if isinstance(x, _variables.Variable) else x for x in _flatten(outputs)]
        g = (self.outputs[0].graph if self.outputs else get_graph())
        with g.as_default():
            deps = [self.outputs[0]] if self.outputs else []
            with g.control_dependencies(deps):
                ops = []
                for u in updates:
                    if isinstance(u, tuple):
                        p, new_p = u
                        ops.append(state_ops.assign(p, new_p))
                    else:
                        ops.append(u)
                self.updates_op = control_flow_ops.group(*ops) if ops else None
        self.name = name
        self.feed_dict = session_kwargs.pop("feed_dict", None) or {}
        fetches = session_kwargs.pop("fetches", [])
        self.fetches = fetches if isinstance(fetches, list) else [fetches]
        self.run_options = session_kwargs.pop("options", None)
        self.run_metadata = session_kwargs.pop("run_metadata", None)
        if session_kwargs:
            raise ValueError("Some keys in session_kwargs are not supported at this time: "
                             f"{list(session_kwargs.keys())}")

    def __call__(self, inputs):
        inputs = list(_flatten(inputs))
        if len(inputs) != len(self.inputs):
            raise ValueError(f"Expected {len(self.inputs)} input values, got {len(inputs)}")
        feed = dict(self.feed_dict)
        for tensor, value in zip(self.inputs, inputs):
            if value is None:
                continue
            if hasattr(tensor, "indices") and hasattr(tensor, "dense_shape"):
                feed[tensor] = value
                continue
            feed[tensor] = np.asarray(value, dtype=tensor.dtype.base_dtype.as_numpy_dtype)
        fetches = list(self.outputs) + list(self.fetches)
        if self.updates_op is not None:
            fetches.append(self.updates_op)
        session = get_session()
        values = session.run(fetches, feed_dict=feed, options=self.run_options, run_metadata=self.run_metadata)
        outs = values[:len(self.outputs)]
        return _pack_like(self._outputs_structure, outs)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """tf.keras.backend.function(inputs, outputs, updates=None): see GraphExecutionFunction."""
    if kwargs:
        allowed = {"feed_dict", "fetches", "options", "run_metadata"}
        bad = set(kwargs) - allowed
        if bad:
            raise ValueError(f"Invalid argument {sorted(bad)[0]!r} passed to K.function with TensorFlow "
                             "backend")
    return GraphExecutionFunction(inputs, outputs, updates=updates, name=name, **kwargs)


def _flatten(x):
    if isinstance(x, (list, tuple)):
        out = []
        for v in x:
            out.extend(_flatten(v))
        return out
    if isinstance(x, dict):
        out = []
        for k in sorted(x):
            out.extend(_flatten(x[k]))
        return out
    return [x]


def _pack_like(structure, flat):
    it = iter(flat)

    def pack(s):
        if isinstance(s, (list, tuple)):
            return type(s)(pack(v) for v in s) if not hasattr(s, "_fields") else type(s)(*[pack(v) for v in s])
        if isinstance(s, dict):
            return {k: pack(s[k]) for k in sorted(s)}
        return next(it)
    return pack(structure)


def gradients(loss, variables):
    """tf.keras.backend.gradients: tf.gradients(loss, variables, colocate_gradients_with_ops=True)."""
    from compat_tf._src.ops import gradients_impl
    return gradients_impl.gradients(loss, variables, colocate_gradients_with_ops=True)


def stop_gradient(variables):
    from compat_tf._src.ops import array_ops as _a
    if isinstance(variables, (list, tuple)):
        return [_a.stop_gradient(v) for v in variables]
    return _a.stop_gradient(variables)


def update(x, new_x):
    return state_ops.assign(x, new_x)


def update_add(x, increment):
    return state_ops.assign_add(x, increment)


def update_sub(x, decrement):
    return state_ops.assign_sub(x, decrement)


def moving_average_update(x, value, momentum):
    """x = x * momentum + value * (1 - momentum), zero_debias=True as Keras 1.15 (tf.train's
    assign_moving_average)."""
    from compat_tf._src.train import moving_averages
    return moving_averages.assign_moving_average(x, value, momentum, zero_debias=True)


def in_train_phase(x, alt, training=None):
    """`x` (called if callable) in the training phase, `alt` otherwise; a bool tensor `training`
    (default: learning_phase()) selects at run time with tf.cond."""
    from compat_tf._src.keras.utils import tf_utils
    if training is None:
        training = learning_phase()
    if training == 1 or training is True:
        return x() if callable(x) else x
    if training == 0 or training is False:
        return alt() if callable(alt) else alt
    return tf_utils.smart_cond(training, (x if callable(x) else (lambda: x)),
                               (alt if callable(alt) else (lambda: alt)))


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)
