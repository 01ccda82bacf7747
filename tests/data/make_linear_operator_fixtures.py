"""Writes tests/data/linear_operator/expected.npz with REAL TensorFlow (the oracle venv): for each
operator of tests/ops/linear_operator/_operator_cases.py, its dense matrix, matmul/matvec/solve
results, determinants, diagonal, trace and shape, for tests/ops/linear_operator/.

Run: /tmp/tfvenv/bin/python tests/data/make_linear_operator_fixtures.py
"""
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ops", "linear_operator"))
import _operator_cases  # noqa: E402

tf.disable_v2_behavior()
OUT = os.path.join(HERE, "linear_operator", "expected.npz")


def main():
    out = {}
    with tf.Graph().as_default(), tf.Session() as sess:
        for name, op in _operator_cases.cases(tf).items():
            tensors = _operator_cases.methods(name, op, tf)
            values = sess.run(tensors)
            for key, value in values.items():
                out[f"{name}/{key}"] = value
            out[f"{name}/shape"] = np.array(op.shape.as_list())
            out[f"{name}/is_square"] = np.array(op.is_square)
            out[f"{name}/op_name"] = np.array(op.name)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez(OUT, **out)
    print(f"wrote {len(out)} arrays to {OUT}")


if __name__ == "__main__":
    main()
