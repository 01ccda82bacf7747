"""compat_tf.parallel: multi-device training of unchanged TF1 graphs (not a TF1 namespace).

    sess = compat_tf.parallel.data_parallel(tf.Session())     # all of jax.devices()
    sess = compat_tf.parallel.DataParallelSession(devices=jax.devices()[:4], batch_feeds=[x, y])

See compat_tf/_src/parallel/data_parallel.py for the semantics (state
replicated on a 1-D mesh, batch feeds split, results equal to one device's).
"""
from compat_tf._src.parallel.data_parallel import (  # noqa: F401
    BATCH_AXIS, DataParallelConfig, DataParallelSession, data_parallel, mesh_of)

__all__ = ["BATCH_AXIS", "DataParallelConfig", "DataParallelSession", "data_parallel", "mesh_of"]
