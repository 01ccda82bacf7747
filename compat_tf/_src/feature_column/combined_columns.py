"""TF1's columns built from other columns (feature_column.py, the v1 columns): crossed_column,
weighted_categorical_column, shared_embedding_columns.

As TF1:
- crossed_column hashes each combination of one value per crossed input (TF's SparseCrossHashed:
  a string's Fingerprint64 or an integer as it is, folded with FingerprintCat64 starting from
  hash_key, default 0xDECAFCAFFE), mod hash_bucket_size. The inputs are hashed SparseTensor ones
  first (categorical columns' ids, SparseTensor features), then dense features, each group in
  key order, as sparse_ops.sparse_cross_hashed orders them; every entry of a dense feature takes
  part (an '' too), only the present entries of the sparse ones (a vocabulary column's
  out-of-vocabulary id -1 included, as TF1's id SparseTensor holds it). The name joins the sorted leaf
  names with "_X_". The hashing runs on the host (op `_CrossedColumnHash`; compat_tf does not
  register TF's SparseCrossHashed here).
- weighted_categorical_column weighs each id by the matching entry of the weight feature
  (embedding combiners and linear_model then form weighted sums; indicator_column sums the weights).
- shared_embedding_columns share one "embedding_weights" variable, created by the first column
  used, in variable_scope(<sorted categorical names joined by '_'>_shared_embedding) and kept in
  the graph collection of that name.
"""
import collections
import itertools

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import array_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import sparse_ops
from compat_tf._src.feature_column import feature_column as fc

__all__ = ["crossed_column", "shared_embedding_columns", "weighted_categorical_column"]

_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_M64 = (1 << 64) - 1


# --------------------------------------------------------------------------------------------
# the cross hash (host op)
# --------------------------------------------------------------------------------------------

def _cross_shape(op):
    n = len(op.inputs) // 2
    shapes = [op.inputs[i].shape for i in range(n)]
    batch = _ts.Dimension(None)
    for sh in shapes:
        batch = batch.merge_with(sh[0]) if sh.ndims else batch
    widths = [sh[1].value if sh.ndims == 2 else None for sh in shapes]
    k = None if None in widths else int(np.prod(widths))
    return [(_ts.TensorShape([batch, k]), _dtypes.int64), (_ts.TensorShape([batch, k]), _dtypes.bool)]


@register_op("_CrossedColumnHash", shape=_cross_shape, num_outputs=2, host=True, differentiable=False)
def _crossed_column_hash(ctx, *values_and_masks, num_buckets=1, hash_key=_DEFAULT_HASH_KEY):
    from compat_tf._src.ops.string_ops import _bytes
    from compat_tf._src.ops.string_transform_ops import fingerprint64, fingerprint_cat64
    n = len(values_and_masks) // 2
    values = [np.asarray(v) for v in values_and_masks[:n]]
    masks = [np.asarray(m, bool) for m in values_and_masks[n:]]
    batch, widths = values[0].shape[0], [v.shape[1] for v in values]
    ids = np.zeros((batch, int(np.prod(widths))), np.int64)
    present = np.zeros(ids.shape, bool)
    hashed = [np.vectorize(lambda b: fingerprint64(_bytes(b)), otypes=[object])(v) if v.dtype.kind in "OSU"
              else v.astype(np.int64).astype(np.uint64).astype(object) for v in values]
    for r in range(batch):
        for j, combo in enumerate(itertools.product(*[range(w) for w in widths])):
            if not all(m[r, c] for m, c in zip(masks, combo)):
                continue
            h = hash_key & _M64
            for col, c in zip(hashed, combo):
                h = fingerprint_cat64(h, int(col[r, c]))
            ids[r, j] = h % num_buckets
            present[r, j] = True
    return ids, present


def _leaf_keys(keys):
    out = []
    for k in keys:
        out += _leaf_keys(k.keys) if isinstance(k, _CrossedColumn) else [k]
    return out


class _CrossedColumn(fc._CategoricalColumn, collections.namedtuple("_CrossedColumn", (
        "keys", "hash_bucket_size", "hash_key"))):
    """TF1's _CrossedColumn."""

    name = property(lambda self: "_X_".join(sorted(k if isinstance(k, str) else k.name
                                                   for k in _leaf_keys(self.keys))))
    _num_buckets = property(lambda self: self.hash_bucket_size)

    @property
    def _parse_example_spec(self):
        spec = {}
        for k in self.keys:
            spec.update({k: fc._var_len(_dtypes.string)} if isinstance(k, str) else k._parse_example_spec)
        return spec

    def _input(self, features, key):
        """(values [batch, k], present mask, is_sparse) of one crossed input."""
        if not isinstance(key, str):
            if isinstance(key, _WeightedColumn):
                raise ValueError("crossed_column does not support weight_tensor, but the given column populates "
                                 f"weight_tensor. Given column: {key.name}")
            ids, present = getattr(key, "_looked_up_ids_and_mask", key._ids_and_mask)(features)
            return ids, present, True
        if key not in features:
            raise ValueError(f"The following feature is missing: {key!r}")
        value = features[key]
        if isinstance(value, SparseTensor):
            dense = fc._as_2d(fc._feature(features, key, categorical=True))
            present, sparse = fc._missing_mask(dense), True
        else:
            dense = fc._as_2d(_constant.convert_to_tensor(value, name=key))
            present, sparse = array_ops.ones_like(dense, dtype=_dtypes.bool), False
        if dense.dtype.base_dtype != _dtypes.string:
            if not dense.dtype.is_integer:
                raise TypeError(f"crossed_column: the feature {key!r} must be a string or integer tensor, got "
                                f"{dense.dtype.base_dtype.name}")
            dense = math_ops.cast(dense, _dtypes.int64)
        return dense, present, sparse

    def _ids_and_mask(self, features):
        inputs = [self._input(features, k) for k in _leaf_keys(self.keys)]
        inputs = [i for i in inputs if i[2]] + [i for i in inputs if not i[2]]     # sparse ones first, as TF
        op = _graph.get_default_graph().create_op(
            "_CrossedColumnHash", [i[0] for i in inputs] + [i[1] for i in inputs],
            {"num_buckets": self.hash_bucket_size, "hash_key": self.hash_key}, name="cross_hash")
        return op.outputs[0], op.outputs[1]


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """tf.feature_column.crossed_column: hashed crosses of string feature keys and categorical columns."""
    if not hash_bucket_size or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be > 1. hash_bucket_size: {hash_bucket_size}")
    if not keys or len(keys) < 2:
        raise ValueError(f"keys must be a list with length > 1. Given: {keys}")
    for key in keys:
        if not isinstance(key, (str, fc._CategoricalColumn)):
            raise ValueError(f"Unsupported key type. All keys must be either string, or categorical column except "
                             f"_HashedCategoricalColumn. Given: {key}")
        if isinstance(key, fc._HashedColumn):
            raise ValueError("categorical_column_with_hash_bucket is not supported for crossing. Hashing before "
                             "crossing will increase probability of collision. Instead, use the feature name as a "
                             f"string. Given: {key}")
    return _CrossedColumn(tuple(keys), int(hash_bucket_size), _DEFAULT_HASH_KEY if hash_key is None else int(hash_key))


# --------------------------------------------------------------------------------------------
# weighted_categorical_column
# --------------------------------------------------------------------------------------------

class _WeightedColumn(fc._CategoricalColumn, collections.namedtuple("_WeightedColumn", (
        "categorical_column", "weight_feature_key", "dtype"))):
    """TF1's _WeightedCategoricalColumn."""

    name = property(lambda self: f"{self.categorical_column.name}_weighted_by_{self.weight_feature_key}")
    _num_buckets = property(lambda self: self.categorical_column._num_buckets)

    @property
    def _parse_example_spec(self):
        spec = dict(self.categorical_column._parse_example_spec)
        if self.weight_feature_key in spec:
            raise ValueError(f"Parse config {spec[self.weight_feature_key]} already exists for "
                             f"{self.weight_feature_key}.")
        spec[self.weight_feature_key] = fc._var_len(self.dtype)
        return spec

    def _ids_and_mask(self, features):
        return self.categorical_column._ids_and_mask(features)

    def _ids_and_weights(self, features):
        ids, present = self.categorical_column._ids_and_mask(features)
        if self.weight_feature_key not in features:
            raise ValueError(f"Missing weights {self.weight_feature_key}.")
        w = features[self.weight_feature_key]
        if isinstance(w, SparseTensor):
            if w.dtype.base_dtype != self.dtype:
                raise ValueError(f"Bad dtype, expected {self.dtype}, but got {w.dtype.base_dtype}.")
            w = sparse_ops.sparse_tensor_to_dense(w, default_value=np.zeros((), w.dtype.as_numpy_dtype),
                                                  name=f"{self.weight_feature_key}_to_dense")
        else:
            w = _constant.convert_to_tensor(w, name=self.weight_feature_key)
            if w.dtype.base_dtype != self.dtype:
                raise ValueError(f"Bad dtype, expected {self.dtype}, but got {w.dtype.base_dtype}.")
        w = math_ops.cast(fc._as_2d(w), _dtypes.float32)
        return ids, w * math_ops.cast(present, _dtypes.float32)


def weighted_categorical_column(categorical_column, weight_feature_key, dtype=_dtypes.float32):
    """tf.feature_column.weighted_categorical_column: each id weighted by the same-position entry of
    the feature `weight_feature_key`."""
    if not isinstance(categorical_column, fc._CategoricalColumn):
        raise ValueError(f"categorical_column must be of type _CategoricalColumn. Given: {categorical_column}")
    dtype = _dtypes.as_dtype(dtype)
    if dtype is None or not (dtype.is_integer or dtype.is_floating):
        raise ValueError(f"dtype {dtype} is not convertible to float.")
    return _WeightedColumn(categorical_column, weight_feature_key, dtype)


# --------------------------------------------------------------------------------------------
# shared_embedding_columns
# --------------------------------------------------------------------------------------------

class _SharedEmbeddingColumn(fc._DenseColumn, collections.namedtuple(
        "_SharedEmbeddingColumn", fc._EmbeddingColumn._fields + ("shared_embedding_collection_name",))):
    """TF1's _SharedEmbeddingColumn: an embedding column whose table is shared through a collection."""

    name = property(lambda self: f"{self.categorical_column.name}_shared_embedding")
    _var_scope_name = property(lambda self: self.shared_embedding_collection_name)
    _parse_example_spec = fc._EmbeddingColumn._parse_example_spec
    _variable_shape = fc._EmbeddingColumn._variable_shape
    _creates_variables = True
    _dense = fc._EmbeddingColumn._dense

    def _embedding_variable(self, weight_collections, trainable):
        g = _graph.get_default_graph()
        key = self.shared_embedding_collection_name
        existing = g.get_collection(key)
        shape = [self.categorical_column._num_buckets, self.dimension]
        if existing:
            if len(existing) > 1:
                raise ValueError(f"Collection {key} can only contain one variable. Suggested fix A: Choose a unique "
                                 "name for this collection. Suggested fix B: remove all other variables from this "
                                 f"collection. Given: {existing}")
            if existing[0].shape.as_list() != shape:
                raise ValueError(f"Shared embedding weight shape {existing[0].shape.as_list()} does not match the "
                                 f"expected shape {shape} of column {self.name}")
            return existing[0]
        table = fc._EmbeddingColumn._embedding_variable(self, weight_collections, trainable)
        g.add_to_collection(key, table)
        return table


def _base_column(c):
    return c.categorical_column if isinstance(c, _WeightedColumn) else c


def shared_embedding_columns(categorical_columns, dimension, combiner="mean", initializer=None,
                             shared_embedding_collection_name=None, ckpt_to_load_from=None, tensor_name_in_ckpt=None,
                             max_norm=None, trainable=True):
    """tf.feature_column.shared_embedding_columns: one embedding column per categorical column, all
    reading one [num_buckets, dimension] "embedding_weights" table."""
    columns = list(categorical_columns)
    if not columns:
        raise ValueError("categorical_columns must not be empty.")
    template = fc.embedding_column(columns[0], dimension, combiner, initializer, ckpt_to_load_from,
                                   tensor_name_in_ckpt, max_norm, trainable)     # the argument checks
    c0 = columns[0]
    for c in columns:
        if not isinstance(c, fc._CategoricalColumn):
            raise ValueError(f"All categorical_columns must be subclasses of _CategoricalColumn. Given: {c}, of type: "
                             f"{type(c)}")
    base0 = _base_column(c0)
    for c in columns[1:]:
        if type(_base_column(c)) is not type(base0):
            raise ValueError("To use shared_embedding_column, all categorical_columns must have the same type, or be "
                             f"weighted_categorical_column of the same type. Given column: {base0} of type: "
                             f"{type(base0)} does not match given column: {_base_column(c)} of type: "
                             f"{type(_base_column(c))}")
        if c._num_buckets != c0._num_buckets:
            raise ValueError("To use shared_embedding_column, all categorical_columns must have the same number of "
                             f"buckets. Given column: {c0} with buckets: {c0._num_buckets} does  not match column: "
                             f"{c} with buckets: {c._num_buckets}")
    if not shared_embedding_collection_name:
        shared_embedding_collection_name = "_".join(sorted(c.name for c in columns)) + "_shared_embedding"
    return [_SharedEmbeddingColumn(c, *template[1:], shared_embedding_collection_name) for c in columns]
