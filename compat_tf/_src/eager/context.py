"""TF 1.x eager mode: the process-wide switch and the graph that runs ops at once.

Mirrors TF 1.15's `tf.enable_eager_execution` (ops.enable_eager_execution_internal): it must
be called at program startup, before any graph exists (ValueError otherwise), its `config`
must be a ConfigProto (TypeError) and `device_policy`/`execution_mode` one of the
`tf.contrib.eager` constants (ValueError); calling it again is a no-op. While eager mode is
on, `tf.executing_eagerly()` is True outside any `with tf.Graph().as_default():` block (and
outside a `tfe.defun` being traced), where graph building works as in graph mode.

compat_tf's design: the default graph outside graph blocks is an `EagerGraph`, so every
op builder (they all end in `Graph.create_op`) runs its op at once on concrete values,
through the op's registered lowering (execute.py), and returns an `EagerTensor`. Name
scopes work and are not uniquified, control dependencies are no-ops (ops already ran), no
op is kept in the graph, and collections stay empty of variables, as in TF 1.15's eager
context. `tf.disable_eager_execution()` switches back to graph mode for later ops.
"""
import contextlib
import random
import threading

from compat_tf._src.framework import graph as _graph

# tf.contrib.eager's device placement policies and execution modes (TF 1.15's context.py)
DEVICE_PLACEMENT_EXPLICIT = 0
DEVICE_PLACEMENT_WARN = 1
DEVICE_PLACEMENT_SILENT = 2
DEVICE_PLACEMENT_SILENT_FOR_INT32 = 3
SYNC = 0
ASYNC = 1

_MAXINT32 = 2 ** 31 - 1


class _Settings:
    """What enable_eager_execution recorded (the policies are accepted; XLA places and runs ops)."""
    config = None
    device_policy = None
    execution_mode = None


SETTINGS = _Settings()


class EagerGraph(_graph.Graph):
    """The default graph while executing eagerly: `create_op` runs the op (see execute.py).

    Op names follow the name scopes but are neither uniquified nor kept; `seed` works as
    TF 1.15's eager context's global seed: setting it restarts the sequence of op seeds
    (and the random ops' draw counter), so a program that reseeds repeats its draws.
    """

    def __init__(self):
        super().__init__()
        self._op_seed_rng = random.Random()
        self.rng_counter = 0

    # -- seeds -------------------------------------------------------------------------
    @property
    def seed(self):
        return self._seed

    @seed.setter
    def seed(self, value):
        self._seed = value
        self._op_seed_rng = random.Random(value)
        self.rng_counter = 0

    @property
    def _last_id(self):
        # random_ops.get_seed takes the graph's last op id as the op seed when only the global
        # seed is set: in eager mode TF draws it from the seeded context RNG instead
        return self._op_seed_rng.randint(0, _MAXINT32)

    def next_rng_counter(self):
        self.rng_counter += 1
        return self.rng_counter

    # -- names, dependencies --------------------------------------------------------------
    def unique_name(self, name, mark_as_used=True):
        """Eager names are not uniquified (two `tf.Variable(..., name='w')` are both 'w:0')."""
        return self._name_stack + "/" + name if self._name_stack else name

    def control_dependencies(self, control_inputs):
        """TF 1.15 in eager mode: callables among `control_inputs` are called, nothing is recorded."""
        for c in control_inputs or ():
            if callable(c):
                c()
        return _NullContext()

    def finalize(self):
        pass

    def as_default(self):
        """Executes eagerly inside (the eager graph is the default when no graph block is open)."""
        return eager_mode()

    def create_op(self, op_type, inputs, attrs=None, name=None, output_specs=None, control_inputs=()):
        from compat_tf._src.eager import execute
        return execute.run_op(self, op_type, inputs, attrs or {}, name, output_specs)

    def get_operations(self):
        return []

    def as_graph_def(self, from_version=None, add_shapes=False):
        raise ValueError("as_graph_def is not supported when eager execution is enabled.")


class _NullContext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


_lock = threading.Lock()


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """tf.enable_eager_execution: from here on, ops outside graph blocks run at once.

    ValueError if a graph was already used (`tf.get_default_graph()` called, an op built):
    "tf.enable_eager_execution must be called at program startup.", as TF 1.15.
    """
    from compat_tf._src.protos.public import ConfigProto
    if config is not None and not isinstance(config, ConfigProto):
        raise TypeError(f"config must be a tf.ConfigProto, but got {type(config)}")
    if device_policy not in (None, DEVICE_PLACEMENT_EXPLICIT, DEVICE_PLACEMENT_WARN, DEVICE_PLACEMENT_SILENT,
                             DEVICE_PLACEMENT_SILENT_FOR_INT32):
        raise ValueError("device_policy must be one of None, tf.contrib.eager.DEVICE_PLACEMENT_*")
    if execution_mode not in (None, SYNC, ASYNC):
        raise ValueError("execution_mode must be one of None, tf.contrib.eager.SYNC, tf.contrib.eager.ASYNC")
    with _lock:
        if _graph._eager_graph is not None:
            return
        if _graph._global_default_graph is not None:
            raise ValueError("tf.enable_eager_execution must be called at program startup.")
        SETTINGS.config, SETTINGS.device_policy, SETTINGS.execution_mode = config, device_policy, execution_mode
        _graph._eager_graph = EagerGraph()


def disable_eager_execution():
    """tf.disable_eager_execution: ops built from now on are graph ops again (TF 1.15)."""
    with _lock:
        _graph._eager_graph = None


def executing_eagerly():
    """tf.executing_eagerly: eager mode is on and no graph is being built in this thread."""
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


def executing_eagerly_outside_functions():
    """tf.executing_eagerly_outside_functions: eager mode is on (even while a defun is traced)."""
    return _graph._eager_graph is not None


def eager_graph():
    """The EagerGraph while eager mode is on, else None."""
    return _graph._eager_graph


def in_eager_mode_globally():
    """Whether tf.enable_eager_execution is in effect (even inside a graph block)."""
    return _graph._eager_graph is not None


@contextlib.contextmanager
def eager_mode():
    """Executes eagerly inside, whatever the process's mode (TF's internal context.eager_mode,
    which TF's own tests use; the startup rule does not apply). Graph blocks opened outside are
    suspended inside."""
    saved_graph, saved_stack = _graph._eager_graph, list(_graph._default_graph_state.stack)
    if saved_graph is None:
        _graph._eager_graph = EagerGraph()
    del _graph._default_graph_state.stack[:]
    try:
        yield
    finally:
        _graph._eager_graph = saved_graph
        _graph._default_graph_state.stack[:] = saved_stack
