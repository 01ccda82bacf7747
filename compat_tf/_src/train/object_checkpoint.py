"""tf.train.Checkpoint: object-based checkpoints (TF 1.15's training/tracking/util.py).

A checkpoint stores the variables reachable from its root object, each under the path by
which a breadth-first walk of the object graph reaches it first, plus
"/.ATTRIBUTES/VARIABLE_VALUE": `tf.train.Checkpoint(model=m, optimizer=opt, step=s)` writes
"step/.ATTRIBUTES/VARIABLE_VALUE", "model/layer_with_weights-0/kernel/.ATTRIBUTES/...",
"optimizer/beta1_power/.ATTRIBUTES/...", slot variables as
"<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot>/.ATTRIBUTES/VARIABLE_VALUE",
its own "save_counter", and the object graph itself (a TrackableObjectGraph proto) under
"_CHECKPOINTABLE_OBJECT_GRAPH". The edges are TF 1.15's: a Checkpoint's keyword arguments
(sorted by name) then "save_counter"; a Keras layer/model's weights, sublayers and (for
Sequential/functional models) "layer-i"/"layer_with_weights-j" (keras/saving/
checkpoint_format.py); a tf.train optimizer's non-slot variables by name ("beta1_power");
a `Checkpointable` object's trackable attributes in assignment order; lists of trackables
as "<attr>/<index>".

`save(prefix)` increments `save_counter` and writes `prefix-<counter>`, recording it in the
directory's `checkpoint` state file (so `tf.train.latest_checkpoint` finds it); `write`
writes exactly `prefix`. `restore(path)` assigns every variable whose key is in the
checkpoint and returns a load status (`assert_consumed`, `assert_existing_objects_matched`,
`assert_nontrivial_match`, `expect_partial`, `run_restore_ops`, `initialize_or_restore`);
variables created later (a Keras model built after the restore, optimizer slots made by the
first apply_gradients) are restored when they first appear, as TF's deferred restoration.
In graph mode, values go through the default session (`save(prefix, session=...)`,
`status.run_restore_ops(session)`).

Files are written by compat_tf's checkpoint writer (train/checkpoint_io.py); checkpoints
TensorFlow wrote (tensor bundles with these keys) are read too.
"""
import collections
import os
import weakref

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import variables as _variables

_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"
OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"


def _executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


class Checkpointable:
    """tf.contrib.eager.Checkpointable (TF's AutoTrackable): trackable attributes are dependencies."""


# --------------------------------------------------------------------------------------------
# the object graph
# --------------------------------------------------------------------------------------------

def _is_trackable(obj):
    from compat_tf._src.keras.engine.base_layer import Layer
    from compat_tf._src.keras.optimizer_v2.optimizer_v2 import OptimizerV2
    from compat_tf._src.train.optimizer import Optimizer
    return isinstance(obj, (_variables.Variable, Layer, OptimizerV2, Optimizer, Checkpointable))


def _children(obj):
    """(local name, child) edges of a trackable object, in TF 1.15's order."""
    from compat_tf._src.keras.engine.base_layer import Layer
    from compat_tf._src.keras.optimizer_v2.optimizer_v2 import OptimizerV2
    from compat_tf._src.keras.saving import checkpoint_format
    from compat_tf._src.train.optimizer import Optimizer
    if isinstance(obj, _variables.Variable):
        return []
    if isinstance(obj, (Layer, OptimizerV2)):
        return checkpoint_format._children(obj)
    if isinstance(obj, Optimizer):
        return [(name, v) for (name, _), v in obj._non_slot_dict.items()]
    out = []
    for attr, value in vars(obj).items():
        if attr.startswith("_"):
            continue
        if _is_trackable(value):
            out.append((attr, value))
        elif isinstance(value, (list, tuple)) and value and all(_is_trackable(v) for v in value):
            out.extend((f"{attr}/{i}", v) for i, v in enumerate(value))
        elif isinstance(value, dict) and value and all(_is_trackable(v) for v in value.values()):
            out.extend((f"{attr}/{k}", v) for k, v in value.items())
    if isinstance(obj, Checkpoint) and obj._save_counter is not None:
        out.append(("save_counter", obj._save_counter))
    return out


class _Walk:
    """A breadth-first walk of the object graph from `root`: node ids, paths, edges, variables' keys."""

    def __init__(self, root):
        self.nodes = [root]
        self.paths = [""]
        self.edges = []
        index = {id(root): 0}
        queue = collections.deque([0])
        while queue:
            i = queue.popleft()
            edges = []
            for name, child in _children(self.nodes[i]):
                j = index.get(id(child))
                if j is None:
                    j = index[id(child)] = len(self.nodes)
                    self.nodes.append(child)
                    self.paths.append(f"{self.paths[i]}/{name}" if self.paths[i] else name)
                    queue.append(j)
                edges.append((j, name))
            self.edges.append(edges)
        self.index = index
        self.slots = self._slot_variables()

    def _slot_variables(self):
        """[(variable node, optimizer node, slot name, slot variable)] for the optimizers in the graph."""
        from compat_tf._src.train.optimizer import Optimizer
        from compat_tf._src.train.optimizer import _var_key
        out = []
        variables = {}
        for i, obj in enumerate(self.nodes):
            if isinstance(obj, _variables.Variable):
                variables.setdefault(_var_key(obj), i)
        for o, obj in enumerate(self.nodes):
            if not isinstance(obj, Optimizer):
                continue
            for slot_name in sorted(obj._slots):
                for key, slot in obj._slots[slot_name].items():
                    v = variables.get(key)
                    if v is not None:
                        out.append((v, o, slot_name, slot))
        return out

    def variable_keys(self):
        """{checkpoint key: variable}."""
        keys = {}
        for obj, path in zip(self.nodes, self.paths):
            if isinstance(obj, _variables.Variable) and path:
                keys[path + _SUFFIX] = obj
        for v, o, slot_name, slot in self.slots:
            keys[f"{self.paths[v]}/.OPTIMIZER_SLOT/{self.paths[o]}/{slot_name}{_SUFFIX}"] = slot
        return keys

    def object_graph_proto(self):
        """The TrackableObjectGraph TF stores beside the values."""
        from compat_tf._src.protos.trackable_object_graph_pb2 import TrackableObjectGraph
        graph = TrackableObjectGraph()
        slot_nodes = {}
        for obj, path, edges in zip(self.nodes, self.paths, self.edges):
            node = graph.nodes.add()
            for j, name in edges:
                node.children.add(node_id=j, local_name=name)
            if isinstance(obj, _variables.Variable) and path:
                node.attributes.add(name="VARIABLE_VALUE", full_name=_full_name(obj),
                                    checkpoint_key=path + _SUFFIX)
        for v, o, slot_name, slot in self.slots:
            sid = slot_nodes.get(id(slot))
            if sid is None:
                sid = slot_nodes[id(slot)] = len(graph.nodes)
                node = graph.nodes.add()
                node.attributes.add(name="VARIABLE_VALUE", full_name=_full_name(slot),
                                    checkpoint_key=f"{self.paths[v]}/.OPTIMIZER_SLOT/{self.paths[o]}/"
                                                   f"{slot_name}{_SUFFIX}")
            graph.nodes[o].slot_variables.add(original_variable_node_id=v, slot_name=slot_name,
                                              slot_variable_node_id=sid)
        return graph


def _full_name(var):
    name = var.name
    return name[:-2] if name.endswith(":0") else name


# --------------------------------------------------------------------------------------------
# values in and out
# --------------------------------------------------------------------------------------------

def _session(session):
    from compat_tf._src.runtime import session as _session
    session = session or _session.get_default_session()
    if session is None:
        raise ValueError("In graph mode tf.train.Checkpoint needs a session: pass session=... or use a default "
                         "session (`with tf.Session() as sess:`).")
    return session


def _read_values(variables, session):
    if _executing_eagerly():
        return [np.asarray(v.numpy()) for v in variables]
    return list(_session(session).run([v.value() if hasattr(v, "value") else v for v in variables]))


def _assign_values(pairs, session):
    eager = [(v, x) for v, x in pairs if getattr(v, "_unique_id", None) is not None]
    for v, x in eager:
        v.assign(np.asarray(x, v.dtype.base_dtype.as_numpy_dtype))
    graph = [(v, x) for v, x in pairs if getattr(v, "_unique_id", None) is None]
    if graph:
        sess = _session(session)
        for v, x in graph:
            v.load(x, sess)


def _check_shape(key, var, value):
    expected = var.shape
    if not expected.is_compatible_with(np.shape(value)):
        raise ValueError(f"Received incompatible tensor with shape {list(np.shape(value))} when attempting to "
                         f"restore variable with shape {expected} and name {_full_name(var)} (checkpoint key "
                         f"{key}).")


# --------------------------------------------------------------------------------------------
# deferred restoration
# --------------------------------------------------------------------------------------------

_PENDING = []          # [_PendingRestore] whose checkpoints still hold values for objects not made yet


class _PendingRestore:
    def __init__(self, root, reader, status):
        self.root = weakref.ref(root)
        self.reader = reader
        self.status = status


def restore_pending(session=None):
    """Restores variables created since a restore() whose keys are in its checkpoint (TF's deferred
    restoration); called when new variables appear (first read of an eager variable, new slots)."""
    for pending in list(_PENDING):
        root = pending.root()
        if root is None:
            _PENDING.remove(pending)
            continue
        keys = _Walk(root).variable_keys()
        pairs = []
        for key, var in keys.items():
            if id(var) in pending.status._restored or not pending.reader.has_tensor(key):
                continue
            value = pending.reader.get_tensor(key)
            _check_shape(key, var, value)
            pairs.append((var, value))
            pending.status._restored.add(id(var))
            pending.status._matched_keys.add(key)
        if pairs:
            _assign_values(pairs, session)


def has_pending():
    return bool(_PENDING)


# --------------------------------------------------------------------------------------------
# load statuses
# --------------------------------------------------------------------------------------------

class CheckpointLoadStatus:
    """What Checkpoint.restore returns: checks of how the checkpoint matched the objects."""

    def __init__(self, checkpoint, reader, save_path):
        self._checkpoint = checkpoint
        self._reader = reader
        self._save_path = save_path
        self._restored = set()          # ids of variables given a value
        self._matched_keys = set()
        self._pairs = []                # graph mode: (variable, value) waiting for run_restore_ops

    def _checkpoint_keys(self):
        return {k for k in self._reader.get_variable_to_shape_map() if k != OBJECT_GRAPH_KEY}

    def assert_consumed(self):
        """AssertionError unless every checkpointed value and every object's variable was matched."""
        restore_pending()
        unresolved = sorted(self._checkpoint_keys() - self._matched_keys)
        if unresolved:
            raise AssertionError(f"Unresolved object in checkpoint {self._save_path}: {unresolved}")
        self.assert_existing_objects_matched()
        return self

    def assert_existing_objects_matched(self):
        """AssertionError if a variable of the object graph got no value from the checkpoint."""
        restore_pending()
        keys = _Walk(self._checkpoint).variable_keys()
        missing = sorted(k for k, v in keys.items() if id(v) not in self._restored
                         and not k.startswith("save_counter/"))
        if missing:
            raise AssertionError(f"Some Python objects were not bound to checkpointed values, likely due to "
                                 f"changes in the Python program: {missing}")
        return self

    def assert_nontrivial_match(self):
        """AssertionError unless something besides the root's save_counter was restored."""
        restore_pending()
        if not any(not k.startswith("save_counter/") for k in self._matched_keys):
            raise AssertionError(f"Nothing except the root object matched a checkpointed value. Typically this "
                                 f"means that the checkpoint does not match the Python program "
                                 f"({self._save_path}).")
        return self

    def expect_partial(self):
        return self

    def run_restore_ops(self, session=None):
        """Graph mode: assigns the matched values in `session` (eager mode: already done)."""
        if self._pairs:
            _assign_values(self._pairs, session)
        return None

    def initialize_or_restore(self, session=None):
        """Graph mode: runs the initializers of unmatched variables, then restores the matched ones."""
        if not _executing_eagerly():
            keys = _Walk(self._checkpoint).variable_keys()
            fresh = [v for v in keys.values() if id(v) not in self._restored and v.initializer is not None]
            if fresh:
                _session(session).run([v.initializer for v in fresh])
        return self.run_restore_ops(session)


class InitializationOnlyStatus(CheckpointLoadStatus):
    """What restore(None) returns: nothing to load; initialize_or_restore initializes everything."""

    def __init__(self, checkpoint):
        super().__init__(checkpoint, None, None)

    def _checkpoint_keys(self):
        return set()

    def assert_consumed(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    assert_existing_objects_matched = assert_consumed
    assert_nontrivial_match = assert_consumed


# --------------------------------------------------------------------------------------------
# the Checkpoint object
# --------------------------------------------------------------------------------------------

class Checkpoint(Checkpointable):
    """tf.train.Checkpoint / tf.contrib.eager.Checkpoint (see the module docstring)."""

    def __init__(self, **kwargs):
        self._save_counter = None
        self._save_assign = None
        for k, v in sorted(kwargs.items()):
            if not _is_trackable(v):
                raise ValueError(f"`Checkpoint` was expecting a trackable object (an object derived from "
                                 f"`TrackableBase`), got {v}. If you believe this object should be trackable "
                                 "(i.e. it is part of the TensorFlow Python API and manages state), please "
                                 "open an issue.")
            setattr(self, k, v)

    def __setattr__(self, name, value):
        if name == "save_counter":
            raise AttributeError("can't set attribute save_counter")
        super().__setattr__(name, value)

    @property
    def save_counter(self):
        """The int64 variable counting `save` calls (created on first use)."""
        self._maybe_create_save_counter()
        return self._save_counter

    def _maybe_create_save_counter(self):
        if self._save_counter is None:
            from compat_tf._src.eager import capture
            with capture.init_scope() if _executing_eagerly() else _graph.get_default_graph().name_scope(None):
                self.__dict__["_save_counter"] = _variables.Variable(
                    np.int64(0), name="save_counter", trainable=False, dtype=_dtypes.int64)

    def write(self, file_prefix, session=None):
        """Writes the checkpoint `file_prefix` (no counter, no state file); returns the prefix."""
        from compat_tf._src.train import checkpoint_io
        file_prefix = os.fspath(file_prefix)
        self._maybe_create_save_counter()
        if not _executing_eagerly():
            self._init_save_counter(session)
        walk = _Walk(self)
        keys = walk.variable_keys()
        names = list(keys)
        values = _read_values([keys[n] for n in names], session)
        tensors = dict(zip(names, values))
        tensors[OBJECT_GRAPH_KEY] = np.asarray(walk.object_graph_proto().SerializeToString(), dtype=object)
        checkpoint_io.write_checkpoint(file_prefix, tensors)
        return file_prefix

    def _init_save_counter(self, session):
        sess = _session(session)
        key = self._save_counter.op.name
        if sess._variable_value(key) is None:
            sess.run(self._save_counter.initializer)

    def save(self, file_prefix, session=None):
        """Increments save_counter and writes `file_prefix-<save_counter>`; returns that path."""
        from compat_tf._src.train import checkpoint_management
        file_prefix = os.fspath(file_prefix)
        self._maybe_create_save_counter()
        if _executing_eagerly():
            self._save_counter.assign_add(1)
            count = int(self._save_counter.numpy())
        else:
            self._init_save_counter(session)
            if self._save_assign is None:
                self._save_assign = self._save_counter.assign_add(1)
            count = int(_session(session).run(self._save_assign))
        path = self.write(f"{file_prefix}-{count}", session=session)
        checkpoint_management.update_checkpoint_state_internal(
            save_dir=os.path.dirname(file_prefix), model_checkpoint_path=path, all_model_checkpoint_paths=[path],
            save_relative_paths=True)
        return path

    def restore(self, save_path, session=None):
        """Restores the checkpoint `save_path` (None: nothing); returns its load status."""
        from compat_tf._src.train import checkpoint_io
        if save_path is None:
            return InitializationOnlyStatus(self)
        save_path = os.fspath(save_path)
        reader = checkpoint_io.NewCheckpointReader(save_path)
        status = CheckpointLoadStatus(self, reader, save_path)
        if reader.has_tensor("save_counter" + _SUFFIX):
            self._maybe_create_save_counter()
        keys = _Walk(self).variable_keys()
        pairs = []
        for key, var in keys.items():
            if reader.has_tensor(key):
                value = reader.get_tensor(key)
                _check_shape(key, var, value)
                pairs.append((var, value))
                status._restored.add(id(var))
                status._matched_keys.add(key)
        if _executing_eagerly():
            _assign_values(pairs, session)
            if status._checkpoint_keys() - status._matched_keys:
                _PENDING.append(_PendingRestore(self, reader, status))
        else:
            status._pairs = pairs
        return status
