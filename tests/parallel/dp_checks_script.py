"""The data-parallel checks, run on 8 host devices by test_data_parallel.py (prints RESULT <json>)."""
import json
import os
import sys
import tempfile

import jax
import numpy as np

import compat_tf as tf
from compat_tf import parallel

R = {"n_devices": jax.device_count()}
rng = np.random.RandomState(0)
X = rng.randn(32, 6).astype(np.float32)
Y = rng.randint(0, 3, 32).astype(np.int32)


def build_mlp():
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(1)
        x = tf.placeholder(tf.float32, [None, 6], name="x")
        y = tf.placeholder(tf.int32, [None], name="y")
        h = tf.layers.dense(x, 16, tf.nn.tanh, name="hidden")
        logits = tf.layers.dense(h, 3, name="out")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        gs = tf.train.get_or_create_global_step()
        train = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=gs)
        tf.summary.scalar("loss", loss)
        merged = tf.summary.merge_all()
        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
    return dict(g=g, x=x, y=y, h=h, loss=loss, train=train, init=init, saver=saver, merged=merged)


def train(m, sess, steps=5, x=X, y=Y):
    losses = []
    for _ in range(steps):
        _, lv = sess.run([m["train"], m["loss"]], {m["x"]: x, m["y"]: y})
        losses.append(float(lv))
    return losses


def variables(m, sess):
    with m["g"].as_default():
        return {v.op.name: sess.run(v).tolist() for v in tf.global_variables()}


def sharding_info(arr):
    return {"spec": [str(a) for a in arr.sharding.spec] if hasattr(arr.sharding, "spec") else repr(arr.sharding),
            "n_devices": len(arr.sharding.device_set),
            "shard_shapes": [list(s.data.shape) for s in arr.addressable_shards]}


# 1. MLP + Adam, 5 steps: one device vs data-parallel over all devices
single = build_mlp()
s1 = tf.Session(graph=single["g"])
s1.run(single["init"])
R["single/losses"] = train(single, s1)
R["single/vars"] = variables(single, s1)

dp = build_mlp()
s8 = parallel.data_parallel(tf.Session(graph=dp["g"]))
s8.run(dp["init"])
R["dp/losses"] = train(dp, s8)
R["dp/vars"] = variables(dp, s8)
R["dp/plan_types"] = sorted({type(p).__name__ for p in s8._plans.values()})
R["dp/state"] = {k: sharding_info(v) for k, v in s8._state.items()}

# donation still works: the buffer a training step read is gone after it
kernel_before = s8._state["hidden/kernel"]
train(dp, s8, steps=1)
R["dp/donated"] = bool(kernel_before.is_deleted())
R["dp/kernel_after"] = sharding_info(s8._state["hidden/kernel"])
train(single, s1, steps=1)

# 2. the fed batch is split; the train step's compiled program all-reduces
train_plan = next(p for p in s8._plans.values() if p.writes and dp["x"] in p.feed_tensors)
placed = train_plan._place_feeds([X, Y])
R["feed/x"] = sharding_info(placed[0])
R["feed/y"] = sharding_info(placed[1])
layout = train_plan._layout
args = [s8._state[k] for k in layout.keys] + [placed[i] for i in train_plan._fast[1]]
if train_plan.uses_rng:
    args.append(np.uint32(0))
hlo = layout.fn.lower(*args).compile().as_text()
R["hlo/all_reduce"] = "all-reduce" in hlo
# a fetched activation stays split along the batch until Session.run gathers it
h_plan = s8._plan_for([dp["h"]], [], [dp["x"]])
R["fetch/h"] = sharding_info(h_plan.run(s8, [X])[0])
R["fetch/h_value_matches"] = bool(np.allclose(s8.run(dp["h"], {dp["x"]: X}), s1.run(single["h"], {single["x"]: X}),
                                              rtol=1e-5, atol=1e-6))

# 3. a batch not divisible by the device count
X12, Y12 = X[:12], Y[:12]
R["odd/placed"] = sharding_info(jax.numpy.asarray(train_plan._place_feeds([X12, Y12])[0])) \
    if isinstance(train_plan._place_feeds([X12, Y12])[0], jax.Array) else "numpy (as fed)"
R["odd/single_loss"] = float(s1.run(single["loss"], {single["x"]: X12, single["y"]: Y12}))
R["odd/dp_loss"] = float(s8.run(dp["loss"], {dp["x"]: X12, dp["y"]: Y12}))
strict = build_mlp()
ss = parallel.DataParallelSession(graph=strict["g"], batch_feeds=[strict["x"], "y:0"])
ss.run(strict["init"])
R["strict/loss32"] = train(strict, ss, steps=1)
try:
    ss.run(strict["train"], {strict["x"]: X12, strict["y"]: Y12})
    R["strict/error"] = None
except tf.errors.InvalidArgumentError as e:
    R["strict/error"] = str(e)
R["strict/step_after_error"] = int(ss.run(tf.train.get_global_step(strict["g"])))

# 4. Saver after data-parallel training: restore into a plain session and into a data-parallel one
ckdir = tempfile.mkdtemp()
path = dp["saver"].save(s8, os.path.join(ckdir, "model"), global_step=dp["g"].get_tensor_by_name("global_step:0"))
R["saver/path_ok"] = os.path.exists(path + ".index")
back = build_mlp()
plain = tf.Session(graph=back["g"])
back["saver"].restore(plain, path)
R["saver/plain_vars"] = variables(back, plain)
R["saver/dp_vars"] = variables(dp, s8)
back2 = build_mlp()
s8b = parallel.data_parallel(tf.Session(graph=back2["g"]))
back2["saver"].restore(s8b, path)
R["saver/restored_state"] = sharding_info(s8b._state["out/kernel"])
R["saver/continued_dp"] = train(back2, s8b, steps=2)
R["saver/continued_single"] = train(back, plain, steps=2)

# 5. a TF1 multi-tower graph (tf.device towers, averaged gradients) under data_parallel
def towers(dp_mode):
    g = tf.Graph()
    with g.as_default(), tf.device("/cpu:0"):
        x = tf.placeholder(tf.float32, [32, 6])
        y = tf.placeholder(tf.int32, [32])
        w = tf.get_variable("w", initializer=np.linspace(-1, 1, 18).reshape(6, 3).astype(np.float32))
        opt = tf.train.GradientDescentOptimizer(0.5)
        grads, losses = [], []
        for i, (xp, yp) in enumerate(zip(tf.split(x, 2), tf.split(y, 2))):
            with tf.device("/gpu:%d" % i), tf.name_scope("tower_%d" % i):
                xent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=yp, logits=tf.matmul(xp, w))
                loss = tf.reduce_mean(xent)
                grads.append(opt.compute_gradients(loss, [w])[0][0])
                losses.append(loss)
        step = opt.apply_gradients([(tf.add_n(grads) / 2.0, w)])
        mean_loss = tf.add_n(losses) / 2.0
        sess = tf.Session(config=tf.ConfigProto(allow_soft_placement=True))
        if dp_mode:
            parallel.data_parallel(sess)
        sess.run(tf.global_variables_initializer())
        out = [float(sess.run([step, mean_loss], {x: X, y: Y})[1]) for _ in range(3)]
        return out, sess.run(w).tolist(), [loss.device for loss in losses]


R["towers/single"], R["towers/single_w"], R["towers/devices"] = towers(False)
R["towers/dp"], R["towers/dp_w"], _ = towers(True)



# 6. a step with a host callback (tf.Print) runs on one device and still matches
def printed(dp_mode):
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 6])
        w = tf.Variable(np.linspace(-1, 1, 6).reshape(6, 1).astype(np.float32))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
        loss = tf.Print(loss, [loss], "loss=")
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        sess = tf.Session()
        if dp_mode:
            parallel.data_parallel(sess)
        sess.run(tf.global_variables_initializer())
        out = [float(sess.run([step, loss], {x: X})[1]) for _ in range(3)]
        # (a plain session may hold NumPy values: its first runs are interpreted, runtime/tiers.py)
        placement = sharding_info(sess._state[w.op.name]) if dp_mode else None
        return out, sess.run(w).ravel().tolist(), placement


R["print/single"], R["print/single_w"], _ = printed(False)
R["print/dp"], R["print/dp_w"], R["print/state"] = printed(True)

print("RESULT " + json.dumps(R))
sys.stdout.flush()
