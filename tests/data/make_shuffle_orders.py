"""Writes tests/data/shuffle/tf_orders.json with REAL TensorFlow (the oracle venv): the element orders
of seeded Dataset.shuffle (with and without reshuffle_each_iteration, under repeat, re-initialized)
and of Dataset.list_files, for tests/data/test_shuffle_order.py.

Run: /tmp/tfvenv/bin/python tests/data/make_shuffle_orders.py
"""
import json
import os
import tempfile

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shuffle", "tf_orders.json")

# (graph seed, op seed, buffer size, elements, reshuffle_each_iteration, repeat count)
SHUFFLES = [(1, 3, 3, 4, False, 1), (None, 7, 5, 20, False, 1), (None, 7, 5, 20, True, 3),
            (2, 11, 100, 10, True, 2), (5, 0, 1, 6, True, 2), (9, 12345, 8, 50, False, 2),
            (None, 2 ** 40 + 3, 4, 9, True, 2), (3, 4, 600, 700, True, 2)]


def drain(sess, nxt):
    out = []
    while True:
        try:
            out.append(sess.run(nxt))
        except tf.errors.OutOfRangeError:
            return out


def shuffles():
    cases = []
    for gseed, oseed, buf, n, reshuffle, rep in SHUFFLES:
        with tf.Graph().as_default():
            if gseed is not None:
                tf.set_random_seed(gseed)
            ds = tf.data.Dataset.range(n).shuffle(buf, seed=oseed, reshuffle_each_iteration=reshuffle).repeat(rep)
            it = ds.make_initializable_iterator()
            nxt = it.get_next()
            with tf.Session() as sess:
                orders = []
                for _ in range(2):            # each initializer run starts over
                    sess.run(it.initializer)
                    orders.append([int(v) for v in drain(sess, nxt)])
        cases.append(dict(graph_seed=gseed, seed=oseed, buffer_size=buf, n=n, reshuffle=reshuffle, repeat=rep,
                          orders=orders))
    return cases


def list_files():
    d = tempfile.mkdtemp()
    for i in range(7):
        open(os.path.join(d, f"f{i}.txt"), "w").close()
    with tf.Graph().as_default():
        nxt = tf.data.Dataset.list_files(os.path.join(d, "*.txt"), seed=21).repeat(2).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            return [os.path.basename(v.decode()) for v in drain(sess, nxt)]


if __name__ == "__main__":
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"tf_version": tf.VERSION, "shuffles": shuffles(), "list_files_seed_21": list_files()}, f)
    print("wrote", OUT)
