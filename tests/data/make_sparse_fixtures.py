"""Records the tf.sparse oracle cases (tests/ops/_sparse_oracle_cases.py) from REAL TensorFlow (tf.compat.v1,
graph mode) into tests/data/sparse/sparse_oracle.json.

Run: /tmp/tfvenv/bin/python tests/data/make_sparse_fixtures.py
"""
import base64
import json
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "ops"))
from _sparse_oracle_cases import CASES, ERROR_CASES, GRADIENT_CASES  # noqa: E402

tf.disable_eager_execution()


def encode(v):
    if isinstance(v, tf.SparseTensorValue) or type(v).__name__ == "SparseTensorValue":
        return {"sparse": [encode(v.indices), encode(v.values), encode(v.dense_shape)]}
    if isinstance(v, (list, tuple)):
        return {"list": [encode(x) for x in v]}
    a = np.asarray(v)
    if a.dtype == object:
        return {"dtype": "string", "shape": list(a.shape),
                "data": [base64.b64encode(x).decode() for x in a.reshape(-1).tolist()]}
    return {"dtype": a.dtype.name, "shape": list(a.shape), "data": a.reshape(-1).tolist()}


def _flat(fetches):
    if isinstance(fetches, tf.SparseTensor):
        return [fetches.indices, fetches.values, fetches.dense_shape]
    if isinstance(fetches, (list, tuple)):
        return [t for f in fetches for t in _flat(f)]
    return [fetches]


def write_graph():
    """One GraphDef TF builds from every value case (each under a name scope) -> tests/data/sparse/tf_sparse.pb;
    returns the fetched tensor names per case (their values are the recorded ones, flattened)."""
    names = {}
    with tf.Graph().as_default() as g:
        for name, f in CASES.items():
            if name in GRADIENT_CASES:
                continue
            with tf.name_scope(name):
                names[name] = [t.name for t in _flat(f(tf))]
    with open(os.path.join(HERE, "sparse", "tf_sparse.pb"), "wb") as fh:
        fh.write(g.as_graph_def().SerializeToString())
    return names


def main():
    out = {"values": {}, "errors": {}}
    for name, f in CASES.items():
        with tf.Graph().as_default(), tf.Session() as sess:
            fetches = f(tf)
            if fetches is None:     # no gradient in TF
                out["values"][name] = None
                continue
            out["values"][name] = encode(sess.run(fetches))
    for name, f in ERROR_CASES.items():
        with tf.Graph().as_default(), tf.Session() as sess:
            try:
                sess.run(f(tf))
                out["errors"][name] = None
            except Exception as e:  # noqa: BLE001 - recording the class
                out["errors"][name] = type(e).__name__
    out["graph_fetches"] = write_graph()
    path = os.path.join(HERE, "sparse", "sparse_oracle.json")
    with open(path, "w") as fh:
        json.dump(out, fh, indent=0, sort_keys=True)
    print("wrote", path)


if __name__ == "__main__":
    main()
