"""tf.raw_ops: TF's generated op wrappers, keyword-only, for every op type compat_tf lowers
(compat_tf._src.ops.raw_op_wrappers); the others raise UnimplementedSymbolError."""
from compat_tf._src.ops.raw_op_wrappers import raw_ops_dir as __dir__  # noqa: F401
from compat_tf._src.ops.raw_op_wrappers import raw_ops_getattr as __getattr__  # noqa: F401
