"""tf.data.Options and its option groups (TF 1.15 dataset_ops.Options, experimental/ops/*_options.py,
with the enums TF 2 added: AutoShardPolicy, AutotuneAlgorithm, ExternalStatePolicy).

Options are attributes with a declared type, None when unset: setting a value of another type raises
TypeError, setting an unknown attribute AttributeError, as TF's OptionsBase. `merge` combines two
Options (a nested group merged recursively; two different set values raise ValueError), as TF's
`merge_options`. `Dataset.with_options(o)` merges `o` into the options of the dataset's inputs and
`Dataset.options()` returns them.

compat_tf runs every pipeline synchronously on the host with nothing to tune, so the options are
recorded and validated but change nothing; deviation: `experimental_deterministic=False` does not
reorder anything.
"""
import enum

__all__ = ["AutoShardPolicy", "AutotuneAlgorithm", "AutotuneOptions", "DistributeOptions", "ExternalStatePolicy",
           "OptimizationOptions", "Options", "ServiceOptions", "ThreadingOptions"]


class AutoShardPolicy(enum.IntEnum):
    """How a tf.distribute input pipeline is sharded across workers."""
    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class AutotuneAlgorithm(enum.IntEnum):
    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class ExternalStatePolicy(enum.IntEnum):
    """What serializing a dataset with external state (e.g. for checkpointing) does."""
    WARN = 0
    IGNORE = 1
    FAIL = 2


class _OptionsBase:
    """Typed, unset-by-default options (TF's OptionsBase): `_OPTIONS` maps name -> (type, docstring)."""

    _OPTIONS = {}

    def __init__(self):
        for name in self._OPTIONS:
            object.__setattr__(self, "_" + name, None)

    def __getattr__(self, name):
        if name in type(self)._OPTIONS:
            return self.__dict__["_" + name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name not in self._OPTIONS:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        ty = self._OPTIONS[name][0]
        if value is not None and not _is_instance(value, ty):
            raise TypeError(f"Property \"{name}\" must be of type {ty}, got: {value!r} (type: {type(value)})")
        object.__setattr__(self, "_" + name, value)

    def __eq__(self, other):
        if type(self) is not type(other):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._OPTIONS)

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = None

    def __repr__(self):
        set_ = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._OPTIONS if getattr(self, n) is not None)
        return f"{type(self).__name__}({set_})"

    def merge(self, options):
        """A new options object with the set values of both (TF's merge_options)."""
        if type(options) is not type(self):
            raise TypeError("Arguments must be instances of the same type: "
                            f"{type(self).__name__} and {type(options).__name__}")
        out = type(self)()
        for name in self._OPTIONS:
            a, b = getattr(self, name), getattr(options, name)
            if a is None:
                v = b
            elif b is None:
                v = a
            elif isinstance(a, _OptionsBase):
                v = a.merge(b)
            elif a != b:
                raise ValueError(f"Cannot merge incompatible values ({a!r} and {b!r}) of option: {name}")
            else:
                v = a
            object.__setattr__(out, "_" + name, v)
        return out


def _is_instance(value, ty):
    if ty is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if issubclass(ty, enum.Enum):
        return isinstance(value, ty)
    return isinstance(value, ty)


def _table(**options):
    return {name: (ty, doc) for name, (ty, doc) in options.items()}


class DistributeOptions(_OptionsBase):
    """Options for a dataset distributed by tf.distribute."""
    _OPTIONS = _table(
        auto_shard=(bool, "Whether the dataset is sharded automatically in a multi-worker setting (TF 1.15)."),
        auto_shard_policy=(AutoShardPolicy, "How the dataset is sharded in a multi-worker setting."),
        num_devices=(int, "The number of devices attached to this input pipeline."))


class _MapVectorizationOptions(_OptionsBase):
    _OPTIONS = _table(enabled=(bool, "Whether map vectorization is enabled."),
                      use_choose_fastest=(bool, "Whether to choose the faster of vectorized or not."))


class OptimizationOptions(_OptionsBase):
    """Options for tf.data's static graph rewrites (TF 1.15's set)."""
    _OPTIONS = _table(
        apply_default_optimizations=(bool, "Whether to apply the default static optimizations."),
        autotune=(bool, "Whether to tune the parallelism and buffer sizes automatically."),
        autotune_algorithm=(AutotuneAlgorithm, "The algorithm used for autotuning."),
        autotune_buffers=(bool, "Whether to tune buffer sizes automatically."),
        autotune_cpu_budget=(int, "The CPU budget of autotuning."),
        filter_fusion=(bool, "Whether to fuse filter transformations."),
        filter_with_random_uniform_fusion=(bool, "Whether to fuse filters with random_uniform."),
        hoist_random_uniform=(bool, "Whether to hoist random_uniform out of map functions."),
        map_and_batch_fusion=(bool, "Whether to fuse map and batch transformations."),
        map_and_filter_fusion=(bool, "Whether to fuse map and filter transformations."),
        map_fusion=(bool, "Whether to fuse map transformations."),
        map_parallelization=(bool, "Whether to parallelize stateless map transformations."),
        map_vectorization=(_MapVectorizationOptions, "Map vectorization options."),
        noop_elimination=(bool, "Whether to eliminate no-op transformations."),
        parallel_batch=(bool, "Whether to parallelize copying of batch elements."),
        shuffle_and_repeat_fusion=(bool, "Whether to fuse shuffle and repeat transformations."))

    def __init__(self):
        super().__init__()
        object.__setattr__(self, "_map_vectorization", _MapVectorizationOptions())


class ThreadingOptions(_OptionsBase):
    """Options for the threads a dataset uses."""
    _OPTIONS = _table(
        max_intra_op_parallelism=(int, "The maximum degree of intra-op parallelism."),
        private_threadpool_size=(int, "The size of a private thread pool for the dataset (0: shared)."))


class AutotuneOptions(_OptionsBase):
    """Options for autotuning (TF 2)."""
    _OPTIONS = _table(
        enabled=(bool, "Whether autotuning is enabled."),
        cpu_budget=(int, "The CPU budget."),
        ram_budget=(int, "The RAM budget in bytes."),
        autotune_algorithm=(AutotuneAlgorithm, "The autotuning algorithm."))


class ServiceOptions(_OptionsBase):
    """Options for the tf.data service (TF 2)."""
    _OPTIONS = _table(pinned=(bool, "Whether to use pinned buffers for the tf.data service."))


class Options(_OptionsBase):
    """tf.data.Options: see the module docstring."""
    _OPTIONS = _table(
        experimental_deterministic=(bool, "Whether outputs keep their order (default True)."),
        experimental_distribute=(DistributeOptions, "Distribution options."),
        experimental_external_state_policy=(ExternalStatePolicy, "The policy for datasets with external state."),
        experimental_optimization=(OptimizationOptions, "Static optimization options."),
        experimental_slack=(bool, "Whether to introduce slack in the last prefetch."),
        experimental_stats=(object, "Statistics options (tf.data.experimental.StatsOptions)."),
        experimental_threading=(ThreadingOptions, "Threading options."))

    def __init__(self):
        super().__init__()
        object.__setattr__(self, "_experimental_distribute", DistributeOptions())
        object.__setattr__(self, "_experimental_optimization", OptimizationOptions())
        object.__setattr__(self, "_experimental_threading", ThreadingOptions())
