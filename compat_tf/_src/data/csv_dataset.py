"""tf.data.experimental.make_csv_dataset and CsvDataset (TF 1.15; also tf.contrib.data's).

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
import io
import os
import re

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.data import readers

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


# ---------------------------------------------------------------------------------------------
# CsvDataset
# ---------------------------------------------------------------------------------------------

_CSV_TYPES = (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64, _dtypes.string)
_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?|inf|infinity|nan)\Z",
                       re.IGNORECASE)
_TYPE_WORDS = {_dtypes.int32: "int32", _dtypes.int64: "int64", _dtypes.float32: "float", _dtypes.float64: "double"}


def _record_default(value, i):
    """(DType, default array or None) of one record_defaults entry (TF's CSVDataset checks)."""
    from compat_tf._src.framework.graph import Tensor
    from compat_tf._src.framework import tensor_shape as _ts
    from compat_tf._src.data import dataset_ops
    from compat_tf._src.ops import constant as _constant
    if isinstance(value, _dtypes.DType) or (isinstance(value, type) and issubclass(value, np.generic)):
        dtype, param = _dtypes.as_dtype(value).base_dtype, None
        shape = _ts.TensorShape([0])
    else:
        if not isinstance(value, Tensor):
            value = _constant.convert_to_tensor(value, name=f"record_defaults_{i}")
        dtype, shape, param = value.dtype.base_dtype, value.shape, dataset_ops._param(value)
    if dtype not in _CSV_TYPES:
        raise TypeError(f"record_defaults[{i}] has unsupported type {dtype.name}: CsvDataset supports float32, "
                        "float64, int32, int64 and string.")
    if shape.ndims is not None and (shape.ndims > 1 or (shape.ndims == 1 and (shape[0].value or 0) > 1)):
        raise ValueError("Shape of a default must be a length-0 or length-1 vector, or a scalar.")
    return dtype, param


class CsvDatasetV1(readers._FileDataset):
    """tf.data.experimental.CsvDataset: one element per CSV record, a tuple of scalars typed by
    `record_defaults` (a DType or an empty tensor: the field is required; a scalar or one-element
    tensor: its default when the field is empty or equals `na_value`).

    As TF's CSVDataset kernel: `header` skips each file's first line; `select_cols` (strictly
    increasing) picks the columns read; with `use_quote_delim`, "..." fields may hold the delimiter
    and "" is a quote. A record with the wrong number of fields, a missing required field or a value
    that does not parse fails that element (InvalidArgumentError) and the next one is read; a file
    that cannot be opened fails every get_next (NotFoundError), as the file readers do.
    """

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None, header=False,
                 field_delim=",", use_quote_delim=True, na_value="", select_cols=None):
        from compat_tf._src.data.structure import Spec
        super().__init__(filenames, compression_type)
        record_defaults = list(record_defaults)
        info = [_record_default(v, i) for i, v in enumerate(record_defaults)]
        self._types = [t for t, _ in info]
        self._defaults = [p for _, p in info]
        self._header = bool(header)
        if len(field_delim) != 1:
            raise ValueError("field_delim should be only 1 char")
        self._delim = field_delim
        self._quote = bool(use_quote_delim)
        self._na = na_value
        self._select = None if select_cols is None else [int(c) for c in select_cols]
        self._spec = tuple(Spec(t, []) for t in self._types)

    def _params(self):
        return super()._params() + [p for p in self._defaults if p is not None]

    def _iterate(self, ictx):
        compression = readers._compression(np.asarray(self._compression.get(ictx), dtype=object).item())
        defaults = [None if p is None else np.asarray(p.get(ictx)).reshape(-1) for p in self._defaults]
        defaults = [None if d is None or d.size == 0 else d[0] for d in defaults]
        select = self._select if self._select is not None else list(range(len(self._types)))
        if any(b <= a for a, b in zip(select, select[1:])) or any(c < 0 for c in select):
            raise errors.InvalidArgumentError(None, None, "select_cols should be strictly increasing indices")
        if len(select) != len(self._types):
            raise errors.InvalidArgumentError(None, None, "select_cols should match output size")
        for f in self._filenames(ictx):
            if is_error(f):
                yield f
                continue
            yield from readers._file_records(lambda path, comp: self._records(path, comp, select, defaults),
                                             f, compression)

    def _records(self, path, compression, select, defaults):
        fh = readers._open(path, compression)
        try:
            text = fh.read().decode("utf-8", "surrogateescape")
        except (OSError, EOFError) as e:
            raise errors.DataLossError(None, None, f"{path}: {e}") from None
        finally:
            fh.close()
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self._delim,
                            quoting=csv.QUOTE_MINIMAL if self._quote else csv.QUOTE_NONE, strict=self._quote)
        first = True
        try:
            for row in reader:
                if first and self._header:
                    first = False
                    continue
                first = False
                try:
                    yield self._convert_row(row, select, defaults)
                except errors.InvalidArgumentError as e:
                    yield ElementError(e)
        except csv.Error as e:
            yield ElementError(errors.InvalidArgumentError(None, None, f"Quoted field error in {path}: {e}"))

    def _convert_row(self, row, select, defaults):
        if row == []:
            row = [""]
        needed = select[-1] + 1
        if len(row) < needed:
            raise errors.InvalidArgumentError(None, None, f"Expect {needed} fields but have {len(row)} in record")
        if self._select is None and len(row) > needed:
            raise errors.InvalidArgumentError(None, None, f"Expect {needed} fields but have more in record")
        out = []
        for i, (col, dtype, default) in enumerate(zip(select, self._types, defaults)):
            field = row[col]
            if field == "" or field == self._na:
                if default is None:
                    raise errors.InvalidArgumentError(None, None, f"Field {i} is required but missing in record!")
                out.append(np.asarray(default, dtype=object if dtype == _dtypes.string else dtype.as_numpy_dtype))
                continue
            out.append(_parse_field(field, dtype, i))
        return tuple(out)


def _parse_field(field, dtype, i):
    if dtype == _dtypes.string:
        return np.asarray(field.encode("utf-8", "surrogateescape"), dtype=object)
    np_dtype = dtype.as_numpy_dtype
    if dtype.is_integer:
        ok = _INT_RE.match(field) is not None
        if ok:
            v = int(field)
            info = np.iinfo(np_dtype)
            ok = info.min <= v <= info.max
    else:
        ok = _FLOAT_RE.match(field) is not None
    if not ok:
        raise errors.InvalidArgumentError(None, None, f"Field {i} in record is not a valid {_TYPE_WORDS[dtype]}: "
                                                      f"{field}")
    return np.asarray(int(field) if dtype.is_integer else float(field), dtype=np_dtype)


CsvDataset = CsvDatasetV1
