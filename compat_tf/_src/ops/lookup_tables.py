"""The table classes and constructors of tf.lookup / tf.contrib.lookup (TF 1.15 lookup_ops.py),
over the table ops of lookup_ops.py: names, defaults and errors as TF1."""
import collections

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import array_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import lookup_ops as _ops
from compat_tf._src.ops._op_util import make_op

__all__ = ["FastHashSpec", "HasherSpec", "HashTable", "IdTableWithHashBuckets", "KeyValueTensorInitializer",
           "LookupInterface", "MutableHashTable", "StaticHashTable", "StaticVocabularyTable", "StrongHashSpec",
           "TableInitializerBase", "TextFileIdTableInitializer", "TextFileIndex", "TextFileInitializer",
           "TextFileStringTableInitializer", "index_table_from_file", "index_table_from_tensor", "index_to_string",
           "index_to_string_table_from_file", "index_to_string_table_from_tensor", "string_to_index"]


def _g():
    return _graph.get_default_graph()


class TextFileIndex:
    WHOLE_LINE = -2
    LINE_NUMBER = -1


HasherSpec = collections.namedtuple("HasherSpec", ["hasher", "key"])
FastHashSpec = HasherSpec("fasthash", None)


class StrongHashSpec(HasherSpec):
    """Keyed SipHash buckets: not implemented by compat_tf (NotImplementedError when used)."""
    __slots__ = ()

    def __new__(cls, key):
        return super().__new__(cls, "stronghash", key)


class LookupInterface:
    """Base of the tables: key/value dtypes, name, size(), lookup()."""

    def __init__(self, key_dtype, value_dtype, name=None):
        self._key_dtype = _dtypes.as_dtype(key_dtype)
        self._value_dtype = _dtypes.as_dtype(value_dtype)
        self._name = name

    key_dtype = property(lambda self: self._key_dtype)
    value_dtype = property(lambda self: self._value_dtype)
    name = property(lambda self: self._name)


class TableInitializerBase:
    def __init__(self, key_dtype, value_dtype):
        self._key_dtype = _dtypes.as_dtype(key_dtype)
        self._value_dtype = _dtypes.as_dtype(value_dtype)

    key_dtype = property(lambda self: self._key_dtype)
    value_dtype = property(lambda self: self._value_dtype)

    def _check_table_dtypes(self, table):
        if table.key_dtype != self._key_dtype or table.value_dtype != self._value_dtype:
            raise TypeError(f"Invalid key dtype, expected {self._key_dtype} but got {table.key_dtype}."
                            if table.key_dtype != self._key_dtype else
                            f"Invalid value dtype, expected {self._value_dtype} but got {table.value_dtype}.")


class KeyValueTensorInitializer(TableInitializerBase):
    """Initializes a table from `keys` and `values` tensors (InitializeTableV2)."""

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        with _g().name_scope(name or "key_value_init"):
            self._keys = _constant.convert_to_tensor(keys, dtype=key_dtype, name="keys")
            self._values = _constant.convert_to_tensor(values, dtype=value_dtype, name="values")
            self._name = name or "key_value_init"
        super().__init__(self._keys.dtype.base_dtype, self._values.dtype.base_dtype)

    def initialize(self, table):
        self._check_table_dtypes(table)
        with _g().name_scope(self._name) as scope:
            init_op = make_op("InitializeTableV2", [table.resource_handle, self._keys, self._values], name=scope)
        _g().add_to_collection(GraphKeys.TABLE_INITIALIZERS, init_op)
        return init_op


class TextFileInitializer(TableInitializerBase):
    """Initializes a table from a text file: keys and values from the columns key_index /
    value_index (split by delimiter), TextFileIndex.WHOLE_LINE or LINE_NUMBER."""

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index, vocab_size=None, delimiter="\t",
                 name=None):
        if key_index == TextFileIndex.LINE_NUMBER and not _dtypes.as_dtype(key_dtype).is_integer:
            raise ValueError(f"Signature mismatch. Keys must be dtype {_dtypes.int64}, got {key_dtype}.")
        if key_index < -2 or value_index < -2:
            raise ValueError(f"Invalid key_index {key_index} or value_index {value_index}.")
        if value_index == TextFileIndex.LINE_NUMBER and _dtypes.as_dtype(value_dtype) != _dtypes.int64:
            raise ValueError(f"Signature mismatch. Values must be dtype {_dtypes.int64}, got {value_dtype}.")
        if value_index == TextFileIndex.WHOLE_LINE and _dtypes.as_dtype(value_dtype) != _dtypes.string:
            raise ValueError(f"Signature mismatch. Values must be dtype {_dtypes.string}, got {value_dtype}.")
        if vocab_size is not None and vocab_size <= 0:
            raise ValueError(f"Invalid vocab_size {vocab_size}.")
        self._filename = filename
        self._key_index, self._value_index = key_index, value_index
        self._vocab_size = vocab_size
        self._delimiter = delimiter
        self._name = name
        super().__init__(key_dtype, value_dtype)

    def initialize(self, table):
        self._check_table_dtypes(table)
        with _g().name_scope(self._name or "text_file_init") as scope:
            filename = _constant.convert_to_tensor(self._filename, _dtypes.string, name="asset_filepath")
            init_op = make_op("InitializeTableFromTextFileV2", [table.resource_handle, filename],
                              {"key_index": self._key_index, "value_index": self._value_index,
                               "vocab_size": -1 if self._vocab_size is None else self._vocab_size,
                               "delimiter": self._delimiter}, name=scope)
        _g().add_to_collection(GraphKeys.TABLE_INITIALIZERS, init_op)
        _g().add_to_collection(GraphKeys.ASSET_FILEPATHS, filename)
        return init_op


class TextFileStringTableInitializer(TextFileInitializer):
    def __init__(self, filename, key_column_index=TextFileIndex.LINE_NUMBER,
                 value_column_index=TextFileIndex.WHOLE_LINE, vocab_size=None, delimiter="\t",
                 name="text_file_string_table_init"):
        super().__init__(filename, _dtypes.int64, key_column_index, _dtypes.string, value_column_index,
                         vocab_size=vocab_size, delimiter=delimiter, name=name)


class TextFileIdTableInitializer(TextFileInitializer):
    def __init__(self, filename, key_column_index=TextFileIndex.WHOLE_LINE,
                 value_column_index=TextFileIndex.LINE_NUMBER, vocab_size=None, delimiter="\t",
                 name="text_file_id_table_init", key_dtype=_dtypes.string):
        super().__init__(filename, key_dtype, key_column_index, _dtypes.int64, value_column_index,
                         vocab_size=vocab_size, delimiter=delimiter, name=name)


class InitializableLookupTableBase(LookupInterface):
    """A table filled once by an initializer (its op is `table.initializer` / `table.init`)."""

    def __init__(self, default_value, initializer):
        super().__init__(initializer.key_dtype, initializer.value_dtype, self._name)
        self._default_value = _constant.convert_to_tensor(default_value, dtype=self._value_dtype)
        self._default_value.shape.merge_with(_constant.convert_to_tensor(0).shape)
        self._initializer = initializer
        self._init_op = initializer.initialize(self)

    resource_handle = property(lambda self: self._resource_handle)
    default_value = property(lambda self: self._default_value)
    initializer = property(lambda self: self._init_op)
    init = initializer

    def size(self, name=None):
        with _g().name_scope(name or f"{self._name}_Size"):
            return make_op("LookupTableSizeV2", [self._resource_handle], name="LookupTableSizeV2").outputs[0]

    def lookup(self, keys, name=None):
        """Values of `keys` (a Tensor or SparseTensor of key_dtype); default_value where missing."""
        with _g().name_scope(name or f"{self._name}_Lookup"):
            return _ops.find(self._resource_handle, keys, self._default_value, self._key_dtype,
                             self._value_dtype, "LookupTableFindV2")


class HashTable(InitializableLookupTableBase):
    """tf.contrib.lookup.HashTable / tf.lookup.StaticHashTable (compat.v1: its initializer is in
    GraphKeys.TABLE_INITIALIZERS)."""

    def __init__(self, initializer, default_value, shared_name=None, name=None):
        self._resource_handle = _ops.create_handle("HashTableV2", initializer.key_dtype, initializer.value_dtype,
                                                   shared_name, name or "hash_table")
        self._name = self._resource_handle.op.name.split("/")[-1]
        super().__init__(default_value, initializer)


StaticHashTable = HashTable


class _HashBucketLookup(LookupInterface):
    """Shared by IdTableWithHashBuckets and StaticVocabularyTable: ids from the table, keys not
    in it go to table.size() + Fingerprint64(key) % num_oov_buckets."""

    def _bucket_ids(self, keys):
        from compat_tf._src.ops import string_ops, string_transform_ops
        if self._hasher_spec.hasher != "fasthash":
            raise NotImplementedError(f"lookup tables with hasher_spec={self._hasher_spec} are not implemented by "
                                      "compat_tf (only FastHashSpec)")
        values = keys if keys.dtype.base_dtype == _dtypes.string else string_ops.as_string(keys)
        return string_transform_ops.string_to_hash_bucket_fast(values, self._num_oov_buckets, name="hash_bucket")

    def _lookup_dense(self, keys):
        keys = _constant.convert_to_tensor(keys, dtype=self._key_dtype, name="keys")
        buckets = self._bucket_ids(keys)
        if self._table is None:
            return buckets
        ids = self._table.lookup(keys)
        buckets = math_ops.add(buckets, self._table.size())
        return array_ops.where(math_ops.not_equal(ids, self._table.default_value), ids, buckets)

    def lookup(self, keys, name=None):
        with _g().name_scope(name or f"{self._name}_Lookup"):
            if isinstance(keys, SparseTensor):
                return SparseTensor(keys.indices, self._lookup_dense(keys.values), keys.dense_shape)
            return self._lookup_dense(keys)

    def size(self, name=None):
        with _g().name_scope(name or f"{self._name}_Size"):
            if self._table is None:
                return _constant.constant(self._num_oov_buckets, _dtypes.int64)
            return self._table.size() + self._num_oov_buckets

    @property
    def initializer(self):
        if self._table is None:
            from compat_tf._src.ops import control_flow_ops
            return control_flow_ops.no_op()
        return self._table.initializer

    init = initializer
    resource_handle = property(lambda self: self._table.resource_handle if self._table else None)


class IdTableWithHashBuckets(_HashBucketLookup):
    """tf.contrib.lookup.IdTableWithHashBuckets: a string/int -> int64 table plus OOV buckets."""

    def __init__(self, table, num_oov_buckets, hasher_spec=FastHashSpec, name=None, key_dtype=None):
        if num_oov_buckets < 0:
            raise ValueError(f"oov_buckets must be >= 0, got {num_oov_buckets}")
        if table is not None and table.value_dtype != _dtypes.int64:
            raise TypeError(f"Invalid value dtype, expected int64 but got {table.value_dtype}.")
        self._table = table
        self._num_oov_buckets = num_oov_buckets
        self._hasher_spec = hasher_spec
        key_dtype = key_dtype or (table.key_dtype if table is not None else _dtypes.string)
        super().__init__(key_dtype, _dtypes.int64, name or (f"{table.name}-hash_buckets" if table else
                                                            "hash_bucket"))


class StaticVocabularyTable(_HashBucketLookup):
    """tf.lookup.StaticVocabularyTable(initializer, num_oov_buckets)."""

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None):
        if num_oov_buckets <= 0:
            raise ValueError("oov_buckets must be > 0; use StaticHashTable.")
        self._table = HashTable(initializer, -1, name=name or "vocab_table")
        self._num_oov_buckets = num_oov_buckets
        self._hasher_spec = FastHashSpec
        super().__init__(lookup_key_dtype or initializer.key_dtype, _dtypes.int64, name or "vocab_table")


class MutableHashTable(LookupInterface):
    """tf.contrib.lookup.MutableHashTable: insert/remove/lookup/export at run time."""

    def __init__(self, key_dtype, value_dtype, default_value, shared_name=None, name="MutableHashTable",
                 checkpoint=True):
        super().__init__(key_dtype, value_dtype, name)
        self._default_value = _constant.convert_to_tensor(default_value, dtype=self._value_dtype)
        if self._default_value.shape.ndims != 0:
            raise NotImplementedError("tf.contrib.lookup.MutableHashTable with non-scalar values is not "
                                      "implemented by compat_tf")
        self._resource_handle = _ops.create_handle("MutableHashTableV2", self._key_dtype, self._value_dtype,
                                                   shared_name, name)

    resource_handle = property(lambda self: self._resource_handle)

    def size(self, name=None):
        return make_op("LookupTableSizeV2", [self._resource_handle], name=name or f"{self._name}_Size").outputs[0]

    def lookup(self, keys, name=None):
        return _ops.find(self._resource_handle, keys, self._default_value, self._key_dtype, self._value_dtype,
                         name or f"{self._name}_lookup_table_find")

    def insert(self, keys, values, name=None):
        keys = _constant.convert_to_tensor(keys, self._key_dtype, name="keys")
        values = _constant.convert_to_tensor(values, self._value_dtype, name="values")
        return make_op("LookupTableInsertV2", [self._resource_handle, keys, values],
                       {"Tin": self._key_dtype, "Tout": self._value_dtype},
                       name=name or f"{self._name}_lookup_table_insert")

    def remove(self, keys, name=None):
        keys = _constant.convert_to_tensor(keys, self._key_dtype, name="keys")
        return make_op("LookupTableRemoveV2", [self._resource_handle, keys], {"Tin": self._key_dtype},
                       name=name or f"{self._name}_lookup_table_remove")

    def export(self, name=None):
        op = make_op("LookupTableExportV2", [self._resource_handle],
                     {"Tkeys": self._key_dtype, "Tvalues": self._value_dtype},
                     name=name or f"{self._name}_lookup_table_export_values")
        return op.outputs[0], op.outputs[1]


# --------------------------------------------------------------------------------------------
# constructors
# --------------------------------------------------------------------------------------------

def _check_oov(num_oov_buckets):
    if num_oov_buckets < 0:
        raise ValueError(f"num_oov_buckets must be greater or equal than 0, got {num_oov_buckets}.")


def index_table_from_tensor(vocabulary_list, num_oov_buckets=0, default_value=-1, hasher_spec=FastHashSpec,
                            dtype=_dtypes.string, name=None, mapping=None):
    """A table mapping each vocabulary entry to its int64 position (OOV: default_value, or one of
    num_oov_buckets hash buckets after the vocabulary)."""
    vocabulary_list = mapping if vocabulary_list is None else vocabulary_list
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    _check_oov(num_oov_buckets)
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_integer and dtype.base_dtype != _dtypes.string:
        raise TypeError("Only integer and string keys are supported.")
    with _g().name_scope(name or "string_to_index"):
        keys = _constant.convert_to_tensor(vocabulary_list)
        if keys.dtype.is_integer != dtype.is_integer:
            raise ValueError(f"Expected {'integer' if dtype.is_integer else 'non-integer'}, got {keys.dtype}.")
        if not dtype.is_integer and keys.dtype.base_dtype != dtype:
            raise ValueError(f"Expected {dtype}, got {keys.dtype}.")
        values = math_ops.cast(array_ops.range(array_ops.size(keys)), _dtypes.int64)
        with _g().name_scope("hash_table"):
            table_keys = math_ops.cast(keys, _dtypes.int64) if keys.dtype.is_integer else keys
            init = KeyValueTensorInitializer(table_keys, values, table_keys.dtype.base_dtype, _dtypes.int64,
                                             name="table_init")
            table = HashTable(init, default_value)
        if num_oov_buckets:
            table = IdTableWithHashBuckets(table, num_oov_buckets=num_oov_buckets, hasher_spec=hasher_spec,
                                           key_dtype=dtype)
        return table


def index_table_from_file(vocabulary_file=None, num_oov_buckets=0, vocab_size=None, default_value=-1,
                          hasher_spec=FastHashSpec, key_dtype=_dtypes.string, name=None,
                          key_column_index=TextFileIndex.WHOLE_LINE, value_column_index=TextFileIndex.LINE_NUMBER,
                          delimiter="\t"):
    """A table from a vocabulary file: line i's key -> i."""
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("vocabulary_file must be specified and must not be empty.")
    _check_oov(num_oov_buckets)
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(f"vocab_size must be greater than 0, got {vocab_size}. vocabulary_file: {vocabulary_file}")
    key_dtype = _dtypes.as_dtype(key_dtype)
    if not key_dtype.is_integer and key_dtype != _dtypes.string:
        raise TypeError("Only integer and string keys are supported.")
    with _g().name_scope(name or "string_to_index"):
        with _g().name_scope("hash_table"):
            init = TextFileIdTableInitializer(vocabulary_file, vocab_size=vocab_size,
                                              key_dtype=_dtypes.int64 if key_dtype.is_integer else key_dtype,
                                              name="table_init", key_column_index=key_column_index,
                                              value_column_index=value_column_index, delimiter=delimiter)
            table = HashTable(init, default_value)
        if num_oov_buckets:
            table = IdTableWithHashBuckets(table, num_oov_buckets=num_oov_buckets, hasher_spec=hasher_spec,
                                           key_dtype=key_dtype)
        return table


def index_to_string_table_from_tensor(vocabulary_list, default_value="UNK", name=None, mapping=None):
    """A table int64 id -> vocabulary string (default_value for ids outside it)."""
    vocabulary_list = mapping if vocabulary_list is None else vocabulary_list
    if vocabulary_list is None:
        raise ValueError("vocabulary_list must be specified.")
    with _g().name_scope(name or "index_to_string"):
        vocabulary_list = _constant.convert_to_tensor(vocabulary_list, _dtypes.string)
        num_elements = array_ops.size(vocabulary_list)
        keys = math_ops.cast(array_ops.range(num_elements), _dtypes.int64)
        init = KeyValueTensorInitializer(keys, vocabulary_list, _dtypes.int64, _dtypes.string, name="table_init")
        return HashTable(init, default_value)


def index_to_string_table_from_file(vocabulary_file, vocab_size=None, default_value="UNK", name=None,
                                    key_column_index=TextFileIndex.LINE_NUMBER,
                                    value_column_index=TextFileIndex.WHOLE_LINE, delimiter="\t"):
    if vocabulary_file is None or (isinstance(vocabulary_file, str) and not vocabulary_file):
        raise ValueError("vocabulary_file must be specified and must not be empty.")
    if vocab_size is not None and vocab_size < 1:
        raise ValueError(f"vocab_size must be greater than 0, got {vocab_size}.")
    with _g().name_scope(name or "index_to_string"):
        init = TextFileStringTableInitializer(vocabulary_file, vocab_size=vocab_size, name="table_init",
                                              key_column_index=key_column_index,
                                              value_column_index=value_column_index, delimiter=delimiter)
        return HashTable(init, default_value)


def string_to_index(tensor, mapping, default_value=-1, name=None):
    """tf.contrib.lookup.string_to_index: index_table_from_tensor(mapping).lookup(tensor)."""
    table = index_table_from_tensor(mapping, default_value=default_value, name=name)
    return table.lookup(tensor)


def index_to_string(tensor, mapping, default_value="UNK", name=None):
    """tf.contrib.lookup.index_to_string: index_to_string_table_from_tensor(mapping).lookup(tensor)."""
    table = index_to_string_table_from_tensor(mapping, default_value=default_value, name=name)
    return table.lookup(tensor)
