"""tf.keras.models (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.engine.sequential import (  # noqa: F401
    Sequential,
)
from compat_tf._src.keras.engine.training import (  # noqa: F401
    Model,
)
from compat_tf._src.keras.models import (  # noqa: F401
    clone_model, load_model, model_from_config, model_from_json, model_from_yaml, save_model,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.models")
