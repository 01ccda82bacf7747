"""tf.test: TF 1.15's test utilities (defined in compat_tf._src.platform.test)."""
from compat_tf._src.platform.test import (  # noqa: F401
    Benchmark, TestCase, assert_equal_graph_def, benchmark_config, compute_gradient, compute_gradient_error,
    get_temp_dir, gpu_device_name, is_built_with_cuda, is_built_with_gpu_support, is_built_with_rocm,
    is_built_with_xla, is_gpu_available, main)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.test")
