"""tf.sparse ops through GraphDefs: compat_tf's own round trip and the export in TF's op vocabulary (TF's op
types and attrs: the nodes real TensorFlow's importer needs)."""
import numpy as np

import compat_tf as tf
from compat_tf._src.framework import tf_export
from _sparse_oracle_cases import CASES

_NAMES = ["add_thresh", "add_dense", "maximum", "reduce_sum_02_keep", "reduce_max_sparse", "softmax_r3",
          "fill_empty_rows", "slice", "split_1", "reorder", "reshape", "concat_1", "segment_mean", "cross_hashed",
          "serialize_str", "deserialize_many", "segment_mean_num", "sparse_matmul"]


def _flat(fetches):
    if isinstance(fetches, tf.SparseTensor):
        return [fetches.indices, fetches.values, fetches.dense_shape]
    if isinstance(fetches, (list, tuple)):
        return [t for f in fetches for t in _flat(f)]
    return [fetches]


def _run_all():
    g = tf.Graph()
    fetches = []
    with g.as_default():
        for name in _NAMES:
            with tf.name_scope(name):
                fetches.extend(_flat(CASES[name](tf)))
    with tf.Session(graph=g) as s:
        values = s.run(fetches)
    return g, fetches, values


def _assert_same(got, want):
    for a, b in zip(got, want):
        a, b = np.asarray(a), np.asarray(b)
        if b.dtype == object:
            assert a.tolist() == b.tolist()
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_graph_def_round_trip_gives_the_same_values():
    g, fetches, want = _run_all()
    gd = g.as_graph_def()
    with tf.Graph().as_default() as g2:
        outs = tf.import_graph_def(gd, return_elements=[t.name for t in fetches], name="")
        with tf.Session(graph=g2) as s:
            _assert_same(s.run(outs), want)


def test_tf_vocabulary_export_keeps_tf_op_types_and_attrs():
    g, fetches, want = _run_all()
    gd = tf_export.to_tf_graph_def(g)
    by_type = {}
    for node in gd.node:
        by_type.setdefault(node.op, []).append(node)
    for op_type in ("SparseAdd", "SparseTensorDenseAdd", "SparseSparseMaximum", "SparseReduceSum",
                    "SparseReduceMaxSparse", "SparseSoftmax", "SparseFillEmptyRows", "SparseSlice", "SparseSplit",
                    "SparseReorder", "SparseReshape", "SparseConcat", "SparseSegmentMean", "SparseCross",
                    "SerializeSparse", "SerializeManySparse", "DeserializeManySparse",
                    "SparseSegmentMeanWithNumSegments", "SparseMatMul"):
        assert op_type in by_type, op_type
    assert by_type["SparseAdd"][0].attr["T"].type == tf.float32.as_datatype_enum
    assert by_type["SparseAdd"][0].attr["Treal"].type == tf.float32.as_datatype_enum
    assert by_type["SparseConcat"][0].attr["N"].i == 2
    assert by_type["SparseSplit"][0].attr["num_split"].i == 2
    cross = by_type["SparseCross"][0]
    assert cross.attr["hashed_output"].b and cross.attr["hash_key"].i == 0xDECAFCAFFE
    assert list(cross.attr["sparse_types"].list.type) == [tf.string.as_datatype_enum, tf.int64.as_datatype_enum]
    assert by_type["DeserializeManySparse"][0].attr["dtype"].type == tf.int32.as_datatype_enum
    assert not any(k.startswith("_") for n in gd.node for k in n.attr)
