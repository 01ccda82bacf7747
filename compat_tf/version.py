"""tf.version: the TF version compat_tf implements (1.15.5) and build information."""
from compat_tf._src.framework.graph_io import graph_def_versions as _versions

VERSION = "1.15.5"
GIT_VERSION = "compat_tf"
COMPILER_VERSION = "jax"
CXX11_ABI_FLAG = 0
MONOLITHIC_BUILD = 0
GRAPH_DEF_VERSION = _versions().producer
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0
