"""tf.contrib.opt.LazyAdamOptimizer (TF 1.15 lazy_adam_optimizer.py): Adam whose sparse update (a
variable reached only through tf.gather / embedding_lookup) touches only the looked-up rows: their
m, v and values follow Adam, every other row and its slots stay as they are. Dense gradients get
plain Adam, as TF1's.

compat_tf's gradients stay dense (optimizer.py), so the rows are a mask built from the gather
indices and the update is where(mask, adam(row), row) - TF1's scatter updates after it sums
duplicate indices.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops, control_flow_ops, gather_ops, math_ops, state_ops
from compat_tf._src.train.adam import AdamOptimizer

__all__ = ["LazyAdamOptimizer"]


class LazyAdamOptimizer(AdamOptimizer):
    """TF1's tf.contrib.opt.LazyAdamOptimizer (slots "m", "v" as Adam's)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_locking=False,
                 name="LazyAdam"):
        super().__init__(learning_rate, beta1, beta2, epsilon, use_locking, name)

    def _apply_rows(self, grad, var, rows):
        dtype = var.dtype.base_dtype
        idx = [math_ops.cast(array_ops.reshape(i, [-1]), _dtypes.int32) for i in rows]
        indices = idx[0] if len(idx) == 1 else array_ops.concat(idx, 0)
        num_rows = array_ops.shape(var)[0]
        hits = gather_ops.scatter_nd(array_ops.expand_dims(indices, 1),
                                     array_ops.ones_like(indices, dtype=dtype), array_ops.reshape(num_rows, [1]))
        mask = array_ops.reshape(hits > 0, array_ops.concat([[num_rows], array_ops.ones_like(
            array_ops.shape(var)[1:])], 0))
        beta1_power, beta2_power = (math_ops.cast(b, dtype) for b in self._get_beta_accumulators())
        lr, b1, b2, eps = (math_ops.cast(t, dtype) for t in (self._lr_t, self._beta1_t, self._beta2_t,
                                                              self._epsilon_t))
        alpha = lr * math_ops.sqrt(1 - beta2_power) / (1 - beta1_power)
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        full_mask = math_ops.logical_and(mask, array_ops.ones_like(grad, dtype=_dtypes.bool))
        m_new = array_ops.where(full_mask, b1 * m + (1 - b1) * grad, m)
        v_new = array_ops.where(full_mask, b2 * v + (1 - b2) * math_ops.square(grad), v)
        var_new = array_ops.where(full_mask, var - alpha * m_new / (math_ops.sqrt(v_new) + eps), var)
        g = _graph.get_default_graph()
        with g.control_dependencies([m_new, v_new, var_new]):
            return control_flow_ops.group(state_ops.assign(m, m_new, use_locking=self._use_locking),
                                          state_ops.assign(v, v_new, use_locking=self._use_locking),
                                          state_ops.assign(var, var_new, use_locking=self._use_locking))
