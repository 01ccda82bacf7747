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
    """What enable_eager_execution recorded (the policies are accepted; XLA places and runs ops)
    and what seterr set."""
    config = None
    device_policy = None
    execution_mode = None
    inf_or_nan = None          # None/"ignore", "print", "warn", "raise" (tfe.seterr)


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

    # collections TF 1.15 does not fill while executing eagerly (tf.losses, summaries, batch-norm
    # updates, train ops): kept empty here too, so an eager loop does not accumulate its tensors
    _EAGER_SKIPPED_COLLECTIONS = frozenset({"losses", "summaries", "update_ops", "regularization_losses",
                                            "train_op"})

    def add_to_collection(self, name, value):
        if name not in self._EAGER_SKIPPED_COLLECTIONS:
            super().add_to_collection(name, value)

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
def graph_mode():
    """Builds graph ops inside (in the global default graph), even while executing eagerly (TF's
    internal context.graph_mode)."""
    with _graph.get_default_graph_for_session().as_default():
        yield


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


_VALID_ACTIONS = (None, "ignore", "print", "raise", "warn")


class InfOrNanError(Exception):
    """What an eager op raises under seterr(inf_or_nan='raise') (TF's execution_callbacks.InfOrNanError)."""

    def __init__(self, op_type, op_name, output_index, num_outputs, value):
        import numpy as np
        self.op_type, self.op_name = op_type, op_name
        self.output_index, self.num_outputs, self.value = output_index, num_outputs, value
        total_nans, total_infs = int(np.sum(np.isnan(value))), int(np.sum(np.isinf(value)))
        super().__init__(f"Output {output_index} of {num_outputs} of TFE operation {op_type} (name: {op_name}) "
                         f"contains {total_infs} inf(s) and {total_nans} nan(s).")


def seterr(inf_or_nan=None):
    """tf.contrib.eager.seterr: what an eager op whose float output holds an inf or a nan does
    ("ignore", "print", "warn", "raise" InfOrNanError); returns the previous setting."""
    if inf_or_nan not in _VALID_ACTIONS:
        raise ValueError(f"Invalid action value for inf_or_nan: {inf_or_nan}. Valid actions are {_VALID_ACTIONS}.")
    old = {"inf_or_nan": SETTINGS.inf_or_nan or "ignore"}
    SETTINGS.inf_or_nan = None if inf_or_nan == "ignore" else inf_or_nan
    return old


def check_inf_or_nan(op, values):
    """Applies seterr's action to an op's float outputs (called by execute.run_op when set)."""
    import numpy as np
    for i, v in enumerate(values):
        arr = np.asarray(v) if hasattr(v, "dtype") else None
        if arr is None or arr.dtype.kind not in "fc" or np.all(np.isfinite(arr)):
            continue
        err = InfOrNanError(op.type, op.name, i, len(values), arr)
        action = SETTINGS.inf_or_nan
        if action == "raise":
            raise err
        if action == "print":
            print(f"Warning: {err}")
        else:
            import warnings
            warnings.warn(str(err))


def num_gpus():
    """tf.contrib.eager.num_gpus: the GPUs JAX sees."""
    import jax
    try:
        return len(jax.devices("gpu"))
    except RuntimeError:
        return 0


def list_devices():
    """tf.contrib.eager.list_devices: TF's names of the devices JAX sees."""
    import jax
    out = []
    for kind in ("cpu", "gpu"):
        try:
            devices = jax.devices(kind)
        except RuntimeError:
            continue
        out.extend(f"/job:localhost/replica:0/task:0/device:{kind.upper()}:{i}" for i in range(len(devices)))
    return out


def run(main=None, argv=None):
    """tf.contrib.eager.run: enables eager execution, then tf.app.run(main, argv)."""
    from compat_tf._src.platform import app
    enable_eager_execution()
    app.run(main, argv)
