"""tf.sparse: TF1's sparse namespace (SparseTensor, to_dense, placeholder, sparse_dense_matmul/matmul); other
names are unimplemented."""

from compat_tf._src.framework.sparse_tensor import SparseTensor  # noqa: F401
from compat_tf._src.ops.sparse_ops import sparse_placeholder as placeholder  # noqa: F401
from compat_tf._src.ops.sparse_ops import sparse_tensor_to_dense as to_dense  # noqa: F401
from compat_tf._src.ops.sparse_matmul_ops import sparse_tensor_dense_matmul as sparse_dense_matmul  # noqa: F401
from compat_tf._src.ops.sparse_matmul_ops import sparse_tensor_dense_matmul as matmul  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.sparse")
