"""tf.contrib.seq2seq.gather_tree: the GatherTree op (TF 1.15 contrib/seq2seq/kernels/
beam_search_ops.cc), registered under its TF op type so GraphDefs holding it import and export.

GatherTree(step_ids, parent_ids, max_sequence_lengths, end_token) -> beams, all int32:
step_ids/parent_ids/beams are [max_time, batch, beam]. For each (batch, beam) the ids are read
back from step max_sequence_lengths[batch] - 1 (capped at max_time) by following parent_ids;
steps at or past that length hold end_token, and so does every step after the first end_token of
a beam. Runs on the host in NumPy (like TF's CPU kernel) so a bad parent id raises TF's
InvalidArgumentError. Deviation: TF's CPU kernel accepts a parent id equal to beam_width (reading
past the beam axis); compat_tf rejects it with the same error as any id out of [0, beam_width).
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["gather_tree"]


def _debug_shape(shape):
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _gather_tree_shape(op):
    step, parent, lengths, end = (t.shape for t in op.inputs)
    shape = step.merge_with(parent) if step.ndims is not None or parent.ndims is not None else step
    if shape.ndims is not None and shape.ndims != 3:
        raise ValueError(f"Shape must be rank 3 but is rank {shape.ndims} for '{op.name}' (op: 'GatherTree')")
    if lengths.ndims is not None and lengths.ndims != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {lengths.ndims} for '{op.name}' (op: 'GatherTree')")
    if end.ndims is not None and end.ndims != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {end.ndims} for '{op.name}' (op: 'GatherTree')")
    if shape.ndims == 3 and lengths.ndims == 1:
        batch = _ts.TensorShape([shape[1].value]).merge_with(lengths)
        shape = _ts.TensorShape([shape[0].value, batch[0].value, shape[2].value])
    return [(shape, _dtypes.int32)]


@register_op("GatherTree", shape=_gather_tree_shape, host=True, differentiable=False)
def _gather_tree(ctx, step_ids, parent_ids, max_sequence_lengths, end_token, T=None):
    step_ids, parent_ids = np.asarray(step_ids), np.asarray(parent_ids)
    lengths, end_token = np.asarray(max_sequence_lengths), np.asarray(end_token)
    op = ctx.op if ctx is not None else None

    def invalid(msg):
        return errors.InvalidArgumentError(None, op, msg)
    if step_ids.ndim != 3:
        raise invalid(f"step_ids must be a 3-tensor, saw shape: {_debug_shape(step_ids.shape)}")
    if lengths.ndim != 1:
        raise invalid(f"max_sequence_lengths must be a vector, saw shape: {_debug_shape(lengths.shape)}")
    if end_token.ndim != 0:
        raise invalid(f"end_token must be a scalar, saw shape: {_debug_shape(end_token.shape)}")
    if step_ids.shape != parent_ids.shape:
        raise invalid(f"step_ids.shape must match parent_ids.shape.  but shapes are: "
                      f"{_debug_shape(step_ids.shape)} and {_debug_shape(parent_ids.shape)}")
    if step_ids.shape[1] != lengths.shape[0]:
        raise invalid(f"batch size dimensions step_ids.shape[1] and max_sequence_lengths.shape[0] must match.  "
                      f"but shapes are: {_debug_shape(step_ids.shape)} and {_debug_shape(lengths.shape)}")
    max_time, batch, beam_width = step_ids.shape
    end = int(end_token)
    beams = np.full(step_ids.shape, end, np.int32)
    seq_len = np.minimum(max_time, lengths.astype(np.int64))
    for b in range(batch):
        n = int(seq_len[b])
        if n <= 0:
            continue
        beam = np.arange(beam_width)
        beams[n - 1, b] = step_ids[n - 1, b]
        parent = parent_ids[n - 1, b].astype(np.int64)
        for level in range(n - 2, -1, -1):
            bad = (parent < 0) | (parent >= beam_width)
            if bad.any():
                k = int(np.argmax(bad))
                raise invalid(f"Saw invalid parent id {int(parent[k])} at (batch, time, beam) == "
                              f"({b}, {level}, {int(beam[k])})")
            beams[level, b] = step_ids[level, b, parent]
            parent = parent_ids[level, b, parent].astype(np.int64)
        # a (possibly user-fed, broken) trajectory ends at its first end_token
        seen_end = np.cumsum(beams[:n, b] == end, axis=0) - (beams[:n, b] == end) > 0
        beams[:n, b][seen_end] = end
    return beams


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """tf.contrib.seq2seq.gather_tree: the full beams, from the per-step ids and parents of a beam
    search (the GatherTree op; see the module docstring)."""
    inputs = [_constant.convert_to_tensor(step_ids, dtype=_dtypes.int32, name="step_ids"),
              _constant.convert_to_tensor(parent_ids, dtype=_dtypes.int32, name="parent_ids"),
              _constant.convert_to_tensor(max_sequence_lengths, dtype=_dtypes.int32, name="max_sequence_lengths"),
              _constant.convert_to_tensor(end_token, dtype=_dtypes.int32, name="end_token")]
    return make_tensor("GatherTree", inputs, attrs={"T": _dtypes.int32}, name=name or "GatherTree")
