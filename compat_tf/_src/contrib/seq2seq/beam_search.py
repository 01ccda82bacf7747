"""tf.contrib.seq2seq.tile_batch (TF 1.15 beam_search_decoder.py): each batch entry repeated
`multiplier` times along the batch axis (to feed a beam search its memory)."""
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops.rnn_cell_impl import _map_structure

__all__ = ["tile_batch"]


def _tile_batch(t, multiplier):
    t = _constant.convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    shape_t = array_ops.shape(t)
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    static_batch = t.shape[0].value * multiplier if t.shape[0].value is not None else None
    tiled = array_ops.tile(array_ops.expand_dims(t, 1), tiling)
    tiled = array_ops.reshape(tiled, array_ops.concat(([shape_t[0] * multiplier], shape_t[1:]), 0))
    tiled.set_shape(_ts.TensorShape([static_batch]).concatenate(t.shape[1:]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """[batch, ...] -> [batch * multiplier, ...], each entry repeated (a nested structure mapped)."""
    with _graph.get_default_graph().name_scope(name or "tile_batch"):
        return _map_structure(lambda x: _tile_batch(x, multiplier), t)
