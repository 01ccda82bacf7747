"""A sentence-classification CNN in the structure of the public TF1 project "cnn-text-classification-tf":
synthetic data shaped like its MR polarity set (vocabulary 18,758, sentences padded to 56 tokens,
9,596 train / 1,066 dev examples).

Model: a 128-d embedding, convolutions of widths 3, 4 and 5 (128 filters each, VALID) over the
sentence, max-pooling over time (windows of 54, 53, 52), dropout 0.5, a dense softmax layer with
L2. Training as the project does it: Adam 1e-3 through compute_gradients/apply_gradients with a
global step, histogram and sparsity summaries of every gradient, loss and accuracy summaries
written by a FileWriter each step, a dev evaluation on the whole dev set every 10 steps (its
own batch size) and a checkpoint every 10 steps. 34 steps, as measured in the issue.
"""
import os
import tempfile
import time

import numpy as np
import tensorflow as tf

from _timing import phase, record, report

SEQ, VOCAB, EMB, FILTERS, SIZES, CLASSES = 56, 18758, 128, 128, (3, 4, 5), 2
STEPS, EVERY, BATCH = 34, 10, 64
rs = np.random.RandomState(0)


def synthetic(n):
    y = rs.randint(0, 2, n)
    x = rs.randint(1, VOCAB, (n, SEQ))
    x[:, :3] = np.where(y[:, None] == 1, 7, 11)         # a learnable signal
    lengths = rs.randint(10, SEQ, n)
    x[np.arange(SEQ)[None, :] >= lengths[:, None]] = 0   # padding
    return x.astype(np.int32), np.eye(CLASSES, dtype=np.float32)[y]


x_train, y_train = synthetic(9596)
x_dev, y_dev = synthetic(1066)
out_dir = tempfile.mkdtemp(prefix="text_cnn_")

with phase("total"):
    with phase("build"):
        input_x = tf.placeholder(tf.int32, [None, SEQ], name="input_x")
        input_y = tf.placeholder(tf.float32, [None, CLASSES], name="input_y")
        dropout_keep_prob = tf.placeholder(tf.float32, name="dropout_keep_prob")
        l2_loss = tf.constant(0.0)
        with tf.name_scope("embedding"):
            W = tf.Variable(tf.random_uniform([VOCAB, EMB], -1.0, 1.0), name="W")
            embedded_chars_expanded = tf.expand_dims(tf.nn.embedding_lookup(W, input_x), -1)
        pooled_outputs = []
        for filter_size in SIZES:
            with tf.name_scope("conv-maxpool-%s" % filter_size):
                Wc = tf.Variable(tf.truncated_normal([filter_size, EMB, 1, FILTERS], stddev=0.1), name="W")
                b = tf.Variable(tf.constant(0.1, shape=[FILTERS]), name="b")
                conv = tf.nn.conv2d(embedded_chars_expanded, Wc, strides=[1, 1, 1, 1], padding="VALID",
                                    name="conv")
                h = tf.nn.relu(tf.nn.bias_add(conv, b), name="relu")
                pooled_outputs.append(tf.nn.max_pool(h, ksize=[1, SEQ - filter_size + 1, 1, 1],
                                                     strides=[1, 1, 1, 1], padding="VALID", name="pool"))
        num_filters_total = FILTERS * len(SIZES)
        h_pool_flat = tf.reshape(tf.concat(pooled_outputs, 3), [-1, num_filters_total])
        with tf.name_scope("dropout"):
            h_drop = tf.nn.dropout(h_pool_flat, dropout_keep_prob)
        with tf.name_scope("output"):
            Wo = tf.get_variable("W", shape=[num_filters_total, CLASSES],
                                 initializer=tf.glorot_uniform_initializer())
            bo = tf.Variable(tf.constant(0.1, shape=[CLASSES]), name="b")
            l2_loss += tf.nn.l2_loss(Wo) + tf.nn.l2_loss(bo)
            scores = tf.nn.xw_plus_b(h_drop, Wo, bo, name="scores")
            predictions = tf.argmax(scores, 1, name="predictions")
        with tf.name_scope("loss"):
            losses = tf.nn.softmax_cross_entropy_with_logits(logits=scores, labels=input_y)
            loss = tf.reduce_mean(losses) + 0.0 * l2_loss
        with tf.name_scope("accuracy"):
            accuracy = tf.reduce_mean(tf.cast(tf.equal(predictions, tf.argmax(input_y, 1)), "float"),
                                      name="accuracy")

        global_step = tf.Variable(0, name="global_step", trainable=False)
        optimizer = tf.train.AdamOptimizer(1e-3)
        grads_and_vars = optimizer.compute_gradients(loss)
        train_op = optimizer.apply_gradients(grads_and_vars, global_step=global_step)
        grad_summaries = []
        for g, v in grads_and_vars:
            if g is not None:
                grad_summaries.append(tf.summary.histogram("{}/grad/hist".format(v.name.replace(":", "_")), g))
                grad_summaries.append(tf.summary.scalar("{}/grad/sparsity".format(v.name.replace(":", "_")),
                                                        tf.nn.zero_fraction(g)))
        loss_summary = tf.summary.scalar("loss", loss)
        acc_summary = tf.summary.scalar("accuracy", accuracy)
        train_summary_op = tf.summary.merge([loss_summary, acc_summary] + grad_summaries)
        dev_summary_op = tf.summary.merge([loss_summary, acc_summary])
        saver = tf.train.Saver(tf.global_variables(), max_to_keep=5)

    with tf.Session() as sess:
        train_writer = tf.summary.FileWriter(os.path.join(out_dir, "summaries", "train"), sess.graph)
        dev_writer = tf.summary.FileWriter(os.path.join(out_dir, "summaries", "dev"), sess.graph)
        with phase("init"):
            sess.run(tf.global_variables_initializer())
        steps = []
        for i in range(STEPS):
            lo = (i * BATCH) % (len(x_train) - BATCH)
            t = time.perf_counter()
            with phase("train_steps"):
                _, step, summaries, loss_v, acc = sess.run(
                    [train_op, global_step, train_summary_op, loss, accuracy],
                    {input_x: x_train[lo:lo + BATCH], input_y: y_train[lo:lo + BATCH], dropout_keep_prob: 0.5})
                train_writer.add_summary(summaries, step)
            if step % EVERY == 0:
                with phase("dev_evaluations"):
                    summaries, loss_v, acc = sess.run([dev_summary_op, loss, accuracy],
                                                 {input_x: x_dev, input_y: y_dev, dropout_keep_prob: 1.0})
                    dev_writer.add_summary(summaries, step)
                print(f"step {step}: dev loss {loss_v:g}, acc {acc:g}")
                with phase("checkpoints"):
                    saver.save(sess, os.path.join(out_dir, "checkpoints", "model"), global_step=step)
            steps.append(time.perf_counter() - t)
        train_writer.close()
        dev_writer.close()
        record("first_step", steps[0])
        record("mean_step_with_evaluations", float(np.mean(steps)))

report()
