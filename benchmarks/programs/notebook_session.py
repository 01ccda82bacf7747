"""A TF1 notebook session: many cells, each building a few ops and evaluating them once.

The shape of tutorial notebooks ("TensorFlow basics", "tensors and operations"): almost every
`sess.run` is a new signature that runs once or twice, so what counts is the cost of a first
run, not of a steady step. ~250 runs over math, shapes, reductions, random ops, gradients,
control flow, variables and a small regression trained for 50 steps.
"""
import numpy as np
import tensorflow as tf

from _timing import phase, report

rs = np.random.RandomState(0)
results = []

with phase("total"):
    sess = tf.InteractiveSession()

    # cell: constants and arithmetic
    for i in range(20):
        a = tf.constant(rs.rand(3, 4).astype(np.float32))
        b = tf.constant(rs.rand(4, 2).astype(np.float32))
        results.append(sess.run(tf.matmul(a, b) * float(i) + tf.reduce_sum(a)))
        results.append((tf.tanh(a) - tf.sigmoid(a) ** 2).eval())

    # cell: shapes and slicing
    for n in range(2, 22):
        x = tf.constant(np.arange(n * 6, dtype=np.float32).reshape(n, 6))
        y = tf.reshape(tf.transpose(x), [3, -1])
        results.append(sess.run([tf.shape(y), y[:, 1:3], tf.concat([x, x], 0)[::2], tf.reverse(x, [0])]))

    # cell: reductions and arg functions
    for k in range(15):
        m = tf.constant(rs.randn(5, k + 2).astype(np.float32))
        results.append(sess.run([tf.reduce_mean(m, 1), tf.argmax(m, 1), tf.reduce_max(m), tf.nn.softmax(m),
                                 tf.nn.top_k(m, 2).values, tf.cumsum(m, 1)]))

    # cell: random ops with op seeds
    for s in range(15):
        results.append(sess.run([tf.random_normal([3, s + 1], seed=s), tf.random_uniform([s + 2], seed=s),
                                 tf.truncated_normal([2, 2], seed=s)]))

    # cell: gradients of expressions
    for p in range(15):
        x = tf.placeholder(tf.float32, [None, 3])
        f = tf.reduce_sum(tf.sin(x) * x ** (p % 4 + 1) + tf.exp(-x))
        g = tf.gradients(f, x)[0]
        results.append(sess.run([f, g], {x: rs.rand(p + 1, 3).astype(np.float32)}))

    # cell: control flow
    for t in range(10):
        i0 = tf.constant(0)
        acc = tf.constant(np.ones(3, np.float32))
        _, out = tf.while_loop(lambda i, a: i < t + 2, lambda i, a: (i + 1, a * 1.5 + 1.0), [i0, acc])
        c = tf.cond(tf.reduce_sum(out) > 50.0, lambda: out * 2.0, lambda: out - 1.0)
        results.append(sess.run([out, c]))

    # cell: variables, assign, initializers
    for v in range(10):
        var = tf.Variable(tf.zeros([v + 2, 3]), name=f"var{v}")
        sess.run(var.initializer)
        sess.run(tf.assign_add(var, tf.ones_like(var) * float(v)))
        results.append(var.eval())

    # cell: a small linear regression, trained
    xs = rs.rand(100, 1).astype(np.float32)
    ys = 3.0 * xs + 2.0 + 0.05 * rs.randn(100, 1).astype(np.float32)
    X = tf.placeholder(tf.float32, [None, 1])
    Y = tf.placeholder(tf.float32, [None, 1])
    W = tf.Variable(tf.zeros([1, 1]))
    b = tf.Variable(tf.zeros([1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(X, W) + b - Y))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    sess.run(tf.global_variables_initializer())
    for step in range(50):
        sess.run(train, {X: xs, Y: ys})
        if step % 10 == 0:
            results.append(sess.run(loss, {X: xs, Y: ys}))
    results.append(sess.run([W, b]))
    sess.close()

report()
