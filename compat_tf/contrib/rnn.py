"""tf.contrib.rnn: provided names come from compat_tf; the rest raise UnimplementedSymbolError."""
from compat_tf._src.dropin.missing import missing_attr_hook
from compat_tf._src.ops.rnn import (  # noqa: F401
    stack_bidirectional_dynamic_rnn, static_bidirectional_rnn, static_rnn)
from compat_tf._src.ops.rnn_cell_impl import (  # noqa: F401
    BasicLSTMCell, BasicRNNCell, DeviceWrapper, DropoutWrapper, EmbeddingWrapper, GRUCell,
    InputProjectionWrapper, LSTMCell, LSTMStateTuple, MultiRNNCell, OutputProjectionWrapper, RNNCell,
    ResidualWrapper)

__getattr__ = missing_attr_hook("tf.contrib.rnn")
