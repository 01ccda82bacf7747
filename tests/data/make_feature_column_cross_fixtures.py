"""Writes tests/data/feature_column_cross/ with REAL TensorFlow (tf.compat.v1.feature_column):
crossed_column, weighted_categorical_column and shared_embedding_columns through input_layer /
linear_model (dense and SparseTensor features), the variable names, a checkpoint, and the
sequence columns' parse specs, for tests/feature_column/test_feature_column_cross.py.

Run: /tmp/tfvenv/bin/python tests/data/make_feature_column_cross_fixtures.py
"""
import json
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "feature_column_cross")


def features():
    return {"age": np.array([[23.0], [41.0], [67.0], [35.0]], np.float32),
            "color": np.array([["red", "blue"], ["green", ""], ["purple", "red"], ["", ""]]),
            "city": np.array([["paris"], ["rome"], ["tokyo"], ["oslo"]]),
            "id": np.array([[3, -1], [0, 1], [7, 2], [-1, -1]], np.int64),
            "n": np.array([[5], [-2], [9], [0]], np.int64),
            "w": np.array([[0.5, 0.0], [2.0, -1.0], [1.5, 3.0], [0.0, 0.0]], np.float32)}


def sparse_features(tf_):
    """The VarLenFeature forms: present entries of color/city/id (and their weights), left-aligned."""
    raw = features()
    out = {"age": tf_.constant(raw["age"]), "n": tf_.constant(raw["n"])}
    keep = {"color": raw["color"] != "", "city": raw["city"] != "", "id": raw["id"] != -1}
    keep["w"] = keep["id"]
    for k, mask in keep.items():
        rows = [[v for v, m in zip(r, mr) if m] for r, mr in zip(raw[k], mask)]
        idx = [[i, j] for i, r in enumerate(rows) for j in range(len(r))]
        vals = np.array([v for r in rows for v in r], raw[k].dtype)
        out[k] = tf_.SparseTensor(np.array(idx, np.int64).reshape(-1, 2), vals, [len(rows), max(map(len, rows))])
    return out


def columns(fc):
    age_b = fc.bucketized_column(fc.numeric_column("age"), [30, 50])
    color = fc.categorical_column_with_vocabulary_list("color", ["red", "green", "blue"], num_oov_buckets=2)
    city = fc.categorical_column_with_hash_bucket("city", 5)
    ident = fc.categorical_column_with_identity("id", 8)
    weighted = fc.weighted_categorical_column(ident, "w")
    cross_raw = fc.crossed_column(["city", "color"], 20)
    cross_mixed = fc.crossed_column([age_b, "city"], 15, hash_key=7)
    cross_cat = fc.crossed_column([color, ident], 25)
    cross_int = fc.crossed_column(["n", cross_raw], 40)
    color_no_oov = fc.categorical_column_with_vocabulary_list("color", ["red", "blue"])     # green/purple: -1
    cross_oov = fc.crossed_column([color_no_oov, "n"], 11)
    city_v = fc.categorical_column_with_vocabulary_list("city", ["paris", "rome", "oslo", "x"], num_oov_buckets=1)
    shared = fc.shared_embedding_columns([color, city_v], 3)
    dense = [fc.indicator_column(weighted), fc.embedding_column(weighted, 2, combiner="sqrtn"),
             fc.indicator_column(cross_raw), fc.embedding_column(cross_mixed, 2), fc.indicator_column(cross_int),
             fc.indicator_column(cross_oov)]
    dense += shared
    linear = [weighted, cross_raw, cross_mixed, cross_cat, cross_int]
    return dense, linear


def sequence_columns(fc):
    return [fc.sequence_categorical_column_with_identity("sid", 5),
            fc.sequence_categorical_column_with_hash_bucket("shash", 7),
            fc.sequence_categorical_column_with_vocabulary_list("svocab", ["a", "b"]),
            fc.sequence_numeric_column("snum", shape=(2,)),
            fc.sequence_numeric_column("sint", dtype=tf.int64)]


def run(feats_fn, save):
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        dense, linear = columns(tf.feature_column)
        feats = feats_fn()
        net = tf.feature_column.input_layer(feats, dense)
        logits = tf.feature_column.linear_model(feats, linear, units=2)
        assigns = [v.assign(tf.random_normal(v.shape, seed=i)) for i, v in enumerate(tf.global_variables())]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(tf.tables_initializer())
            s.run(assigns)
            net_v, logits_v = s.run([net, logits])
            if save:
                tf.train.Saver().save(s, os.path.join(OUT, "model.ckpt"), write_meta_graph=False)
        names = [v.op.name for v in tf.global_variables()]
        spec = {k: repr(v) for k, v in sorted(tf.feature_column.make_parse_example_spec(dense + linear).items())}
        seq_spec = {k: repr(v) for k, v in sorted(
            tf.compat.v2.feature_column.make_parse_example_spec(sequence_columns(tf.feature_column)).items())}
        col_names = sorted(c.name for c in dense + linear)
    return net_v, logits_v, {"names": names, "spec": spec, "seq_spec": seq_spec, "columns": col_names}


def main():
    os.makedirs(OUT, exist_ok=True)
    net, logits, meta = run(lambda: {k: tf.constant(v) for k, v in features().items()}, True)
    net_s, logits_s, meta_s = run(lambda: sparse_features(tf), False)
    assert meta_s["names"] == meta["names"]
    np.savez(os.path.join(OUT, "expected.npz"), net=net, logits=logits, net_sparse=net_s, logits_sparse=logits_s)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
