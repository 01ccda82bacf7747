"""tf.data.experimental.make_saveable_from_iterator and CheckpointInputPipelineHook (TF 1.15): an
iterator's position in a checkpoint.

TF1 returns a SaveableObject whose one tensor, under the checkpoint key "<iterator handle
name>_STATE" (e.g. "Iterator:0_STATE"), is the iterator's serialized state (SerializeIterator);
added to the SAVEABLE_OBJECTS collection (or passed in a Saver's var_list), `Saver.save` saves it
with the variables and `Saver.restore` puts the iterator back where it was (DeserializeIterator),
so the next get_next returns the element that followed the save, in this session or in a new
session on a graph built the same way.

compat_tf's iterators are Python generators, which cannot be snapshotted. The state saved here is
what identifies the stream and the position in it: the op that started the iterator (its
MakeIterator initializer, or the OneShotIterator), the values its pipeline's run-time tensors had
then (placeholders fed to the initializer, captured random values), how many elements it has
produced since (failed elements count, as in TF's kernels) and whether it reached the end.
Restoring starts that pipeline again with those values and advances it that many elements, so for
a deterministic pipeline the next get_next returns exactly what TF's restored iterator returns.

Deviations from TF (by design):
- the state tensor is a scalar string (compat_tf's JSON record) where TF's is a DT_VARIANT of shape
  [3]: checkpoints of iterators do not cross between TF and compat_tf (variables still do);
- a pipeline with unseeded randomness (shuffle, list_files(shuffle=True), RandomDataset,
  sample_from_datasets without a seed or graph seed) cannot be replayed: saving it raises
  UnimplementedError (TF saves its generator's state); give it a seed (or tf.set_random_seed);
- Dataset.from_generator cannot be saved, as in TF (FailedPreconditionError "PyFunc is stateful." under
  policy "fail", else UnimplementedError);
- stateful ops inside dataset functions (random ops, py_func, CheckNumerics, Assert, variable reads)
  are external state as in TF 2's external_state_policy: "fail" (the default) raises TF's
  FailedPreconditionError "<op> is stateful." when saving; "warn"/"ignore" save anyway and the restored
  stream recomputes those ops anew;
- TF 1.15's DeserializeIterator rebuilds the saved dataset (its graph and captured values), so an
  iterator restores without its initializer having run and the initializer's new feeds are discarded;
  compat_tf does the same (TF 2.x restores into the initialised iterator instead, and refuses an
  uninitialised one with FailedPreconditionError);
- restoring replays the skipped elements through the pipeline (the time it took to produce them);
  functions reading variables see the variables' current values;
- the Saver's graph ops (save/SaveV2, save/restore_all) are not built for a Saver with an iterator
  saveable: run `saver.save` / `saver.restore`.
"""
import base64
import json

import numpy as np

from compat_tf._src.data import iterator_ops
from compat_tf._src.data.dataset_ops import IterContext
from compat_tf._src.data.options import ExternalStatePolicy
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.runtime import resources
from compat_tf._src.train.saver import Saver, _variable_key
from compat_tf._src.train.session_run_hook import SessionRunHook

_FORMAT = "compat_tf.iterator_state/1"
_POLICIES = ("warn", "ignore", "fail")
_SAVEABLE_ITERATOR_OPS = ("IteratorV2", "OneShotIterator")
# registered stateful (never folded) here, but not state a pipeline would save in TF
_NOT_EXTERNAL_STATE = frozenset({"If", "While", "FunctionalScan", "RnnScan", "_LoopVar", "ReadFile",
                                 "PyFuncStateless"})


class SaveSpec:
    """TF1's BaseSaverBuilder.SaveSpec: one tensor a SaveableObject saves (`tensor` may be a callable)."""

    def __init__(self, tensor, slice_spec, name, dtype=None, device=None):
        self._tensor = tensor
        self.slice_spec = slice_spec
        self.name = name
        self.dtype = dtype
        self.device = device

    @property
    def tensor(self):
        return self._tensor() if callable(self._tensor) else self._tensor


class IteratorSaveable:
    """TF1's _IteratorSaveable: saves/restores one iterator's state under "<name>_STATE".

    compat_tf's Saver recognises it by `_compat_state_entries` and calls `_compat_snapshot` (while
    it holds the session lock, so variables and position are one consistent snapshot),
    `_compat_prepare` (parses and replays, changing nothing) and `_compat_apply` (installs)."""

    def __init__(self, iterator_resource, name, external_state_policy="fail"):
        self.op = iterator_resource
        self.name = name
        self.device = iterator_resource.device
        self._policy = external_state_policy
        self._key = iterator_ops.resource_key(iterator_resource.op)
        self.specs = [SaveSpec(None, "", name + "_STATE", dtype=_dtypes.string)]

    @property
    def graph(self):
        return self.op.graph

    # -- what compat_tf's Saver uses ------------------------------------------------------------
    def _compat_state_entries(self):
        """[(checkpoint key, dtype, shape)] of the tensors this saveable writes."""
        return [(self.specs[0].name, _dtypes.string, _ts.TensorShape([]))]

    def _compat_snapshot(self, session):
        """{checkpoint key: scalar string array}: the iterator's state in `session` now."""
        res = resources.lookup(session, self._key)
        if (res is None or not res.initialized) and self.op.op.type == "OneShotIterator":
            session.run(self.op.op)     # SerializeIterator's input: the one-shot iterator starts
            res = resources.lookup(session, self._key)
        if res is None or not res.initialized:
            raise errors.FailedPreconditionError(
                None, None, "GetNext() failed because the iterator has not been initialized. Ensure that you "
                "have run the initializer operation for this iterator before saving it.")
        with res.lock:
            count, ended, source = res.count, res.ended, res.source
        dataset = self._dataset_of(source.op_name)
        check_replayable(dataset, self._policy)
        record = {"format": _FORMAT, "source": source.op_name, "count": count, "ended": ended,
                  "captures": [_encode_value(t.name, v) for t, v in source.env.items()]}
        return {self.specs[0].name: np.asarray(json.dumps(record, sort_keys=True).encode(), dtype=object)}

    def _compat_prepare(self, session, values):
        """Parses the saved state and replays the pipeline to it; returns what `_compat_apply` installs.
        Raises (InvalidArgumentError, NotFoundError, the pipeline's errors) without changing anything."""
        key = self.specs[0].name
        raw = values[key]
        raw = raw.item() if isinstance(raw, np.ndarray) else raw
        try:
            record = json.loads(raw.decode() if isinstance(raw, bytes) else raw)
            if record.get("format") != _FORMAT:
                raise ValueError(record.get("format"))
            op_name, count, ended = record["source"], int(record["count"]), bool(record["ended"])
            saved = {c["tensor"]: _decode_value(c) for c in record["captures"]}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise errors.InvalidArgumentError(
                None, None, f"Could not parse the iterator state {key} (not saved by compat_tf's "
                f"make_saveable_from_iterator?): {e}") from None
        dataset = self._dataset_of(op_name)
        g = self.op.graph
        try:
            env = {g.as_graph_element(name): v for name, v in saved.items()}
        except (KeyError, ValueError) as e:
            raise errors.NotFoundError(None, None, f"The iterator state {key} names a tensor this graph lacks: "
                                       f"{e}") from None
        missing = [t.name for t in dataset._tensor_inputs() if t not in env]
        if missing:
            raise errors.InvalidArgumentError(None, None, f"The iterator state {key} has no value for the "
                                              f"pipeline's tensor {missing[0]}")
        gen = dataset._iterate(IterContext(session, env))
        produced = 0
        with session._lock:
            while produced < count:
                try:
                    next(gen)
                except StopIteration:
                    ended = True
                    break
                produced += 1
        return gen, iterator_ops.Source(op_name, env), produced, ended

    def _compat_apply(self, session, prepared):
        gen, source, count, ended = prepared
        res = resources.get_or_create(session, self._key, iterator_ops._IteratorResource)
        res.reset(gen, source, count, ended)

    def _dataset_of(self, op_name):
        """The pipeline the op `op_name` (MakeIterator or OneShotIterator of this iterator) starts."""
        g = self.op.graph
        try:
            op = g.get_operation_by_name(op_name)
        except KeyError:
            op = None
        if op is None or "_dataset" not in op.attrs or (
                op.type == "MakeIterator" and op.inputs[0].op is not self.op.op):
            raise errors.NotFoundError(
                None, None, f"The iterator state {self.specs[0].name} was saved from the pipeline started by "
                f"{op_name}, which is not an initializer of {self.op.op.name} in this graph")
        return op.attrs["_dataset"]


def make_saveable_from_iterator(iterator, external_state_policy=None):
    """TF1's tf.data.experimental.make_saveable_from_iterator: a SaveableObject for `iterator`'s state.

    TF 1.15 takes only `iterator`; `external_state_policy` ("fail", the default, "warn" or "ignore")
    is TF 2's compat.v1 argument, accepted here (see the module docstring for what it governs)."""
    policy = _check_policy(external_state_policy)
    handle = getattr(iterator, "_iterator_resource", None)
    op = getattr(handle, "op", None)
    if op is None or op.type not in _SAVEABLE_ITERATOR_OPS:
        raise ValueError(f"make_saveable_from_iterator supports the iterators of tf.data graph pipelines "
                         f"(make_one_shot_iterator, make_initializable_iterator, Iterator.from_structure); "
                         f"got {iterator!r}")
    return IteratorSaveable(handle, handle.name, policy)


def _check_policy(external_state_policy):
    """"fail" (None), "warn" or "ignore" (a string or tf.data.experimental.ExternalStatePolicy), else ValueError."""
    policy = "fail" if external_state_policy is None else external_state_policy
    if isinstance(policy, ExternalStatePolicy):
        policy = policy.name.lower()
    if policy not in _POLICIES:
        raise ValueError(f"Invalid `ExternalStatePolicy.` Supported values include 'warn', 'ignore', and "
                         f"'fail'. Received {external_state_policy}.")
    return policy


def _datasets(dataset):
    """`dataset` and every dataset it is built from (inputs, and those its functions return)."""
    seen, stack = set(), [dataset]
    while stack:
        ds = stack.pop()
        if id(ds) in seen:
            continue
        seen.add(id(ds))
        yield ds
        stack.extend(ds._children())
        stack.extend(f.output_dataset for f in ds._functions() if getattr(f, "kind", None) == "dataset")


def check_replayable(dataset, policy):
    """Raises unless replaying `dataset` reproduces its stream (see the module docstring)."""
    from compat_tf._src.data.dataset_ops import GeneratorDataset
    for ds in _datasets(dataset):
        if isinstance(ds, GeneratorDataset):       # TF: a PyFunc calls the generator; never checkpointable
            if policy == "fail":
                raise errors.FailedPreconditionError(None, None, "PyFunc is stateful.")
            raise errors.UnimplementedError(None, None, "GeneratorDataset does not support checkpointing.")
        if "_seeds" in vars(ds) and ds._seeds is None and getattr(ds, "_shuffle", True):
            raise errors.UnimplementedError(
                None, None, f"compat_tf cannot save the state of an iterator over the unseeded random "
                f"{type(ds).__name__} (its order is not reproducible): give it a `seed` (or set a graph seed "
                f"with tf.set_random_seed) to make it saveable.")
        for f in ds._functions():
            for op_type in _external_state(f):
                if policy == "warn":
                    logging.warning("%s is stateful: the restored iterator recomputes it anew.", op_type)
                elif policy == "fail":
                    raise errors.FailedPreconditionError(None, None, f"{op_type} is stateful.")


def _external_state(fn):
    """The op types in the traced dataset function `fn` that are state TF's SerializeIterator refuses under
    policy "fail": stateful ops (random ops, py_func, CheckNumerics, Assert, variable updates, ...) and
    variables the function reads (live, from outside it here; a ReadVariableOp inside TF's function)."""
    from compat_tf._src.framework import registry
    out = []
    for op in sorted(fn.ops, key=lambda o: o._id):
        opdef = registry.lookup(op.type)
        if (opdef is not None and opdef.stateful and op.type not in _NOT_EXTERNAL_STATE) or \
                op.type == "EagerPyFunc":
            out.append(op.type)
        elif any(t.op not in fn.ops and _variable_key(t) is not None for t in op._inputs):
            out.append("ReadVariableOp")
    return out


def _encode_value(name, value):
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind in "SU":
        items = []
        for x in arr.reshape(-1).tolist():
            if isinstance(x, str):
                x = x.encode()
            if not isinstance(x, bytes):
                raise errors.UnimplementedError(None, None, f"compat_tf cannot save the iterator's captured "
                                                f"value of {name} ({type(x).__name__})")
            items.append(base64.b64encode(x).decode())
        return {"tensor": name, "dtype": "string", "shape": list(arr.shape), "items": items}
    return {"tensor": name, "dtype": arr.dtype.str, "shape": list(arr.shape),
            "data": base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode()}


def _decode_value(entry):
    shape = tuple(entry["shape"])
    if entry["dtype"] == "string":
        out = np.empty(len(entry["items"]), dtype=object)
        out[:] = [base64.b64decode(x) for x in entry["items"]]
        return out.reshape(shape)
    return np.frombuffer(base64.b64decode(entry["data"]), dtype=np.dtype(entry["dtype"])).reshape(shape).copy()


class _InputPipelineSaver(Saver):
    """TF1's _CustomSaver: a Saver of the iterators whose checkpoint state file is `latest_filename`."""

    def __init__(self, var_list, latest_filename):
        super().__init__(var_list)
        self._latest_filename = latest_filename

    def save(self, sess, save_path, global_step=None, latest_filename=None, *args, **kwargs):
        return super().save(sess, save_path, global_step, latest_filename or self._latest_filename, *args,
                            **kwargs)


class CheckpointInputPipelineHook(SessionRunHook):
    """TF1's tf.data.experimental.CheckpointInputPipelineHook: checkpoints the state of the graph's iterators
    (the "iterators" collection) every N steps or seconds, as the Estimator's config says, under
    `model_dir/input.ckpt-STEP` (`input_<task_type>_<task_id>.ckpt` with several workers) with the state file
    `checkpoint_input`; on the first run it restores the latest such checkpoint, or saves one. Only the
    iterators are saved (no variables, no meta graph). `external_state_policy` is TF 2's (see
    make_saveable_from_iterator)."""

    def __init__(self, estimator, external_state_policy=None):
        from compat_tf._src.train.basic_session_run_hooks import CheckpointSaverHook
        self._policy = _check_policy(external_state_policy)
        config = estimator._config
        prefix = "input"
        if config.num_worker_replicas > 1:
            prefix += f"_{config.task_type}_{config.task_id}"
        # composition, not a subclass: an Estimator adds its own CheckpointSaverHook unless one is given
        self._checkpoint_saver_hook = CheckpointSaverHook(
            estimator.model_dir, save_secs=config.save_checkpoints_secs, save_steps=config.save_checkpoints_steps,
            checkpoint_basename=prefix + ".ckpt")
        self._latest_filename = "checkpoint_" + prefix
        self._first_run = True

    def begin(self):
        hook = self._checkpoint_saver_hook
        if hook._saver is None and hook._scaffold is None:
            handles = _graph.get_default_graph().get_collection(iterator_ops.GLOBAL_ITERATORS)
            # a feedable iterator's handle names one of the others, which are saved themselves
            saveables = [IteratorSaveable(h, h.name, self._policy) for h in handles
                         if h.op.type in _SAVEABLE_ITERATOR_OPS]
            hook._saver = _InputPipelineSaver(saveables, self._latest_filename)
        hook.begin()

    def _restore_or_save_initial_ckpt(self, session):
        """At the first before_run (after every hook's after_create_session, so after the iterators'
        initialisation): restores the latest input checkpoint, or saves the state at the current step."""
        from compat_tf._src.train import checkpoint_management
        hook = self._checkpoint_saver_hook
        latest = checkpoint_management.latest_checkpoint(hook._checkpoint_dir, latest_filename=self._latest_filename)
        if latest:
            hook._get_saver().restore(session, latest)
        else:
            step = int(session.run(hook._global_step_tensor))
            hook._save(session, step)
            hook._timer.update_last_triggered_step(step)

    def before_run(self, run_context):
        if self._first_run:
            self._restore_or_save_initial_ckpt(run_context.session)
            self._first_run = False
        return self._checkpoint_saver_hook.before_run(run_context)

    def after_run(self, run_context, run_values):
        self._checkpoint_saver_hook.after_run(run_context, run_values)

    def end(self, session):
        self._checkpoint_saver_hook.end(session)
