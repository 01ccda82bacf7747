"""tf.contrib.rnn: provided names come from compat_tf; the rest raise UnimplementedSymbolError."""
from compat_tf._src.dropin.missing import missing_attr_hook
from compat_tf._src.ops.rnn import static_bidirectional_rnn, static_rnn  # noqa: F401
from compat_tf._src.ops.rnn_cell_impl import (  # noqa: F401
    BasicLSTMCell, BasicRNNCell, DeviceWrapper, DropoutWrapper, GRUCell, LSTMCell, LSTMStateTuple,
    MultiRNNCell, RNNCell, ResidualWrapper)

__getattr__ = missing_attr_hook("tf.contrib.rnn")
