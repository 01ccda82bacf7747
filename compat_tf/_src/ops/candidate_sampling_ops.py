"""Candidate sampling: tf.nn.log_uniform_candidate_sampler, uniform_candidate_sampler,
compute_accidental_hits, and the sampled losses nce_loss and sampled_softmax_loss (TF1's nn_impl).

The samplers are TF1's ops (LogUniformCandidateSampler, UniformCandidateSampler) lowered to JAX:
with `unique=True` candidates are drawn one at a time and repeats rejected (a lax.while_loop), as
TF's kernel does, and the expected counts use TF's formula over the number of draws it took
(`p * num_sampled` when there was no rejection, else `-expm1(num_tries * log1p(-p))`). The draws
come from compat_tf's PRNG, so the sampled ids differ from TF's for the same seed.

`_compute_sampled_logits` follows TF1's: true and sampled rows of `weights`/`biases` looked up
(`partition_strategy` as in embedding_lookup), log expected counts subtracted, and with
`remove_accidental_hits` a sampled logit that equals one of the row's true classes gets
-FLT_MAX added (TF does this through ComputeAccidentalHits + SparseToDense; here it is a dense
mask, same values, no host round trip).
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.ops import nn_impl
from compat_tf._src.ops import nn_ops
from compat_tf._src.ops import random_ops
from compat_tf._src.ops._op_util import make_op

_FLT_MAX = float(np.finfo(np.float32).max)


def _sampler_shape(op):
    true = op.inputs[0].shape
    batch = true[0].value if true.ndims == 2 else None
    n, num_true = op.attrs["num_sampled"], op.attrs["num_true"]
    return [([n], _dtypes.int64), ([batch, num_true], _dtypes.float32), ([n], _dtypes.float32)]


def _log_uniform_draw(key, shape, range_max):
    u = jax.random.uniform(key, shape, jnp.float64)
    v = jnp.floor(jnp.exp(u * np.log(range_max + 1.0))).astype(jnp.int64) - 1
    return v % range_max


def _log_uniform_prob(c, range_max):
    c = jnp.asarray(c, jnp.float64)
    return (jnp.log(c + 2.0) - jnp.log(c + 1.0)) / np.log(range_max + 1.0)


def _uniform_draw(key, shape, range_max):
    return jax.random.randint(key, shape, 0, range_max, dtype=jnp.int64)


def _uniform_prob(c, range_max):
    return jnp.full(jnp.shape(c), 1.0 / range_max, jnp.float64)


def _sample(ctx, true_classes, draw, prob, num_true, num_sampled, unique, range_max):
    if unique and num_sampled > range_max:
        raise _errors.InvalidArgumentError(None, ctx.op, "Sampler's range is too small.")
    key = random_ops._rng_key(ctx)
    if not unique:
        samples = draw(key, (num_sampled,), range_max)
        tries = jnp.asarray(num_sampled, jnp.int64)
    else:
        slots = jnp.arange(num_sampled)

        def cond(state):
            return state[0] < num_sampled

        def body(state):
            i, tries, samples, key = state
            key, sub = jax.random.split(key)
            v = draw(sub, (), range_max)
            seen = jnp.any((samples == v) & (slots < i))
            samples = jnp.where(seen, samples, samples.at[i].set(v))
            return i + jnp.where(seen, 0, 1), tries + 1, samples, key

        init = (jnp.asarray(0, jnp.int64), jnp.asarray(0, jnp.int64),
                jnp.zeros((num_sampled,), jnp.int64), key)
        _, tries, samples, _ = lax.while_loop(cond, body, init)

    def expected(p):
        exact = p * num_sampled
        return jnp.where(tries == num_sampled, exact, -jnp.expm1(tries * jnp.log1p(-p))).astype(jnp.float32)

    true_classes = jnp.asarray(true_classes).astype(jnp.int64)
    return samples, expected(prob(true_classes, range_max)), expected(prob(samples, range_max))


_SAMPLER = dict(shape=_sampler_shape, num_outputs=3, ctx=True, stateful=True, differentiable=False)


@register_op("LogUniformCandidateSampler", **_SAMPLER)
def _log_uniform_sampler(ctx, true_classes, num_true=1, num_sampled=1, unique=True, range_max=1, **_):
    return _sample(ctx, true_classes, _log_uniform_draw, _log_uniform_prob, num_true, num_sampled,
                   unique, range_max)


@register_op("UniformCandidateSampler", **_SAMPLER)
def _uniform_sampler(ctx, true_classes, num_true=1, num_sampled=1, unique=True, range_max=1, **_):
    return _sample(ctx, true_classes, _uniform_draw, _uniform_prob, num_true, num_sampled, unique,
                   range_max)


def _sampler(op_type, default_name):
    def fn(true_classes, num_true, num_sampled, unique, range_max, seed=None, name=None):
        true_classes = _constant.convert_to_tensor(true_classes, dtype=_dtypes.int64)
        if true_classes.shape.ndims not in (None, 2):
            raise ValueError(f"true_classes must be a matrix [batch_size, num_true], got shape "
                             f"{true_classes.shape}")
        attrs = {"num_true": int(num_true), "num_sampled": int(num_sampled), "unique": bool(unique),
                 "range_max": int(range_max)}
        attrs.update(random_ops._seed_attrs(seed))
        op = make_op(op_type, [true_classes], attrs, name=name or default_name)
        return tuple(op.outputs)
    fn.__name__ = default_name
    fn.__doc__ = (f"tf.nn.{default_name} (op {op_type}): (sampled_candidates [num_sampled] int64, "
                  "true_expected_count [batch, num_true], sampled_expected_count [num_sampled]).")
    return fn


log_uniform_candidate_sampler = _sampler("LogUniformCandidateSampler", "log_uniform_candidate_sampler")
uniform_candidate_sampler = _sampler("UniformCandidateSampler", "uniform_candidate_sampler")


def _accidental_hits_shape(op):
    return [([None], _dtypes.int32), ([None], _dtypes.int64), ([None], _dtypes.float32)]


@register_op("ComputeAccidentalHits", shape=_accidental_hits_shape, host=True, differentiable=False)
def _compute_accidental_hits(ctx, true_classes, sampled_candidates, num_true=1, **_):
    true_classes = np.asarray(true_classes).reshape(-1, num_true)
    sampled = np.asarray(sampled_candidates).reshape(-1)
    rows, cols = np.nonzero((true_classes[:, :, None] == sampled[None, None, :]).any(axis=1))
    return (rows.astype(np.int32), sampled[cols].astype(np.int64),
            np.full(rows.shape, -_FLT_MAX, np.float32))


def compute_accidental_hits(true_classes, sampled_candidates, num_true, seed=None, name=None):
    """tf.nn.compute_accidental_hits (op ComputeAccidentalHits, run on the host):
    (indices int32, ids int64, weights float32 = -FLT_MAX) of sampled candidates equal to a true
    class of their row, in row-major order."""
    attrs = {"num_true": int(num_true)}
    attrs.update(random_ops._seed_attrs(seed))
    op = make_op("ComputeAccidentalHits",
                 [_constant.convert_to_tensor(true_classes, dtype=_dtypes.int64),
                  _constant.convert_to_tensor(sampled_candidates, dtype=_dtypes.int64)],
                 attrs, name=name or "ComputeAccidentalHits")
    return tuple(op.outputs)


def _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                            sampled_values=None, subtract_log_q=True, remove_accidental_hits=False,
                            partition_strategy="mod", name=None, seed=None):
    if not isinstance(weights, (list, tuple)):
        weights = [weights]
    weights = list(weights)
    g = _graph.get_default_graph()
    with g.name_scope(name or "compute_sampled_logits"):
        inputs = _constant.convert_to_tensor(inputs)
        labels = _constant.convert_to_tensor(labels)
        if labels.dtype.base_dtype != _dtypes.int64:
            labels = math_ops.cast(labels, _dtypes.int64)
        labels_flat = array_ops.reshape(labels, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                true_classes=labels, num_true=num_true, num_sampled=num_sampled, unique=True,
                range_max=num_classes, seed=seed)
        sampled, true_expected_count, sampled_expected_count = (
            array_ops.stop_gradient(s) for s in sampled_values)
        sampled = math_ops.cast(sampled, _dtypes.int64)

        # TF1 looks the true and sampled rows up in one gather and slices it; two lookups give the
        # same values and gradients and keep static shapes when the batch size is unknown
        def lookup(params, ids):
            rows = nn_impl.embedding_lookup(params, ids, partition_strategy=partition_strategy)
            if rows.dtype.base_dtype != inputs.dtype.base_dtype:
                rows = math_ops.cast(rows, inputs.dtype.base_dtype)
            return rows

        true_w, sampled_w = lookup(weights, labels_flat), lookup(weights, sampled)
        true_b, sampled_b = lookup(biases, labels_flat), lookup(biases, sampled)
        sampled_logits = math_ops.matmul(inputs, sampled_w, transpose_b=True)

        # inputs [batch, dim] . true_w [batch * num_true, dim] row by row -> [batch, num_true]
        dim = array_ops.shape(true_w)[1:2]
        true_w = array_ops.reshape(true_w, array_ops.concat([[-1, num_true], dim], 0))
        row_wise_dots = math_ops.multiply(array_ops.expand_dims(inputs, 1), true_w)
        true_logits = math_ops.reduce_sum(row_wise_dots, 2)
        true_logits += array_ops.reshape(true_b, [-1, num_true])
        sampled_logits += sampled_b

        if remove_accidental_hits:
            hits = math_ops.reduce_any(
                math_ops.equal(array_ops.expand_dims(array_ops.reshape(labels, [-1, num_true]), 2),
                               array_ops.reshape(sampled, [1, 1, -1])), axis=1)
            penalty = math_ops.cast(hits, sampled_logits.dtype.base_dtype) * (-_FLT_MAX)
            sampled_logits += penalty

        if subtract_log_q:
            true_logits -= math_ops.log(true_expected_count)
            sampled_logits -= math_ops.log(sampled_expected_count)

        out_logits = array_ops.concat([true_logits, sampled_logits], 1)
        out_labels = array_ops.concat([array_ops.ones_like(true_logits) / num_true,
                                       array_ops.zeros_like(sampled_logits)], 1)
        return out_logits, out_labels


def nce_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1, sampled_values=None,
             remove_accidental_hits=False, partition_strategy="mod", name="nce_loss"):
    """tf.nn.nce_loss: per-example noise-contrastive estimation loss [batch] (TF1's nn_impl):
    sigmoid cross-entropy of the true and sampled logits (log expected counts subtracted), summed
    per row. Negatives come from log_uniform_candidate_sampler unless `sampled_values` is given."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "nce_loss"):
        logits, labels = _compute_sampled_logits(
            weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
            num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
            subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
            partition_strategy=partition_strategy)
        sampled_losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                  name="sampled_losses")
        return math_ops.reduce_sum(sampled_losses, 1)


def sampled_softmax_loss(weights, biases, labels, inputs, num_sampled, num_classes, num_true=1,
                         sampled_values=None, remove_accidental_hits=True, partition_strategy="mod",
                         name="sampled_softmax_loss", seed=None):
    """tf.nn.sampled_softmax_loss: per-example softmax cross-entropy [batch] over the true classes
    and `num_sampled` sampled ones (TF1's nn_impl; accidental hits removed by default)."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "sampled_softmax_loss"):
        logits, labels = _compute_sampled_logits(
            weights=weights, biases=biases, labels=labels, inputs=inputs, num_sampled=num_sampled,
            num_classes=num_classes, num_true=num_true, sampled_values=sampled_values,
            subtract_log_q=True, remove_accidental_hits=remove_accidental_hits,
            partition_strategy=partition_strategy, seed=seed)
        labels = array_ops.stop_gradient(labels, name="labels_stop_gradient")
        return nn_ops.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
