"""tf.saved_model (TF 1.15's v1 API): TF1 SavedModels (loader, builder, signatures).

`tf.saved_model.load` / `loader.load` read SavedModels written by TensorFlow or compat_tf;
`Builder` / `simple_save` write the real SavedModel proto, with the variables in compat_tf's own
checkpoint format (see compat_tf/_src/saved_model/builder_impl.py). TF2's object-based
`tf.saved_model.save` / `load_v2` are not provided.
"""
from compat_tf.saved_model import (  # noqa: F401
    builder, constants, loader, main_op, signature_constants, signature_def_utils, tag_constants, utils)
from compat_tf._src.saved_model.builder_impl import Builder, simple_save  # noqa: F401
from compat_tf._src.saved_model.constants import (  # noqa: F401
    ASSETS_DIRECTORY, ASSETS_KEY, DEBUG_DIRECTORY, DEBUG_INFO_FILENAME_PB, LEGACY_INIT_OP_KEY, MAIN_OP_KEY,
    SAVED_MODEL_FILENAME_PB, SAVED_MODEL_FILENAME_PBTXT, SAVED_MODEL_SCHEMA_VERSION, VARIABLES_DIRECTORY,
    VARIABLES_FILENAME)
from compat_tf._src.saved_model.loader_impl import (  # noqa: F401
    contains_saved_model, load, maybe_saved_model_directory)
from compat_tf._src.saved_model.main_op_impl import main_op_with_restore  # noqa: F401
from compat_tf._src.saved_model.signature_constants import (  # noqa: F401
    CLASSIFY_INPUTS, CLASSIFY_METHOD_NAME, CLASSIFY_OUTPUT_CLASSES, CLASSIFY_OUTPUT_SCORES,
    DEFAULT_SERVING_SIGNATURE_DEF_KEY, PREDICT_INPUTS, PREDICT_METHOD_NAME, PREDICT_OUTPUTS, REGRESS_INPUTS,
    REGRESS_METHOD_NAME, REGRESS_OUTPUTS)
from compat_tf._src.saved_model.signature_def_utils_impl import (  # noqa: F401
    build_signature_def, classification_signature_def, is_valid_signature, predict_signature_def,
    regression_signature_def)
from compat_tf._src.saved_model.tag_constants import GPU, SERVING, TPU, TRAINING  # noqa: F401
from compat_tf._src.saved_model.utils_impl import build_tensor_info, get_tensor_from_tensor_info  # noqa: F401

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.saved_model")
