"""tf.data.experimental.make_csv_dataset (TF 1.15; also tf.contrib.data.make_csv_dataset).

Batches of `(features, label)` (or `features` without a `label_name`) from CSV files: features
an OrderedDict column name -> tensor in the files' column order, the label popped out of it.
Column names come from `column_names` or the first file's header; dtypes from
`column_defaults` or, as TF does, inferred from the first `num_rows_for_inference` rows of each
column (int32, widened to int64, float32, float64, then string; `na_value` fields skipped). The
rows are shuffled (`shuffle_buffer_size`, `shuffle_seed`) before repeating `num_epochs` times
(None: forever, and then the last partial batch is dropped), as TF's pipeline orders them.

compat_tf reads the files when the dataset is made (csv module, TF's quoting rules) and builds
the pipeline from the columns (from_tensor_slices -> shuffle -> repeat -> batch), so it works in
graph and eager mode alike. Deviations: with several files the rows are concatenated file by
file (TF interleaves `num_parallel_reads` files); a required field that is missing raises
InvalidArgumentError here, not when the batch is read.
"""
import collections
import csv
import glob
import os

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors

_INFERENCE_ORDER = (_dtypes.int32, _dtypes.int64, _dtypes.float32, _dtypes.float64, _dtypes.string)


def _files(file_pattern):
    patterns = [file_pattern] if isinstance(file_pattern, (str, bytes, os.PathLike)) else list(file_pattern)
    out = []
    for p in patterns:
        p = os.fsdecode(p)
        found = sorted(glob.glob(p))
        if not found:
            raise ValueError(f"No files match `file_pattern` {p}.")
        out.extend(found)
    return out


def _fits(value, dtype):
    try:
        if dtype in (_dtypes.int32, _dtypes.int64):
            v = int(value)
            info = np.iinfo(dtype.as_numpy_dtype)
            return info.min <= v <= info.max
        if dtype in (_dtypes.float32, _dtypes.float64):
            return bool(np.isfinite(dtype.as_numpy_dtype(float(value)))) or value.strip().lower() in (
                "inf", "-inf", "nan")
    except (ValueError, OverflowError):
        return False
    return True


def _infer(values, na_value):
    """TF's _infer_type over a column's first values: the first type of _INFERENCE_ORDER that fits all."""
    k = 0
    for v in values:
        if v == na_value:
            continue
        while not _fits(v, _INFERENCE_ORDER[k]):
            k += 1
    return _INFERENCE_ORDER[k]


def _read_rows(filenames, field_delim, use_quote_delim, header):
    rows = []
    for name in filenames:
        with open(name, newline="") as f:
            reader = csv.reader(f, delimiter=field_delim, quoting=csv.QUOTE_MINIMAL if use_quote_delim
                                else csv.QUOTE_NONE)
            lines = [r for r in reader if r]
        rows.extend(lines[1:] if header else lines)
    return rows


def _column_names(filenames, field_delim, use_quote_delim):
    with open(filenames[0], newline="") as f:
        for row in csv.reader(f, delimiter=field_delim, quoting=csv.QUOTE_MINIMAL if use_quote_delim
                              else csv.QUOTE_NONE):
            if row:
                return row
    raise ValueError(f"Cannot read column names: {filenames[0]} is empty.")


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None, label_name=None,
                     select_columns=None, field_delim=",", use_quote_delim=True, na_value="", header=True,
                     num_epochs=None, shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=1, sloppy=False, num_rows_for_inference=100,
                     compression_type=None, ignore_errors=False):
    """tf.data.experimental.make_csv_dataset: see the module docstring."""
    from compat_tf._src.data.dataset_ops import DatasetV1
    if compression_type:
        raise NotImplementedError("make_csv_dataset(compression_type=...) is not supported by compat_tf")
    filenames = _files(file_pattern)
    if column_names is None:
        if not header:
            raise ValueError("Cannot infer column names without a header line.")
        column_names = _column_names(filenames, field_delim, use_quote_delim)
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError("Cannot have duplicate column names.")
    if select_columns is not None:
        idx = [c if isinstance(c, int) else column_names.index(c) if c in column_names else None
               for c in select_columns]
        if None in idx:
            raise ValueError(f"Some columns of `select_columns` are not in the column names: {select_columns}")
        idx = sorted(idx)
    else:
        idx = list(range(len(column_names)))
    names = [column_names[i] for i in idx]
    if label_name is not None and label_name not in names:
        raise ValueError(f"`label_name` provided must be one of the columns: {names}. Received: {label_name}")
    rows = _read_rows(filenames, field_delim, use_quote_delim, header)
    for r in rows:
        if len(r) != len(column_names) and not ignore_errors:
            raise errors.InvalidArgumentError(None, None, f"Expect {len(column_names)} fields but have {len(r)} in "
                                              f"record {r}")
    rows = [r for r in rows if len(r) == len(column_names)]
    columns = collections.OrderedDict()
    for j, i in enumerate(idx):
        raw = [r[i] for r in rows]
        if column_defaults is not None:
            default = column_defaults[j]
            default = list(default) if isinstance(default, (list, tuple)) else [default]
            dtype = _dtypes.as_dtype(np.asarray(default[0]).dtype) if default and not isinstance(
                default[0], _dtypes.DType) else (default[0] if default else _dtypes.float32)
        else:
            default, dtype = [], _infer(raw[:num_rows_for_inference], na_value)
        columns[names[j]] = _convert(raw, dtype, default, na_value, names[j])
    label = columns.pop(label_name) if label_name is not None else None
    ds = DatasetV1.from_tensor_slices((columns, label) if label_name is not None else columns)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    ds = ds.repeat(num_epochs)
    return ds.batch(batch_size, drop_remainder=num_epochs is None)


def _convert(raw, dtype, default, na_value, name):
    out = []
    for v in raw:
        if v == na_value or v == "":
            if not default:
                raise errors.InvalidArgumentError(None, None, f"Field {name} is required but missing in a record.")
            v = default[0]
        out.append(v)
    if dtype == _dtypes.string:
        arr = np.empty(len(out), dtype=object)
        arr[:] = [s.encode() if isinstance(s, str) else s for s in out]
        return arr
    try:
        if dtype.is_integer:
            return np.asarray([int(v) for v in out], dtype=dtype.as_numpy_dtype)
        return np.asarray([float(v) for v in out], dtype=dtype.as_numpy_dtype)
    except ValueError as e:
        raise errors.InvalidArgumentError(None, None, f"Field {name}: {e}") from None
