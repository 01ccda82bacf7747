"""tf.keras.Input / tf.keras.layers.InputLayer (TF 1.15's keras/engine/input_layer.py).

`Input(shape=(6,))` makes an InputLayer named "input_1", "input_2", ... (one-based per graph,
K.get_uid('input')) whose output is a placeholder of that name and shape [batch_size, *shape]
(dtype floatx unless given), tagged with `_keras_history` so layers called on it build a
functional graph. `Input(tensor=t)` wraps an existing tensor instead of a placeholder.
"""
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import backend
from compat_tf._src.keras.engine import base_layer

__all__ = ["Input", "InputLayer"]


class InputLayer(base_layer.Layer):
    """tf.keras.layers.InputLayer(input_shape=None, batch_size=None, dtype=None, input_tensor=None,
    sparse=False, name=None): the layer a functional model starts from."""

    def __init__(self, input_shape=None, batch_size=None, dtype=None, input_tensor=None, sparse=False,
                 name=None, **kwargs):
        if "batch_input_shape" in kwargs:
            batch_input_shape = kwargs.pop("batch_input_shape")
            if input_shape and batch_input_shape:
                raise ValueError("Only provide the input_shape OR batch_input_shape argument to InputLayer, "
                                 "not both at the same time.")
            batch_size = batch_input_shape[0]
            input_shape = batch_input_shape[1:]
        if kwargs:
            raise ValueError("Unrecognized keyword arguments:", kwargs.keys())
        if not name:
            prefix = "input"
            name = prefix + "_" + str(backend.get_uid(prefix))
        if not dtype:
            dtype = backend.floatx() if input_tensor is None else input_tensor.dtype.base_dtype.name
        elif input_tensor is not None and input_tensor.dtype.base_dtype.name != dtype:
            raise ValueError("`input_tensor.dtype` differs from `dtype`: %s vs. %s"
                             % (input_tensor.dtype.base_dtype.name, dtype))
        super().__init__(dtype=dtype, name=name)
        self.built = True
        self.sparse = sparse
        self.batch_size = batch_size
        self.supports_masking = True
        if isinstance(input_shape, _ts.TensorShape):
            input_shape = tuple(input_shape.as_list())
        elif isinstance(input_shape, int):
            input_shape = (input_shape,)
        if input_tensor is None:
            if input_shape is not None:
                batch_input_shape = (batch_size,) + tuple(input_shape)
            else:
                batch_input_shape = None
            graph = backend.get_graph()
            with graph.as_default(), graph.name_scope(None):
                input_tensor = backend.placeholder(shape=batch_input_shape, dtype=dtype, sparse=sparse,
                                                   name=self.name)
            self.is_placeholder = True
            self._batch_input_shape = batch_input_shape
        else:
            self.is_placeholder = False
            shape = input_tensor.shape
            self._batch_input_shape = tuple(shape.as_list()) if shape.ndims is not None else None
        input_tensor._keras_mask = None
        base_layer.Node(self, input_tensors=[input_tensor], output_tensors=[input_tensor])
        input_tensor._keras_history = base_layer.KerasHistory(self, 0, 0)

    def get_config(self):
        return {"batch_input_shape": self._batch_input_shape, "dtype": self.dtype, "sparse": self.sparse,
                "name": self.name}


def Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None,  # noqa: N802
          **kwargs):
    """tf.keras.Input(shape=None, batch_size=None, name=None, dtype=None, sparse=False, tensor=None):
    a symbolic tensor to build a functional Model from (`batch_shape=` gives the full shape)."""
    if "batch_shape" in kwargs:
        batch_shape = kwargs.pop("batch_shape")
        if shape and batch_shape:
            raise ValueError("Only provide the shape OR batch_shape argument to Input, not both at the same "
                             "time.")
        batch_size = batch_shape[0]
        shape = batch_shape[1:]
    if kwargs:
        raise ValueError("Unrecognized keyword arguments:", kwargs.keys())
    if shape is None and tensor is None:
        raise ValueError("Please provide to Input either a `shape` or a `tensor` argument. Note that `shape` "
                         "does not include the batch dimension.")
    layer = InputLayer(input_shape=shape, batch_size=batch_size, name=name, dtype=dtype, sparse=sparse,
                       input_tensor=tensor)
    outputs = layer._inbound_nodes[0].output_tensors
    return outputs[0] if len(outputs) == 1 else outputs
