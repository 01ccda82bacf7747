"""Every tf.linalg.LinearOperator* of the shared table against values recorded from real TensorFlow
(tests/data/linear_operator/expected.npz): dense matrix, matmul/matvec (plain and adjoint),
solve/solvevec, determinants, diagonal, trace, add_to_tensor, static shape and default name."""
import os

import numpy as np
import pytest

import compat_tf as tf
import _operator_cases

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "..", "data", "linear_operator", "expected.npz")
EXPECTED = dict(np.load(FIXTURE))
NAMES = sorted({k.split("/")[0] for k in EXPECTED})


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_the_table_covers_every_operator_class():
    built = {type(op).__name__ for op in _operator_cases.cases(tf).values()}
    wanted = {n for n in dir(tf.linalg) if n.startswith("LinearOperator") and n != "LinearOperator"}
    assert wanted == built


@pytest.mark.parametrize("name", NAMES)
def test_operator_matches_tensorflow(name):
    op = _operator_cases.cases(tf)[name]
    assert op.shape.as_list() == EXPECTED[f"{name}/shape"].tolist()
    assert bool(op.is_square) == bool(EXPECTED[f"{name}/is_square"])
    assert op.name == str(EXPECTED[f"{name}/op_name"])
    tensors = _operator_cases.methods(name, op, tf)
    want_keys = {k.split("/", 1)[1] for k in EXPECTED if k.startswith(name + "/")} - {"shape", "is_square", "op_name"}
    assert set(tensors) == want_keys
    with tf.Session() as sess:
        got = sess.run(tensors)
    for key, value in got.items():
        want = EXPECTED[f"{name}/{key}"]
        assert np.shape(value) == want.shape, key
        np.testing.assert_allclose(value, want, rtol=1e-6, atol=1e-9, err_msg=f"{name}.{key}")
        assert np.asarray(value).dtype == want.dtype, key
