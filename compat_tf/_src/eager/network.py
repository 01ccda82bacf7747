"""tf.contrib.eager.Network (deprecated in TF 1.15 for tf.keras.Model): a model whose layers are
registered with `track_layer`; here a subclassed tf.keras.Model, so calls, variables and
checkpoints behave as the Keras model's."""
from compat_tf._src.keras.engine.training import Model


class Network(Model):
    """tfe.Network: subclass, register layers with `self.track_layer(layer)`, define `call`."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self._tracked = []

    def track_layer(self, layer):
        """Registers `layer` (a tf.layers / tf.keras layer) as part of this network; returns it."""
        from compat_tf._src.keras.engine.base_layer import Layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Network.track_layer() passed type {type(layer).__name__}, not a tf.layers.Layer")
        if layer not in self._tracked:
            self._tracked.append(layer)
        return layer

    @property
    def layers(self):
        return list(self._tracked) or super().layers
