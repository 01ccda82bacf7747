"""compat_tf.export: the way out of TF1, a graph's computation as a plain JAX function.

Not part of TensorFlow's API (import it explicitly: `import compat_tf.export`):

    fn, params = compat_tf.export.to_jax_function(logits, [x])
    jax.jit(fn)(params, batch)                  # = sess.run(logits, {x: batch})

    step, state = compat_tf.export.to_jax_step(loss, [x, y], train_op, session=sess)
    loss_value, state = jax.jit(step)(state, xb, yb)   # = sess.run([loss, train_op], ...)
    compat_tf.export.load_state(sess, state)            # and back into the Session

See `compat_tf/_src/export/jax_function.py` for the conventions (variable names, feeds, RNG,
host ops).
"""
from compat_tf._src.export.jax_function import RNG_COUNTER_KEY, load_state, to_jax_function, to_jax_step  # noqa: F401

__all__ = ["to_jax_function", "to_jax_step", "load_state", "RNG_COUNTER_KEY"]
