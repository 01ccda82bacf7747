"""tf.TensorArray as a fixed-size stacked array (the subset TF1's dynamic_rnn-style loops use).

compat_tf keeps a TensorArray's contents as one tensor shaped
`[size] + element_shape` (its `flow`). `write` / `scatter` / `unstack` return a
new TensorArray over an updated tensor (TF1's functional style, `ta =
ta.write(i, x)`), `read` / `gather` / `stack` / `concat` index it. A
TensorArray can be a tf.while_loop / tf.cond loop variable or result: the
tensor travels through the loop and the TensorArray is rebuilt around it.
Reads and writes are differentiable (tf.gradients flows through them).

Requirements and deviations (XLA needs fixed shapes):
- `size` must be known when the step is compiled (a Python int, a constant, or
  a static shape such as `tf.shape(x)[0]`); `dynamic_size=True` raises
  NotImplementedError.
- the element shape must be known before the first write inside a loop:
  pass a fully-defined `element_shape`, or write / unstack / scatter once
  outside the loop (the buffer is then shaped after that value at run time).
- elements are zeros until written; reading an unwritten element gives zeros
  (TF1 raises); `clear_after_read` is accepted and not enforced; indices past
  `size` are clamped by XLA (TF1 raises).
- `concat` / `split` need equal-length pieces; `grad`, `split` with unequal
  lengths and `dynamic_size=True` raise NotImplementedError.
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import static_ints

__all__ = ["TensorArray"]


@register_op("TensorArrayZeros")
def _ta_zeros(size, element_shape, dtype):
    n = int(static_ints(size, "TensorArray size"))
    shape = tuple(int(d) for d in static_ints(element_shape, "TensorArray element shape"))
    return jnp.zeros((n,) + shape, _dtypes.to_jax_dtype(dtype))


@register_op("TensorArrayWrite")
def _ta_write(buf, index, value):
    value = jnp.asarray(value, buf.dtype)
    if value.shape != buf.shape[1:]:
        raise ValueError(f"TensorArray write: value of shape {value.shape} into a TensorArray of element "
                         f"shape {buf.shape[1:]}")
    return lax.dynamic_update_index_in_dim(buf, value, jnp.asarray(index, jnp.int32), 0)


@register_op("TensorArrayRead")
def _ta_read(buf, index):
    return lax.dynamic_index_in_dim(buf, jnp.asarray(index, jnp.int32), 0, keepdims=False)


@register_op("TensorArrayGather")
def _ta_gather(buf, indices):
    return jnp.take(buf, jnp.asarray(indices, jnp.int32), axis=0)


@register_op("TensorArrayScatter")
def _ta_scatter(buf, indices, value):
    return buf.at[jnp.asarray(indices, jnp.int32)].set(jnp.asarray(value, buf.dtype))


@register_op("TensorArrayScatterNew")
def _ta_scatter_new(size, indices, value):
    n = int(static_ints(size, "TensorArray size"))
    value = jnp.asarray(value)
    buf = jnp.zeros((n,) + value.shape[1:], value.dtype)
    return buf.at[jnp.asarray(indices, jnp.int32)].set(value)


@register_op("TensorArrayWriteNew")
def _ta_write_new(size, index, value):
    n = int(static_ints(size, "TensorArray size"))
    value = jnp.asarray(value)
    buf = jnp.zeros((n,) + value.shape, value.dtype)
    return lax.dynamic_update_index_in_dim(buf, value, jnp.asarray(index, jnp.int32), 0)


@register_op("TensorArrayConcat")
def _ta_concat(buf):
    return buf.reshape((buf.shape[0] * buf.shape[1],) + buf.shape[2:]) if buf.ndim >= 2 else buf


@register_op("TensorArraySplit")
def _ta_split(value, lengths, size):
    n = int(static_ints(size, "TensorArray size"))
    lens = static_ints(lengths, "TensorArray.split lengths")
    if len(lens) != n or (len(lens) and not np.all(lens == lens[0])):
        raise NotImplementedError("TensorArray.split with unequal lengths is not supported by compat_tf")
    value = jnp.asarray(value)
    return value.reshape((n, int(lens[0]) if n else 0) + value.shape[1:])


def _make(op_type, inputs, attrs=None, shape=None, dtype=None, name=None):
    ins = [_constant.convert_to_tensor(x) for x in inputs]
    g = ins[0].graph if ins else _graph.get_default_graph()
    specs = None if shape is None else [(shape, dtype)]
    return g.create_op(op_type, ins, attrs or {}, name=name or op_type, output_specs=specs).outputs[0]


def _static_size(size):
    if isinstance(size, (int, np.integer)):
        return int(size)
    v = shape_inference.constant_value(_constant.convert_to_tensor(size))
    return None if v is None else int(np.asarray(v))


class TensorArray:
    """tf.TensorArray (see module doc for what compat_tf supports)."""

    _compat_tensor_array = True

    def __init__(self, dtype, size=None, dynamic_size=None, clear_after_read=None, tensor_array_name=None,
                 handle=None, flow=None, infer_shape=True, element_shape=None,
                 colocate_with_first_write_call=True, name=None):
        if handle is not None:
            raise NotImplementedError("tf.TensorArray(handle=...) is not supported by compat_tf")
        if dynamic_size:
            raise NotImplementedError("tf.TensorArray(dynamic_size=True) is not supported by compat_tf: XLA "
                                      "needs a fixed size; pass the final size with dynamic_size=False")
        if size is None and flow is None:
            raise ValueError("Size must be provided if handle is not provided")
        self._dtype = _dtypes.as_dtype(dtype).base_dtype
        self._name = name or tensor_array_name or "TensorArray"
        self._infer_shape = infer_shape
        self._element_shape = _ts.TensorShape(None) if element_shape is None else _ts.as_shape(element_shape)
        self._flow = None
        if flow is not None:
            self._flow = _constant.convert_to_tensor(flow)
            size = self._flow.shape[0] if self._flow.shape.ndims else size
        self._size = size if not isinstance(size, _ts.Dimension) else size.value
        self._size_tensor = None

    # -- state -------------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def element_shape(self):
        return self._element_shape

    @property
    def handle(self):
        return self.flow

    @property
    def flow(self):
        """The stacked contents (allocated as zeros when the element shape is fully known)."""
        if self._flow is None:
            if not self._element_shape.is_fully_defined():
                raise NotImplementedError(
                    "tf.TensorArray: compat_tf keeps a TensorArray as one [size] + element_shape array, so its "
                    f"element shape must be known before it is used in a loop (got {self._element_shape}); pass "
                    "a fully-defined element_shape, or write/unstack it once before the loop")
            self._flow = _make("TensorArrayZeros",
                               [self._size_t(), np.asarray(self._element_shape.as_list(), np.int32)],
                               {"dtype": self._dtype}, name=self._name)
        return self._flow

    def _size_t(self):
        if self._size_tensor is None:
            self._size_tensor = _constant.convert_to_tensor(self._size, dtype=_dtypes.int32)
        return self._size_tensor

    def _with_flow(self, flow, element_shape=None):
        ta = TensorArray.__new__(TensorArray)
        ta.__dict__.update(self.__dict__)
        ta._flow = flow
        if element_shape is not None:
            ta._element_shape = element_shape
        elif flow.shape.ndims is not None:
            ta._element_shape = self._element_shape.merge_with(flow.shape[1:]) \
                if self._element_shape.is_compatible_with(flow.shape[1:]) else flow.shape[1:]
        return ta

    def _merge_shape(self, shape):
        if self._infer_shape and not self._element_shape.is_compatible_with(shape):
            raise ValueError(f"Inconsistent shapes: saw {shape} but expected {self._element_shape} "
                             "(and infer_shape=True)")
        return self._element_shape.merge_with(shape) if self._element_shape.is_compatible_with(shape) else shape

    def _check_dtype(self, value):
        value = _constant.convert_to_tensor(value, preferred_dtype=self._dtype)
        if value.dtype.base_dtype != self._dtype:
            raise ValueError(f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                            f"{value.dtype.base_dtype.name}")
        return value

    def _stacked_shape(self, elem):
        n = _static_size(self._size) if self._size is not None else None
        return _ts.TensorShape([n]).concatenate(elem)

    # -- TF1 API -----------------------------------------------------------------------------
    def identity(self):
        return self._with_flow(self.flow)

    def size(self, name=None):
        n = _static_size(self._size)
        if n is not None:
            return _constant.constant(n, _dtypes.int32, name=name or "TensorArraySize")
        return self._size_t()

    def write(self, index, value, name=None):
        value = self._check_dtype(value)
        shape = self._merge_shape(value.shape)
        if self._flow is None and not self._element_shape.is_fully_defined():
            g = value.graph
            if g._current_function() is not None:
                self.flow  # raises the NotImplementedError that explains the limitation
            flow = _make("TensorArrayWriteNew", [self._size_t(), index, value],
                         shape=self._stacked_shape(shape), dtype=self._dtype, name=name or "TensorArrayWrite")
        else:
            flow = _make("TensorArrayWrite", [self.flow, index, value], shape=self._stacked_shape(shape),
                         dtype=self._dtype, name=name or "TensorArrayWrite")
        return self._with_flow(flow, shape)

    def read(self, index, name=None):
        return _make("TensorArrayRead", [self.flow, index], shape=self._element_shape, dtype=self._dtype,
                     name=name or "TensorArrayRead")

    def stack(self, name=None):
        from compat_tf._src.ops import control_flow_ops
        return control_flow_ops.identity(self.flow, name=name or "TensorArrayStack")

    def gather(self, indices, name=None):
        idx = _constant.convert_to_tensor(indices)
        n = idx.shape[0] if idx.shape.ndims == 1 else None
        return _make("TensorArrayGather", [self.flow, idx], shape=_ts.TensorShape([n]).concatenate(
            self._element_shape), dtype=self._dtype, name=name or "TensorArrayGather")

    def unstack(self, value, name=None):
        value = self._check_dtype(value)
        if value.shape.ndims == 0:
            raise ValueError("TensorArray.unstack needs a tensor of rank >= 1")
        n = _static_size(self._size) if self._size is not None else None
        if n is not None and value.shape.ndims is not None and value.shape[0] is not None and value.shape[0] != n:
            raise ValueError(f"TensorArray.unstack: value has {value.shape[0]} elements, the TensorArray size "
                             f"is {n}")
        from compat_tf._src.ops import control_flow_ops
        flow = control_flow_ops.identity(value, name=name or "TensorArrayUnstack")
        shape = self._merge_shape(value.shape[1:] if value.shape.ndims is not None else _ts.TensorShape(None))
        ta = self._with_flow(flow, shape)
        if ta._size is None:
            ta._size = value.shape[0]
        return ta

    def scatter(self, indices, value, name=None):
        value = self._check_dtype(value)
        shape = self._merge_shape(value.shape[1:] if value.shape.ndims is not None else _ts.TensorShape(None))
        if self._flow is None and not self._element_shape.is_fully_defined():
            if value.graph._current_function() is not None:
                self.flow
            flow = _make("TensorArrayScatterNew", [self._size_t(), indices, value],
                         shape=self._stacked_shape(shape), dtype=self._dtype, name=name or "TensorArrayScatter")
        else:
            flow = _make("TensorArrayScatter", [self.flow, indices, value], shape=self._stacked_shape(shape),
                         dtype=self._dtype, name=name or "TensorArrayScatter")
        return self._with_flow(flow, shape)

    def concat(self, name=None):
        es = self._element_shape
        n = _static_size(self._size)
        shape = _ts.TensorShape(None)
        if es.ndims is not None and es.ndims >= 1:
            lead = None if n is None or es[0] is None else n * es[0]
            shape = _ts.TensorShape([lead]).concatenate(es[1:])
        return _make("TensorArrayConcat", [self.flow], shape=shape, dtype=self._dtype,
                     name=name or "TensorArrayConcat")

    def split(self, value, lengths, name=None):
        value = self._check_dtype(value)
        _static_size(self._size)   # the size must be static (raises otherwise)
        lens = shape_inference.constant_value(_constant.convert_to_tensor(lengths))
        d0 = int(np.asarray(lens).reshape(-1)[0]) if lens is not None and np.size(lens) else None
        elem = _ts.TensorShape([d0]).concatenate(value.shape[1:]) if value.shape.ndims else _ts.TensorShape(None)
        shape = self._merge_shape(elem)
        flow = _make("TensorArraySplit", [value, lengths, self._size_t()], shape=self._stacked_shape(shape),
                     dtype=self._dtype, name=name or "TensorArraySplit")
        return self._with_flow(flow, shape)

    def close(self, name=None):
        from compat_tf._src.ops import control_flow_ops
        return control_flow_ops.no_op(name=name or "TensorArrayClose")

    def grad(self, source, flow=None, name=None):
        raise NotImplementedError("tf.TensorArray.grad is not supported by compat_tf (tf.gradients "
                                  "differentiates through TensorArray reads and writes directly)")
