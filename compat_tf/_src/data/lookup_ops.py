"""tf.data.experimental.DatasetInitializer / table_from_dataset / index_table_from_dataset (TF 2's
data/experimental/ops/lookup_ops.py, in TF 1.15's compat.v1 symbol list): lookup tables filled from
a dataset of (key, value) pairs, over compat_tf's static hash tables (compat_tf._src.ops.lookup_tables).

The table's initializer (in GraphKeys.TABLE_INITIALIZERS, run by tf.tables_initializer()) reads the
whole dataset when it runs: the pairs batched into two tensors (get_single_element over one batch of
everything) feed TF's InitializeTableV2. Deviation: an empty dataset fails the initializer
(InvalidArgumentError "Dataset was empty.") where TF leaves the table empty.
"""
import numpy as np

from compat_tf._src.data import structure
from compat_tf._src.data.dataset_ops import DatasetV1
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import lookup_tables

__all__ = ["DatasetInitializer", "index_table_from_dataset", "table_from_dataset"]

_ALL = np.iinfo(np.int64).max


def _check_element_spec(spec):
    if not (structure.is_nested(spec) and isinstance(spec, tuple) and len(spec) == 2):
        raise ValueError(f"The given dataset must contain (key, value) pairs; its element spec is {spec}.")
    for s in spec:
        if not isinstance(s, structure.Spec):
            raise ValueError(f"The given dataset must contain (key, value) pairs of tensors; got {spec}.")
        if s.shape.ndims not in (None, 0):
            raise ValueError(f"The keys and values of the dataset must be scalars; got shapes {s.shape}.")


class DatasetInitializer(lookup_tables.TableInitializerBase):
    """Initializes a table from a dataset of (key, value) scalar pairs (see the module docstring)."""

    def __init__(self, dataset):
        if not isinstance(dataset, DatasetV1):
            raise TypeError(f"dataset must be a tf.data.Dataset, got {type(dataset).__name__}")
        _check_element_spec(dataset._spec)
        self.dataset = dataset
        super().__init__(dataset._spec[0].dtype, dataset._spec[1].dtype)

    def initialize(self, table):
        from compat_tf._src.data.single_element import get_single_element
        self._check_table_dtypes(table)
        g = _graph.get_default_graph()
        with g.name_scope("dataset_init") as scope:
            keys, values = get_single_element(self.dataset.batch(_ALL))
            init_op = g.create_op("InitializeTableV2", [table.resource_handle, keys, values], {}, name=scope)
        g.add_to_collection(_graph.GraphKeys.TABLE_INITIALIZERS, init_op)
        return init_op


def table_from_dataset(dataset=None, num_oov_buckets=0, vocab_size=None, default_value=None,
                       hasher_spec=lookup_tables.FastHashSpec, key_dtype=_dtypes.string, name=None):
    """A static table of the (key, value) pairs of `dataset` (the first vocab_size of them), with
    num_oov_buckets hash buckets for missing keys or default_value."""
    if not isinstance(dataset, DatasetV1):
        raise TypeError(f"dataset must be a tf.data.Dataset, got {type(dataset).__name__}")
    _check_element_spec(dataset._spec)
    key_dtype = _dtypes.as_dtype(key_dtype)
    if dataset._spec[0].dtype != key_dtype:
        raise ValueError(f"Key dtype ({dataset._spec[0].dtype}) must match the key_dtype ({key_dtype}).")
    if num_oov_buckets < 0:
        raise ValueError(f"num_oov_buckets must be greater or equal than 0, got {num_oov_buckets}.")
    if vocab_size is not None:
        if vocab_size < 1:
            raise ValueError(f"vocab_size must be greater than 0, got {vocab_size}.")
        dataset = dataset.take(vocab_size)
    if default_value is None:
        default_value = -1
    g = _graph.get_default_graph()
    with g.name_scope(name or "string_to_index"):
        initializer = DatasetInitializer(dataset)
        with g.name_scope("hash_table"):
            table = lookup_tables.HashTable(initializer, default_value)
        if num_oov_buckets:
            table = lookup_tables.IdTableWithHashBuckets(table, num_oov_buckets=num_oov_buckets,
                                                         hasher_spec=hasher_spec, key_dtype=key_dtype)
        return table


def index_table_from_dataset(dataset=None, num_oov_buckets=0, vocab_size=None, default_value=-1,
                             hasher_spec=lookup_tables.FastHashSpec, key_dtype=_dtypes.string, name=None):
    """A table mapping each element of `dataset` (scalar keys) to its int64 position."""
    from compat_tf._src.data.interleave_ops import enumerate_dataset
    if not isinstance(dataset, DatasetV1):
        raise TypeError(f"dataset must be a tf.data.Dataset, got {type(dataset).__name__}")
    pairs = dataset.apply(enumerate_dataset()).map(lambda index, key: (key, index))
    return table_from_dataset(pairs, num_oov_buckets, vocab_size, default_value, hasher_spec, key_dtype, name)
