"""compat_tf: TensorFlow 1.x's graph API, run on JAX.

`import compat_tf as tf` gives the TF1 namespace (`tf.compat.v1` is the
same module). This file is only the public surface: every name is defined in
`compat_tf._src`, one module per op family, and re-exported here.
"""
import jax as _jax

# TF1 programs use float64 and int64 freely; JAX drops them to 32 bits unless told.
_jax.config.update("jax_enable_x64", True)

# What a run compiled is kept for the next run of the program (JAX's persistent cache in a
# per-user directory; COMPAT_TF_COMPILATION_CACHE moves or disables it).
from compat_tf._src.runtime import compile_cache as _compile_cache  # noqa: E402

_compile_cache.configure()

from compat_tf._src.framework.dtypes import *  # noqa: E402,F401,F403
from compat_tf._src.framework.dtypes import DType, as_dtype  # noqa: E402,F401
from compat_tf._src.framework.dtypes import bool  # noqa: E402,F401,A004 - TF1 name
from compat_tf._src.framework.tensor_shape import (  # noqa: E402,F401
    Dimension, TensorShape, dimension_value)
from compat_tf._src.framework.graph import (  # noqa: E402,F401
    Graph, GraphKeys, Operation, Tensor, add_to_collection, add_to_collections, colocate_with,
    control_dependencies, device, get_collection, get_collection_ref, get_default_graph,
    name_scope, reset_default_graph)
from compat_tf._src.framework import errors  # noqa: E402,F401
from compat_tf._src.ops.constant import (  # noqa: E402,F401
    constant, convert_to_tensor, placeholder, placeholder_with_default,
    register_tensor_conversion_function)
from compat_tf._src.ops.state_ops import assign, assign_add, assign_sub, count_up_to  # noqa: E402,F401
from compat_tf._src.ops.variables import (  # noqa: E402,F401
    Variable, all_variables, assert_variables_initialized, global_variables,
    global_variables_initializer, initialize_all_variables, initialize_local_variables,
    initialize_variables, is_variable_initialized, local_variables, local_variables_initializer,
    model_variables, moving_average_variables, report_uninitialized_variables, trainable_variables,
    variables_initializer)
from compat_tf._src.ops.math_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.array_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.gather_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.linalg_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.matrix_function_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.clip_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.random_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.init_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.control_flow_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.functional_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.script_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.check_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.logging_ops import *  # noqa: E402,F401,F403,A004
from compat_tf._src.ops.tensor_array_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.variable_scope import *  # noqa: E402,F401,F403
from compat_tf._src.ops.gradients_impl import *  # noqa: E402,F401,F403
from compat_tf._src.ops import tf_gradient_ops as _tf_gradient_ops  # noqa: E402,F401 - TF's *Grad op types
from compat_tf._src.ops.resource_variable_ops import *  # noqa: E402,F401,F403 - VarHandleOp, ResourceApply*
from compat_tf._src.ops.data_flow_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.reader_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.string_ops import *  # noqa: E402,F401,F403
from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue  # noqa: E402,F401
from compat_tf._src.ops.sparse_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.sparse_matmul_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.sparse_reorder_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.sparse_compose_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.sparse_math_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.sparse_slice_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.sparse_segment_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.sparse_serialize_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.parsing_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.io_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops import checkpoint_ops as _checkpoint_ops  # noqa: E402,F401 - SaveV2/RestoreV2 host ops
from compat_tf._src.ops.sort_ops import *  # noqa: E402,F401,F403 - sort, argsort, searchsorted, roll, cross
from compat_tf._src.ops.edit_distance_ops import edit_distance  # noqa: E402,F401
from compat_tf._src.ops.lookup_ops import initialize_all_tables, tables_initializer  # noqa: E402,F401
from compat_tf._src.ops.sequence_parsing_ops import parse_single_sequence_example  # noqa: E402,F401
from compat_tf._src.ops.string_transform_ops import (  # noqa: E402,F401
    reduce_join, regex_replace, string_to_hash_bucket, string_to_hash_bucket_fast, string_to_hash_bucket_strong)
from compat_tf._src.ops.complex_ops import *  # noqa: E402,F401,F403,A004 - complex, angle
from compat_tf._src.ops.special_math_ops import betainc, lbeta  # noqa: E402,F401
from compat_tf._src.framework.indexed_slices import IndexedSlices, IndexedSlicesValue  # noqa: E402,F401
from compat_tf._src.framework.device_spec import DeviceSpec  # noqa: E402,F401
from compat_tf._src.protos.public import *  # noqa: E402,F401,F403 - tf.GraphDef, tf.ConfigProto, ...
from compat_tf._src.summary.protos import Event, HistogramProto, LogMessage, SessionLog, Summary, SummaryMetadata  # noqa: E402,F401,E501
from compat_tf._src.runtime.session import (  # noqa: E402,F401
    BaseSession, InteractiveSession, Session, get_default_session)

from compat_tf import compat  # noqa: E402,F401
from compat_tf import data  # noqa: E402,F401
from compat_tf import io  # noqa: E402,F401
from compat_tf import queue, strings  # noqa: E402,F401
from compat_tf import image, summary  # noqa: E402,F401
from compat_tf import graph_util  # noqa: E402,F401
from compat_tf import app, contrib, flags, gfile, initializers, linalg, logging, losses, math, nn, python_io, random, sparse, train  # noqa: E402,F401,E501
from compat_tf import layers  # noqa: E402,F401
from compat_tf import saved_model  # noqa: E402,F401
from compat_tf import debugging, dtypes, metrics  # noqa: E402,F401
from compat_tf import estimator  # noqa: E402,F401
from compat_tf import keras  # noqa: E402,F401
from compat_tf import test  # noqa: E402,F401
from compat_tf import version  # noqa: E402,F401
from compat_tf._src.framework.eager_mode import (  # noqa: E402,F401
    disable_eager_execution, enable_eager_execution, executing_eagerly)
from compat_tf import distributions, lookup  # noqa: E402,F401
from compat_tf import feature_column, nest, signal  # noqa: E402,F401
spectral = signal  # tf.spectral: TF 1.x's older name of the FFT/DCT namespace
from compat_tf._src.ops.fft_ops import fft, fft2d, fft3d, ifft, ifft2d, ifft3d  # noqa: E402,F401
from compat_tf._src.eager.tape import GradientTape  # noqa: E402,F401
from compat_tf._src.eager.context import executing_eagerly_outside_functions  # noqa: E402,F401
from compat_tf._src.eager.function import TensorSpec, defun as function  # noqa: E402,F401
from compat_tf._src.ops.custom_gradient import custom_gradient  # noqa: E402,F401

# compat_tf's own additions (not TF1 names): the graph as a JAX function, data-parallel sessions
from compat_tf import checkpoints, export, parallel  # noqa: E402,F401
from compat_tf import bitwise  # noqa: E402,F401

# -- top-level TF1 names: v2 behaviour switches, templates, scopes, gradient registry, misc ops --
from compat_tf._src.framework.behavior import *  # noqa: E402,F401,F403
from compat_tf._src.framework.graph_scopes import *  # noqa: E402,F401,F403
from compat_tf._src.framework.tensor_util import get_static_value, is_tensor  # noqa: E402,F401
from compat_tf._src.framework.tensor_conversion import *  # noqa: E402,F401,F403
from compat_tf._src.framework.tensor_shape import dimension_at_index  # noqa: E402,F401
from compat_tf._src.platform.tf_logging import get_logger  # noqa: E402,F401
from compat_tf._src.ops.template import make_template  # noqa: E402,F401
from compat_tf._src.ops.gradient_registry import *  # noqa: E402,F401,F403
from compat_tf._src.ops.gradient_utils import grad_pass_through, recompute_grad  # noqa: E402,F401
from compat_tf._src.ops.partitioners import *  # noqa: E402,F401,F403
from compat_tf._src.ops.partitioned_variables import *  # noqa: E402,F401,F403
from compat_tf._src.ops.manip_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.histogram_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.confusion_matrix import confusion_matrix  # noqa: E402,F401
from compat_tf._src.ops.switch_case import switch_case  # noqa: E402,F401
from compat_tf._src.ops.serialization_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.fingerprint_ops import fingerprint  # noqa: E402,F401
from compat_tf._src.ops.fake_quant_ops import *  # noqa: E402,F401,F403
from compat_tf._src.ops.volume_patch_ops import extract_volume_patches  # noqa: E402,F401
from compat_tf._src.ops.image_quality_ops import extract_image_patches  # noqa: E402,F401
from compat_tf.math import log_sigmoid  # noqa: E402,F401
from compat_tf._src.ops.accumulator_ops import ConditionalAccumulator, ConditionalAccumulatorBase  # noqa: E402,F401
from compat_tf import quantization  # noqa: E402,F401
from compat_tf import raw_ops  # noqa: E402,F401

from compat_tf._src.dropin.missing import missing_attr_hook as _missing_attr_hook  # noqa: E402

__getattr__ = _missing_attr_hook("tf")
__version__ = "1.15.5"
VERSION = __version__
GIT_VERSION = "compat_tf"
COMPILER_VERSION = "jax"


def install():
    """Binds `import tensorflow` (and tensorflow.compat.v1, tensorflow.contrib..., tensorflow.python...)
    to compat_tf in this process. Returns the compat_tf module."""
    from compat_tf._src.dropin import importer
    return importer.install()


def load_ipython_extension(ipython):
    """`%load_ext compat_tf`: binds `tensorflow` to compat_tf in this IPython session."""
    install()
    ipython.push({"tf": __import__("compat_tf")}, interactive=False)


# the objects of this import (JAX's and NumPy's included) are left out of full garbage
# collections, which otherwise walk them all, ~50 ms each (runtime/gc_freeze.py)
from compat_tf._src.runtime import gc_freeze as _gc_freeze  # noqa: E402

_gc_freeze.freeze_import_objects()
