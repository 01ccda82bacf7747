"""tf.keras.layers merge layers (TF 1.15): Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot and their functional forms. Inputs are lists of tensors; elementwise merges
broadcast like TF (ranks must match or be expandable); masks are combined with logical AND."""
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import backend_ops
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.ops import array_ops, math_ops, nn_impl


class _Merge(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs.")
        if len(input_shape) < 2:
            raise ValueError("A merge layer should be called on a list of at least 2 inputs. Got %d inputs."
                             % len(input_shape))
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError("A merge layer should be called on a list of inputs.")
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        shapes = [_ts.TensorShape(s) for s in input_shape]
        out = shapes[0]
        for s in shapes[1:]:
            out = _ts.TensorShape([a if a is not None else b for a, b in zip(out.as_list(), s.as_list())])
        return out

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if all(m is None for m in mask):
            return None
        masks = [array_ops.expand_dims(m, axis=0) for m in mask if m is not None]
        return backend_ops.all(array_ops.concat(masks, axis=0), axis=0, keepdims=False)


def _elementwise(name, op, doc):
    def merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = op(out, x)
        return out
    return type(name, (_Merge,), {"_merge_function": merge, "__doc__": doc, "__module__": __name__})


Add = _elementwise("Add", math_ops.add, "tf.keras.layers.Add: the sum of the inputs.")
Multiply = _elementwise("Multiply", math_ops.multiply, "tf.keras.layers.Multiply: the product of the inputs.")
Maximum = _elementwise("Maximum", math_ops.maximum, "tf.keras.layers.Maximum: the elementwise maximum.")
Minimum = _elementwise("Minimum", math_ops.minimum, "tf.keras.layers.Minimum: the elementwise minimum.")


class Subtract(_Merge):
    """tf.keras.layers.Subtract: inputs[0] - inputs[1] (exactly two inputs)."""

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs")

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs")
        return inputs[0] - inputs[1]


class Average(_Merge):
    """tf.keras.layers.Average: the mean of the inputs."""

    def _merge_function(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / len(inputs)


class Concatenate(_Merge):
    """tf.keras.layers.Concatenate(axis=-1): concatenation along `axis` (masks concatenated too)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self._reshape_required = False

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list, _ts.TensorShape)) and not hasattr(input_shape[0], "as_list"):
            raise ValueError("A `Concatenate` layer should be called on a list of at least 2 inputs")
        if len(input_shape) < 2:
            raise ValueError("A `Concatenate` layer should be called on a list of at least 2 inputs")
        shapes = [_ts.TensorShape(s) for s in input_shape]
        if all(s.ndims is None for s in shapes):
            return
        reduced = set()
        for s in shapes:
            dims = s.as_list()
            del dims[self.axis]
            reduced.add(tuple(dims))
        if len(reduced) > 1:
            ok = all(len(r) == len(next(iter(reduced))) for r in reduced)
            if ok:
                ref = next(iter(reduced))
                for r in reduced:
                    for a, b in zip(r, ref):
                        if a is not None and b is not None and a != b:
                            ok = False
            if not ok:
                raise ValueError("A `Concatenate` layer requires inputs with matching shapes except for the concat "
                                 "axis. Got inputs shapes: %s" % ([s.as_list() for s in shapes],))
        self.built = True

    def _merge_function(self, inputs):
        return backend_ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes = [_ts.TensorShape(s).as_list() for s in input_shape]
        out = list(shapes[0])
        for s in shapes[1:]:
            if out[self.axis] is None or s[self.axis] is None:
                out[self.axis] = None
            else:
                out[self.axis] += s[self.axis]
        return _ts.TensorShape(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(array_ops.ones_like(x, dtype="bool"))
            elif m.shape.ndims < x.shape.ndims:
                masks.append(array_ops.expand_dims(m, axis=-1))
            else:
                masks.append(m)
        return backend_ops.all(backend_ops.concatenate(masks, axis=self.axis), axis=-1, keepdims=False)

    def get_config(self):
        config = super().get_config()
        config["axis"] = self.axis
        return config


class Dot(_Merge):
    """tf.keras.layers.Dot(axes, normalize=False): per-sample dot product of two inputs along `axes`."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)) or len(axes) != 2:
                raise ValueError("Invalid format for `axes` - must be an int or a tuple/list of 2 ints.")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def build(self, input_shape):
        if not isinstance(input_shape[0], (tuple, list, _ts.TensorShape)) or len(input_shape) != 2:
            raise ValueError("A `Dot` layer should be called on a list of 2 inputs.")
        self.built = True

    def _axes(self, x1, x2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % x1.shape.ndims, self.axes % x2.shape.ndims]
            return [self.axes] * 2
        return [a % t.shape.ndims if a < 0 else a for a, t in zip(self.axes, (x1, x2))]

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Dot` layer should be called on exactly 2 inputs")
        x1, x2 = inputs
        axes = self._axes(x1, x2)
        if self.normalize:
            x1 = nn_impl.l2_normalize(x1, axis=axes[0])
            x2 = nn_impl.l2_normalize(x2, axis=axes[1])
        return backend_ops.batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        s1, s2 = (list(_ts.TensorShape(s).as_list()) for s in input_shape)
        axes = self.axes if not isinstance(self.axes, int) else [self.axes] * 2
        axes = [a % len(s) for a, s in zip(axes, (s1, s2))]
        s1.pop(axes[0])
        s2.pop(axes[1])
        s2.pop(0)
        out = s1 + s2
        if len(out) == 1:
            out += [1]
        return _ts.TensorShape(out)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        config = super().get_config()
        config.update(axes=self.axes, normalize=self.normalize)
        return config


def _functional(cls, doc):
    def fn(inputs, **kwargs):
        return cls(**kwargs)(inputs)
    fn.__doc__ = doc
    fn.__name__ = cls.__name__.lower()
    return fn


add = _functional(Add, "tf.keras.layers.add(inputs): Add()(inputs).")
subtract = _functional(Subtract, "tf.keras.layers.subtract(inputs): Subtract()(inputs).")
multiply = _functional(Multiply, "tf.keras.layers.multiply(inputs): Multiply()(inputs).")
average = _functional(Average, "tf.keras.layers.average(inputs): Average()(inputs).")
maximum = _functional(Maximum, "tf.keras.layers.maximum(inputs): Maximum()(inputs).")
minimum = _functional(Minimum, "tf.keras.layers.minimum(inputs): Minimum()(inputs).")


def concatenate(inputs, axis=-1, **kwargs):
    """tf.keras.layers.concatenate(inputs, axis=-1): Concatenate(axis)(inputs)."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """tf.keras.layers.dot(inputs, axes, normalize=False): Dot(axes, normalize)(inputs)."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
