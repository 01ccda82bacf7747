"""tf.data.experimental.TFRecordWriter (TF 1.15 writers.py): `write(dataset)` is an op (TF's
DatasetToTFRecord) that, when run, writes every element of a dataset of scalar strings as a record
of `filename` (created or truncated then), compressed as `compression_type` ("", "ZLIB", "GZIP").
A failed element stops the write with its error, as the kernel returns it."""
import numpy as np

from compat_tf._src.data import structure
from compat_tf._src.data.dataset_host_ops import dataset_op, iter_context
from compat_tf._src.data.dataset_ops import DatasetV1
from compat_tf._src.data.element_error import is_error
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework.registry import register_op

__all__ = ["TFRecordWriter"]


def _write(dataset, ictx, filename, compression):
    from compat_tf._src.data import readers
    from compat_tf._src.io import tf_record
    filename = _text(filename)
    compression = readers._compression(_text(compression))
    with tf_record.TFRecordWriter(filename, tf_record.TFRecordOptions(compression or None)) as w:
        for el in dataset._iterate(ictx):
            if is_error(el):
                raise el.error
            w.write(np.asarray(el[0], dtype=object).item())
    return []


def _text(v):
    v = np.asarray(v, dtype=object).item()
    return v.decode() if isinstance(v, bytes) else str(v)


@register_op("DatasetToTFRecord", shape=lambda op: [], ctx=True, host=True, stateful=True, differentiable=False)
def _dataset_to_tf_record(ctx, *values, **attrs):
    n = attrs["_n_dataset_inputs"]
    return _write(attrs["_dataset"], iter_context(ctx, values[:n]), values[n], values[n + 1])


class TFRecordWriter:
    """Writes a dataset of scalar strings to a TFRecord file (see the module docstring)."""

    def __init__(self, filename, compression_type=None):
        from compat_tf._src.ops import constant as _constant
        self._filename = _constant.convert_to_tensor(filename, _dtypes.string, name="filename")
        self._compression_type = _constant.convert_to_tensor(compression_type or "", _dtypes.string,
                                                             name="compression_type")

    def write(self, dataset):
        """The op writing `dataset` (run it; while executing eagerly it writes at once)."""
        if not isinstance(dataset, DatasetV1):
            raise TypeError(f"`dataset` must be a `tf.data.Dataset` object, got {type(dataset).__name__}.")
        spec = dataset._spec
        if not (isinstance(spec, structure.Spec) and spec.dtype == _dtypes.string and spec.shape.ndims == 0):
            raise TypeError("`dataset` must produce scalar `DT_STRING` tensors whereas it produces shape "
                            f"{structure.shapes_of(spec)} and types {structure.types_of(spec)}")
        return dataset_op("DatasetToTFRecord", dataset, [], "DatasetToTFRecord",
                          extra_inputs=[self._filename, self._compression_type], return_op=True,
                          eager_fn=lambda ictx, f, c: _write(dataset, ictx, f, c))
