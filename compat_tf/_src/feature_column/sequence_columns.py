"""TF 1.15's sequence feature columns (feature_column/sequence_feature_column.py) and
tf.contrib.feature_column.sequence_input_layer.

sequence_categorical_column_with_{identity,hash_bucket,vocabulary_list,vocabulary_file} wrap the
matching categorical column (same name and VarLenFeature parse spec); their ids are one per time
step, so embedding_column / indicator_column of them give [batch, T, dimension] /
[batch, T, num_buckets] (a missing step gives zeros). sequence_numeric_column reads a
SparseTensor [batch, T * prod(shape)] (a VarLenFeature), padded with default_value.
sequence_input_layer concatenates the columns (in name order, each in
variable_scope("sequence_input_layer/<column name>"), so TF1's checkpoints restore) into
[batch, T, sum of dimensions] and returns it with the sequence lengths [batch] (int64): per
example, the last present step + 1 (TF's sequence_length_from_sparse_tensor), which must be the
same for every column (an InvalidArgumentError otherwise).

Deviation: sequence ids come densified like the other categorical columns, so a SparseTensor
entry explicitly holding '' or -1 counts as absent.
"""
import collections

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.feature_column import feature_column as fc
from compat_tf._src.ops import array_ops, gather_ops, math_ops, sparse_ops
from compat_tf._src.ops import variable_scope as _vs

__all__ = ["sequence_categorical_column_with_hash_bucket", "sequence_categorical_column_with_identity",
           "sequence_categorical_column_with_vocabulary_file", "sequence_categorical_column_with_vocabulary_list",
           "sequence_input_layer", "sequence_numeric_column"]


def _length_from_sparse(sp, num_elements=1):
    """TF's fc_utils.sequence_length_from_sparse_tensor: ceil((last column index + 1) / num_elements) per row."""
    rows = sp.indices[:, 0]
    cols = sp.indices[:, 1] + 1
    batch = sp.dense_shape[0]
    longest = math_ops.maximum(gather_ops.unsorted_segment_max(cols, rows, batch), np.int64(0))
    if num_elements == 1:
        return longest
    return math_ops.floordiv(longest + (num_elements - 1), np.int64(num_elements))


def _length_from_mask(present):
    """The last present step + 1 of each row of a [batch, T] mask."""
    steps = array_ops.range(1, array_ops.shape(present, out_type=_dtypes.int64)[1] + 1, dtype=_dtypes.int64)
    return math_ops.reduce_max(array_ops.where(present, array_ops.ones_like(present, dtype=_dtypes.int64) * steps,
                                               array_ops.zeros_like(present, dtype=_dtypes.int64)), axis=1)


class _SequenceCategoricalColumn(fc._CategoricalColumn, collections.namedtuple(
        "_SequenceCategoricalColumn", ("categorical_column",))):
    """TF's SequenceCategoricalColumn: a categorical column read one id per time step."""

    _is_sequence = True
    name = property(lambda self: self.categorical_column.name)
    _num_buckets = property(lambda self: self.categorical_column._num_buckets)
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)

    def _ids_and_mask(self, features):
        return self.categorical_column._ids_and_mask(features)

    def _sequence_length(self, features, present):
        raw = features.get(self.categorical_column.key) if hasattr(self.categorical_column, "key") else None
        if isinstance(raw, SparseTensor):
            return _length_from_sparse(raw)
        return _length_from_mask(present)


def _sequence_dense(column, features, weight_collections, trainable):
    """(dense [batch, T, d], sequence length [batch]) of an embedding or indicator column of a
    sequence categorical column (TF's _get_sequence_dense_tensor)."""
    cat = column.categorical_column
    ids, present = cat._ids_and_mask(features)
    weights = math_ops.cast(present, _dtypes.float32)[..., None]
    if isinstance(column, fc._IndicatorColumn):
        dense = array_ops.one_hot(ids, cat._num_buckets, dtype=_dtypes.float32) * weights
    else:
        table = column._embedding_variable(weight_collections, trainable)
        dense = fc._rows(table, ids, weights[..., 0]) * weights
    return dense, cat._sequence_length(features, present)


class _SequenceNumericColumn(collections.namedtuple("_SequenceNumericColumn", (
        "key", "shape", "default_value", "dtype", "normalizer_fn"))):
    """TF's SequenceNumericColumn."""

    _is_sequence = True
    name = property(lambda self: self.key)
    _var_scope_name = property(lambda self: self.key)
    _variable_shape = property(lambda self: _ts.TensorShape(self.shape))
    _parse_example_spec = property(lambda self: {self.key: fc._var_len(self.dtype)})

    def _sequence_dense(self, features, weight_collections=None, trainable=None):
        if self.key not in features:
            raise ValueError(f"The following feature is missing: {self.key!r}")
        sp = features[self.key]
        if not isinstance(sp, SparseTensor):
            raise ValueError(f"sequence_numeric_column {self.key!r} needs a SparseTensor feature (a VarLenFeature), "
                             f"got {sp}")
        dense = sparse_ops.sparse_tensor_to_dense(sp, default_value=np.asarray(self.default_value,
                                                                                sp.dtype.as_numpy_dtype))
        if self.normalizer_fn is not None:
            dense = self.normalizer_fn(dense)
        n = int(np.prod(self.shape))
        dense = array_ops.reshape(math_ops.cast(dense, _dtypes.float32),
                                  array_ops.concat([array_ops.shape(dense)[:1], [-1, n]], 0))
        return dense, _length_from_sparse(sp, n)


def _sequence_of(fn, *args, **kwargs):
    return _SequenceCategoricalColumn(fn(*args, **kwargs))


def sequence_categorical_column_with_identity(key, num_buckets, default_value=None):
    """tf.feature_column.sequence_categorical_column_with_identity."""
    return _sequence_of(fc.categorical_column_with_identity, key, num_buckets, default_value)


def sequence_categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=_dtypes.string):
    """tf.feature_column.sequence_categorical_column_with_hash_bucket."""
    return _sequence_of(fc.categorical_column_with_hash_bucket, key, hash_bucket_size, dtype)


def sequence_categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None, num_oov_buckets=0,
                                                     default_value=None, dtype=_dtypes.string):
    """tf.feature_column.sequence_categorical_column_with_vocabulary_file."""
    return _sequence_of(fc.categorical_column_with_vocabulary_file, key, vocabulary_file, vocabulary_size,
                              num_oov_buckets, default_value, dtype)


def sequence_categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1,
                                                     num_oov_buckets=0):
    """tf.feature_column.sequence_categorical_column_with_vocabulary_list."""
    return _sequence_of(fc.categorical_column_with_vocabulary_list, key, vocabulary_list, dtype, default_value,
                              num_oov_buckets)


def sequence_numeric_column(key, shape=(1,), default_value=0., dtype=_dtypes.float32, normalizer_fn=None):
    """tf.feature_column.sequence_numeric_column: real values per time step, `shape` per step."""
    shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
    if any(d < 1 for d in shape):
        raise ValueError(f"shape dimensions must be greater than 0. shape: {shape}, key: {key}")
    dtype = _dtypes.as_dtype(dtype)
    if not (dtype.is_integer or dtype.is_floating):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype}, key: {key}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    return _SequenceNumericColumn(key, shape, default_value, dtype, normalizer_fn)


def _is_sequence_dense(c):
    return isinstance(c, _SequenceNumericColumn) or (
        isinstance(c, (fc._IndicatorColumn, fc._EmbeddingColumn))
        and isinstance(c.categorical_column, _SequenceCategoricalColumn))


def sequence_input_layer(features, feature_columns, weight_collections=None, trainable=True):
    """tf.contrib.feature_column.sequence_input_layer: ([batch, T, n] float32, sequence lengths [batch])."""
    columns = fc._check_columns(feature_columns, sequence=True)
    for c in columns:
        if not _is_sequence_dense(c):
            raise ValueError("All feature_columns must be of type _SequenceDenseColumn. You can wrap a "
                             "sequence_categorical_column with an embedding_column or indicator_column. "
                             f"Given (type {type(c)}): {c}")
    from compat_tf._src.ops import check_ops, control_flow_ops
    with _vs.variable_scope(None, default_name="sequence_input_layer"):
        outputs, lengths = [], []
        for c in columns:
            with _vs.variable_scope(None, default_name=c._var_scope_name):
                if isinstance(c, _SequenceNumericColumn):
                    dense, length = c._sequence_dense(features)
                else:
                    dense, length = _sequence_dense(c, features, weight_collections, trainable)
                n = c._variable_shape.num_elements()
                outputs.append(array_ops.reshape(dense, array_ops.concat([array_ops.shape(dense)[:2], [n]], 0)))
                lengths.append(length)
        with _graph.name_scope("sequence_length"):
            checks = [check_ops.assert_equal(lengths[0], other, message="sequence_length of the feature columns "
                                             "differ") for other in lengths[1:]]
            with _graph.get_default_graph().control_dependencies(checks):
                length = control_flow_ops.identity(lengths[0])
        return array_ops.concat(outputs, -1), length
