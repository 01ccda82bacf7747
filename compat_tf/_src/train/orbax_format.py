"""compat_tf's default checkpoint format: orbax-checkpoint underneath, checksummed, two plain files.

  PREFIX.index                 JSON: {"format": "compat_tf.orbax/2", "tensors": {name: {"dtype",
                               "shape", "crc32c", and "key" (the orbax tree key) or "value" (strings
                               and empty tensors, base64 / [])}}, "checksum": masked CRC32C of the rest}
  PREFIX.data-00000-of-00001   an uncompressed ZIP of the orbax PyTree checkpoint directory
                               (synchronous PyTreeCheckpointer, OCDBT/zarr), one array per tensor

Each tensor's "crc32c" is the masked CRC32C of the bytes TF's tensor bundle would store for it
(`tensor_bundle_writer.tensor_bytes`), so a checksum carries over unchanged between the two
formats. Restore verifies the index checksum, the ZIP's per-member CRC-32 (its metadata
and chunk files) and then every tensor's CRC32C: any mismatch is DataLossError naming the tensor
and the file. The data is one file rather than orbax's directory so that TF1's idioms for
checkpoint files (copy by `glob(PREFIX + ".*")`, `os.remove`, sizes) work on it; the price is one
extra copy of the bytes on save (the directory is packed) and on restore (it is unpacked into a
temporary directory). Checkpoints of an older compat_tf ("compat_tf.orbax/1": the data an orbax
directory, no checksums) are still read.
"""
import base64
import json
import os
import shutil
import tempfile
import threading
import zipfile

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.io import tensor_bundle as _tb
from compat_tf._src.io import tensor_bundle_writer as _tbw
from compat_tf._src.io.tf_record import crc32c

FORMAT = "compat_tf.orbax/2"
LEGACY_FORMAT = "compat_tf.orbax/1"

_checkpointer = None
_checkpointer_lock = threading.Lock()
_io_lock = threading.Lock()      # one orbax save/restore at a time through the shared checkpointer


def _orbax():
    global _checkpointer
    import orbax.checkpoint as ocp
    with _checkpointer_lock:
        if _checkpointer is None:
            # in a multi-process cluster job: this process alone (parallel/cluster.py)
            from compat_tf._src.parallel import cluster as _cluster
            _checkpointer = _cluster.orbax_checkpointer(ocp) or ocp.PyTreeCheckpointer()
    return ocp, _checkpointer


def _data_loss(msg):
    return errors.DataLossError(None, None, msg)


def _dtype_name(arr):
    return "string" if arr.dtype == object or arr.dtype.kind in "SU" else _dtypes.as_dtype(arr.dtype).name


def _index_checksum(index):
    body = json.dumps({k: v for k, v in index.items() if k != "checksum"}, sort_keys=True).encode()
    return _tb._mask(crc32c(body))


def write(index_path, data_path, tensors, opener=open):
    """Writes `tensors` ({name: NumPy array}): the packed orbax data to `data_path`, then the index."""
    entries, tree = {}, {}
    for i, (name, arr) in enumerate(sorted(tensors.items())):
        arr = np.asarray(arr)
        entry = {"dtype": _dtype_name(arr), "shape": list(arr.shape), "crc32c": _tbw.tensor_bytes(arr)[1]}
        if entry["dtype"] == "string":
            flat = [x if isinstance(x, bytes) else str(x).encode() for x in arr.ravel().tolist()]
            entry["value"] = [base64.b64encode(x).decode("ascii") for x in flat]
        elif arr.size == 0:
            entry["value"] = []
        else:
            entry["key"] = key = f"t{i}"
            tree[key] = arr
        entries[name] = entry
    # orbax globs inside its directory: build it beside the checkpoint unless that path has glob characters
    if any(c in os.path.abspath(data_path) for c in "*?["):
        workdir = os.path.join(tempfile.mkdtemp(prefix="compat_tf_save_"), "orbax")
    else:
        workdir = data_path + ".orbax"
    try:
        if tree:
            _, ckptr = _orbax()
            with _io_lock:
                ckptr.save(os.path.abspath(workdir), tree, force=True)
        else:
            os.makedirs(workdir, exist_ok=True)
        with opener(data_path, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as z:
            for root, dirs, files in os.walk(workdir):
                dirs.sort()
                for fname in sorted(files):
                    full = os.path.join(root, fname)
                    z.write(full, os.path.relpath(full, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not workdir.startswith(data_path):
            shutil.rmtree(os.path.dirname(workdir), ignore_errors=True)
    index = {"format": FORMAT, "tensors": entries}
    index["checksum"] = _index_checksum(index)
    with opener(index_path, "wb") as f:
        f.write(json.dumps(index, sort_keys=True).encode())


def parse_index(raw, index_path):
    """{name: (DType, shape, entry dict)} of a compat_tf index, or DataLossError."""
    try:
        index = json.loads(raw.decode("utf-8"))
        if not isinstance(index, dict) or index.get("format") not in (FORMAT, LEGACY_FORMAT):
            raise ValueError("not a compat_tf checkpoint index")
        if index["format"] == FORMAT and index.get("checksum") != _index_checksum(index):
            raise ValueError("the index checksum does not match its contents")
        out = {}
        for name, e in index["tensors"].items():
            out[name] = (_dtypes.as_dtype(e["dtype"]), tuple(int(d) for d in e["shape"]), e)
        return out
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as e:
        raise _data_loss(f"Unable to open table file {index_path}: Data loss: neither a compat_tf checkpoint "
                         f"nor a TensorFlow tensor-bundle checkpoint, or corrupted: {e}") from None


_MAX_EXPANSION = 64      # a checkpoint's members are stored or lightly deflated arrays


def _check_unpacked_size(z, data_path):
    """BadZipFile when the members would unpack to far more than the archive holds (a ZIP bomb)."""
    total = sum(info.file_size for info in z.infolist())
    budget = _MAX_EXPANSION * max(os.path.getsize(data_path), 1 << 20)
    if total > budget:
        raise zipfile.BadZipFile(f"its members would unpack to {total} bytes, more than "
                                 f"{_MAX_EXPANSION}x the archive's size")


def _unpacked(data_path, prefix):
    """A context: the orbax directory of `data_path` (unpacked into a temporary one when it is a ZIP)."""
    class _Ctx:
        def __enter__(self):
            self.tmp = None
            if os.path.isdir(data_path):
                return data_path                      # LEGACY_FORMAT
            if not os.path.exists(data_path):
                raise _data_loss(f"Unable to read checkpoint {prefix}: its data file {data_path} is missing")
            self.tmp = tempfile.mkdtemp(prefix="compat_tf_ckpt_")
            try:
                with zipfile.ZipFile(data_path) as z:
                    for info in z.infolist():
                        target = os.path.realpath(os.path.join(self.tmp, info.filename))
                        if not target.startswith(os.path.realpath(self.tmp) + os.sep):
                            raise zipfile.BadZipFile(f"member {info.filename!r} points outside the archive")
                        if info.flag_bits & 0x1:
                            raise zipfile.BadZipFile(f"member {info.filename!r} is encrypted")
                    _check_unpacked_size(z, data_path)
                    z.extractall(self.tmp)          # verifies each member's CRC-32
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                    NotImplementedError) as e:
                shutil.rmtree(self.tmp, ignore_errors=True)
                raise _data_loss(f"Unable to read checkpoint {prefix}: its data file {data_path} is "
                                 f"corrupted: {e}") from None
            return self.tmp

        def __exit__(self, *exc):
            if self.tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
            return False
    return _Ctx()


def read(prefix, data_path, entries, names):
    """{name: array} for `names`, verified against their CRC32C (DataLossError naming tensor and file)."""
    out, keys = {}, {}
    for name in names:
        dtype, shape, e = entries[name]
        if "key" in e:
            keys[name] = e["key"]
        elif dtype == _dtypes.string:
            try:
                vals = [base64.b64decode(v, validate=True) for v in e["value"]]
            except (ValueError, TypeError) as err:
                raise _data_loss(f"Corrupted string tensor {name} in {prefix}.index: {err}") from None
            arr = np.empty(len(vals), dtype=object)
            arr[:] = vals
            out[name] = arr.reshape(shape)
        else:
            out[name] = np.zeros(shape, dtype=dtype.as_numpy_dtype)
    if keys:
        ocp, ckptr = _orbax()
        with _unpacked(data_path, prefix) as directory:
            try:
                with _io_lock:
                    arrays = ckptr.restore(os.path.abspath(directory), args=ocp.args.PyTreeRestore(
                        item={k: 0 for k in keys.values()}, partial_restore=True))
            except Exception as err:  # orbax/tensorstore errors: the data is unreadable
                raise _data_loss(f"Unable to read checkpoint {prefix} ({data_path}): {err}") from err
        for name, key in keys.items():
            dtype, shape, _ = entries[name]
            arr = arrays.get(key) if isinstance(arrays, dict) else None
            if arr is None:
                raise _data_loss(f"Unable to read checkpoint {prefix}: tensor {name} is missing from {data_path}")
            arr = np.asarray(arr)
            if tuple(arr.shape) != shape:
                raise _data_loss(f"Checkpoint {prefix} is corrupted: tensor {name} has shape {list(arr.shape)} "
                                 f"in {data_path}, {list(shape)} in its index")
            out[name] = arr.astype(dtype.as_numpy_dtype, copy=False)
    for name in names:
        stored = entries[name][2].get("crc32c")
        if stored is None:
            continue                                  # LEGACY_FORMAT: no checksums
        actual = _tbw.tensor_bytes(out[name])[1]
        if actual != stored:
            where = data_path if name in keys else prefix + ".index"
            raise _data_loss(f"Checksum does not match for tensor {name} in {where}: stored "
                             f"{_tb._unmask(stored)} vs. calculated on the restored bytes {_tb._unmask(actual)}")
    return out
