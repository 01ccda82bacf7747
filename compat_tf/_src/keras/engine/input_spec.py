"""InputSpec and the input check every layer call runs (TF 1.15's keras/engine/input_spec.py)."""
from compat_tf._src.framework import dtypes as _dtypes


class InputSpec:
    """tf.keras.layers.InputSpec (also tf.layers.InputSpec): the rank/dtype/shape a layer's input
    must have (checked on each call)."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = _dtypes.as_dtype(dtype).name if dtype is not None else None
        if shape is not None:
            self.ndim = len(shape)
            self.shape = shape
        else:
            self.ndim = ndim
            self.shape = None
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def __repr__(self):
        spec = [("dtype=" + str(self.dtype)) if self.dtype else "",
                ("shape=" + str(self.shape)) if self.shape else "",
                ("ndim=" + str(self.ndim)) if self.ndim else "",
                ("max_ndim=" + str(self.max_ndim)) if self.max_ndim else "",
                ("min_ndim=" + str(self.min_ndim)) if self.min_ndim else "",
                ("axes=" + str(self.axes)) if self.axes else ""]
        return "InputSpec(%s)" % ", ".join(x for x in spec if x)


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Keras' input_spec check: ValueError naming the layer when an input does not fit."""
    if not input_spec:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    xs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if len(xs) != len(specs):
        raise ValueError(f"Layer {layer_name} expects {len(specs)} inputs, but it received {len(xs)} "
                         "input tensors.")
    for i, (x, spec) in enumerate(zip(xs, specs)):
        if spec is None:
            continue
        shape = x.shape
        ndim = shape.ndims
        if spec.ndim is not None and ndim is not None and ndim != spec.ndim:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: expected "
                             f"ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape.as_list()}")
        if spec.max_ndim is not None and ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: expected "
                             f"max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: : expected "
                             f"min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: "
                             f"{shape.as_list()}")
        if spec.dtype is not None and x.dtype.base_dtype.name != spec.dtype:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: expected "
                             f"dtype={spec.dtype}, found dtype={x.dtype.base_dtype.name}")
        if spec.axes and ndim is not None:
            for axis, value in spec.axes.items():
                a = int(axis)
                if value is not None and (a >= ndim or a < -ndim):
                    raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: "
                                     f"expected axis {a} of input shape to have value {value} but input "
                                     f"has rank {ndim}")
                d = shape[a].value
                if value is not None and d is not None and d != value:
                    raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: "
                                     f"expected axis {a} of input shape to have value {value} but "
                                     f"received input with shape {shape.as_list()}")
        if spec.shape is not None and ndim is not None:
            for sd, xd in zip(spec.shape, shape.as_list()):
                if sd is not None and xd is not None and sd != xd:
                    raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: "
                                     f"expected shape={spec.shape}, found shape={shape.as_list()}")
