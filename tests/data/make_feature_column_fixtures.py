"""Writes tests/data/feature_column/ with REAL TensorFlow (tf.compat.v1.feature_column, the v1 columns):
input_layer / linear_model outputs, variable names and a checkpoint of the variables, for
tests/feature_column/test_feature_column.py.

Run: /tmp/tfvenv/bin/python tests/data/make_feature_column_fixtures.py
"""
import json
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "feature_column")


def features():
    return {"age": np.array([[23.0], [41.0], [67.0], [35.0]], np.float32),
            "pos": np.array([[0.5, 1.0], [2.0, -1.0], [0.0, 0.0], [3.0, 4.0]], np.float32),
            "color": np.array([["red", "blue"], ["green", ""], ["purple", "red"], ["", ""]]),
            "city": np.array([["paris"], ["rome"], ["tokyo"], ["oslo"]]),
            "id": np.array([[3, -1], [0, 1], [7, 2], [-1, -1]], np.int64)}


def columns(fc, vocab_file):
    age = fc.numeric_column("age")
    pos = fc.numeric_column("pos", shape=(2,), normalizer_fn=lambda x: x * 2.0)
    age_b = fc.bucketized_column(age, [18, 30, 50])
    color = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"])
    color_oov = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"], num_oov_buckets=2)
    city = fc.categorical_column_with_hash_bucket("city", 5)
    ident = fc.categorical_column_with_identity("id", 8)
    cfile = fc.categorical_column_with_vocabulary_file("city", vocab_file, vocabulary_size=3)
    dense = [age, pos, age_b, fc.indicator_column(color), fc.embedding_column(color_oov, 3),
             fc.embedding_column(ident, 2, combiner="sqrtn"), fc.indicator_column(city),
             fc.embedding_column(cfile, 2, combiner="sum")]
    linear = [age, age_b, color, city, ident]
    return dense, linear


def main():
    os.makedirs(OUT, exist_ok=True)
    vocab = os.path.join(OUT, "cities.txt")
    with open(vocab, "w") as f:
        f.write("rome\nparis\noslo\n")
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        dense, linear = columns(tf.feature_column, vocab)
        feats = {k: tf.constant(v) for k, v in features().items()}
        net = tf.feature_column.input_layer(feats, dense)
        logits = tf.feature_column.linear_model(feats, linear, units=2)
        assigns = [v.assign(tf.random_normal(v.shape, seed=i)) for i, v in enumerate(tf.global_variables())]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(tf.tables_initializer())
            s.run(assigns)       # linear weights start at zero: give every variable a value
            net_v, logits_v = s.run([net, logits])
            tf.train.Saver().save(s, os.path.join(OUT, "model.ckpt"), write_meta_graph=False)
        names = [v.op.name for v in tf.global_variables()]
        spec = {k: repr(v) for k, v in sorted(tf.feature_column.make_parse_example_spec(dense + linear).items())}
    np.savez(os.path.join(OUT, "expected.npz"), net=net_v, logits=logits_v)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"names": names, "spec": spec}, f, indent=1)


if __name__ == "__main__":
    main()
