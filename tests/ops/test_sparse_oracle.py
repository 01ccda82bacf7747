"""tf.sparse programs (_sparse_oracle_cases.py) on compat_tf against the values real TensorFlow gave them
(recorded by tests/data/make_sparse_fixtures.py): indices, values, dense shapes, dtypes and error classes."""
import base64
import json
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import errors
from _sparse_oracle_cases import CASES, ERROR_CASES

_FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "sparse", "sparse_oracle.json")

with open(_FIXTURE) as _fh:
    _RECORDED = json.load(_fh)


def _decode(e):
    if "sparse" in e:
        return tf.SparseTensorValue(*[_decode(x) for x in e["sparse"]])
    if "list" in e:
        return [_decode(x) for x in e["list"]]
    if e["dtype"] == "string":
        return np.array([base64.b64decode(x) for x in e["data"]], object).reshape(e["shape"])
    return np.array(e["data"], e["dtype"]).reshape(e["shape"])


def _compare(got, want, where):
    if isinstance(want, tf.SparseTensorValue):
        assert isinstance(got, tf.SparseTensorValue), where
        for field in ("indices", "values", "dense_shape"):
            _compare(getattr(got, field), getattr(want, field), f"{where}.{field}")
        return
    if isinstance(want, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            _compare(g, w, f"{where}[{i}]")
        return
    got = np.asarray(got)
    assert got.shape == want.shape, f"{where}: shape {got.shape} != {want.shape}"
    if want.dtype == object:
        assert got.tolist() == want.tolist(), where
        return
    assert got.dtype == want.dtype, f"{where}: dtype {got.dtype} != {want.dtype}"
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=where)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    want = _RECORDED["values"][name]
    with tf.Graph().as_default(), tf.Session() as sess:
        fetches = CASES[name](tf)
        if want is None:        # TF gives no gradient
            assert fetches is None, name
            return
        got = sess.run(fetches)
    _compare(got, _decode(want), name)


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_error_class_matches_tensorflow(name):
    cls = getattr(errors, _RECORDED["errors"][name])
    with tf.Graph().as_default(), tf.Session() as sess:
        fetches = ERROR_CASES[name](tf)
        with pytest.raises(cls):
            sess.run(fetches)


def _flatten(value):
    if isinstance(value, tf.SparseTensorValue):
        return [value.indices, value.values, value.dense_shape]
    if isinstance(value, list):
        return [x for v in value for x in _flatten(v)]
    return [value]


def test_a_graph_def_tensorflow_built_runs_to_its_values():
    """tests/data/sparse/tf_sparse.pb: every value case as real TF builds it (its composite functions' own
    op structure, its attrs), imported and run by compat_tf."""
    gd = tf.GraphDef()
    with open(os.path.join(os.path.dirname(_FIXTURE), "tf_sparse.pb"), "rb") as fh:
        gd.ParseFromString(fh.read())
    names = _RECORDED["graph_fetches"]
    order = sorted(names)
    with tf.Graph().as_default() as g:
        outs = tf.import_graph_def(gd, return_elements=[n for c in order for n in names[c]], name="")
        with tf.Session(graph=g) as sess:
            got = sess.run(outs)
    pos = 0
    for case in order:
        want = _flatten(_decode(_RECORDED["values"][case]))
        n = len(names[case])
        assert len(want) == n, case
        for i, (g_, w) in enumerate(zip(got[pos:pos + n], want)):
            _compare(g_, w, f"{case}[{i}]")
        pos += n
