"""tf.keras.layers (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.engine.base_layer import (  # noqa: F401
    Layer,
)
from compat_tf._src.keras.engine.input_layer import (  # noqa: F401
    Input, InputLayer,
)
from compat_tf._src.keras.engine.input_spec import (  # noqa: F401
    InputSpec,
)
from compat_tf._src.keras.layers.advanced_activations import (  # noqa: F401
    ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU,
)
from compat_tf._src.keras.layers.convolutional import (  # noqa: F401
    Conv1D, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose, Convolution1D, Convolution2D,
    Convolution2DTranspose, Convolution3D, Convolution3DTranspose, Cropping1D, Cropping2D, Cropping3D,
    DepthwiseConv2D, SeparableConv1D, SeparableConv2D, SeparableConvolution1D, SeparableConvolution2D,
    UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D,
)
from compat_tf._src.keras.layers.core import (  # noqa: F401
    Activation, ActivityRegularization, Dense, Dropout, Flatten, Lambda, Masking, Permute, RepeatVector,
    Reshape, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
)
from compat_tf._src.keras.layers.embeddings import (  # noqa: F401
    Embedding,
)
from compat_tf._src.keras.layers.merge import (  # noqa: F401
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot,
    maximum, minimum, multiply, subtract,
)
from compat_tf._src.keras.layers.noise import (  # noqa: F401
    AlphaDropout, GaussianDropout, GaussianNoise,
)
from compat_tf._src.keras.layers.normalization import (  # noqa: F401
    BatchNormalization, LayerNormalization,
)
from compat_tf._src.keras.layers.pooling import (  # noqa: F401
    AveragePooling1D, AveragePooling2D, AveragePooling3D, AvgPool1D, AvgPool2D, AvgPool3D,
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D, GlobalAvgPool1D, GlobalAvgPool2D,
    GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D, GlobalMaxPooling1D,
    GlobalMaxPooling2D, GlobalMaxPooling3D, MaxPool1D, MaxPool2D, MaxPool3D, MaxPooling1D, MaxPooling2D,
    MaxPooling3D,
)
from compat_tf._src.keras.layers.recurrent import (  # noqa: F401
    AbstractRNNCell, GRU, GRUCell, LSTM, LSTMCell, RNN, SimpleRNN, SimpleRNNCell, StackedRNNCells,
)
from compat_tf._src.keras.layers.serialization import (  # noqa: F401
    deserialize, serialize,
)
from compat_tf._src.keras.layers.wrappers import (  # noqa: F401
    Bidirectional, TimeDistributed, Wrapper,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.layers")
