"""tf.keras.utils (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.utils.data_utils import (  # noqa: F401
    GeneratorEnqueuer, OrderedEnqueuer, Sequence, SequenceEnqueuer, get_file,
)
from compat_tf._src.keras.utils.generic_utils import (  # noqa: F401
    CustomObjectScope, Progbar, custom_object_scope, deserialize_keras_object, get_custom_objects,
    serialize_keras_object,
)
from compat_tf._src.keras.utils.io_utils import (  # noqa: F401
    HDF5Matrix,
)
from compat_tf._src.keras.utils.layer_utils import (  # noqa: F401
    get_source_inputs,
)
from compat_tf._src.keras.utils.np_utils import (  # noqa: F401
    normalize, to_categorical,
)
from compat_tf._src.keras.utils.vis_utils import (  # noqa: F401
    model_to_dot, plot_model,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.utils")
