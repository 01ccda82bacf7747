"""compat_tf's checkpoint files (orbax-checkpoint underneath) and TF1's CheckpointReader.

Layout of the checkpoint with prefix PREFIX (e.g. `train/model.ckpt-100`):

  PREFIX.data-00000-of-00001/   an orbax-checkpoint PyTree directory (synchronous
                                `PyTreeCheckpointer`, OCDBT/zarr): one array per
                                checkpoint tensor, under the keys "t0", "t1", ...
  PREFIX.index                  a small JSON file, written last and atomically:
                                {"format": "compat_tf.orbax/1", "data": <data dir name>,
                                 "tensors": {name: {"dtype", "shape", "key"}}}
                                Tensors orbax cannot hold (strings, zero-size
                                arrays) carry their value in the entry ("value").
  PREFIX.meta                   the MetaGraphDef (written by Saver.save), TF's format.

The names match TF's V2 checkpoint files, so TF1 code that tests
`tf.gfile.Exists(PREFIX + ".index")`, globs `PREFIX.*`, or deletes
`PREFIX.data-?????-of-?????` keeps working; `PREFIX.index` exists only for a complete
checkpoint. Checkpoint tensor names are TF's (variable op names such as "w",
"scope/w", "w/Adam"), and dtypes and shapes are kept exactly (float64, int64, bool,
bfloat16, ...).

Checkpoints written by real TensorFlow (tensor-bundle V2: a binary SSTable
`PREFIX.index` plus raw `PREFIX.data-0000i-of-0000N` shards) are read too: a
CheckpointIndex whose `.index` ends with the SSTable magic number reads through
`compat_tf._src.io.tensor_bundle` (checksums verified, DataLossError on corruption), so
Saver.restore, NewCheckpointReader and the checkpoint_utils accept either format.
compat_tf still writes only its own format.
"""
import base64
import json
import os
import shutil
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.parallel import cluster as _cluster
from compat_tf._src.io import tensor_bundle

FORMAT = "compat_tf.orbax/1"
DATA_SUFFIX = ".data-00000-of-00001"

_checkpointer = None
_checkpointer_lock = threading.Lock()
_io_lock = threading.Lock()      # one orbax save/restore at a time through the shared checkpointer


def _orbax():
    global _checkpointer
    import orbax.checkpoint as ocp
    with _checkpointer_lock:
        if _checkpointer is None:
            # in a multi-process cluster job: this process alone (parallel/cluster.py)
            _checkpointer = _cluster.orbax_checkpointer(ocp) or ocp.PyTreeCheckpointer()
    return ocp, _checkpointer


def _as_str(path):
    path = os.fspath(path)
    return path.decode() if isinstance(path, bytes) else path


def _dtype_name(arr):
    return _dtypes.as_dtype(arr.dtype).name if arr.dtype != object else "string"


def _encode_strings(arr):
    flat = [x if isinstance(x, bytes) else str(x).encode() for x in arr.ravel().tolist()]
    return [base64.b64encode(x).decode("ascii") for x in flat]


def _decode_strings(values, shape):
    out = np.empty(len(values), dtype=object)
    out[:] = [base64.b64decode(v) for v in values]
    return out.reshape(shape)


def write_checkpoint(prefix, tensors):
    """Writes `tensors` ({name: NumPy array}) as the checkpoint `prefix` (replacing one there)."""
    prefix = _as_str(prefix)
    _cluster.check_checkpoint_writer(prefix)     # in a cluster job, the chief alone writes
    parent = os.path.dirname(prefix)
    if parent:
        os.makedirs(parent, exist_ok=True)
    index_path = prefix + ".index"
    data_path = prefix + DATA_SUFFIX
    entries, tree = {}, {}
    for i, (name, arr) in enumerate(sorted(tensors.items())):
        arr = np.asarray(arr)
        entry = {"dtype": _dtype_name(arr), "shape": list(arr.shape)}
        if arr.dtype == object:
            entry["value"] = _encode_strings(arr)
        elif arr.size == 0:
            entry["value"] = []
        else:
            entry["key"] = key = f"t{i}"
            tree[key] = arr
        entries[name] = entry
    # An existing checkpoint of this prefix stops being one before its data is replaced.
    if os.path.lexists(index_path):
        os.remove(index_path)
    if os.path.isdir(data_path) and not os.path.islink(data_path):
        shutil.rmtree(data_path)
    elif os.path.lexists(data_path):
        os.remove(data_path)
    if tree:
        _, ckptr = _orbax()
        try:
            with _io_lock:
                ckptr.save(os.path.abspath(data_path), tree, force=True)
        except Exception as e:  # orbax/tensorstore errors: TF's error for a failed write
            raise errors.UnknownError(None, None, f"Failed to write checkpoint {prefix}: {e}") from e
    else:
        os.makedirs(data_path, exist_ok=True)
    index = {"format": FORMAT, "data": os.path.basename(data_path), "tensors": entries}
    tmp = f"{index_path}.tmp{os.getpid()}.{threading.get_ident()}"
    with open(tmp, "w") as f:
        json.dump(index, f, sort_keys=True)
    os.replace(tmp, index_path)
    return prefix


class CheckpointIndex:
    """The parsed `PREFIX.index` of one checkpoint: names, dtypes, shapes; reads tensors."""

    def __init__(self, prefix):
        prefix = _as_str(prefix)
        self.prefix = prefix
        index_path = prefix + ".index"
        if not os.path.isfile(index_path):
            raise errors.NotFoundError(
                None, None, "Unsuccessful TensorSliceReader constructor: Failed to find any matching files "
                f"for {prefix}")
        try:
            with open(index_path, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise errors.DataLossError(None, None,
                                       f"Unable to read checkpoint index {index_path}: {e}") from None
        self._bundle = None
        if tensor_bundle.is_tensor_bundle_index(raw):     # written by real TensorFlow
            self._bundle = tensor_bundle.BundleReader(prefix, raw)
            self.data_path = self._bundle.shard_path(0)
            self.entries = {name: (self._bundle.dtype(name), self._bundle.shape(name), None, None)
                            for name in self._bundle.names()}
            return
        try:
            index = json.loads(raw.decode("utf-8"))
            if not isinstance(index, dict) or index.get("format") != FORMAT:
                raise ValueError("not a compat_tf checkpoint index")
            tensors = index["tensors"]
            self.data_path = os.path.join(os.path.dirname(prefix), index["data"])
            self.entries = {}
            for name, e in tensors.items():
                dtype = _dtypes.as_dtype(e["dtype"])
                shape = tuple(int(d) for d in e["shape"])
                self.entries[name] = (dtype, shape, e.get("key"), e.get("value"))
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as e:
            raise errors.DataLossError(
                None, None, f"Unable to open table file {index_path}: Data loss: neither a compat_tf checkpoint "
                f"nor a TensorFlow tensor-bundle checkpoint, or corrupted: {e}") from None

    def names(self):
        return sorted(self.entries)

    def dtype(self, name):
        return self.entries[name][0]

    def shape(self, name):
        return self.entries[name][1]

    def read(self, names):
        """{name: NumPy array} for `names` (each must be in the checkpoint); DataLossError if unreadable."""
        if self._bundle is not None:
            return {name: self._bundle.read(name) for name in names}
        out, keys = {}, {}
        for name in names:
            dtype, shape, key, value = self.entries[name]
            if key is None:
                if dtype == _dtypes.string:
                    out[name] = _decode_strings(value, shape)
                else:
                    out[name] = np.zeros(shape, dtype=dtype.as_numpy_dtype)
            else:
                keys[name] = key
        if keys:
            if not os.path.isdir(self.data_path):
                raise errors.DataLossError(
                    None, None,
                    f"Unable to read checkpoint {self.prefix}: its data {self.data_path} is missing")
            ocp, ckptr = _orbax()
            want = {k: 0 for k in keys.values()}
            try:
                with _io_lock:
                    arrays = ckptr.restore(os.path.abspath(self.data_path),
                                           args=ocp.args.PyTreeRestore(item=want, partial_restore=True))
            except Exception as e:  # orbax/tensorstore errors: the data is unreadable
                raise errors.DataLossError(
                    None, None, f"Unable to read checkpoint {self.prefix} ({self.data_path}): {e}") from e
            for name, key in keys.items():
                dtype, shape = self.entries[name][:2]
                arr = arrays.get(key) if isinstance(arrays, dict) else None
                if arr is None:
                    raise errors.DataLossError(
                        None, None, f"Unable to read checkpoint {self.prefix}: tensor {name} is missing from "
                        f"{self.data_path}")
                arr = np.asarray(arr)
                if tuple(arr.shape) != shape:
                    raise errors.DataLossError(
                        None, None, f"Checkpoint {self.prefix} is corrupted: tensor {name} has shape "
                        f"{list(arr.shape)} in {self.data_path}, {list(shape)} in its index")
                out[name] = arr.astype(dtype.as_numpy_dtype, copy=False)
        return out


class CheckpointReader:
    """TF1's CheckpointReader (tf.train.NewCheckpointReader): reads one checkpoint's tensors."""

    def __init__(self, prefix):
        self._index = CheckpointIndex(prefix)

    def has_tensor(self, tensor_str):
        return _as_str(tensor_str) in self._index.entries

    def get_tensor(self, tensor_str):
        name = _as_str(tensor_str)
        if name not in self._index.entries:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint")
        value = self._index.read([name])[name]
        return value[()] if value.ndim == 0 and value.dtype == object else value

    def get_variable_to_shape_map(self):
        return {n: list(self._index.shape(n)) for n in self._index.entries}

    def get_variable_to_dtype_map(self):
        return {n: self._index.dtype(n) for n in self._index.entries}

    def debug_string(self):
        lines = []
        for n in self._index.names():
            dt = self._index.dtype(n)
            lines.append(f"{n} (DT_{_DT_NAMES.get(dt.name, dt.name.upper())}) "
                         f"[{','.join(str(d) for d in self._index.shape(n))}]\n")
        return "".join(lines).encode()


_DT_NAMES = {"float32": "FLOAT", "float64": "DOUBLE", "float16": "HALF", "bool": "BOOL", "string": "STRING"}


def NewCheckpointReader(filepattern):  # noqa: N802 - TF1 name
    """TF1's tf.train.NewCheckpointReader: a CheckpointReader of the checkpoint prefix `filepattern`."""
    return CheckpointReader(filepattern)
