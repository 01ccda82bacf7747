"""tf.ConditionalAccumulator and tf.ConditionalAccumulatorBase (TF 1.15's data_flow_ops.py and
core/kernels/conditional_accumulator_base.cc).

An accumulator (op ConditionalAccumulator, a resource handle; the accumulator object lives in
the session's resources, like a queue's buffer) sums the gradients given to `apply_grad` whose
`local_step` is not older than its global step (older ones are dropped silently, as TF's
"stale gradient" rule). `take_grad(num_required)` waits until at least `num_required` have been
accumulated, returns their mean ("MEAN") or sum ("SUM"), resets the count and adds one to the
global step; `set_global_step` sets it; `num_accumulated` counts. Errors as TF's kernels:
num_required < 1 and a gradient whose shape does not match are InvalidArgumentError at run
time. A blocked take_grad follows the run's timeout (DeadlineExceededError) and is cancelled
when the session closes (CancelledError).

Deviation: TF 1.15 builds these with its ref-typed op variants (a string_ref handle);
compat_tf's handle is a resource (op types ConditionalAccumulator, AccumulatorApplyGradient,
AccumulatorTakeGradient, AccumulatorNumAccumulated, AccumulatorSetGlobalStep: TF's names).
tf.SparseConditionalAccumulator is not provided.
"""
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.runtime import deadline
from compat_tf._src.runtime import resources

__all__ = ["ConditionalAccumulator", "ConditionalAccumulatorBase"]


class _HostAccumulator:
    """The accumulator's state and blocking protocol (one per session and op / shared_name)."""

    def __init__(self, name, dtype, shape, reduction_type):
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.reduction_type = reduction_type
        self._cv = threading.Condition()
        self._global_step = 0
        self._count = 0
        self._sum = None
        self._cancelled = False

    def _check_shape(self, grad):
        got = _ts.TensorShape(list(grad.shape))
        if not self.shape.is_compatible_with(got):
            raise errors.InvalidArgumentError(None, None, f"Shape mismatch: expected shape {self.shape}, got {got}")
        if self._sum is not None and self._sum.shape != grad.shape:
            raise errors.InvalidArgumentError(None, None, f"Shape mismatch: expected shape {list(self._sum.shape)}, "
                                              f"got {list(grad.shape)}")

    def apply(self, local_step, grad):
        grad = np.asarray(grad, self.dtype.as_numpy_dtype)
        with self._cv:
            self._check_shape(grad)
            if local_step < self._global_step:
                return      # a stale gradient: dropped, as TF's kernel
            self._sum = grad.copy() if self._count == 0 else self._sum + grad
            self._count += 1
            self._cv.notify_all()

    def take(self, num_required):
        if num_required < 1:
            raise errors.InvalidArgumentError(None, None, f"Argument num_required must be positive, but was "
                                              f"{num_required}")
        with self._cv:
            while self._count < num_required:
                if self._cancelled:
                    raise errors.CancelledError(None, None, f"ConditionalAccumulator '{self.name}' was cancelled: "
                                                "the session was closed")
                deadline.wait(self._cv)
            self._global_step += 1
            out = self._sum
            if self.reduction_type == "MEAN":
                out = (out / self._count).astype(self.dtype.as_numpy_dtype)
            self._count, self._sum = 0, None
            return out

    def num_accumulated(self):
        with self._cv:
            return self._count

    def set_global_step(self, step):
        with self._cv:
            self._global_step = int(step)

    def cancel(self):
        with self._cv:
            self._cancelled = True
            self._cv.notify_all()


def _handle(ctx, handle):
    if not isinstance(handle, _HostAccumulator):
        raise errors.InvalidArgumentError(None, ctx.op, f"{ctx.op.type} expects an accumulator handle")
    return handle


@register_op("ConditionalAccumulator", shape=lambda op: [([], _dtypes.resource)], host=True, stateful=True,
             differentiable=False)
def _conditional_accumulator(ctx, dtype=None, shape=None, container="", shared_name="", reduction_type="MEAN"):
    op = ctx.op
    key = ("accumulator", shared_name or op.name)
    return resources.get_or_create(ctx.session, key, lambda: _HostAccumulator(
        shared_name or op.name, dtype, _ts.as_shape(shape), reduction_type))


@register_op("AccumulatorApplyGradient", shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _accumulator_apply_gradient(ctx, handle, local_step, gradient, dtype=None):
    _handle(ctx, handle).apply(int(np.asarray(local_step)), gradient)
    return ()


def _take_shape(op):
    return [(op.inputs[0].op.get_attr("shape") if op.inputs[0].op.type == "ConditionalAccumulator"
             else _ts.unknown_shape(), op.get_attr("dtype"))]


@register_op("AccumulatorTakeGradient", shape=_take_shape, host=True, stateful=True, differentiable=False)
def _accumulator_take_gradient(ctx, handle, num_required, dtype=None):
    return _handle(ctx, handle).take(int(np.asarray(num_required)))


@register_op("AccumulatorNumAccumulated", shape=lambda op: [([], _dtypes.int32)], host=True, stateful=True,
             differentiable=False)
def _accumulator_num_accumulated(ctx, handle):
    return np.int32(_handle(ctx, handle).num_accumulated())


@register_op("AccumulatorSetGlobalStep", shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _accumulator_set_global_step(ctx, handle, new_global_step):
    _handle(ctx, handle).set_global_step(np.asarray(new_global_step))
    return ()


class ConditionalAccumulatorBase:
    """TF1's tf.ConditionalAccumulatorBase: num_accumulated and set_global_step over a handle."""

    def __init__(self, dtype, shape, accumulator_ref):
        self._dtype = _dtypes.as_dtype(dtype)
        self._shape = _ts.TensorShape(shape) if shape is not None else _ts.unknown_shape()
        self._accumulator_ref = accumulator_ref
        self._name = accumulator_ref.op.name.split("/")[-1]

    accumulator_ref = property(lambda self: self._accumulator_ref)
    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)

    def _op(self, op_type, inputs, attrs, name, with_output=True):
        g = self._accumulator_ref.graph
        op = g.create_op(op_type, [self._accumulator_ref] + inputs, attrs, name=name or op_type)
        return op.outputs[0] if with_output else op

    def num_accumulated(self, name=None):
        """The number of gradients accumulated since the last take_grad (int32)."""
        return self._op("AccumulatorNumAccumulated", [], {}, name or f"{self._name}_NumAccumulated")

    def set_global_step(self, new_global_step, name=None):
        """An op setting the global step (gradients with an older local_step are dropped)."""
        from compat_tf._src.ops import math_ops
        step = math_ops.cast(_constant.convert_to_tensor(new_global_step), _dtypes.int64)
        return self._op("AccumulatorSetGlobalStep", [step], {}, name or "AccumulatorSetGlobalStep", False)


class ConditionalAccumulator(ConditionalAccumulatorBase):
    """TF1's tf.ConditionalAccumulator (see the module docstring)."""

    def __init__(self, dtype, shape=None, shared_name=None, name="conditional_accumulator", reduction_type="MEAN"):
        dtype = _dtypes.as_dtype(dtype).base_dtype
        if not (dtype.is_floating or dtype.is_integer or dtype.is_complex):
            raise TypeError(f"ConditionalAccumulator needs a numeric dtype, got {dtype.name}")
        if reduction_type not in ("MEAN", "SUM"):
            raise ValueError(f"reduction_type must be 'MEAN' or 'SUM', got {reduction_type!r}")
        shape_attr = _ts.TensorShape(shape) if shape is not None else _ts.unknown_shape()
        g = _graph.get_default_graph()
        ref = g.create_op("ConditionalAccumulator", [], {"dtype": dtype, "shape": shape_attr, "container": "",
                                                         "shared_name": shared_name or "",
                                                         "reduction_type": reduction_type}, name=name).outputs[0]
        super().__init__(dtype, shape, ref)

    def apply_grad(self, grad, local_step=0, name=None):
        """An op adding `grad` unless `local_step` is older than the global step."""
        from compat_tf._src.ops import math_ops
        grad = _constant.convert_to_tensor(grad, self._dtype)
        grad.shape.assert_is_compatible_with(self._shape)
        step = math_ops.cast(_constant.convert_to_tensor(local_step), _dtypes.int64)
        return self._op("AccumulatorApplyGradient", [step, grad], {"dtype": self._dtype},
                        name or "AccumulatorApplyGradient", False)

    def take_grad(self, num_required, name=None):
        """The mean (or sum) of the gradients, once at least `num_required` were accumulated."""
        n = _constant.convert_to_tensor(num_required, _dtypes.int32)
        out = self._op("AccumulatorTakeGradient", [n], {"dtype": self._dtype}, name or "AccumulatorTakeGradient")
        out.set_shape(self._shape)
        return out
