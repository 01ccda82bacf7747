"""tf.parse_single_sequence_example (TF 1.15 parsing_ops.py; tf.io.parse_single_sequence_example): a
serialized tf.train.SequenceExample into (context, feature_lists) dicts.

context features: FixedLenFeature (dense, its default when missing, else InvalidArgumentError)
or VarLenFeature (SparseTensor, indices [n, 1]); sequence features: FixedLenSequenceFeature
(dense [steps] + shape; a missing list is empty with allow_missing, else an error) or
VarLenFeature (SparseTensor, indices [n, 2] = (step, position), dense_shape [steps, longest]).
A host op (NumPy over the protobuf), as parse_single_example.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op
from compat_tf._src.ops.parsing_ops import (
    FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, _np_dtype, _values_of)

__all__ = ["parse_single_sequence_example"]

_SUPPORTED = (_dtypes.float32, _dtypes.int64, _dtypes.string)


def _plan(features, sequence):
    """[(key, kind, dtype, shape, default, allow_missing)] sorted by key; kind 'dense' / 'sparse'."""
    out = []
    for key in sorted(features or {}):
        f = features[key]
        dtype = _dtypes.as_dtype(f.dtype)
        if dtype not in _SUPPORTED:
            raise ValueError(f"Unsupported dtype {dtype.name} for feature {key!r}: float32, int64 or string")
        if isinstance(f, VarLenFeature):
            out.append((key, "sparse", dtype, (), None, False))
        elif isinstance(f, FixedLenSequenceFeature) and sequence:
            out.append((key, "dense", dtype, tuple(f.shape), f.default_value, bool(f.allow_missing)))
        elif isinstance(f, FixedLenFeature) and not sequence:
            default = None if f.default_value is None else tuple(np.reshape(np.asarray(
                f.default_value, dtype=_np_dtype(dtype)), -1).tolist())
            out.append((key, "dense", dtype, tuple(f.shape), default, False))
        else:
            where = "sequence_features" if sequence else "context_features"
            raise ValueError(f"Unsupported feature {type(f).__name__} in {where} (key {key!r})")
    return tuple(out)


def _out_specs(plan, sequence):
    specs = []
    for _, kind, dtype, shape, _, _ in plan:
        if kind == "dense":
            specs.append((_ts.TensorShape(([None] if sequence else []) + list(shape)), dtype))
        else:
            rank = 2 if sequence else 1
            specs += [(_ts.TensorShape([None, rank]), _dtypes.int64), (_ts.TensorShape([None]), dtype),
                      (_ts.TensorShape([rank]), _dtypes.int64)]
    return specs


def _shape_rule(op):
    return _out_specs(op.get_attr("context"), False) + _out_specs(op.get_attr("sequence"), True)


def _num_outputs(attrs, n_inputs):
    return sum(1 if p[1] == "dense" else 3 for p in attrs["context"] + attrs["sequence"])


def _dense(values, shape, key, name, op, what):
    n = int(np.prod(shape)) if shape else 1
    if values.size != n:
        raise errors.InvalidArgumentError(None, op, f"Name: {name}, Key: {key}, Index: 0.  Number of {what} values "
                                                    f"!= expected.  values size: {values.size} but output shape: "
                                                    f"[{','.join(map(str, shape))}]")
    return values.reshape(shape)


@register_op("_ParseSingleSequenceExample", num_outputs=_num_outputs, shape=_shape_rule, host=True,
             differentiable=False)
def _parse_single_sequence_example(ctx, serialized, context=(), sequence=(), example_name=""):
    from compat_tf._src.protos import example_pb2
    ex = example_pb2.SequenceExample()
    data = np.asarray(serialized).item()
    name = example_name or ""
    try:
        ex.ParseFromString(bytes(data))
    except Exception:  # noqa: BLE001 - protobuf's DecodeError
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Could not parse example input, value: '{bytes(data)[:100]!r}' (Name: {name})") from None
    outs = []
    feats = ex.context.feature
    for key, kind, dtype, shape, default, _ in context:
        if key in feats:
            values = _values_of(feats[key], key, dtype, name, 0, ctx.op)
        elif kind == "dense":
            if default is None:
                raise errors.InvalidArgumentError(
                    None, ctx.op, f"Name: {name}, Context feature '{key}' is required but could not be found.")
            values = np.asarray(default, dtype=_np_dtype(dtype))
            if values.size == 1 and int(np.prod(shape)) > 1:
                values = np.full(int(np.prod(shape)), values.reshape(-1)[0], dtype=values.dtype)
        else:
            values = np.zeros((0,), _np_dtype(dtype))
        if kind == "dense":
            outs.append(_dense(values, shape, key, name, ctx.op, "context"))
        else:
            outs += [np.arange(values.size, dtype=np.int64).reshape(-1, 1), values,
                     np.array([values.size], np.int64)]
    lists = ex.feature_lists.feature_list
    for key, kind, dtype, shape, _, allow_missing in sequence:
        steps = list(lists[key].feature) if key in lists else None
        if steps is None and kind == "dense" and not allow_missing:
            raise errors.InvalidArgumentError(
                None, ctx.op, f"Name: {name}, Feature list '{key}' is required but could not be found.  Did you mean "
                              "to include it in feature_list_dense_missing_assumed_empty or "
                              "feature_list_dense_defaults?")
        steps = steps or []
        per_step = [_values_of(f, key, dtype, name, i, ctx.op) for i, f in enumerate(steps)]
        if kind == "dense":
            rows = [_dense(v, shape, key, name, ctx.op, "feature_list") for v in per_step]
            outs.append(np.stack(rows) if rows else np.zeros((0,) + tuple(shape), _np_dtype(dtype)))
        else:
            idx = [(i, j) for i, v in enumerate(per_step) for j in range(v.size)]
            vals = np.concatenate(per_step) if per_step else np.zeros((0,), _np_dtype(dtype))
            longest = max((v.size for v in per_step), default=0)
            outs += [np.asarray(idx, np.int64).reshape(-1, 2), vals.astype(_np_dtype(dtype)),
                     np.array([len(per_step), longest], np.int64)]
    return tuple(outs)


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None, example_name=None,
                                  name=None):
    """(context dict, feature_lists dict) of one serialized SequenceExample (see the module docstring)."""
    if not context_features and not sequence_features:
        raise ValueError("Missing features.")
    context, sequence = _plan(context_features, False), _plan(sequence_features, True)
    serialized = _constant.convert_to_tensor(serialized, _dtypes.string, name="serialized")
    if serialized.shape.ndims not in (None, 0):
        raise ValueError(f"Input serialized must be a scalar, got shape {serialized.shape}")
    op = make_op("_ParseSingleSequenceExample", [serialized],
                 {"context": context, "sequence": sequence, "example_name": example_name or ""},
                 name=name or "ParseSingleSequenceExample")
    outs = list(op.outputs)

    def take(plan):
        result = {}
        for key, kind, *_ in plan:
            if kind == "dense":
                result[key] = outs.pop(0)
            else:
                result[key] = SparseTensor(outs.pop(0), outs.pop(0), outs.pop(0))
        return result
    return take(context), take(sequence)
