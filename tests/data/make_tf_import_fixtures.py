"""Writes tests/data/tf_import_fixtures/ with REAL TensorFlow (the oracle venv, not compat_tf).

Run: .venv-tf/bin/python tests/data/make_tf_import_fixtures.py

Used by tests/framework/test_graph_io_tf_fixtures.py and tests/ops/test_resource_variable_ops.py.
  stripped_cnn/      a conv/dense training graph (GradientDescent), its .meta exported with
                     strip_default_attrs=True (no validate_shape, data_format, keep_dims, T ...; the
                     MetaGraphDef's stripped_op_list gives the defaults); files as make_tf_meta_graphs.py
  stripped_graph.pb  an inference GraphDef (constants) with default-valued attrs stripped, and no
                     op list; stripped_graph.npz: its feed and TF's outputs
  resource_adam/     an MLP of use_resource=True variables (VarHandleOp, ReadVariableOp,
                     AssignVariableOp, ResourceApplyAdam, ...) trained with Adam; files as above
  resource_ops.pb    a GraphDef of resource variable ops (ResourceGather, AssignAdd/SubVariableOp,
                     ResourceScatterAdd/Update, ResourceApply{GradientDescent,Momentum,RMSProp,Adagrad,
                     Adadelta,Ftrl,FtrlV2,ProximalGradientDescent,ProximalAdagrad,CenteredRMSProp});
                     resource_ops.npz: every variable after running the train op twice, and the gathers
  fused_bn.pb        FusedBatchNorm/V2/V3 with exponential_avg_factor (0.3, 1.0; training, inference);
                     fused_bn.npz: the feeds and every output TF computed
  prevent_gradient.pb  y = PreventGradient(x * 2, message=...); prevent_gradient.json: TF's error when
                     tf.gradients(y, x) is built
"""
import json
import os
import shutil

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.python.ops import array_ops as tf_array_ops

tf.disable_v2_behavior()
tf.disable_control_flow_v2()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_import_fixtures")
STEPS = 3
rng = np.random.RandomState(1)


def _dense(x, n_out, act, name, use_resource=None):
    n_in = int(x.shape[-1])
    with tf.variable_scope(name):
        w = tf.get_variable("w", [n_in, n_out], initializer=tf.glorot_uniform_initializer(seed=1),
                            use_resource=use_resource)
        b = tf.get_variable("b", [n_out], initializer=tf.constant_initializer(0.05), use_resource=use_resource)
        y = tf.nn.bias_add(tf.matmul(x, w), b)
        return act(y) if act is not None else y


def _write_training(name, build, feeds_np, strip_default_attrs=False):
    d = os.path.join(OUT, name)
    os.makedirs(d)
    with tf.Graph().as_default() as g:
        tf.set_random_seed(0)
        feeds, loss, train_op = build()
        tf.add_to_collection("train_op", train_op)
        saver = tf.train.Saver(save_relative_paths=True)
        feed = {feeds[k]: v for k, v in feeds_np.items()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, os.path.join(d, "model.ckpt"), write_meta_graph=False)
            saver.export_meta_graph(os.path.join(d, "model.ckpt.meta"), strip_default_attrs=strip_default_attrs)
            losses = [sess.run(loss, feed)]
            for _ in range(STEPS):
                sess.run(train_op, feed)
                losses.append(sess.run(loss, feed))
            after = {v.op.name: sess.run(v) for v in tf.global_variables()}
        types = sorted({op.type for op in g.get_operations()})
    arrays = {"losses": np.array(losses, np.float64)}
    arrays.update({"feed/" + feeds[k].name: v for k, v in feeds_np.items()})
    arrays.update({"var/" + k: v for k, v in after.items()})
    np.savez_compressed(os.path.join(d, "expected.npz"), **arrays)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"train_op": train_op.name, "loss": loss.name, "feeds": sorted(t.name for t in feeds.values()),
                   "op_types": types, "steps": STEPS}, f, indent=1, sort_keys=True)
    print(name, "losses", losses)


def _stripped_cnn():
    x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    k = tf.get_variable("k", [3, 3, 2, 4], initializer=tf.glorot_uniform_initializer(seed=2))
    h = tf.nn.relu(tf.nn.conv2d(x, k, [1, 2, 2, 1], "SAME"))                       # 3x3x4
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")                     # 2x2x4
    h = tf.reshape(h, [-1, 16])
    logits = _dense(h, 3, None, "out")
    loss = tf.reduce_mean(tf.reduce_sum(tf.square(logits - y), axis=1), name="loss")
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, name="train")
    return {"x": x, "y": y}, loss, train


def _resource_adam():
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    with tf.variable_scope("", use_resource=True):
        h = _dense(x, 6, tf.tanh, "l1")
        logits = _dense(h, 3, None, "out")
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits), name="loss")
    gs = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=gs, name="train")
    return {"x": x, "y": y}, loss, train


def _stripped_graph():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, 5, 2], name="x")
        k = tf.constant(rng.randn(3, 3, 2, 3).astype(np.float32))
        h = tf.nn.conv2d(x, k, [1, 1, 1, 1], "VALID")                            # 3x3x3
        h = tf.nn.avg_pool(h, [1, 2, 2, 1], [1, 1, 1, 1], "SAME")
        s = tf.reduce_sum(h, axis=[1, 2])                                          # keep_dims default
        w = tf.constant(rng.randn(3, 4).astype(np.float32))
        out = tf.identity(tf.matmul(s, w) + tf.reduce_max(h, axis=[1, 2, 3], keepdims=True)[:, :, 0, 0],
                          name="out")
        mgd = tf.train.export_meta_graph(strip_default_attrs=True)
        feed = rng.randn(2, 5, 5, 2).astype(np.float32)
        with tf.Session() as sess:
            want = sess.run(out, {x: feed})
    gd = mgd.graph_def
    with open(os.path.join(OUT, "stripped_graph.pb"), "wb") as f:
        f.write(gd.SerializeToString())
    np.savez_compressed(os.path.join(OUT, "stripped_graph.npz"), x=feed, out=want)


def _resource_ops():
    from tensorflow.python.ops import gen_resource_variable_ops as gr
    from tensorflow.python.ops import gen_training_ops as gt
    vals = {}
    with tf.Graph().as_default() as g:
        def var(name, value):
            v = tf.get_variable(name, initializer=np.asarray(value, np.float32), use_resource=True)
            vals[name] = v
            return v
        init = lambda *s: rng.uniform(0.5, 1.5, s).astype(np.float32)
        grad = tf.constant(rng.randn(4, 3).astype(np.float32), name="grad")
        lr = tf.constant(0.1, name="lr")
        c = lambda v, n: tf.constant(np.float32(v), name=n)
        ups = []
        p = {n: var(n, init(4, 3)) for n in ("gd", "mom", "rms", "crms", "ada", "adad", "ftrl", "ftrl2", "pgd",
                                          "padag", "emb", "sc")}
        s = {n: var(n, init(4, 3)) for n in ("mom_a", "rms_ms", "rms_mom", "crms_mg", "crms_ms", "crms_mom",
                                          "ada_a", "adad_a", "adad_u", "ftrl_a", "ftrl_l", "ftrl2_a",
                                          "ftrl2_l", "padag_a")}
        s["crms_mg"] = var("crms_mg0", 0.1 * init(4, 3))      # ms - mg^2 > 0 (no NaN)
        h = lambda v: v.handle
        ups.append(gt.resource_apply_gradient_descent(h(p["gd"]), lr, grad))
        ups.append(gt.resource_apply_momentum(h(p["mom"]), h(s["mom_a"]), lr, grad, c(0.9, "m"), use_nesterov=True))
        ups.append(gt.resource_apply_rms_prop(h(p["rms"]), h(s["rms_ms"]), h(s["rms_mom"]), lr, c(0.9, "rho"),
                                              c(0.5, "mo"), c(1e-3, "eps"), grad))
        ups.append(gt.resource_apply_centered_rms_prop(h(p["crms"]), h(s["crms_mg"]), h(s["crms_ms"]),
                                                       h(s["crms_mom"]), lr, c(0.9, "rho2"), c(0.5, "mo2"),
                                                       c(1e-3, "eps2"), grad))
        ups.append(gt.resource_apply_adagrad(h(p["ada"]), h(s["ada_a"]), lr, grad))
        ups.append(gt.resource_apply_adadelta(h(p["adad"]), h(s["adad_a"]), h(s["adad_u"]), lr, c(0.95, "rho3"),
                                              c(1e-6, "eps3"), grad))
        ups.append(gt.resource_apply_ftrl(h(p["ftrl"]), h(s["ftrl_a"]), h(s["ftrl_l"]), grad, lr, c(0.01, "l1"),
                                          c(0.02, "l2"), c(-0.5, "lp")))
        ups.append(gt.resource_apply_ftrl_v2(h(p["ftrl2"]), h(s["ftrl2_a"]), h(s["ftrl2_l"]), grad, lr,
                                             c(0.01, "l1b"), c(0.02, "l2b"), c(0.03, "l2s"), c(-0.5, "lpb")))
        ups.append(gt.resource_apply_proximal_gradient_descent(h(p["pgd"]), lr, c(0.01, "l1c"), c(0.02, "l2c"),
                                                               grad))
        ups.append(gt.resource_apply_proximal_adagrad(h(p["padag"]), h(s["padag_a"]), lr, c(0.01, "l1d"),
                                                      c(0.02, "l2d"), grad))
        idx = tf.constant([2, 0], name="idx")
        gathered = tf.identity(gr.resource_gather(h(p["emb"]), idx, dtype=tf.float32), name="gathered")
        with tf.control_dependencies([gathered]):
            ups.append(gr.resource_scatter_add(h(p["emb"]), tf.constant([1, 3]), tf.ones([2, 3])))
        with tf.control_dependencies([ups[-1]]):
            ups.append(gr.resource_scatter_update(h(p["emb"]), tf.constant([0]), tf.fill([1, 3], 7.0)))
        ups.append(gr.assign_add_variable_op(h(p["sc"]), tf.fill([4, 3], 0.5)))
        with tf.control_dependencies([ups[-1]]):
            ups.append(gr.assign_sub_variable_op(h(p["sc"]), tf.fill([4, 3], 0.25)))
        train = tf.group(*ups, name="train")
        sc_read = tf.identity(gr.read_variable_op(h(p["sc"]), tf.float32), name="sc_read")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = {n: sess.run(v) for n, v in vals.items()}
            g0 = sess.run(gathered)
            sess.run(train)
            sess.run(train)
            after = {n: sess.run(v) for n, v in vals.items()}
        gd = g.as_graph_def()
        types = sorted({op.type for op in g.get_operations()})
    with open(os.path.join(OUT, "resource_ops.pb"), "wb") as f:
        f.write(gd.SerializeToString())
    arrays = {"gathered": g0}
    arrays.update({"before/" + k: v for k, v in before.items()})
    arrays.update({"after/" + k: v for k, v in after.items()})
    np.savez_compressed(os.path.join(OUT, "resource_ops.npz"), **arrays)
    print("resource ops", types)


def _fused_bn():
    x_np = rng.randn(3, 4, 2, 5).astype(np.float32) * 2 + 1
    scale_np = rng.uniform(0.5, 1.5, 5).astype(np.float32)
    offset_np = rng.randn(5).astype(np.float32)
    mean_np = rng.randn(5).astype(np.float32)
    var_np = rng.uniform(0.5, 2, 5).astype(np.float32)
    fetch = {}
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 4, 2, 5], name="x")
        xc = tf.placeholder(tf.float32, [None, 5, 4, 2], name="x_nchw")
        sc, of = tf.constant(scale_np, name="scale"), tf.constant(offset_np, name="offset")
        mu, va = tf.constant(mean_np, name="mean"), tf.constant(var_np, name="var")
        raw = {"V1": tf.raw_ops.FusedBatchNorm, "V2": tf.raw_ops.FusedBatchNormV2, "V3": tf.raw_ops.FusedBatchNormV3}
        for ver, fn in raw.items():
            for f in (0.3, 1.0):
                for training in (True, False):
                    name = f"{ver}_f{int(f * 10)}_{'train' if training else 'infer'}"
                    kw = {"mean": mu, "variance": va, "epsilon": 1e-3, "is_training": training,
                          "exponential_avg_factor": f, "name": name}
                    outs = fn(x=x, scale=sc, offset=of, **kw)
                    fetch[name] = list(outs[:3])
        outs = tf.raw_ops.FusedBatchNormV3(x=xc, scale=sc, offset=of, mean=mu, variance=va, epsilon=1e-3,
                                           is_training=True, exponential_avg_factor=0.4, data_format="NCHW",
                                           name="V3_f4_nchw")
        fetch["V3_f4_nchw"] = list(outs[:3])
        feed = {x: x_np, xc: np.transpose(x_np, (0, 3, 1, 2)).copy()}
        from tensorflow.core.protobuf import rewriter_config_pb2
        cfg = tf.ConfigProto()      # grappler's remapper breaks fetching outputs 1, 2 of an inference FBN
        cfg.graph_options.rewrite_options.CopyFrom(rewriter_config_pb2.RewriterConfig(disable_meta_optimizer=True))
        with tf.Session(config=cfg) as sess:
            got = sess.run(fetch, feed)
        gd = g.as_graph_def()
    with open(os.path.join(OUT, "fused_bn.pb"), "wb") as fh:
        fh.write(gd.SerializeToString())
    arrays = {"x": x_np, "x_nchw": feed[xc], "scale": scale_np, "offset": offset_np, "mean": mean_np, "var": var_np}
    for name, outs in got.items():
        for i, v in enumerate(outs):
            arrays[f"{name}:{i}"] = v
    np.savez_compressed(os.path.join(OUT, "fused_bn.npz"), **arrays)


def _prevent_gradient():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        y = tf_array_ops.prevent_gradient(x * 2.0, message="second derivative is not implemented", name="pg")
        z = tf.reduce_sum(tf.square(y), name="z")
        other = tf.reduce_sum(x * 3.0, name="other")
        try:
            tf.gradients(z, x)
            err = None
        except Exception as e:  # noqa: BLE001
            err = {"type": type(e).__name__, "message": str(e)}
        # a PreventGradient that is not between the ys and the xs is never asked for a gradient
        ok = tf.gradients(other + tf.stop_gradient(z), x)[0] is not None
        gd = g.as_graph_def()
    with open(os.path.join(OUT, "prevent_gradient.pb"), "wb") as f:
        f.write(gd.SerializeToString())
    with open(os.path.join(OUT, "prevent_gradient.json"), "w") as f:
        json.dump({"error": err, "unrelated_ok": ok}, f, indent=1)
    print("prevent_gradient", err)


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    rs = np.random.RandomState(0)
    _write_training("stripped_cnn", _stripped_cnn, {"x": rs.randn(4, 6, 6, 2).astype(np.float32),
                                                    "y": rs.randn(4, 3).astype(np.float32)},
                    strip_default_attrs=True)
    _write_training("resource_adam", _resource_adam, {"x": rs.randn(8, 5).astype(np.float32),
                                                      "y": np.eye(3, dtype=np.float32)[rs.randint(0, 3, 8)]})
    _stripped_graph()
    _resource_ops()
    _fused_bn()
    _prevent_gradient()
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {OUT}: {total} bytes")


if __name__ == "__main__":
    main()
