"""tf.keras.layers advanced activations (TF 1.15): LeakyReLU, PReLU, ELU, ThresholdedReLU,
Softmax, ReLU."""
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import backend_ops, constraints, initializers, regularizers
from compat_tf._src.keras import backend as K
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.keras.engine.input_spec import InputSpec
from compat_tf._src.ops import math_ops, nn_ops


class _Elementwise(Layer):
    _params = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = {k: getattr(self, k) for k in self._params}
        config.update(super().get_config())
        return config


class LeakyReLU(_Elementwise):
    """tf.keras.layers.LeakyReLU(alpha=0.3): x if x > 0 else alpha * x."""
    _params = ("alpha",)

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = K.cast_to_floatx(alpha)

    def call(self, inputs):
        return backend_ops.relu(inputs, alpha=self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = float(self.alpha)
        return config


class ELU(_Elementwise):
    """tf.keras.layers.ELU(alpha=1.0)."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = K.cast_to_floatx(alpha)

    def call(self, inputs):
        return backend_ops.elu(inputs, self.alpha)

    def get_config(self):
        config = super().get_config()
        config["alpha"] = float(self.alpha)
        return config


class ThresholdedReLU(_Elementwise):
    """tf.keras.layers.ThresholdedReLU(theta=1.0): x if x > theta else 0."""

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = K.cast_to_floatx(theta)

    def call(self, inputs):
        return inputs * math_ops.cast(math_ops.greater(inputs, self.theta), K.floatx())

    def get_config(self):
        config = super().get_config()
        config["theta"] = float(self.theta)
        return config


class Softmax(_Elementwise):
    """tf.keras.layers.Softmax(axis=-1)."""
    _params = ("axis",)

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return backend_ops.softmax(inputs, axis=self.axis)


class ReLU(_Elementwise):
    """tf.keras.layers.ReLU(max_value=None, negative_slope=0, threshold=0)."""
    _params = ("max_value", "negative_slope", "threshold")

    def __init__(self, max_value=None, negative_slope=0, threshold=0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.:
            raise ValueError("max_value of Relu layer cannot be negative value: " + str(max_value))
        if negative_slope < 0.:
            raise ValueError("negative_slope of Relu layer cannot be negative value: " + str(negative_slope))
        self.max_value = None if max_value is None else K.cast_to_floatx(max_value)
        self.negative_slope = K.cast_to_floatx(negative_slope)
        self.threshold = K.cast_to_floatx(threshold)

    def call(self, inputs):
        return backend_ops.relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        config = Layer.get_config(self)
        config.update(max_value=None if self.max_value is None else float(self.max_value),
                      negative_slope=float(self.negative_slope), threshold=float(self.threshold))
        return config


class PReLU(Layer):
    """tf.keras.layers.PReLU(alpha_initializer='zeros', ..., shared_axes=None): max(0, x) - alpha * relu(-x),
    with a learned "alpha" per input position (shared along shared_axes)."""

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None, shared_axes=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        param_shape = list(_ts.TensorShape(input_shape).as_list()[1:])
        if self.shared_axes is not None:
            for i in self.shared_axes:
                param_shape[i - 1] = 1
        self.alpha = self.add_weight(shape=param_shape, name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {}
        if self.shared_axes:
            for i in range(1, len(input_shape)):
                if i not in self.shared_axes:
                    axes[i] = _ts.TensorShape(input_shape)[i].value
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        pos = nn_ops.relu(inputs)
        neg = -self.alpha * nn_ops.relu(-inputs)
        return pos + neg

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(alpha_initializer=initializers.serialize(self.alpha_initializer),
                      alpha_regularizer=regularizers.serialize(self.alpha_regularizer),
                      alpha_constraint=constraints.serialize(self.alpha_constraint), shared_axes=self.shared_axes)
        return config
