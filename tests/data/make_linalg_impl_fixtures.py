"""Writes tests/data/linalg_impl/expected.npz with REAL TensorFlow (the oracle venv): tf.linalg's
lu family, matrix_rank, pinv, normalize, tridiagonal solve/matmul in each format, eigh_tridiagonal,
sqrtm/logm values, and tf.gradients of sqrtm and tridiagonal_solve, for tests/ops/test_linalg_impl.py
and tests/ops/test_tridiagonal_ops.py and tests/ops/test_matrix_function_ops.py.

Run: /tmp/tfvenv/bin/python tests/data/make_linalg_impl_fixtures.py
"""
import os
import sys

import numpy as np
import tensorflow.compat.v1 as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ops"))
import _linalg_impl_cases  # noqa: E402

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "linalg_impl", "expected.npz")


def main():
    x = _linalg_impl_cases.inputs()
    fetches = _linalg_impl_cases.fetches(tf, x)
    with tf.Session() as sess:
        values = sess.run(fetches)
    values.update({f"in_{k}": v for k, v in x.items()})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez(OUT, **values)
    print(f"wrote {len(values)} arrays to {OUT}")


if __name__ == "__main__":
    main()
