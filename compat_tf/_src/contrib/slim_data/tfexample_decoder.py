"""slim.tfexample_decoder (TF 1.15): TFExampleDecoder and its ItemHandlers.

A TFExampleDecoder parses a serialized tf.train.Example with tf.parse_single_example (its
`keys_to_features`), reshapes every FixedLenFeature to its declared shape (in sorted key order, as
TF 1.15), then hands each requested item's ItemHandler the parsed tensors of its keys. Handlers:
Tensor (optional reshape by `shape` or by shape features; a VarLenFeature is densified with
`default_value`), LookupTensor (a Tensor through a lookup table), BoundingBox ([num_boxes, 4] from
four coordinate features), SparseTensor (ids + values features into a SparseTensor), Image
(encoded image or raw bytes), ItemHandlerCallback and BackupHandler.

Deviation: Image decodes in one host op (see image_decode.py) where TF builds a case/cond (and a
map_fn when `repeated`); BackupHandler computes both items and picks on the host (TF's tf.cond
runs one). The sequence-example handlers (TFSequenceExampleDecoder, BoundingBoxSequence, ...) are
not provided.
"""
import abc

import numpy as np

from compat_tf._src.contrib.slim_data import data_decoder, image_decode
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor as _SparseTensor
from compat_tf._src.ops import array_ops, math_ops, parsing_ops, sparse_ops, sparse_reorder_ops
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["BackupHandler", "BoundingBox", "Image", "ItemHandler", "ItemHandlerCallback", "LookupTensor",
           "SparseTensor", "TFExampleDecoder", "Tensor"]


class ItemHandler(abc.ABC):
    """The Example features (`keys`) an item is made from, and how (`tensors_to_item`)."""

    def __init__(self, keys):
        if not isinstance(keys, (tuple, list)):
            keys = [keys]
        self._keys = keys

    @property
    def keys(self):
        return self._keys

    @abc.abstractmethod
    def tensors_to_item(self, keys_to_tensors):
        """The item's tensor from a dict of parsed feature tensors."""


class ItemHandlerCallback(ItemHandler):
    """The item is `func(keys_to_tensors)`."""

    def __init__(self, keys, func):
        super().__init__(keys)
        self._func = func

    def tensors_to_item(self, keys_to_tensors):
        return self._func(keys_to_tensors)


class BoundingBox(ItemHandler):
    """[num_boxes, 4] boxes (ymin, xmin, ymax, xmax order of `keys`) from four coordinate features,
    each prefixed by `prefix`; sparse (VarLenFeature) coordinates contribute their values."""

    def __init__(self, keys=None, prefix=""):
        if keys is None:
            keys = ["ymin", "xmin", "ymax", "xmax"]
        elif len(keys) != 4:
            raise ValueError(f"BoundingBox expects 4 keys but got {len(keys)}")
        self._prefix = prefix
        self._keys = keys
        self._full_keys = [prefix + k for k in keys]
        super().__init__(self._full_keys)

    def tensors_to_item(self, keys_to_tensors):
        sides = []
        for key in self._full_keys:
            side = keys_to_tensors[key]
            if isinstance(side, _SparseTensor):
                side = side.values
            sides.append(array_ops.expand_dims(side, 0))
        return array_ops.transpose(array_ops.concat(sides, 0))


def _dense_shape_value(t):
    return sparse_ops.sparse_tensor_to_dense(t) if isinstance(t, _SparseTensor) else t


class Tensor(ItemHandler):
    """The parsed feature `tensor_key`, reshaped to `shape` or to the values of the `shape_keys`
    features (one per dimension); a SparseTensor is densified with `default_value`."""

    def __init__(self, tensor_key, shape_keys=None, shape=None, default_value=0):
        if shape_keys and shape is not None:
            raise ValueError("Cannot specify both shape_keys and shape parameters.")
        if shape_keys and not isinstance(shape_keys, list):
            shape_keys = [shape_keys]
        self._tensor_key = tensor_key
        self._shape_keys = shape_keys
        self._shape = shape
        self._default_value = default_value
        keys = [tensor_key]
        if shape_keys:
            keys.extend(shape_keys)
        super().__init__(keys)

    def tensors_to_item(self, keys_to_tensors):
        tensor = keys_to_tensors[self._tensor_key]
        shape = self._shape
        if self._shape_keys:
            dims = [_dense_shape_value(keys_to_tensors[k]) for k in self._shape_keys]
            shape = array_ops.reshape(array_ops.stack(dims), [-1])
        if isinstance(tensor, _SparseTensor):
            if shape is not None:
                tensor = sparse_reorder_ops.sparse_reshape(tensor, shape)
            return sparse_ops.sparse_tensor_to_dense(tensor, self._default_value)
        if shape is not None:
            tensor = array_ops.reshape(tensor, shape)
        return tensor


class LookupTensor(Tensor):
    """A Tensor item mapped through `table.lookup` (e.g. label strings to ids)."""

    def __init__(self, tensor_key, table, shape_keys=None, shape=None, default_value=""):
        self._table = table
        super().__init__(tensor_key, shape_keys, shape, default_value)

    def tensors_to_item(self, keys_to_tensors):
        return self._table.lookup(super().tensors_to_item(keys_to_tensors))


def _backup_select_shape(op):
    a, b = op.inputs[0].shape, op.inputs[1].shape
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return [(_ts.unknown_shape(), op.inputs[0].dtype.base_dtype)]
    return [(a.most_specific_compatible_shape(b), op.inputs[0].dtype.base_dtype)]


@register_op("_SlimBackupSelect", shape=_backup_select_shape, host=True, differentiable=False)
def _backup_select(ctx, item, backup):
    item = np.asarray(item)
    return np.asarray(backup) if item.size == 0 else item


class BackupHandler(ItemHandler):
    """`handler`'s item, or `backup`'s when that item has no elements.

    Deviation: TF 1.15 picks with a tf.cond whose true branch builds the backup item; compat_tf's
    tf.cond needs branches of one shape without host ops, which the two items rarely are (an
    empty primary item has 0 elements), so both items are computed and one host op picks (the
    same result; an error in the unused backup item surfaces, where TF never runs it)."""

    def __init__(self, handler, backup):
        if not isinstance(handler, ItemHandler):
            raise ValueError(f"Primary handler is of type {type(handler)} instead of ItemHandler")
        if not isinstance(backup, ItemHandler):
            raise ValueError(f"Backup handler is of type {type(backup)} instead of ItemHandler")
        self._handler = handler
        self._backup = backup
        super().__init__(handler.keys + backup.keys)

    def tensors_to_item(self, keys_to_tensors):
        item = self._handler.tensors_to_item(keys_to_tensors)
        backup = self._backup.tensors_to_item(keys_to_tensors)
        if item.dtype.base_dtype != backup.dtype.base_dtype:
            raise ValueError(f"BackupHandler: the items must have one dtype, got {item.dtype.base_dtype.name} "
                             f"and {backup.dtype.base_dtype.name}")
        return make_tensor("_SlimBackupSelect", [item, backup], name="backup_handler")


class SparseTensor(ItemHandler):
    """A SparseTensor whose last index column is the ids of the `indices_key` feature and whose
    values are the `values_key` feature's (both VarLenFeatures); dense shape from `shape_key`,
    `shape` or the ids feature; densified with `default_value` when `densify`."""

    def __init__(self, indices_key=None, values_key=None, shape_key=None, shape=None, densify=False,
                 default_value=0):
        indices_key = indices_key or "indices"
        values_key = values_key or "values"
        self._indices_key = indices_key
        self._values_key = values_key
        self._shape_key = shape_key
        self._shape = shape
        self._densify = densify
        self._default_value = default_value
        keys = [indices_key, values_key]
        if shape_key:
            keys.append(shape_key)
        super().__init__(keys)

    def tensors_to_item(self, keys_to_tensors):
        indices = keys_to_tensors[self._indices_key]
        values = keys_to_tensors[self._values_key]
        if self._shape_key:
            shape = _dense_shape_value(keys_to_tensors[self._shape_key])
        elif self._shape:
            shape = self._shape
        else:
            shape = indices.dense_shape
        rank = array_ops.shape(indices.indices)[1]
        ids = math_ops.cast(indices.values, _dtypes.int64)
        kept_columns = array_ops.slice(indices.indices, [0, 0], array_ops.stack([-1, rank - 1]))
        new_indices = array_ops.concat([kept_columns, array_ops.reshape(ids, [-1, 1])], 1)
        tensor = _SparseTensor(new_indices, values.values, shape)
        if self._densify:
            tensor = sparse_ops.sparse_tensor_to_dense(tensor, self._default_value)
        return tensor


class Image(ItemHandler):
    """The decoded image of feature `image_key` ('image/encoded'), whose format is feature
    `format_key` ('image/format'): "raw"/"RAW" bytes of `dtype`, else JPEG/PNG/GIF/BMP (by the
    image's first bytes, `channels` channels) cast to `dtype`; static shape [?, ?, channels],
    reshaped to `shape` when given; `repeated`: a vector of images, decoded and stacked."""

    def __init__(self, image_key=None, format_key=None, shape=None, channels=3, dtype=_dtypes.uint8,
                 repeated=False, dct_method=""):
        image_key = image_key or "image/encoded"
        format_key = format_key or "image/format"
        super().__init__([image_key, format_key])
        self._image_key = image_key
        self._format_key = format_key
        self._shape = shape
        self._channels = channels
        self._dtype = dtype
        self._repeated = repeated
        self._dct_method = dct_method

    def tensors_to_item(self, keys_to_tensors):
        image_buffer = keys_to_tensors[self._image_key]
        image_format = keys_to_tensors[self._format_key]
        image = image_decode.decode_image_or_raw(image_buffer, image_format, channels=self._channels,
                                                 dtype=self._dtype, dct_method=self._dct_method,
                                                 repeated=self._repeated)
        if self._shape is None:
            return image
        if self._repeated:  # TF reshapes each image inside its map_fn
            n = array_ops.shape(image)[:1]
            return array_ops.reshape(image, array_ops.concat([n, math_ops.cast(self._shape, n.dtype)], 0))
        return array_ops.reshape(image, self._shape)


class TFExampleDecoder(data_decoder.DataDecoder):
    """Decodes serialized tf.train.Examples into items: `keys_to_features` (feature key ->
    FixedLenFeature / VarLenFeature) for parsing, `items_to_handlers` (item -> ItemHandler)."""

    def __init__(self, keys_to_features, items_to_handlers):
        self._keys_to_features = keys_to_features
        self._items_to_handlers = items_to_handlers

    def list_items(self):
        return list(self._items_to_handlers.keys())

    def decode(self, serialized_example, items=None):
        """The tensors of `items` (all items when None or empty) of one serialized Example."""
        example = parsing_ops.parse_single_example(serialized_example, self._keys_to_features)
        for k in sorted(self._keys_to_features):
            v = self._keys_to_features[k]
            if isinstance(v, parsing_ops.FixedLenFeature):
                example[k] = array_ops.reshape(example[k], v.shape)
        if not items:
            items = self._items_to_handlers.keys()
        outputs = []
        for item in items:
            handler = self._items_to_handlers[item]
            keys_to_tensors = {key: example[key] for key in handler.keys}
            outputs.append(handler.tensors_to_item(keys_to_tensors))
        return outputs
