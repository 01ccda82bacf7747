"""tf.train.Saver (TF 1.15) on orbax-checkpoint.

A Saver maps checkpoint names to variables (by default every global variable and
saveable object under its op name: "w", "scope/w", "w/Adam", "beta1_power"; or the
names of a `var_list` dict). `save` copies the variables' values out of the
Session's state (a consistent snapshot, taken under the session lock) and writes
them with `checkpoint_io` (an orbax PyTree directory `PREFIX.data-00000-of-00001/`
plus `PREFIX.index`, in compat_tf's orbax format or TF's tensor bundle; see that
module), committed by rename, then the `checkpoint` state file (replaced atomically, only
after the commit) and `PREFIX.meta`. `restore` reads and checks every value first (missing key:
NotFoundError; shape or dtype mismatch: InvalidArgumentError; unreadable files:
DataLossError) and only then sets all the variables in one commit under the
session lock, so a failed restore changes nothing. Restored variables count as
initialised; plans already compiled are reused (only values change).

The Saver adds TF1's save/restore sub-graph to the graph (train/saver_graph: `save/Const`,
`save/SaveV2`, `save/RestoreV2`, `save/Assign*`, `save/restore_all`), so exported meta graphs
name real ops and `sess.run(saver.saver_def.restore_op_name, {filename: path})` works; `save`
and `restore` themselves do not run those ops (see above). Partitioned variables and
non-variable SaveableObjects other than compat_tf's own (make_saveable_from_iterator's, see
`_StateSaveable`) are not supported; a Saver with one builds no save/restore graph ops.
"""
import os
import threading
import time

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys, Operation, Tensor
from compat_tf._src.ops import variables as _variables
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train import checkpoint_io
from compat_tf._src.train import checkpoint_management

_VARIABLE_OP_TYPES = ("VariableV2", "Variable", "VarHandleOp")


class _SaverDef:
    """A stand-in for the SaverDef proto (its fields) when the protos package lacks it."""
    LEGACY, V1, V2 = 0, 1, 2

    def __init__(self, filename_tensor_name="", save_tensor_name="", restore_op_name="", max_to_keep=0,
                 sharded=False, keep_checkpoint_every_n_hours=0.0, version=0):
        self.filename_tensor_name = filename_tensor_name
        self.save_tensor_name = save_tensor_name
        self.restore_op_name = restore_op_name
        self.max_to_keep = max_to_keep
        self.sharded = sharded
        self.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self.version = version

    def HasField(self, name):  # noqa: N802 - proto API
        return bool(getattr(self, name))

    def CopyFrom(self, other):  # noqa: N802 - proto API
        for k in vars(self):
            setattr(self, k, getattr(other, k))


def _saver_def_class():
    try:
        from compat_tf._src.protos import saver_pb2
        return saver_pb2.SaverDef
    except ImportError:
        return _SaverDef


class _Saveable:
    """One checkpoint entry: its name, the variable's state key, graph, dtype and static shape."""
    __slots__ = ("name", "key", "graph", "dtype", "shape", "var")

    def __init__(self, name, var):
        if isinstance(var, (list, tuple)) or type(var).__name__ == "PartitionedVariable":
            raise NotImplementedError("tf.train.Saver of partitioned variables is not supported by compat_tf")
        if isinstance(var, _variables.Variable):
            ref = var._ref()
        elif isinstance(var, Tensor):
            ref = var
        elif isinstance(var, Operation) and var.outputs:
            ref = var.outputs[0]
        else:
            raise TypeError(f"names_to_saveables must be a dict mapping string names to Tensors/Variables. "
                            f"Not a variable: {var}")
        key = _variable_key(ref)
        if key is None:
            raise TypeError(f"names_to_saveables must be a dict mapping string names to Tensors/Variables. "
                            f"Not a variable: {ref}")
        self.name = name
        self.key = key
        self.var = var
        self.graph = ref.graph
        self.dtype = ref.dtype.base_dtype
        self.shape = ref.shape
        if ref.op.type == "VarHandleOp":      # a resource variable: its dtype and shape are the handle's attrs
            from compat_tf._src.framework import tensor_shape as _ts
            self.dtype = ref.op.get_attr("dtype").base_dtype
            self.shape = _ts.as_shape(ref.op.attrs.get("shape", _ts.unknown_shape()))


class _StateSaveable:
    """One checkpoint entry of a non-variable saveable (an object with `_compat_state_entries`, such as
    data/iterator_saveable.IteratorSaveable): the object snapshots and restores its state itself."""
    __slots__ = ("name", "key", "graph", "dtype", "shape", "var", "obj")

    def __init__(self, obj, name, dtype, shape):
        self.obj, self.name, self.key, self.dtype, self.shape = obj, name, name, dtype, shape
        self.graph = obj.graph
        self.var = None


def _is_state_saveable(obj):
    return hasattr(obj, "_compat_state_entries")


def _state_saveables(obj):
    return [_StateSaveable(obj, name, dtype, shape) for name, dtype, shape in obj._compat_state_entries()]


def _variable_key(tensor):
    """The session-state key of the variable `tensor` is (or is a reference/snapshot of), else None."""
    from compat_tf._src.runtime import plan as _plan
    key = _plan.ref_key(tensor)
    if key is not None:
        return key
    op = tensor.op     # a variable's snapshot `v/read`
    if op.type == "Identity" and op.inputs and op.inputs[0].op.type in _VARIABLE_OP_TYPES:
        return op.inputs[0].op.name
    return None


def _op_list_to_saveables(var_list):
    """TF1's BaseSaverBuilder.OpListToDict: [_Saveable] from a list/tuple/set or a {name: var} dict."""
    if isinstance(var_list, dict):
        items = []
        for name, var in var_list.items():
            if not isinstance(name, str):
                raise TypeError(f"names_to_saveables must be a dict mapping string names to Tensors/"
                                f"Variables; got key {name!r}")
            # a SaveableObject saves under its specs' names, whatever its dict key (TF1)
            items.extend(_state_saveables(var) if _is_state_saveable(var) else [_Saveable(name, var)])
        return items
    if not isinstance(var_list, (list, tuple, set, frozenset)):
        raise TypeError(f"Variables to save should be passed in a dict or a list: {var_list}")
    out, seen = [], set()
    for var in sorted(var_list, key=lambda x: x.name):
        if isinstance(var, (list, tuple)):
            raise NotImplementedError("tf.train.Saver of partitioned variables is not supported by compat_tf")
        if _is_state_saveable(var):
            if var.name in seen:
                raise ValueError(f"At least two variables have the same name: {var.name}")
            seen.add(var.name)
            out.extend(_state_saveables(var))
            continue
        s = _Saveable(None, var)
        save_slice_info = getattr(var, "_save_slice_info", None)
        if save_slice_info is not None:
            raise NotImplementedError(f"tf.train.Saver of partitioned variables is not supported by compat_tf "
                                      f"(shard {var.name} of {save_slice_info.full_name})")
        s.name = s.key
        if s.name in seen:
            raise ValueError(f"At least two variables have the same name: {s.name}")
        seen.add(s.name)
        out.append(s)
    return out


def _all_saveable_objects(scope=None):
    objs = _graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope)
    for obj in _graph.get_collection(GraphKeys.SAVEABLE_OBJECTS, scope):
        if isinstance(obj, (_variables.Variable, Tensor)) or _is_state_saveable(obj):
            objs.append(obj)
        else:
            logging.warning("compat_tf's Saver skips the saveable object %r (only variables are supported)",
                            obj)
    return objs


def _raw_session(sess):
    """The compat_tf BaseSession behind `sess` (a Session, or a wrapper such as MonitoredSession)."""
    s = sess
    for _ in range(10):
        if hasattr(s, "_state") and hasattr(s, "_lock"):
            return s
        nxt = None
        for attr in ("_tf_sess", "_sess", "_session"):
            cand = getattr(s, attr, None)
            if callable(cand) and attr == "_tf_sess":
                cand = cand()
            if cand is not None and cand is not s:
                nxt = cand
                break
        if nxt is None:
            break
        s = nxt
    raise TypeError(f"'sess' must be a Session; {sess}")


# one save at a time in this process (Saver.save)
_SAVE_LOCK = threading.RLock()


def _executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


def _session_of(sess, saveables):
    """`sess`'s compat_tf session; while executing eagerly with sess=None, the eager variables' state."""
    if sess is None and _executing_eagerly():
        from compat_tf._src.eager.graph_session import EagerVariablesState
        return EagerVariablesState(saveables)
    return _raw_session(sess)


def _check_session(session, saveables):
    if session._closed:
        raise RuntimeError("Attempted to use a closed Session.")
    for s in saveables:
        if s.graph is not session.graph:
            raise ValueError(f"Variable {s.key} is not an element of this graph (the Saver's variables and "
                             "the session must share a graph).")


def snapshot(session, saveables):
    """{checkpoint name: NumPy array}: the variables' values, and the state of non-variable saveables (an
    iterator's position), at one instant (FailedPrecondition if a variable is unset)."""
    copies = {}
    objects = {id(s.obj): s.obj for s in saveables if isinstance(s, _StateSaveable)}
    saveables = [s for s in saveables if not isinstance(s, _StateSaveable)]
    with session._lock:
        state = session._state
        missing = [s.key for s in saveables if state.get(s.key) is None]
        if missing:
            raise errors.FailedPreconditionError(
                None, None, f"Attempting to use uninitialized value {missing[0]}\n\t [[node save/SaveV2]]")
        for s in saveables:
            # a host copy, made under the lock: the state buffer may be donated by the next run
            copies[s.name] = np.array(state[s.key])
        out = {}
        for obj in objects.values():     # non-variable state, at the same instant
            out.update(obj._compat_snapshot(session))
    for s in saveables:
        arr = copies[s.name]
        if s.dtype != _dtypes.string and arr.dtype != np.dtype(s.dtype.as_numpy_dtype):
            arr = arr.astype(s.dtype.as_numpy_dtype)
        out[s.name] = arr
    return out


def _restore_error(err, extra):
    msg = (f"Restoring from checkpoint failed. This is most likely due to {extra} from the checkpoint. "
           f"Please ensure that you have not altered the graph expected based on the checkpoint. "
           f"Original error:\n\n{err.message}")
    return type(err)(None, None, msg)


def restore_values(session, saveables, save_path, reshape=False):
    """Reads `saveables` from the checkpoint `save_path` and sets them in `session`, all or nothing (a
    non-variable saveable parses and prepares its state before anything is set)."""
    index = checkpoint_io.CheckpointIndex(save_path)
    for s in saveables:
        if s.name not in index.entries:
            raise _restore_error(
                errors.NotFoundError(None, None, f"Key {s.name} not found in checkpoint\n\t "
                                     f"[[node save/RestoreV2]]"),
                "a Variable name or other graph key that is missing")
        dtype, shape = index.dtype(s.name), index.shape(s.name)
        if dtype != s.dtype:
            raise _restore_error(
                errors.InvalidArgumentError(
                    None, None, f"tensor_name = {s.name}; expected dtype {s.dtype.name} does not equal "
                    f"original dtype {dtype.name}\n\t [[node save/RestoreV2]]"),
                "a mismatch between the current graph and the graph")
        if not s.shape.is_compatible_with(shape):
            if not (reshape and s.shape.is_fully_defined()
                    and int(np.prod(s.shape.as_list())) == int(np.prod(shape))):
                raise _restore_error(
                    errors.InvalidArgumentError(
                        None, None, f"Assign requires shapes of both tensors to match. lhs shape= "
                        f"{s.shape.as_list()} rhs shape= {list(shape)} (variable {s.key}, checkpoint tensor "
                        f"{s.name})\n\t [[node save/Assign]]"),
                    "a mismatch between the current graph and the graph")
    values = index.read(sorted({s.name for s in saveables}))
    objects = {id(s.obj): s.obj for s in saveables if isinstance(s, _StateSaveable)}
    prepared = [(obj, obj._compat_prepare(session, values)) for obj in objects.values()]
    updates = {}
    for s in saveables:
        if isinstance(s, _StateSaveable):
            continue
        arr = values[s.name]
        if s.shape.is_fully_defined() and tuple(arr.shape) != tuple(s.shape.as_list()):
            arr = arr.reshape(s.shape.as_list())
        updates[s.key] = arr
    commit(session, updates)
    for obj, state in prepared:
        obj._compat_apply(session, state)


def commit(session, host_values):
    """Sets {state key: NumPy array} in `session` in one update under its lock."""
    import jax.numpy as jnp
    device = {}
    for k, arr in host_values.items():
        device[k] = arr if arr.dtype == object else jnp.asarray(arr)
    with session._lock:
        if session._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        session._state.update(device)


class Saver:
    """TF1's tf.train.Saver: saves and restores variables (see the module docstring)."""

    def __init__(self, var_list=None, reshape=False, sharded=False, max_to_keep=5,
                 keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False, saver_def=None,
                 builder=None, defer_build=False, allow_empty=False, write_version=2, pad_step_number=False,
                 save_relative_paths=False, filename=None):
        if defer_build and var_list:
            raise ValueError("If `var_list` is provided then build cannot be deferred. Either set "
                             "defer_build=False or var_list=None.")
        if builder is not None:
            raise NotImplementedError("tf.train.Saver(builder=...) is not supported by compat_tf")
        self._var_list = var_list
        self._reshape = reshape
        self._sharded = sharded
        self._max_to_keep = max_to_keep
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._name = name
        self._restore_sequentially = restore_sequentially
        self.saver_def = saver_def
        self._allow_empty = allow_empty
        self._is_built = False
        self._is_empty = None
        self._write_version = write_version
        self._pad_step_number = pad_step_number
        self._filename = filename
        self._saveables = []
        self._graph = _graph.get_default_graph()
        self._next_checkpoint_time = time.time() + keep_checkpoint_every_n_hours * 3600
        self._last_checkpoints = []
        self._checkpoints_to_be_deleted = []
        if not defer_build:
            self.build()
        if self.saver_def is not None:
            self._max_to_keep = self.saver_def.max_to_keep
            self._keep_checkpoint_every_n_hours = self.saver_def.keep_checkpoint_every_n_hours
            self._write_version = self.saver_def.version
        self._save_relative_paths = save_relative_paths

    # -- building --------------------------------------------------------------
    def build(self):
        self._build()

    def _build(self):
        if self._is_built:
            return
        self._is_built = True
        g = self._graph = _graph.get_default_graph()
        var_list = self._var_list
        if self.saver_def is not None and var_list is None:
            # a SaverDef from a MetaGraphDef: the variables are those of its name scope
            scope = self._name or ""
            var_list = _all_saveable_objects(scope=scope or None)
            prefix = scope if not scope or scope.endswith("/") else scope + "/"
            if prefix:
                var_list = {v.op.name[len(prefix):] if v.op.name.startswith(prefix) else v.op.name: v
                            for v in var_list}
        elif var_list is None:
            if _executing_eagerly():
                raise RuntimeError("When eager execution is enabled, `var_list` must specify a list or dict of "
                                   "variables to save")
            var_list = _all_saveable_objects()
        if not var_list:
            if self._allow_empty:
                self._is_empty = True
                return
            raise ValueError("No variables to save")
        self._is_empty = False
        self._saveables = _op_list_to_saveables(var_list)
        if self.saver_def is None:
            scope = g.unique_name(self._name or "save")     # TF1's `save`, `save_1`, ... name scope
            version = self._write_version
            from compat_tf._src.train import saver_graph
            # (TF 1.15's eager Saver builds no save/restore ops: it saves the eager variables at once)
            built = None if _executing_eagerly() else saver_graph.build(g, scope + "/", self._saveables)
            filename, save_tensor, restore_op = built or (
                f"{scope}/Const:0", f"{scope}/control_dependency:0", f"{scope}/restore_all")
            self.saver_def = _saver_def_class()(
                filename_tensor_name=filename, save_tensor_name=save_tensor,
                restore_op_name=restore_op, max_to_keep=self._max_to_keep or 0,
                sharded=bool(self._sharded),
                keep_checkpoint_every_n_hours=self._keep_checkpoint_every_n_hours, version=version)

    def as_saver_def(self):
        return self.saver_def

    def to_proto(self, export_scope=None):
        return self.saver_def

    @staticmethod
    def from_proto(saver_def, import_scope=None):
        return Saver(saver_def=saver_def, name=import_scope)

    # -- checkpoint bookkeeping -------------------------------------------------------
    @property
    def last_checkpoints(self):
        return [p for p, _ in self._last_checkpoints]

    def set_last_checkpoints(self, last_checkpoints):
        assert isinstance(last_checkpoints, list)
        self._last_checkpoints = [(s, np.inf) for s in last_checkpoints]

    def set_last_checkpoints_with_time(self, last_checkpoints_with_time):
        assert isinstance(last_checkpoints_with_time, list)
        self._last_checkpoints = list(last_checkpoints_with_time)

    def recover_last_checkpoints(self, checkpoint_paths):
        """Takes over `checkpoint_paths` (those that exist, with their mtimes) as the kept checkpoints."""
        with_mtimes = []
        for path in checkpoint_paths:
            mtime = checkpoint_management.get_checkpoint_mtimes([path])
            if mtime:
                with_mtimes.append((path, mtime[0]))
        self.set_last_checkpoints_with_time(with_mtimes)

    def _record_last_checkpoint(self, latest_save_path):
        if not self._max_to_keep:
            return
        self._last_checkpoints = [p for p in self._last_checkpoints if p[0] != latest_save_path]
        self._last_checkpoints.append((latest_save_path, time.time()))
        if len(self._last_checkpoints) > self._max_to_keep:
            self._checkpoints_to_be_deleted.append(self._last_checkpoints.pop(0))

    def _maybe_delete_old_checkpoints(self, meta_graph_suffix="meta"):
        if self._checkpoints_to_be_deleted:
            path, ctime = self._checkpoints_to_be_deleted.pop(0)
            if ctime > self._next_checkpoint_time:      # keep one every N hours
                self._next_checkpoint_time += self._keep_checkpoint_every_n_hours * 3600
                return
            try:
                checkpoint_management.remove_checkpoint(path, self._write_version, meta_graph_suffix)
            except Exception as e:  # noqa: BLE001 - TF1 ignores failed deletions
                logging.warning("Ignoring: %s", e)

    # -- save / restore -------------------------------------------------------------
    def save(self, sess, save_path, global_step=None, latest_filename=None, meta_graph_suffix="meta",
             write_meta_graph=True, write_state=True, strip_default_attrs=False, save_debug_info=False):
        """Saves the variables to `save_path[-global_step]`; returns that prefix (None for an empty Saver).

        Saves made from several threads (a Supervisor's checkpoint thread and the training loop)
        run one at a time, in the order they were called, so the checkpoint state names the last
        save called, as TF1's quick saves of the same moment do (compat_tf's checksummed, atomic
        writes take longer: without the lock an earlier save could finish last)."""
        with _SAVE_LOCK:
            return self._save(sess, save_path, global_step, latest_filename, meta_graph_suffix,
                              write_meta_graph, write_state, strip_default_attrs, save_debug_info)

    def _save(self, sess, save_path, global_step, latest_filename, meta_graph_suffix, write_meta_graph,
              write_state, strip_default_attrs, save_debug_info):
        if not self._is_built:
            raise RuntimeError("`build()` should be called before save if defer_build==True")
        if latest_filename is None:
            latest_filename = "checkpoint"
        if os.path.split(latest_filename)[0]:
            raise ValueError("'latest_filename' must not contain path components")
        save_path = os.fspath(save_path)
        if global_step is not None:
            if not isinstance(global_step, (int, np.integer)):
                from compat_tf._src.train import training_util
                global_step = training_util.global_step(sess, global_step)
            if self._pad_step_number:
                checkpoint_file = "%s-%s" % (save_path, "{:08d}".format(int(global_step)))
            else:
                checkpoint_file = "%s-%d" % (save_path, int(global_step))
        else:
            checkpoint_file = save_path
            if os.path.basename(save_path) == latest_filename and not self._sharded:
                raise ValueError(f"'latest_filename' collides with 'save_path': '{latest_filename}' and "
                                 f"'{save_path}'")
        session = _session_of(sess, self._saveables)
        if _executing_eagerly():
            write_meta_graph = False        # TF 1.15's eager Saver writes no meta graph
        save_path_parent = os.path.dirname(save_path)
        model_checkpoint_path = None
        if not self._is_empty:
            _check_session(session, self._saveables)
            values = snapshot(session, self._saveables)
            try:
                checkpoint_io.write_checkpoint(checkpoint_file, values)
            except (errors.FailedPreconditionError, errors.NotFoundError) as exc:
                if not os.path.isdir(save_path_parent or "."):      # TF1's Saver.save
                    raise ValueError(f"Parent directory of {save_path} doesn't exist, can't save.") from exc
                raise
            model_checkpoint_path = checkpoint_file
            if write_state:
                self._record_last_checkpoint(model_checkpoint_path)
                checkpoint_management.update_checkpoint_state_internal(
                    save_dir=save_path_parent, model_checkpoint_path=model_checkpoint_path,
                    all_model_checkpoint_paths=self.last_checkpoints, latest_filename=latest_filename,
                    save_relative_paths=self._save_relative_paths)
                self._maybe_delete_old_checkpoints(meta_graph_suffix=meta_graph_suffix)
        if write_meta_graph:
            meta_graph_filename = checkpoint_management.meta_graph_filename(
                checkpoint_file, meta_graph_suffix=meta_graph_suffix)
            from compat_tf._src.train import checkpoint_format
            # in the "tf" format the meta graph is for TF: a training step TF cannot express is left out
            policy = "prune" if checkpoint_format.get_format() == "tf" else "auto"
            with session.graph.as_default():
                try:
                    self.export_meta_graph(meta_graph_filename, strip_default_attrs=strip_default_attrs,
                                           _on_compat_only=policy)
                except NotImplementedError as e:
                    logging.warning("Not writing %s: %s", meta_graph_filename, e)
        return model_checkpoint_path

    def restore(self, sess, save_path):
        """Sets the Saver's variables from the checkpoint `save_path` (all of them, or none on error)."""
        if self._is_empty:
            return
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        save_path = os.fspath(save_path)
        if isinstance(save_path, bytes):
            save_path = save_path.decode()
        if not checkpoint_management.checkpoint_exists_internal(save_path):
            raise ValueError("The passed save_path is not a valid checkpoint: " + save_path)
        logging.info("Restoring parameters from %s", save_path)
        session = _session_of(sess, self._saveables)
        _check_session(session, self._saveables)
        restore_values(session, self._saveables, save_path, reshape=self._reshape)

    # -- meta graphs -------------------------------------------------------------------
    def export_meta_graph(self, filename=None, collection_list=None, as_text=False, export_scope=None,
                          clear_devices=False, clear_extraneous_savers=False, strip_default_attrs=False,
                          save_debug_info=False, _on_compat_only="auto"):
        from compat_tf._src.train import meta_graph
        return meta_graph.export_meta_graph(
            filename=filename, graph_def=None, saver_def=self.saver_def, collection_list=collection_list,
            as_text=as_text, export_scope=export_scope, clear_devices=clear_devices,
            clear_extraneous_savers=clear_extraneous_savers, strip_default_attrs=strip_default_attrs,
            graph=self._graph, on_compat_only=_on_compat_only)


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None, collection_list=None,
                      as_text=False, graph=None, export_scope=None, clear_devices=False,
                      clear_extraneous_savers=False, strip_default_attrs=False, save_debug_info=False,
                      **kwargs):
    """TF1's tf.train.export_meta_graph: the MetaGraphDef of the default graph (written to `filename`)."""
    from compat_tf._src.train import meta_graph
    return meta_graph.export_meta_graph(
        filename=filename, meta_info_def=meta_info_def, graph_def=graph_def, saver_def=saver_def,
        collection_list=collection_list, as_text=as_text, graph=graph, export_scope=export_scope,
        clear_devices=clear_devices, clear_extraneous_savers=clear_extraneous_savers,
        strip_default_attrs=strip_default_attrs)


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None, **kwargs):
    """TF1's tf.train.import_meta_graph: imports the graph and collections; returns a Saver (or None)."""
    from compat_tf._src.train import meta_graph
    meta_graph_def, imported_vars = meta_graph.import_meta_graph(
        meta_graph_or_file, clear_devices=clear_devices, import_scope=import_scope, **kwargs)
    if meta_graph_def.HasField("saver_def"):
        scope = import_scope
        if imported_vars:
            sample_key = next(iter(imported_vars))
            scope = imported_vars[sample_key].name[:-len(sample_key)]
        return Saver(saver_def=meta_graph_def.saver_def, name=scope)
    if _all_saveable_objects(scope=import_scope):
        return Saver()
    logging.info("Saver not created because there are no variables in the graph to restore")
    return None
