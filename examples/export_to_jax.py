"""The way out of TF1: train a TF1 model a little, export it, continue in plain JAX.

1. Builds a small TF1 classifier (placeholders, tf.layers, Adam with a global_step) and
   trains it a few steps with Session.run, as a TF1 program does.
2. Exports the training step with `compat_tf.export.to_jax_step`: a pure function
   `step(state, x, y) -> (loss, new_state)` whose state holds the weights, Adam's slots,
   the beta powers and global_step, keyed by their TF variable names.
3. Continues training with `jax.jit(step)` in a plain JAX loop (no Session), exports the
   inference function with `to_jax_function` and evaluates it with jax.vmap, takes a
   `jax.grad` of the exported loss, and writes the trained state back into the Session
   with `load_state`.

Exits with status 1 unless the JAX-side training lowered the loss and the Session agrees
with JAX after `load_state`. Also runs as `python -m compat_tf run examples/export_to_jax.py`.
"""
import sys

import jax
import numpy as np

import compat_tf as tf          # under `python -m compat_tf run`, `import tensorflow as tf` is the same module
import compat_tf.export

TF1_STEPS = 10
JAX_STEPS = 200


def make_data(rng, n=256):
    """Two interleaved half-moons in 2-D, labels 0/1 (one-hot)."""
    t = rng.uniform(0, np.pi, n)
    label = rng.integers(0, 2, n)
    xs = np.stack([np.cos(t) + label, np.sin(t) * (1 - 2 * label) + 0.5 * label], 1)
    xs = xs + rng.normal(0, 0.1, xs.shape)
    return xs.astype(np.float32), np.eye(2, dtype=np.float32)[label]


def main():
    rng = np.random.default_rng(0)
    xs, ys = make_data(rng)

    # -- 1. a TF1 program ----------------------------------------------------------------
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    hidden = tf.layers.dense(x, 32, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, 2, name="logits")
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    global_step = tf.train.get_or_create_global_step()
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=global_step)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for _ in range(TF1_STEPS):
        tf1_loss, _ = sess.run([loss, train_op], {x: xs, y: ys})
    print(f"TF1 Session: {TF1_STEPS} steps, loss {tf1_loss:.4f}")

    # -- 2. export the train step ----------------------------------------------------------
    step, state = compat_tf.export.to_jax_step(loss, [x, y], train_op, session=sess)
    print("exported state:", ", ".join(sorted(state)))
    start_loss = float(sess.run(loss, {x: xs, y: ys}))

    # -- 3. plain JAX from here on ---------------------------------------------------------
    jstep = jax.jit(step, donate_argnums=0)
    losses = []
    for _ in range(JAX_STEPS):
        step_loss, state = jstep(state, xs, ys)
        losses.append(float(step_loss))
    print(f"JAX: {JAX_STEPS} jitted steps, loss {losses[0]:.4f} -> {losses[-1]:.4f}, "
          f"global_step {int(state['global_step'])}")

    predict, params = compat_tf.export.to_jax_function(tf.argmax(logits, 1), [x], session=sess)
    params = {k: state[k] for k in params}             # the JAX-trained weights
    per_example = jax.jit(jax.vmap(predict, in_axes=(None, 0)))(params, xs[:, None, :])[:, 0]
    accuracy = float(np.mean(np.asarray(per_example) == ys.argmax(1)))
    print(f"accuracy of the exported predictor (vmapped over examples): {accuracy:.3f}")

    loss_fn, _ = compat_tf.export.to_jax_function(loss, [x, y], session=sess)
    grads = jax.jit(jax.grad(loss_fn))(params, xs, ys)
    grad_norm = float(np.sqrt(sum(np.sum(np.asarray(g) ** 2) for g in jax.tree_util.tree_leaves(grads))))
    print(f"|d loss / d params| from jax.grad of the exported loss: {grad_norm:.4f}")

    # -- and back into the TF1 Session -----------------------------------------------------
    compat_tf.export.load_state(sess, state)
    session_loss = float(sess.run(loss, {x: xs, y: ys}))
    jax_loss = float(jax.jit(loss_fn)(params, xs, ys))
    print(f"after load_state: Session loss {session_loss:.4f}, JAX loss {jax_loss:.4f}, "
          f"global_step {sess.run(global_step)}")
    sess.close()

    ok = (losses[-1] < start_loss * 0.8 and abs(session_loss - jax_loss) < 1e-5
          and int(state["global_step"]) == TF1_STEPS + JAX_STEPS and accuracy > 0.8)
    print("OK" if ok else "FAILED: the exported training did not behave as expected")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
