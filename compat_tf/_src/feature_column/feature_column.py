"""tf.feature_column (TF 1.15 feature_column.py, the v1 columns): numeric, bucketized, the
categorical columns (identity, vocabulary list/file, hash bucket), indicator, embedding;
input_layer, linear_model, make_parse_example_spec.

Names and variables as TF1: columns are processed sorted by name, each in
variable_scope(<column name>) under "input_layer" / "linear_model" ("input_layer/x_embedding/
embedding_weights", "linear_model/x/weights", "linear_model/bias_weights"), so checkpoints of
TF1 models restore. Categorical ids follow TF1's rules: '' (strings) and -1 (ints) are missing,
out-of-vocabulary ids (-1 by default) are dropped, identity ids outside [0, num_buckets) use
default_value; embedding combiners mean/sqrtn/sum and linear_model's sum run over the present
ids of each row (an empty row gives zeros).

Deviation: categorical features are computed as dense tensors ([batch] or [batch, k], the
numpy_input_fn / pandas_input_fn / FixedLenFeature case) with masks, which gives TF1's values;
a SparseTensor feature (VarLenFeature, as parsing serving receivers give) is densified first,
so an entry explicitly holding '' or -1 counts as absent (TF1 would look it up, e.g. into an
OOV bucket). crossed_column, weighted_categorical_column and shared_embedding_columns are in
combined_columns.py, the sequence_* columns in sequence_columns.py.
"""
import collections
import math

import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import array_ops, gather_ops, init_ops, math_ops, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["bucketized_column", "categorical_column_with_hash_bucket", "categorical_column_with_identity",
           "categorical_column_with_vocabulary_file", "categorical_column_with_vocabulary_list", "embedding_column",
           "indicator_column", "input_layer", "linear_model", "make_parse_example_spec", "numeric_column"]


def _g():
    return _graph.get_default_graph()


@register_op("Bucketize")
def _bucketize(input, boundaries=(), T=None):  # noqa: A002 - TF's input name
    return jnp.searchsorted(jnp.asarray(boundaries, jnp.float32), jnp.asarray(input), side="right").astype(jnp.int32)


def bucketize(x, boundaries, name=None):
    """op Bucketize: the number of boundaries <= x, int32."""
    return make_tensor("Bucketize", [x], {"boundaries": tuple(float(b) for b in boundaries)},
                       name=name or "Bucketize")


def _feature(features, key, categorical=False):
    """The tensor of `key`; a categorical column's SparseTensor (VarLenFeature) is densified with
    its missing marker ('' or -1), which the id masks then drop, as TF1 drops absent entries."""
    if key not in features:
        raise ValueError(f"The following feature is missing: {key!r}")
    value = features[key]
    if isinstance(value, SparseTensor):
        if not categorical:
            raise ValueError("The corresponding Tensor of numerical column must be a Tensor. SparseTensor is not "
                             f"supported. key: {key}")
        from compat_tf._src.ops import sparse_ops
        missing = "" if value.dtype.base_dtype == _dtypes.string else -1
        return sparse_ops.sparse_tensor_to_dense(value, default_value=missing, name=f"{key}_to_dense")
    return _constant.convert_to_tensor(value, name=key)


def _as_2d(t):
    if t.shape.ndims == 1:
        return array_ops.expand_dims(t, -1)
    if t.shape.ndims is not None and t.shape.ndims > 2:
        return array_ops.reshape(t, [-1, int(np.prod(t.shape.as_list()[1:]))])
    return t


# --------------------------------------------------------------------------------------------
# columns
# --------------------------------------------------------------------------------------------

class _LazyBuilder:
    """TF1's feature_column._LazyBuilder: the features dict as columns read it."""

    def __init__(self, features):
        self._features = features.copy() if isinstance(features, dict) else {}

    def get(self, key):
        if isinstance(self._features.get(key), SparseTensor):
            return self._features[key]
        return _feature(self._features, key)


def _features_of(inputs):
    return inputs._features if isinstance(inputs, _LazyBuilder) else inputs


class _DenseColumn:
    """A column giving a dense [batch, n] tensor (numeric, bucketized, embedding, indicator)."""

    _var_scope_name = property(lambda self: self.name)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        """TF1's column API: the dense tensor of this column for `inputs` (a _LazyBuilder or a dict)."""
        return self._dense(_features_of(inputs))


class _CategoricalColumn:
    """A column giving ids [batch, k] and a presence mask; num_buckets ids in all."""

    _var_scope_name = property(lambda self: self.name)

    def _ids_and_mask(self, features):
        raise NotImplementedError

    def _ids_and_weights(self, features):
        """(ids [batch, k] int64, weights [batch, k] float32): a present id weighs 1, a missing one 0
        (a weighted_categorical_column gives its weight feature instead)."""
        ids, present = self._ids_and_mask(features)
        return ids, math_ops.cast(present, _dtypes.float32)


class _NumericColumn(_DenseColumn, collections.namedtuple("_NumericColumn", (
        "key", "shape", "default_value", "dtype", "normalizer_fn"))):
    name = property(lambda self: self.key)
    _variable_shape = property(lambda self: _ts.TensorShape(self.shape))
    _parse_example_spec = property(lambda self: {self.key: _parse_fixed(self.shape, self.dtype, self.default_value)})

    def _dense(self, features):
        x = math_ops.cast(_feature(features, self.key), _dtypes.float32)
        if self.normalizer_fn is not None:
            x = self.normalizer_fn(x)
        n = int(np.prod(self.shape))
        return array_ops.reshape(x, [-1, n])


def _parse_fixed(shape, dtype, default):
    from compat_tf._src.ops.parsing_ops import FixedLenFeature
    return FixedLenFeature(shape, dtype, default)


def numeric_column(key, shape=(1,), default_value=None, dtype=_dtypes.float32, normalizer_fn=None):
    """A real-valued column (shape per example, flattened in input_layer)."""
    shape = (shape,) if isinstance(shape, int) else tuple(int(d) for d in shape)
    if any(d < 1 for d in shape):
        raise ValueError(f"shape dimensions must be greater than 0. shape: {shape}, key: {key}")
    dtype = _dtypes.as_dtype(dtype)
    if not (dtype.is_integer or dtype.is_floating):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype}, key: {key}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    if default_value is not None and not isinstance(default_value, (int, float, tuple, list)):
        raise TypeError(f"default_value must be compatible with dtype. default_value: {default_value}")
    return _NumericColumn(key, shape, default_value, dtype, normalizer_fn)


class _BucketizedColumn(_DenseColumn, _CategoricalColumn, collections.namedtuple(
        "_BucketizedColumn", ("source_column", "boundaries"))):
    name = property(lambda self: f"{self.source_column.name}_bucketized")
    _parse_example_spec = property(lambda self: self.source_column._parse_example_spec)

    @property
    def _num_elements(self):
        return int(np.prod(self.source_column.shape))

    @property
    def _num_buckets(self):
        return (len(self.boundaries) + 1) * self._num_elements

    _variable_shape = property(lambda self: _ts.TensorShape(list(self.source_column.shape)
                                                            + [len(self.boundaries) + 1]))

    def _buckets(self, features):
        return bucketize(self.source_column._dense(features), self.boundaries)       # [batch, n]

    def _dense(self, features):
        oh = array_ops.one_hot(self._buckets(features), len(self.boundaries) + 1, dtype=_dtypes.float32)
        return array_ops.reshape(oh, [-1, self._num_buckets])

    def _ids_and_mask(self, features):
        b = self._buckets(features)
        offsets = _constant.constant(np.arange(self._num_elements, dtype=np.int32) * (len(self.boundaries) + 1))
        ids = b + offsets
        return math_ops.cast(ids, _dtypes.int64), array_ops.ones_like(ids, dtype=_dtypes.bool)


def bucketized_column(source_column, boundaries):
    """source_column's values bucketized by the sorted `boundaries` (one-hot in input_layer)."""
    if not isinstance(source_column, _NumericColumn):
        raise ValueError(f"source_column must be a column generated with numeric_column(). Given: {source_column}")
    if len(source_column.shape) > 1:
        raise ValueError(f"source_column must be one-dimensional column. Given: {source_column}")
    if not boundaries or not isinstance(boundaries, (list, tuple)):
        raise ValueError("boundaries must be a sorted list.")
    for i in range(len(boundaries) - 1):
        if boundaries[i] >= boundaries[i + 1]:
            raise ValueError("boundaries must be a sorted list.")
    return _BucketizedColumn(source_column, tuple(boundaries))


def _missing_mask(raw):
    if raw.dtype.base_dtype == _dtypes.string:
        return math_ops.not_equal(raw, "")
    return math_ops.not_equal(raw, -1)


class _IdentityColumn(_CategoricalColumn, collections.namedtuple("_IdentityColumn", (
        "key", "num_buckets", "default_value"))):
    name = property(lambda self: self.key)
    _num_buckets = property(lambda self: self.num_buckets)
    _parse_example_spec = property(lambda self: {self.key: _var_len(_dtypes.int64)})

    def _ids_and_mask(self, features):
        raw = _as_2d(_feature(features, self.key, categorical=True))
        if not raw.dtype.is_integer:
            raise ValueError(f"Invalid input, not integer. key: {self.key} dtype: {raw.dtype}")
        ids = math_ops.cast(raw, _dtypes.int64)
        present = _missing_mask(raw)
        bad = math_ops.logical_or(ids < 0, ids >= self.num_buckets)
        if self.default_value is not None:
            ids = array_ops.where(bad, array_ops.fill(array_ops.shape(ids), np.int64(self.default_value)), ids)
        else:
            from compat_tf._src.ops import check_ops
            check = check_ops.assert_equal(math_ops.reduce_any(math_ops.logical_and(bad, present)), False,
                                           message=f"Bucket index for categorical column {self.key} exceeds "
                                                   f"[0, {self.num_buckets})")
            from compat_tf._src.ops import control_flow_ops
            with _g().control_dependencies([check]):
                ids = control_flow_ops.identity(ids)
        return ids, present


def _var_len(dtype):
    from compat_tf._src.ops.parsing_ops import VarLenFeature
    return VarLenFeature(dtype)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """Integer ids used as they are (ids outside [0, num_buckets) -> default_value or an error)."""
    if num_buckets < 1:
        raise ValueError(f"num_buckets {num_buckets} < 1, column_name {key}")
    if default_value is not None and not 0 <= default_value < num_buckets:
        raise ValueError(f"default_value {default_value} not in range [0, {num_buckets}), column_name {key}")
    return _IdentityColumn(key, int(num_buckets), default_value)


class _VocabColumn(_CategoricalColumn, collections.namedtuple("_VocabColumn", (
        "key", "vocabulary", "vocabulary_file", "vocabulary_size", "dtype", "default_value", "num_oov_buckets"))):
    name = property(lambda self: self.key)
    _parse_example_spec = property(lambda self: {self.key: _var_len(self.dtype)})

    @property
    def _num_buckets(self):
        size = len(self.vocabulary) if self.vocabulary is not None else self.vocabulary_size
        return size + self.num_oov_buckets

    def _ids_and_mask(self, features):
        ids, present = self._looked_up_ids_and_mask(features)
        return ids, math_ops.logical_and(present, ids >= 0)

    def _looked_up_ids_and_mask(self, features):
        """The table's ids with out-of-vocabulary ones (default_value, -1 by default) kept, as TF1's
        id SparseTensor holds them (embeddings drop them; a crossed_column hashes them)."""
        from compat_tf._src.ops import lookup_tables
        raw = _as_2d(_feature(features, self.key, categorical=True))
        if (raw.dtype == _dtypes.string) != (self.dtype == _dtypes.string):
            raise ValueError(f"Column dtype and SparseTensors dtype must be compatible. key: {self.key}, column dtype: "
                             f"{self.dtype}, tensor dtype: {raw.dtype}")
        keys = raw if raw.dtype == _dtypes.string else math_ops.cast(raw, _dtypes.int64)
        with _g().name_scope(f"{self.key}_lookup"):
            if self.vocabulary is not None:
                table = lookup_tables.index_table_from_tensor(
                    list(self.vocabulary), num_oov_buckets=self.num_oov_buckets, default_value=self.default_value,
                    dtype=_dtypes.string if self.dtype == _dtypes.string else _dtypes.int64)
            else:
                table = lookup_tables.index_table_from_file(
                    self.vocabulary_file, num_oov_buckets=self.num_oov_buckets, vocab_size=self.vocabulary_size,
                    default_value=self.default_value,
                    key_dtype=_dtypes.string if self.dtype == _dtypes.string else _dtypes.int64)
            ids = table.lookup(keys)
        return ids, _missing_mask(raw)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None, default_value=-1, num_oov_buckets=0):
    """Strings/ints mapped to their position in vocabulary_list (OOV: default_value or hash buckets)."""
    if not vocabulary_list:
        raise ValueError(f"vocabulary_list {vocabulary_list} must be non-empty, column_name: {key}")
    if len(set(vocabulary_list)) != len(vocabulary_list):
        raise ValueError(f"Duplicate keys in vocabulary_list {vocabulary_list}, column_name: {key}")
    if num_oov_buckets and default_value != -1:
        raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
    if num_oov_buckets < 0:
        raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets} in {key}.")
    vocab_dtype = _dtypes.string if isinstance(vocabulary_list[0], (str, bytes)) else _dtypes.int64
    dtype = vocab_dtype if dtype is None else _dtypes.as_dtype(dtype)
    if (dtype == _dtypes.string) != (vocab_dtype == _dtypes.string):
        raise ValueError(f"dtype {dtype} and vocabulary dtype {vocab_dtype} do not match, column_name: {key}")
    return _VocabColumn(key, tuple(vocabulary_list), None, None, dtype, default_value, int(num_oov_buckets))


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None, num_oov_buckets=0,
                                            default_value=None, dtype=_dtypes.string):
    """Like vocabulary_list, the vocabulary being the lines of a file."""
    if not vocabulary_file:
        raise ValueError(f"Missing vocabulary_file in {key}.")
    if vocabulary_size is None:
        from compat_tf._src.platform import gfile
        with gfile.GFile(vocabulary_file, "rb") as f:
            vocabulary_size = sum(1 for _ in f)
    if num_oov_buckets and default_value is not None:
        raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
    return _VocabColumn(key, None, vocabulary_file, int(vocabulary_size), _dtypes.as_dtype(dtype),
                        -1 if default_value is None else default_value, int(num_oov_buckets))


class _HashedColumn(_CategoricalColumn, collections.namedtuple("_HashedColumn", ("key", "hash_bucket_size", "dtype"))):
    name = property(lambda self: self.key)
    _num_buckets = property(lambda self: self.hash_bucket_size)
    _parse_example_spec = property(lambda self: {self.key: _var_len(self.dtype)})

    def _ids_and_mask(self, features):
        from compat_tf._src.ops import string_ops, string_transform_ops
        raw = _as_2d(_feature(features, self.key, categorical=True))
        strings = raw if raw.dtype == _dtypes.string else string_ops.as_string(raw)
        ids = string_transform_ops.string_to_hash_bucket_fast(strings, self.hash_bucket_size)
        return ids, _missing_mask(raw)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=_dtypes.string):
    """Fingerprint64(str(value)) % hash_bucket_size (TF's hashing, so ids equal TF1's)."""
    if hash_bucket_size is None or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be at least 1. hash_bucket_size: {hash_bucket_size}, key: {key}")
    dtype = _dtypes.as_dtype(dtype)
    if dtype != _dtypes.string and not dtype.is_integer:
        raise ValueError(f"dtype must be string or integer. dtype: {dtype}, column_name: {key}")
    return _HashedColumn(key, int(hash_bucket_size), dtype)


class _IndicatorColumn(_DenseColumn, collections.namedtuple("_IndicatorColumn", ("categorical_column",))):
    name = property(lambda self: f"{self.categorical_column.name}_indicator")
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = property(lambda self: _ts.TensorShape([self.categorical_column._num_buckets]))

    def _dense(self, features):
        ids, weights = self.categorical_column._ids_and_weights(features)
        n = self.categorical_column._num_buckets
        oh = array_ops.one_hot(ids, n, dtype=_dtypes.float32) * weights[..., None]
        return math_ops.reduce_sum(oh, axis=-2)


def indicator_column(categorical_column):
    """Multi-hot (counts) of a categorical column's ids."""
    if not isinstance(categorical_column, _CategoricalColumn):
        raise ValueError(f"Unsupported input type. Input must be a _CategoricalColumn. Given: {categorical_column}")
    return _IndicatorColumn(categorical_column)


def _pruned(ids_and_weights, combiner):
    """TF1's safe_embedding_lookup_sparse (embedding columns, linear_model) drops the entries whose
    weight is <= 0 unless the combiner is "sum" (indicator_column keeps them)."""
    ids, weights = ids_and_weights
    if combiner == "sum":
        return ids, weights
    return ids, array_ops.where(weights > 0, weights, array_ops.zeros_like(weights))


def _rows(table, ids, weights):
    """The table rows of ids [batch, k] (row 0 where the weight is 0: missing ids)."""
    return gather_ops.gather(table, array_ops.where(math_ops.not_equal(weights, 0.0), ids, array_ops.zeros_like(ids)))


def _combine(rows, weights, combiner):
    """rows [batch, k, d] weighted by weights [batch, k] (0 for missing ids), combined per batch row."""
    total = math_ops.reduce_sum(rows * weights[..., None], axis=-2)
    if combiner == "sum":
        return total
    if combiner == "mean":
        denom = math_ops.reduce_sum(weights, axis=-1, keepdims=True)
    else:   # sqrtn
        denom = math_ops.sqrt(math_ops.reduce_sum(math_ops.square(weights), axis=-1, keepdims=True))
    return math_ops.div_no_nan(total, denom)


class _EmbeddingColumn(_DenseColumn, collections.namedtuple("_EmbeddingColumn", (
        "categorical_column", "dimension", "combiner", "initializer", "ckpt_to_load_from", "tensor_name_in_ckpt",
        "max_norm", "trainable"))):
    name = property(lambda self: f"{self.categorical_column.name}_embedding")
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = property(lambda self: _ts.TensorShape([self.dimension]))

    _creates_variables = True

    def _embedding_variable(self, weight_collections, trainable):
        return _vs.get_variable("embedding_weights", shape=[self.categorical_column._num_buckets, self.dimension],
                                dtype=_dtypes.float32, initializer=self.initializer,
                                trainable=self.trainable and (trainable is None or trainable),
                                collections=weight_collections)

    def _dense(self, features, weight_collections=None, trainable=None):
        table = self._embedding_variable(weight_collections, trainable)
        if self.ckpt_to_load_from is not None:
            from compat_tf._src.train.checkpoint_utils import init_from_checkpoint
            init_from_checkpoint(self.ckpt_to_load_from, {self.tensor_name_in_ckpt: table})
        ids, weights = _pruned(self.categorical_column._ids_and_weights(features), self.combiner)
        return _combine(_rows(table, ids, weights), weights, self.combiner)


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None, ckpt_to_load_from=None,
                     tensor_name_in_ckpt=None, max_norm=None, trainable=True):
    """A dense [batch, dimension] embedding of a categorical column ("embedding_weights"; initializer
    truncated_normal(0, 1/sqrt(dimension)) by default)."""
    if dimension is None or dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise ValueError("Must specify both `ckpt_to_load_from` and `tensor_name_in_ckpt` or none of them.")
    if initializer is not None and not callable(initializer):
        raise ValueError(f"initializer must be callable if specified. Embedding of column_name: "
                         f"{categorical_column.name}")
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got {combiner!r}")
    if max_norm is not None:
        raise NotImplementedError("tf.feature_column.embedding_column(max_norm=...) is not implemented by compat_tf")
    if initializer is None:
        initializer = init_ops.truncated_normal_initializer(mean=0.0, stddev=1 / math.sqrt(dimension))
    return _EmbeddingColumn(categorical_column, int(dimension), combiner, initializer, ckpt_to_load_from,
                            tensor_name_in_ckpt, max_norm, trainable)


# --------------------------------------------------------------------------------------------
# input_layer, linear_model, make_parse_example_spec
# --------------------------------------------------------------------------------------------

def _is_sequence(c):
    return getattr(c, "_is_sequence", False) or getattr(getattr(c, "categorical_column", None), "_is_sequence", False)


def _check_columns(feature_columns, sequence=False):
    """The columns sorted by name; ValueError for none, duplicates, or sequence columns outside
    sequence_input_layer (TF1's message)."""
    if not isinstance(feature_columns, (list, tuple)) and hasattr(feature_columns, "_parse_example_spec"):
        feature_columns = [feature_columns]
    feature_columns = list(feature_columns)
    if not feature_columns:
        raise ValueError("feature_columns must not be empty.")
    for c in feature_columns:
        if not sequence and _is_sequence(c):
            raise ValueError(f"In {c.name}: a sequence column (sequence_categorical_column_with_* / "
                             "sequence_numeric_column) cannot be used here. Suggested fix: If you wish to create "
                             "sequence input, use sequence_input_layer instead of input_layer. "
                             f"Given (type {type(c)}): {c}")
    names = [c.name for c in feature_columns]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"Duplicate feature column name found for columns: {sorted(dup)}")
    return sorted(feature_columns, key=lambda c: c.name)


def input_layer(features, feature_columns, weight_collections=None, trainable=True, cols_to_vars=None,
                cols_to_output_tensors=None):
    """The dense columns concatenated into one [batch, n] tensor (columns in name order)."""
    columns = _check_columns(feature_columns)
    for c in columns:
        if not isinstance(c, _DenseColumn):
            raise ValueError(f"Items of feature_columns must be a _DenseColumn. You can wrap a categorical column "
                             f"with an embedding_column or indicator_column. Given: {c}")
    with _vs.variable_scope(None, default_name="input_layer"):
        outputs = []
        for c in columns:
            with _vs.variable_scope(None, default_name=c._var_scope_name) as sc:
                before = set(id(v) for v in _g().get_collection(GraphKeys.GLOBAL_VARIABLES))
                if getattr(c, "_creates_variables", False):
                    t = c._dense(features, weight_collections, trainable)
                else:
                    t = c._dense(features)
                t = array_ops.reshape(t, [-1, c._variable_shape.num_elements()], name="Reshape")
                outputs.append(t)
                if cols_to_vars is not None:
                    cols_to_vars[c] = [v for v in _g().get_collection(GraphKeys.GLOBAL_VARIABLES)
                                       if id(v) not in before and v.op.name.startswith(sc.name + "/")]
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[c] = t
        return array_ops.concat(outputs, 1)


def linear_model(features, feature_columns, units=1, sparse_combiner="sum", weight_collections=None, trainable=True,
                 cols_to_vars=None):
    """sum over columns of (dense @ weights, or the sum of the weight rows of the present ids) +
    bias_weights: [batch, units] logits of a linear model."""
    if sparse_combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"sparse_combiner must be one of 'mean', 'sqrtn' or 'sum', got {sparse_combiner!r}")
    columns = _check_columns(feature_columns)
    collections_ = list(weight_collections or []) + [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    with _vs.variable_scope(None, default_name="linear_model"):
        terms = []
        for c in columns:
            with _vs.variable_scope(None, default_name=c._var_scope_name):
                if isinstance(c, _CategoricalColumn):
                    w = _vs.get_variable("weights", [c._num_buckets, units], initializer=init_ops.zeros_initializer(),
                                         trainable=trainable, collections=collections_)
                    ids, weights = _pruned(c._ids_and_weights(features), sparse_combiner)
                    terms.append(array_ops.reshape(_combine(_rows(w, ids, weights), weights, sparse_combiner),
                                                   [-1, units]))
                else:
                    dense = array_ops.reshape(c._dense(features), [-1, c._variable_shape.num_elements()])
                    w = _vs.get_variable("weights", [c._variable_shape.num_elements(), units],
                                         initializer=init_ops.zeros_initializer(), trainable=trainable,
                                         collections=collections_)
                    terms.append(math_ops.matmul(dense, w, name="weighted_sum"))
                if cols_to_vars is not None:
                    cols_to_vars[c] = [w]
        bias = _vs.get_variable("bias_weights", [units], initializer=init_ops.zeros_initializer(),
                                trainable=trainable, collections=collections_)
        if cols_to_vars is not None:
            cols_to_vars["bias"] = [bias]
        return nn_ops.bias_add(math_ops.add_n(terms, name="weighted_sum_no_bias"), bias, name="weighted_sum")


def make_parse_example_spec(feature_columns):
    """{feature key: FixedLenFeature/VarLenFeature} for tf.parse_example."""
    spec = {}
    for c in feature_columns:
        if not hasattr(c, "_parse_example_spec"):
            raise ValueError(f"All feature_columns must be _FeatureColumn instances. Given: {c}")
        for k, v in c._parse_example_spec.items():
            if k in spec and spec[k] != v:
                raise ValueError(f"feature_columns contain different parse_spec for key {k}. Given {v} and {spec[k]}")
        spec.update(c._parse_example_spec)
    return spec
