"""tf.data.experimental.SqlDataset (TF 1.15 readers.py; the SqlDataset kernel's sqlite driver).

One element per row of `query`'s result, run when the iterator starts, a tuple with one scalar per
column converted to `output_types` (the number of columns must match). Only the "sqlite" driver
exists, as in TF; it is Python's sqlite3 here. A column value that does not convert fails that
row's element (InvalidArgumentError) and the next row is read.
"""
import sqlite3

import numpy as np

from compat_tf._src.data import dataset_ops, structure
from compat_tf._src.data.element_error import ElementError
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors

__all__ = ["SqlDataset"]


class SqlDatasetV1(dataset_ops.DatasetV1):
    def __init__(self, driver_name, data_source_name, query, output_types):
        self._driver = dataset_ops._param(driver_name, _dtypes.string)
        self._source = dataset_ops._param(data_source_name, _dtypes.string)
        self._query = dataset_ops._param(query, _dtypes.string)
        types = structure.normalize_types(output_types)
        self._types = structure.flatten(types)
        self._spec = structure.map_structure(lambda t: structure.Spec(t, []), types)

    def _params(self):
        return [self._driver, self._source, self._query]

    def _iterate(self, ictx):
        driver, source, query = (_text(p.get(ictx)) for p in (self._driver, self._source, self._query))
        if driver != "sqlite":
            raise errors.InvalidArgumentError(
                None, None, f"The database type, {driver}, is not supported by SqlDataset. The set of supported "
                "databases is: {'sqlite'}.")
        try:
            conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        except sqlite3.Error as e:
            raise errors.FailedPreconditionError(None, None, f"Sqlite error: {e}") from None
        try:
            try:
                cursor = conn.execute(query)
            except sqlite3.Error as e:
                raise errors.InvalidArgumentError(None, None, f"Sqlite error: {e}") from None
            n = len(cursor.description or ())
            if n != len(self._types):
                raise errors.InvalidArgumentError(
                    None, None, f"The number of columns in query ({n}) must match the number of elements in "
                    f"output_types ({len(self._types)}).")
            for row in cursor:
                try:
                    yield tuple(_convert(v, t) for v, t in zip(row, self._types))
                except errors.InvalidArgumentError as e:
                    yield ElementError(e)
        finally:
            conn.close()


def _text(v):
    v = np.asarray(v, dtype=object).item()
    return v.decode() if isinstance(v, bytes) else str(v)


def _convert(value, dtype):
    if dtype == _dtypes.string:
        if isinstance(value, str):
            value = value.encode()
        elif not isinstance(value, bytes):
            value = str(value).encode() if value is not None else b""
        return np.asarray(value, dtype=object)
    if value is None:
        return np.zeros((), dtype.as_numpy_dtype)
    try:
        if dtype == _dtypes.bool:
            return np.asarray(bool(int(value)))
        if dtype.is_integer:
            return np.asarray(int(value), dtype=dtype.as_numpy_dtype)
        return np.asarray(float(value), dtype=dtype.as_numpy_dtype)
    except (TypeError, ValueError, OverflowError):
        raise errors.InvalidArgumentError(None, None, f"Cannot convert the column value {value!r} to "
                                                      f"{dtype.name}") from None


SqlDataset = SqlDatasetV1
