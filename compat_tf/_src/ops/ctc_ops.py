"""tf.nn.ctc_loss and tf.nn.ctc_greedy_decoder (TF1's ctc_ops.py, TF1 signatures).

ctc_loss builds op CTCLoss (outputs loss [batch] and gradient [max_time, batch, num_classes])
over time-major logits, as TF1; the label sequence of batch entry b is the values of the
SparseTensor `labels` whose row is b, in order (TF1 ignores the column index too). The blank is
the LAST class (num_classes - 1), as TF1. The loss is optax.ctc_loss (log-softmax inside,
frames past sequence_length[b] ignored); the gradient with respect to the logits is the op's
gradient output times the incoming loss gradient, as TF1's _CTCLossGrad (no second derivative).

- preprocess_collapse_repeated=True merges repeated labels (a a b -> a b) before the loss.
- ctc_merge_repeated=False (repeated non-blank outputs kept as separate labels) is not
  supported: NotImplementedError.
- ignore_longer_outputs_than_inputs=True gives loss 0 and gradient 0 for entries whose label is
  longer than sequence_length; otherwise such an entry raises InvalidArgumentError at run time
  ("Not enough time for target transition sequence"), checked on the host like TF's kernel
  checks (labels in [0, num_classes - 1), sequence_length <= max_time, rows in order).
- When the label fits but needs more frames because of repeats (a a needs a blank between),
  the target is unreachable: TF gives loss inf; optax gives a large finite loss (about 1e5).

ctc_greedy_decoder (op CTCGreedyDecoder) runs on the host: per frame the first best class,
repeated classes merged (merge_repeated), blanks removed; it returns ([SparseTensor decoded],
neg_sum_logits [batch, 1]), as TF1.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor
from compat_tf._src.ops.array_ops import _invalid

__all__ = []   # the names live in tf.nn


# --------------------------------------------------------------------------------------------
# CTCLoss
# --------------------------------------------------------------------------------------------

def _dense_labels(indices, values, batch, collapse):
    """(labels [batch, N], label lengths [batch]) from the SparseTensor parts (rows in order)."""
    n = values.shape[0]
    rows = indices[:, 0].astype(jnp.int32)
    values = values.astype(jnp.int32)
    if collapse and n > 1:
        same = (rows[1:] == rows[:-1]) & (values[1:] == values[:-1])
        keep = jnp.concatenate([jnp.ones((1,), bool), ~same])
    else:
        keep = jnp.ones((n,), bool)
    counts = jax.ops.segment_sum(keep.astype(jnp.int32), rows, num_segments=batch)
    starts = jnp.cumsum(counts) - counts
    pos = jnp.cumsum(keep.astype(jnp.int32)) - 1 - starts[rows]
    cols = jnp.where(keep, pos, n)          # dropped labels go out of range (and are dropped)
    dense = jnp.zeros((batch, max(n, 1)), jnp.int32).at[rows, cols].set(values, mode="drop")
    return dense, counts


def _ctc_core(logits_tm, dense, lengths, seq_len, blank, ignore):
    t, b = logits_tm.shape[0], logits_tm.shape[1]
    logits = jnp.swapaxes(logits_tm, 0, 1)
    logit_pad = (jnp.arange(t)[None, :] >= seq_len[:, None]).astype(logits.dtype)
    label_pad = (jnp.arange(dense.shape[1])[None, :] >= lengths[:, None]).astype(logits.dtype)
    import optax
    valid = lengths <= seq_len if ignore else jnp.ones((b,), bool)

    def total(lg):
        loss = optax.ctc_loss(lg, logit_pad, dense, label_pad, blank_id=blank)
        loss = jnp.where(valid, loss, jnp.zeros_like(loss))
        return jnp.sum(loss), loss

    (_, loss), grad = jax.value_and_grad(total, has_aux=True)(logits)
    return loss, jnp.swapaxes(grad, 0, 1)


@functools.partial(jax.custom_vjp, nondiff_argnums=(4, 5))
def _ctc(logits_tm, dense, lengths, seq_len, blank, ignore):
    return _ctc_core(logits_tm, dense, lengths, seq_len, blank, ignore)


def _ctc_fwd(logits_tm, dense, lengths, seq_len, blank, ignore):
    loss, grad = _ctc_core(logits_tm, dense, lengths, seq_len, blank, ignore)
    return (loss, grad), grad


def _ctc_bwd(blank, ignore, grad, cts):
    g_loss = cts[0]
    return (g_loss[None, :, None] * grad, None, None, None)


_ctc.defvjp(_ctc_fwd, _ctc_bwd)


def _ctc_loss_shape(op):
    x = op.inputs[0].shape.with_rank(3)
    dt = op.inputs[0].dtype.base_dtype
    return [(_ts.TensorShape([x[1]]), dt), (x, dt)]


@register_op("CTCLoss", num_outputs=2, shape=_ctc_loss_shape)
def _ctc_loss(inputs, labels_indices, labels_values, sequence_length, preprocess_collapse_repeated=False,
              ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False, **_):
    inputs = jnp.asarray(inputs)
    blank = inputs.shape[-1] - 1
    dense, lengths = _dense_labels(jnp.asarray(labels_indices), jnp.asarray(labels_values), inputs.shape[1],
                                   preprocess_collapse_repeated)
    seq_len = jnp.asarray(sequence_length).astype(jnp.int32)
    loss, grad = _ctc(inputs, dense, lengths, seq_len, blank, bool(ignore_longer_outputs_than_inputs))
    return loss, grad


@register_op("_CTCLossCheck", shape=lambda op: [(op.inputs[3].shape, op.inputs[3].dtype.base_dtype)],
             host=True, differentiable=False)
def _ctc_loss_check(ctx, inputs_shape, labels_indices, labels_values, sequence_length, collapse=False,
                    ignore=False, **_):
    """TF's CTCLoss kernel checks, on the host; passes sequence_length through."""
    max_time, batch, num_classes = (int(d) for d in np.asarray(inputs_shape).reshape(-1))
    idx = np.asarray(labels_indices).reshape(-1, 2)
    vals = np.asarray(labels_values).reshape(-1)
    seq = np.asarray(sequence_length).reshape(-1)
    if seq.shape[0] != batch:
        raise _invalid(f"len(sequence_length) != batch_size.  len(sequence_length):  {seq.shape[0]} "
                       f"batch_size: {batch}")
    for b in range(batch):
        if seq[b] > max_time:
            raise _invalid(f"sequence_length({b}) <= {max_time}")
    rows = idx[:, 0]
    if rows.size and ((np.diff(rows) < 0).any() or rows.min() < 0 or rows.max() >= batch):
        raise _invalid("labels indices must be ordered by batch entry, in [0, batch_size)")
    for b in range(batch):
        lab = vals[rows == b]
        if (lab < 0).any():
            raise _invalid(f"All labels must be nonnegative integers, batch: {b} labels: "
                           f"{','.join(map(str, lab))}")
        if (lab >= num_classes - 1).any():
            raise _invalid(f"No label may be greater than num_classes. num_classes: {num_classes}, batch: {b} "
                           f"labels: {','.join(map(str, lab))}")
        if collapse and lab.size > 1:
            lab = lab[np.concatenate([[True], lab[1:] != lab[:-1]])]
        if not ignore and lab.size > seq[b]:
            raise _invalid(f"Not enough time for target transition sequence (required: {lab.size}, available: "
                           f"{int(seq[b])}){b}You can turn this error into a warning by using the flag "
                           "ignore_longer_outputs_than_inputs")
    return np.asarray(sequence_length)


def ctc_loss(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
             ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False, time_major=True, logits=None):
    """tf.nn.ctc_loss (TF1 signature): the negative log probability of each label sequence.

    labels: an int32 SparseTensor (row = batch entry); inputs (or logits): float logits
    [max_time, batch, num_classes] (time_major) or [batch, max_time, num_classes]; blank is
    num_classes - 1. Returns loss [batch]. See the module docstring for what is supported.
    """
    if inputs is not None and logits is not None:
        raise ValueError("Cannot specify both 'inputs' and 'logits'")
    inputs = logits if inputs is None else inputs
    if not isinstance(labels, SparseTensor):
        raise TypeError("Expected labels (first argument) to be a SparseTensor")
    if not ctc_merge_repeated:
        raise NotImplementedError("tf.nn.ctc_loss(ctc_merge_repeated=False) is not supported by compat_tf")
    inputs = _constant.convert_to_tensor(inputs, name="inputs")
    if inputs.dtype.base_dtype not in (_dtypes.float32, _dtypes.float64):
        raise TypeError(f"Value passed to parameter 'inputs' has DataType {inputs.dtype.name} not in list of "
                        "allowed values: float32, float64")
    from compat_tf._src.ops import array_ops
    if not time_major:
        inputs = array_ops.transpose(inputs, [1, 0, 2])
    inputs.shape.with_rank(3)
    sequence_length = _constant.convert_to_tensor(sequence_length, name="sequence_length", dtype=_dtypes.int32)
    sequence_length.shape.with_rank(1)
    values = labels.values
    if values.dtype.base_dtype != _dtypes.int32:
        raise TypeError(f"labels.values must be int32, got {values.dtype.name}")
    with _graph.get_default_graph().name_scope("CTCLoss") as scope:
        attrs = {"collapse": bool(preprocess_collapse_repeated), "ignore": bool(ignore_longer_outputs_than_inputs)}
        checked = make_tensor("_CTCLossCheck", [array_ops.shape(inputs), labels.indices, values, sequence_length],
                              attrs, name=scope + "check")
    op = make_op("CTCLoss", [inputs, labels.indices, values, checked],
                 {"preprocess_collapse_repeated": bool(preprocess_collapse_repeated),
                  "ctc_merge_repeated": bool(ctc_merge_repeated),
                  "ignore_longer_outputs_than_inputs": bool(ignore_longer_outputs_than_inputs)},
                 name=scope)
    return op.outputs[0]


# --------------------------------------------------------------------------------------------
# CTCGreedyDecoder
# --------------------------------------------------------------------------------------------

def _greedy_shape(op):
    x = op.inputs[0].shape.with_rank(3)
    dt = op.inputs[0].dtype.base_dtype
    return [(_ts.TensorShape([None, 2]), _dtypes.int64), (_ts.TensorShape([None]), _dtypes.int64),
            (_ts.TensorShape([2]), _dtypes.int64), (_ts.TensorShape([x[1], 1]), dt)]


@register_op("CTCGreedyDecoder", num_outputs=4, shape=_greedy_shape, host=True, differentiable=False)
def _ctc_greedy_decoder(ctx, inputs, sequence_length, merge_repeated=True, **_):
    x = np.asarray(inputs)
    seq = np.asarray(sequence_length).reshape(-1)
    t, b, k = x.shape
    blank = k - 1
    if seq.shape[0] != b:
        raise _invalid(f"len(sequence_length) != batch_size.  len(sequence_length):  {seq.shape[0]} "
                       f"batch_size: {b}")
    neg = np.zeros((b, 1), x.dtype)
    decoded = []
    for bi in range(b):
        if seq[bi] > t:
            raise _invalid(f"sequence_length({bi}) <= {t}")
        out, prev = [], -1
        for ti in range(int(seq[bi])):
            c = int(np.argmax(x[ti, bi]))
            neg[bi, 0] -= x[ti, bi, c]
            if c != blank and not (merge_repeated and c == prev):
                out.append(c)
            prev = c
        decoded.append(out)
    n = sum(len(o) for o in decoded)
    ind = np.zeros((n, 2), np.int64)
    val = np.zeros((n,), np.int64)
    i = 0
    for bi, o in enumerate(decoded):
        for j, c in enumerate(o):
            ind[i] = (bi, j)
            val[i] = c
            i += 1
    shape = np.array([b, max((len(o) for o in decoded), default=0)], np.int64)
    return ind, val, shape, neg


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True):
    """tf.nn.ctc_greedy_decoder (op CTCGreedyDecoder): best path decoding of time-major logits
    [max_time, batch, num_classes] (blank = num_classes - 1). Returns ([decoded SparseTensor of
    int64 labels, dense_shape [batch, max decoded length]], neg_sum_logits [batch, 1])."""
    inputs = _constant.convert_to_tensor(inputs, name="inputs")
    inputs.shape.with_rank(3)
    sequence_length = _constant.convert_to_tensor(sequence_length, name="sequence_length", dtype=_dtypes.int32)
    op = make_op("CTCGreedyDecoder", [inputs, sequence_length], {"merge_repeated": bool(merge_repeated)},
                 name="CTCGreedyDecoder")
    ind, val, shape, log_probs = op.outputs
    return [SparseTensor(ind, val, shape)], log_probs
