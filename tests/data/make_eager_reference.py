"""Cases for TF 1.x eager mode, and their values recorded from real TensorFlow.

Each case is a function `case(tf, tfe)` of a TF1-API module `tf` executing eagerly (real
TensorFlow's tf.compat.v1 in its default eager mode, with tf_keras; or compat_tf inside eager
mode) and of `tfe` (compat_tf's tf.contrib.eager, or for TensorFlow, which no longer ships
tf.contrib, `_TfeShim`: TF 1.15's definitions of implicit_gradients & co on tf.GradientTape). A
case returns {key: value}; tests/eager/test_eager_reference.py runs the cases on compat_tf and
compares with eager_reference.json. Values that depend on TF's random bit streams are not
recorded: every variable starts from explicit values.

Record (TF 2.21 + tf_keras, eager):
  TF_USE_LEGACY_KERAS=1 /tmp/tfvenv/bin/python tests/data/make_eager_reference.py
"""
import json
import os
import tempfile

import numpy as np


def _arr(seed, *shape, scale=0.5):
    return (scale * np.random.RandomState(seed).randn(*shape)).astype(np.float32)


class _TfeShim:
    """TF 1.15's tf.contrib.eager backprop functions, written on the TF at hand's GradientTape."""

    def __init__(self, tf):
        self.tf = tf

    def implicit_value_and_gradients(self, f):
        def grad_fn(*args):
            with self.tf.GradientTape() as tape:
                value = f(*args)
            variables = tape.watched_variables()
            return value, list(zip(tape.gradient(value, variables), variables))
        return grad_fn

    def implicit_gradients(self, f):
        return lambda *args: self.implicit_value_and_gradients(f)(*args)[1]

    def value_and_gradients_function(self, f):
        def decorated(*args, dy=None):
            with self.tf.GradientTape(persistent=True) as tape:
                args = [self.tf.convert_to_tensor(a) for a in args]
                for a in args:
                    tape.watch(a)
                value = f(*args)
            return value, tape.gradient(value, args, output_gradients=dy)
        return decorated

    def gradients_function(self, f):
        return lambda *args, **kw: self.value_and_gradients_function(f)(*args, **kw)[1]


# --------------------------------------------------------------------------------------------
# the TF1 eager guide's patterns
# --------------------------------------------------------------------------------------------

def _regression_data(tf):
    rng = np.random.RandomState(0)
    x = rng.randn(200).astype(np.float32)
    y = (3.0 * x + 2.0 + 0.5 * rng.randn(200)).astype(np.float32)
    return tf.constant(x), tf.constant(y)


def linear_regression_tape(tf, tfe):
    """custom_training.ipynb: W, b trained with GradientTape and assign_sub."""
    x, y = _regression_data(tf)
    w, b = tf.Variable(5.0), tf.Variable(0.0)
    out = {"W": [], "b": [], "loss": []}
    for _ in range(10):
        with tf.GradientTape() as t:
            loss = tf.reduce_mean(tf.square(w * x + b - y))
        dw, db = t.gradient(loss, [w, b])
        w.assign_sub(0.1 * dw)
        b.assign_sub(0.1 * db)
        out["W"].append(float(w.numpy()))
        out["b"].append(float(b.numpy()))
        out["loss"].append(float(loss.numpy()))
    return out


def implicit_gradients_loop(tf, tfe):
    """The tfe.implicit_gradients training loop with a tf.train optimizer and a global step."""
    x, y = _regression_data(tf)
    w, b = tf.Variable(1.0, name="w"), tf.Variable(-1.0, name="b")
    step = tf.Variable(0, dtype=tf.int64, trainable=False)
    opt = tf.train.GradientDescentOptimizer(0.05)

    def loss_fn(inputs, targets):
        return tf.reduce_mean(tf.square(w * inputs + b - targets))
    grad_fn = tfe.implicit_value_and_gradients(loss_fn)
    losses = []
    for _ in range(15):
        value, grads_and_vars = grad_fn(x, y)
        opt.apply_gradients(grads_and_vars, global_step=step)
        losses.append(float(value.numpy()))
    return {"loss": losses, "W": float(w.numpy()), "b": float(b.numpy()), "step": int(step.numpy()),
            "grad_vars": [v.name for _, v in grad_fn(x, y)[1]]}


def tape_semantics(tf, tfe):
    out = {}
    x = tf.ones((2, 2))
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(x)
        z = tf.multiply(y, y)
    out["dz_dx"] = t.gradient(z, x).numpy()
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(x)
        z = tf.multiply(y, y)
    out["dz_dy"] = t.gradient(z, y).numpy()
    x = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        y = x * x
        z = y * y
    out["persistent"] = [t.gradient(z, x).numpy(), t.gradient(y, x).numpy()]
    v = tf.Variable(1.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = v * v * v
        dy = inner.gradient(y, v)
    out["second_order"] = [dy.numpy(), outer.gradient(dy, v).numpy()]
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    c = tf.constant([[0.5, -1.0], [2.0, 0.25]])
    with tf.GradientTape() as t:
        h = tf.matmul(c, w)
        h2 = tf.tanh(tf.matmul(h, w))       # the variable read twice: gradients sum
        loss = tf.reduce_sum(h2 * h2) + tf.reduce_mean(tf.exp(-h))
    out["two_reads"] = t.gradient(loss, w).numpy()
    u = tf.Variable(2.0)
    k = tf.Variable(3.0, trainable=False)
    with tf.GradientTape() as t:
        loss = u * k
    gu, gk = t.gradient(loss, [u, k])
    out["non_trainable_not_watched"] = [gu.numpy(), gk is None]
    with tf.GradientTape(watch_accessed_variables=False) as t:
        t.watch(k)
        loss = u * k * k
    gu, gk = t.gradient(loss, [u, k])
    out["watch_only"] = [gu is None, gk.numpy()]
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as t:
        t.watch(x)
        ys = [tf.reduce_sum(x * x), tf.reduce_prod(x)]
    out["targets_summed"] = t.gradient(ys, x).numpy()
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
    out["output_gradients"] = t.gradient(y, x, output_gradients=tf.constant([1.0, 0.5, -2.0])).numpy()
    a, bb = tf.constant(2.0), tf.constant(5.0)
    with tf.GradientTape(persistent=True) as t:
        t.watch([a, bb])
        y = a * a
    out["unconnected"] = [t.gradient(y, bb) is None,
                          t.gradient(y, bb, unconnected_gradients=tf.UnconnectedGradients.ZERO).numpy()]
    out["nested_sources"] = sorted(t.gradient(y, {"a": a, "b": [bb]}).keys())
    with tf.GradientTape() as t:
        t.watch(a)
        y = a * a
        with t.stop_recording():
            z = y * a
        w2 = z + y
    out["stop_recording"] = t.gradient(w2, a).numpy()
    n = tf.constant(3)
    with tf.GradientTape() as t:
        t.watch(n)
        y = n * n
    out["int_source"] = t.gradient(y, n) is None
    with tf.GradientTape() as t:
        t.watch(a)
        y = tf.stop_gradient(a * a) + a
    out["stop_gradient"] = t.gradient(y, a).numpy()

    def f(x, steps):
        output = tf.constant(1.0)
        for i in range(steps):
            if 1 < i < 5:
                output = tf.multiply(output, x)
        return output
    grads = []
    for steps in (6, 5, 4):
        xx = tf.convert_to_tensor(2.0)
        with tf.GradientTape() as t:
            t.watch(xx)
            o = f(xx, steps)
        grads.append(t.gradient(o, xx).numpy())
    out["python_control_flow"] = grads
    return out


def function_gradients(tf, tfe):
    def square(x):
        return tf.multiply(x, x)
    grad = tfe.gradients_function(square)
    gradgrad = tfe.gradients_function(lambda x: grad(x)[0])
    gradgradgrad = tfe.gradients_function(lambda x: gradgrad(x)[0])

    def abs_(x):
        return x if x > 0. else -x
    gabs = tfe.gradients_function(abs_)

    def two(x, y):
        return x * x * y + tf.sin(y)
    value, grads = tfe.value_and_gradients_function(two)(2.0, 0.5)
    return {"grad": grad(3.)[0].numpy(), "gradgrad": gradgrad(3.)[0].numpy(),
            "gradgradgrad_is_none": gradgradgrad(3.)[0] is None,
            "abs": [gabs(3.)[0].numpy(), gabs(-3.)[0].numpy()],
            "value_and_grads": [value.numpy(), grads[0].numpy(), grads[1].numpy()],
            "dy": tfe.gradients_function(square)(tf.constant([1.0, 2.0]), dy=tf.constant([3.0, -1.0]))[0].numpy()}


def custom_gradient_case(tf, tfe):
    def log1pexp_plain(x):
        return tf.log(1 + tf.exp(x))

    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(dy):
            return dy * (1 - 1 / (1 + e))
        return tf.log(1 + e), grad

    @tf.custom_gradient
    def clip_gradient_by_norm(x, norm):
        y = tf.identity(x)

        def grad_fn(dresult):
            return [tf.clip_by_norm(dresult, norm), None]
        return y, grad_fn

    def g(f, x):
        x = tf.convert_to_tensor(x)
        with tf.GradientTape() as t:
            t.watch(x)
            r = f(x)
        return t.gradient(r, x).numpy()
    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(clip_gradient_by_norm(x * 2.0, 1.0) * tf.constant([10.0, 1.0]))
    return {"plain_at_0": g(log1pexp_plain, 0.0), "plain_at_100_is_nan": bool(np.isnan(g(log1pexp_plain, 100.0))),
            "custom_at_0": g(log1pexp, 0.0), "custom_at_100": g(log1pexp, 100.0),
            "value_at_100": log1pexp(tf.constant(100.0)).numpy(), "clipped": t.gradient(y, x).numpy()}


_OPTIMIZERS = {
    "sgd": lambda tf: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda tf: tf.train.AdamOptimizer(0.05),
    "adagrad": lambda tf: tf.train.AdagradOptimizer(0.2),
    "rmsprop": lambda tf: tf.train.RMSPropOptimizer(0.05, momentum=0.5),
    "adadelta": lambda tf: tf.train.AdadeltaOptimizer(1.0),
    "ftrl": lambda tf: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01),
}


def optimizers_apply_gradients(tf, tfe):
    out = {}
    for name, make in sorted(_OPTIMIZERS.items()):
        w = tf.Variable(_arr(1, 3, 2))
        b = tf.Variable(_arr(2, 2))
        x = tf.constant(_arr(3, 4, 3, scale=1.0))
        opt = make(tf)
        losses = []
        for _ in range(3):
            with tf.GradientTape() as t:
                loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b - 1.0))
            grads = t.gradient(loss, [w, b])
            opt.apply_gradients(zip(grads, [w, b]))
            losses.append(float(loss.numpy()))
        out[name] = {"loss": losses, "w": w.numpy(), "b": b.numpy(),
                     "slots": {s: opt.get_slot(w, s).numpy() for s in sorted(opt.get_slot_names())}}
    return out


def minimize_callable(tf, tfe):
    w = tf.Variable(_arr(4, 3))
    x = tf.constant(_arr(5, 5, 3, scale=1.0))
    step = tf.train.get_or_create_global_step()
    opt = tf.train.AdamOptimizer(0.1)
    losses = []
    for _ in range(4):
        loss = lambda: tf.reduce_mean(tf.square(tf.tensordot(x, w, 1) - 2.0))  # noqa: E731
        opt.minimize(loss, global_step=step)
        losses.append(float(loss().numpy()))
    return {"loss": losses, "w": w.numpy(), "step": int(step.numpy()),
            "beta1_power": float(opt._get_beta_accumulators()[0].numpy())}


def keras_model_trained_eagerly(tf, tfe):
    """A small Keras model called eagerly and trained with GradientTape + apply_gradients."""
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                                 tf.keras.layers.Dense(3)])
    model.set_weights([_arr(10 + i, *w.shape, scale=0.4) for i, w in enumerate(model.get_weights())])
    x = _arr(20, 16, 4, scale=1.0)
    y = np.random.RandomState(21).randint(0, 3, 16).astype(np.int64)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)
    opt = tf.train.AdamOptimizer(0.05)
    step = tf.train.get_or_create_global_step()
    losses = []
    for _ in range(3):
        for images, labels in dataset:
            with tf.GradientTape() as tape:
                logits = model(images, training=True)
                loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables), global_step=step)
            losses.append(float(loss.numpy()))
    return {"loss": losses, "weights": [w.tolist() for w in model.get_weights()], "step": int(step.numpy()),
            "names": [v.name for v in model.trainable_variables], "predict": model(x[:2]).numpy()}


def data_iteration(tf, tfe):
    ds = tf.data.Dataset.from_tensor_slices((np.arange(7, dtype=np.int32), np.arange(7, dtype=np.float32) / 2))
    ds = ds.map(lambda a, b: (a * a, b + 1.0)).batch(3)
    elements = [[a.numpy().tolist(), b.numpy().tolist()] for a, b in ds]
    evens = [int(v.numpy()) for v in tf.data.Dataset.range(10).filter(lambda v: tf.equal(v % 2, 0)).take(3)]
    dicts = [sorted(d) for d in tf.data.Dataset.from_tensor_slices({"x": [1, 2], "y": [3.0, 4.0]})]
    repeated = [int(v.numpy()) for v in tf.data.Dataset.from_tensors(5).repeat(3)]
    path = os.path.join(tempfile.mkdtemp(), "lines.txt")
    with open(path, "w") as f:
        f.write("Line 1\nLine 2\nLine 3\n")
    lines = [b.numpy().tolist() for b in tf.data.TextLineDataset(path).batch(2)]
    return {"batches": elements, "evens": evens, "dicts": dicts, "repeated": repeated,
            "lines": [[s.decode() for s in b] for b in lines],
            "dtypes": [str(t.dtype.name) for t in next(iter(ds))]}


def checkpoint_keys(tf, tfe):
    """tf.train.Checkpoint of a Keras model, a tf.train optimizer with slots and a global step."""
    model = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(2,)), tf.keras.layers.Dense(1)])
    opt = tf.train.AdamOptimizer(0.1)
    step = tf.train.get_or_create_global_step()
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(tf.ones([2, 2])))
    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables),
                        global_step=step)
    ckpt = tf.train.Checkpoint(optimizer=opt, model=model, optimizer_step=step)
    prefix = os.path.join(tempfile.mkdtemp(), "ckpt")
    path = ckpt.save(prefix)
    keys = sorted(k for k, _ in tf.train.list_variables(path))
    return {"keys": keys, "path_suffix": os.path.basename(path),
            "beta1_power": float(tf.train.load_checkpoint(path).get_tensor(
                "optimizer/beta1_power/.ATTRIBUTES/VARIABLE_VALUE"))}


def metrics_case(tf, tfe):
    """tfe.metrics.Mean / Accuracy (TF 2.21 lacks them: tf.keras.metrics.Mean/Accuracy agree)."""
    mean = tfe.metrics.Mean("loss") if tfe is not None and hasattr(tfe, "metrics") else tf.keras.metrics.Mean()
    mean(0)
    mean(5)
    first = float(mean.result().numpy())
    mean([8, 9])
    acc = tfe.metrics.Accuracy() if hasattr(tfe, "metrics") else tf.keras.metrics.Accuracy()
    acc(tf.constant([1, 2, 3, 4]), tf.constant([0, 2, 3, 4]))
    return {"mean": [first, float(mean.result().numpy())], "accuracy": float(acc.result().numpy())}


def control_flow_case(tf, tfe):
    x = tf.constant(1.5)
    with tf.GradientTape(persistent=True) as t:
        t.watch(x)
        c = tf.cond(x > 1.0, lambda: x * x, lambda: x * 3.0)
        i, acc = tf.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, a * x), [tf.constant(0), tf.constant(1.0)])
        m = tf.map_fn(lambda v: v * x, tf.constant([1.0, 2.0, 3.0]))
        s = tf.scan(lambda a, v: a * v + x, tf.constant([1.0, 2.0, 3.0]))
    return {"cond": [c.numpy(), t.gradient(c, x).numpy()], "while": [int(i.numpy()), acc.numpy(),
                                                                    t.gradient(acc, x).numpy()],
            "map_fn": [m.numpy(), t.gradient(m, x).numpy()], "scan": [s.numpy(), t.gradient(s, x).numpy()]}


ALL_CASES = {f.__name__: f for f in (
    linear_regression_tape, implicit_gradients_loop, tape_semantics, function_gradients, custom_gradient_case,
    optimizers_apply_gradients, minimize_callable, keras_model_trained_eagerly, data_iteration,
    checkpoint_keys, metrics_case, control_flow_case)}


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (np.ndarray, np.generic)):
        return v.tolist()
    return v


def run_case(tf, tfe, name):
    return _jsonable(ALL_CASES[name](tf, tfe))


def main():
    import tensorflow.compat.v1 as tf
    tf.enable_eager_execution()
    tfe = _TfeShim(tf)
    out = {}
    for name in ALL_CASES:
        tf.keras.backend.clear_session()
        out[name] = run_case(tf, tfe, name)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "eager_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    print("wrote", path, len(out), "cases")


if __name__ == "__main__":
    main()
