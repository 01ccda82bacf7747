"""Lookup tables (TF 1.15 lookup_ops.py; tf.lookup, tf.contrib.lookup, tf.tables_initializer).

A table is a per-session host resource (like a queue): HashTableV2 / MutableHashTableV2 output
its handle, InitializeTableV2 / InitializeTableFromTextFileV2 fill it (the initializer ops go
to GraphKeys.TABLE_INITIALIZERS, run by tf.tables_initializer()), LookupTableFindV2 maps keys of
any shape to values (default_value where missing), LookupTableSizeV2 / InsertV2 / ExportV2 as TF.
Errors as TF's kernels: a lookup in a table never initialized is FailedPreconditionError "Table
not initialized.", and so is a key with two different values in an initializer.
Re-running an initializer with the same data is a no-op (TF 2's behaviour, also TF 1.15's for
identical contents). Out-of-vocabulary buckets hash keys with farmhash Fingerprint64, as TF's
FastHashSpec, so ids equal TensorFlow's. Tables are not saved by tf.train.Saver
(MutableHashTable's checkpoint=True is ignored, with this note).
"""
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor
from compat_tf._src.runtime import resources

__all__ = ["initialize_all_tables", "tables_initializer"]

_REG = dict(host=True, stateful=True, differentiable=False)


# --------------------------------------------------------------------------------------------
# the host table and its ops
# --------------------------------------------------------------------------------------------

def _key(v):
    if isinstance(v, np.ndarray):
        v = v.item()
    return v.encode() if isinstance(v, str) else v


def _show(v):
    return v.decode(errors="replace") if isinstance(v, bytes) else v


def _np_dtype(dtype):
    return object if dtype == _dtypes.string else dtype.as_numpy_dtype


class _HostTable:
    def __init__(self, key_dtype, value_dtype, mutable):
        self.key_dtype, self.value_dtype = key_dtype, value_dtype
        self.mutable = mutable
        self.data = {}
        self.initialized = mutable
        self.lock = threading.Lock()

    def init(self, keys, values, op):
        keys, values = np.asarray(keys).reshape(-1), np.asarray(values).reshape(-1)
        if keys.shape != values.shape:
            raise errors.InvalidArgumentError(None, op, f"Expected shape {list(keys.shape)} for value, got "
                                                        f"{list(values.shape)}")
        new = {}
        for k, v in zip(keys, values):
            k, v = _key(k), _key(v)
            if k in new and new[k] != v:
                raise errors.FailedPreconditionError(
                    None, op, f"HashTable has different value for same key. Key {_show(k)} has {_show(new[k])} and "
                              f"trying to add value {_show(v)}")
            new[k] = v
        with self.lock:
            if self.initialized and self.data != new:
                raise errors.FailedPreconditionError(None, op, "Table already initialized.")
            self.data = new
            self.initialized = True

    def find(self, keys, default, op):
        if not self.initialized:
            raise errors.FailedPreconditionError(None, op, "Table not initialized.")
        keys = np.asarray(keys)
        default = np.asarray(default)
        out = np.empty(keys.shape, dtype=_np_dtype(self.value_dtype))
        flat = out.reshape(-1)
        with self.lock:
            get = self.data.get
            d = _key(default) if default.ndim == 0 else None
            for i, k in enumerate(keys.reshape(-1)):
                flat[i] = get(_key(k), d)
        return out


def _table_of(handle, op):
    if not isinstance(handle, _HostTable):
        raise errors.InvalidArgumentError(None, op, f"{op.type} expects a lookup table handle, got {type(handle)}")
    return handle


def _handle_rule(op):
    return [([], _dtypes.resource)]


def _make_table(ctx, key_dtype, value_dtype, shared_name, mutable):
    key = ("lookup_table", shared_name or ctx.op.name)
    return resources.get_or_create(ctx.session, key, lambda: _HostTable(key_dtype, value_dtype, mutable))


@register_op("HashTableV2", shape=_handle_rule, **_REG)
def _hash_table_v2(ctx, key_dtype=None, value_dtype=None, container="", shared_name="",
                   use_node_name_sharing=False):
    return _make_table(ctx, key_dtype, value_dtype, shared_name, mutable=False)


@register_op("MutableHashTableV2", shape=_handle_rule, **_REG)
def _mutable_hash_table_v2(ctx, key_dtype=None, value_dtype=None, container="", shared_name="",
                           use_node_name_sharing=False):
    return _make_table(ctx, key_dtype, value_dtype, shared_name, mutable=True)


@register_op("InitializeTableV2", shape=lambda op: [], **_REG)
def _initialize_table_v2(ctx, handle, keys, values):
    _table_of(handle, ctx.op).init(keys, values, ctx.op)
    return ()


def _read_text_file(filename, key_index, value_index, vocab_size, delimiter, key_dtype, value_dtype, op):
    from compat_tf._src.platform import gfile
    fname = filename.decode() if isinstance(filename, bytes) else str(filename)
    try:
        with gfile.GFile(fname, "rb") as f:
            lines = f.read().split(b"\n")
    except Exception as e:  # noqa: BLE001 - a missing file is TF's NotFoundError
        raise errors.NotFoundError(None, op, f"{fname}; No such file or directory ({e})") from None
    if lines and lines[-1] == b"":
        lines.pop()
    if vocab_size != -1:
        if len(lines) < vocab_size:
            raise errors.InvalidArgumentError(None, op, f"Invalid vocab_size in {fname}: expected {vocab_size} but "
                                                        f"got {len(lines)}")
        lines = lines[:vocab_size]
    sep = delimiter.encode() if isinstance(delimiter, str) else delimiter

    def column(line_no, line, index, dtype, what):
        if index == -2:
            v = line
        elif index == -1:
            return line_no
        else:
            cols = line.split(sep)
            if index >= len(cols):
                raise errors.InvalidArgumentError(
                    None, op, f"Invalid number of columns in {fname} line {line_no} ({line!r}) : expected at least "
                              f"{index + 1} got {len(cols)}")
            v = cols[index]
        if dtype == _dtypes.string:
            return v
        try:
            return int(v) if dtype.is_integer else float(v)
        except ValueError:
            raise errors.InvalidArgumentError(None, op, f"Field {v!r} in line {line_no} is not a valid {what} of "
                                                        f"type {dtype.name}") from None
    keys = [column(i, ln, key_index, key_dtype, "key") for i, ln in enumerate(lines)]
    values = [column(i, ln, value_index, value_dtype, "value") for i, ln in enumerate(lines)]
    return (np.asarray(keys, dtype=_np_dtype(key_dtype)), np.asarray(values, dtype=_np_dtype(value_dtype)))


@register_op("InitializeTableFromTextFileV2", shape=lambda op: [], **_REG)
def _initialize_from_text_file(ctx, handle, filename, key_index=-2, value_index=-1, vocab_size=-1, delimiter="\t"):
    table = _table_of(handle, ctx.op)
    keys, values = _read_text_file(np.asarray(filename).item(), key_index, value_index, vocab_size, delimiter,
                                   table.key_dtype, table.value_dtype, ctx.op)
    table.init(keys, values, ctx.op)
    return ()


def _find_rule(op):
    return [(op.inputs[1].shape, op.get_attr("Tout"))]


@register_op("LookupTableFindV2", shape=_find_rule, **_REG)
def _lookup_find_v2(ctx, handle, keys, default_value, Tin=None, Tout=None):
    return _table_of(handle, ctx.op).find(keys, default_value, ctx.op)


@register_op("LookupTableSizeV2", shape=lambda op: [([], _dtypes.int64)], **_REG)
def _lookup_size_v2(ctx, handle):
    table = _table_of(handle, ctx.op)
    return np.int64(len(table.data) if table.initialized else 0)


@register_op("LookupTableInsertV2", shape=lambda op: [], **_REG)
def _lookup_insert_v2(ctx, handle, keys, values, Tin=None, Tout=None):
    table = _table_of(handle, ctx.op)
    keys, values = np.asarray(keys).reshape(-1), np.asarray(values).reshape(-1)
    with table.lock:
        for k, v in zip(keys, values):
            table.data[_key(k)] = _key(v)
    return ()


@register_op("LookupTableRemoveV2", shape=lambda op: [], **_REG)
def _lookup_remove_v2(ctx, handle, keys, Tin=None):
    table = _table_of(handle, ctx.op)
    with table.lock:
        for k in np.asarray(keys).reshape(-1):
            table.data.pop(_key(k), None)
    return ()


def _export_rule(op):
    return [(_ts.TensorShape([None]), op.get_attr("Tkeys")), (_ts.TensorShape([None]), op.get_attr("Tvalues"))]


@register_op("LookupTableExportV2", shape=_export_rule, num_outputs=2, **_REG)
def _lookup_export_v2(ctx, handle, Tkeys=None, Tvalues=None):
    table = _table_of(handle, ctx.op)
    with table.lock:
        items = list(table.data.items())
    return (np.asarray([k for k, _ in items], dtype=_np_dtype(Tkeys)),
            np.asarray([v for _, v in items], dtype=_np_dtype(Tvalues)))


def tables_initializer(name="init_all_tables"):
    """tf.tables_initializer: a group of every GraphKeys.TABLE_INITIALIZERS op (a NoOp when none)."""
    from compat_tf._src.ops import control_flow_ops
    initializers = _graph.get_collection(GraphKeys.TABLE_INITIALIZERS)
    if initializers:
        return control_flow_ops.group(*initializers, name=name)
    return control_flow_ops.no_op(name=name)


initialize_all_tables = tables_initializer


def _convert_keys(keys, dtype):
    if isinstance(keys, SparseTensor):
        return keys
    return _constant.convert_to_tensor(keys, dtype=None if hasattr(keys, "dtype") else dtype, name="keys")


def find(handle, keys, default_value, key_dtype, value_dtype, name):
    """A LookupTableFindV2 op; SparseTensor keys give a SparseTensor of values."""
    if isinstance(keys, SparseTensor):
        values = find(handle, keys.values, default_value, key_dtype, value_dtype, name)
        return SparseTensor(keys.indices, values, keys.dense_shape)
    keys = _convert_keys(keys, key_dtype)
    if keys.dtype.base_dtype != key_dtype:
        raise TypeError(f"Signature mismatch. Keys must be dtype {key_dtype.name}, got {keys.dtype.name}.")
    return make_tensor("LookupTableFindV2", [handle, keys, default_value],
                       {"Tin": key_dtype, "Tout": value_dtype}, name=name)


def create_handle(op_type, key_dtype, value_dtype, shared_name, name):
    return make_op(op_type, [], {"key_dtype": key_dtype, "value_dtype": value_dtype, "container": "",
                                 "shared_name": shared_name or "", "use_node_name_sharing": False},
                   name=name).outputs[0]


def __getattr__(name):
    """TF's python/ops/lookup_ops.py holds the table classes too (`from tensorflow.python.ops import
    lookup_ops; lookup_ops.index_table_from_tensor(...)`, as tensorflow/nmt does); here they live in
    lookup_tables.py, imported on first use (it imports this module)."""
    from compat_tf._src.ops import lookup_tables
    if name in lookup_tables.__all__:
        return getattr(lookup_tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
