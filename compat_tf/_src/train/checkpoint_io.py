"""compat_tf's checkpoint files: writing either format atomically, reading both, TF1's CheckpointReader.

A checkpoint with prefix PREFIX (e.g. `train/model.ckpt-100`) is two plain files, named as TF's
V2 checkpoints are, whichever format wrote them:

  PREFIX.index                  compat_tf's JSON index (train/orbax_format, the default) or TF's
                                SSTable (io/tensor_bundle, written when the checkpoint format is "tf",
                                see train/checkpoint_format)
  PREFIX.data-00000-of-00001    the tensors (a packed orbax checkpoint, or TF's raw shard)
  PREFIX.meta                   the MetaGraphDef (written by Saver.save), TF's format.

So TF1 code that tests `os.path.exists(PREFIX + ".index")`, copies `glob(PREFIX + ".*")` file by
file, or deletes `PREFIX.data-?????-of-?????` works on both. Checkpoint tensor names are TF's
(variable op names such as "w", "scope/w", "w/Adam"); dtypes and shapes are kept exactly.

Writing (`write_checkpoint`) stages both files and commits them by rename
(train/checkpoint_commit), so a failed, killed or disk-full save leaves the previous checkpoint
of the prefix whole. Reading (`CheckpointIndex`) finishes a commit that was killed half-way,
then recognises the format by the index (SSTable magic number or JSON) and verifies every
checksum it reads: the index's, and each tensor's CRC32C (DataLossError naming tensor and file).
Checkpoints written by real TensorFlow read the same way.
"""
import os

from compat_tf._src.framework import errors
from compat_tf._src.parallel import cluster as _cluster
from compat_tf._src.io import tensor_bundle
from compat_tf._src.io import tensor_bundle_writer
from compat_tf._src.train import checkpoint_commit
from compat_tf._src.train import checkpoint_format
from compat_tf._src.train import orbax_format

DATA_SUFFIX = ".data-00000-of-00001"


def _as_str(path):
    path = os.fspath(path)
    return path.decode() if isinstance(path, bytes) else path


def _prepare_parent(prefix):
    parent = os.path.dirname(prefix)
    if parent:
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as e:
            raise checkpoint_commit.oserror_to_tf(
                e, f"Failed to create a directory for checkpoint {prefix}: {parent}") from None
        if not os.path.isdir(parent):
            raise errors.FailedPreconditionError(
                None, None, f"{parent} is not a directory; cannot write checkpoint {prefix}")


def write_checkpoint(prefix, tensors, fmt=None):
    """Writes `tensors` ({name: NumPy array}) as the checkpoint `prefix` in format `fmt` ("orbax" or
    "tf"; default: checkpoint_format.get_format()), replacing one there only once it is complete."""
    prefix = _as_str(prefix)
    _cluster.check_checkpoint_writer(prefix)     # in a cluster job, the chief alone writes
    fmt = checkpoint_format.normalize(fmt) if fmt is not None else checkpoint_format.get_format()
    _prepare_parent(prefix)
    checkpoint_commit.recover(prefix)
    checkpoint_commit.remove_stale(prefix)
    staged = checkpoint_commit.StagedWrite(prefix)
    data_path = staged.stage(prefix + DATA_SUFFIX)
    index_path = staged.stage(prefix + ".index")
    writer = tensor_bundle_writer.write_bundle if fmt == "tf" else orbax_format.write
    try:
        writer(index_path, data_path, tensors, opener=staged.open)
    except BaseException as e:
        staged.abort()
        if isinstance(e, OSError):
            raise checkpoint_commit.oserror_to_tf(e, f"Failed to write checkpoint {prefix}") from e
        if isinstance(e, errors.OpError) or not isinstance(e, Exception):
            raise
        raise errors.UnknownError(None, None, f"Failed to write checkpoint {prefix}: {e}") from e
    staged.commit()
    return prefix


def checkpoint_format_of(prefix):
    """"tf" or "orbax": the format of the checkpoint `prefix` (NotFoundError when there is none)."""
    return "tf" if CheckpointIndex(prefix)._bundle is not None else "orbax"


class CheckpointIndex:
    """The parsed `PREFIX.index` of one checkpoint (either format): names, dtypes, shapes; reads tensors."""

    def __init__(self, prefix):
        prefix = _as_str(prefix)
        self.prefix = prefix
        checkpoint_commit.recover(prefix)
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
        if tensor_bundle.is_tensor_bundle_index(raw):     # TF's format (written by TF or by compat_tf)
            self._bundle = tensor_bundle.BundleReader(prefix, raw)
            self.data_path = self._bundle.shard_path(0)
            self.entries = {name: (self._bundle.dtype(name), self._bundle.shape(name), None)
                            for name in self._bundle.names()}
            return
        self.data_path = prefix + DATA_SUFFIX
        self.entries = orbax_format.parse_index(raw, index_path)

    def names(self):
        return sorted(self.entries)

    def dtype(self, name):
        return self.entries[name][0]

    def shape(self, name):
        return self.entries[name][1]

    def read(self, names):
        """{name: NumPy array} for `names` (each must be in the checkpoint); DataLossError if unreadable
        or if a checksum does not match."""
        if self._bundle is not None:
            return {name: self._bundle.read(name) for name in names}
        return orbax_format.read(self.prefix, self.data_path, self.entries, list(names))

    def read_all(self):
        return self.read(self.names())


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
