"""tf.keras.layers noise layers (TF 1.15): GaussianNoise, GaussianDropout, AlphaDropout — active
only in training (K.learning_phase()), the identity otherwise."""
import numpy as np

from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import backend_ops
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.ops import array_ops, math_ops


class _Noise(Layer):
    _params = ("rate",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, training=None):
        return K.in_train_phase(lambda: self._noised(inputs), inputs, training=training)

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = {k: getattr(self, k) for k in self._params}
        config.update(super().get_config())
        return config


class GaussianNoise(_Noise):
    """tf.keras.layers.GaussianNoise(stddev): adds N(0, stddev) noise in training."""
    _params = ("stddev",)

    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev

    def _noised(self, x):
        return x + backend_ops.random_normal(array_ops.shape(x), mean=0., stddev=self.stddev)


class GaussianDropout(_Noise):
    """tf.keras.layers.GaussianDropout(rate): multiplies by N(1, rate / (1 - rate)) noise in training."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def _noised(self, x):
        if not 0 < self.rate < 1:
            return x
        stddev = np.sqrt(self.rate / (1.0 - self.rate))
        return x * backend_ops.random_normal(array_ops.shape(x), mean=1.0, stddev=stddev)


class AlphaDropout(_Noise):
    """tf.keras.layers.AlphaDropout(rate, noise_shape=None, seed=None): SELU-preserving dropout."""
    _params = ("rate",)

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed

    def _noised(self, x):
        if not 0 < self.rate < 1:
            return x
        alpha = 1.6732632423543772848170429916717
        scale = 1.0507009873554804934193349852946
        alpha_p = -alpha * scale
        shape = self.noise_shape or array_ops.shape(x)
        kept = math_ops.greater_equal(backend_ops.random_uniform(shape, seed=self.seed), self.rate)
        kept = math_ops.cast(kept, x.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        return a * (x * kept + alpha_p * (1 - kept)) + b
