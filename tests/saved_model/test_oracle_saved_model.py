"""tf.saved_model parity with real TensorFlow (the oracle venv): constants, SignatureDef bytes, and TF
reading a SavedModel written by compat_tf. Skipped without tensorflow (tensorflow must be imported
before compat_tf: this file sorts first in this directory)."""
import os

import numpy as np
import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

import compat_tf as tf  # noqa: E402

pytestmark = pytest.mark.oracle

_MODULES = ["constants", "signature_constants", "tag_constants"]


@pytest.mark.parametrize("module", _MODULES)
def test_constants_match_tensorflow(module):
    ours = getattr(tf.saved_model, module)
    theirs = getattr(real_tf.saved_model, module)
    names = [n for n in dir(theirs) if n.isupper()]
    assert names
    for n in names:
        assert getattr(ours, n) == getattr(theirs, n), n


def test_signature_defs_serialize_like_tensorflow():
    def build(lib):
        with lib.Graph().as_default():
            ex = lib.placeholder(lib.string, [None], name="examples")
            f = lib.placeholder(lib.float32, [None, 3], name="f")
            sc = lib.placeholder(lib.float32, [None, 2], name="scores")
            sdu = lib.saved_model.signature_def_utils
            return [sdu.predict_signature_def({"a": f, "b": ex}, {"s": sc}),
                    sdu.classification_signature_def(ex, None, sc),
                    sdu.regression_signature_def(ex, lib.placeholder(lib.float32, None, name="r"))]
    for a, b in zip(build(tf), build(real_tf)):
        assert a.SerializeToString(deterministic=True) == b.SerializeToString(deterministic=True)


def test_tensorflow_reads_a_compat_tf_saved_model(tmp_path):
    from tensorflow.python.saved_model import loader_impl
    asset = tmp_path / "vocab.txt"
    asset.write_text("a\nb\n")
    export = str(tmp_path / "export")
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(np.ones((3, 2), np.float32), name="w")
        path = tf.constant(str(asset), name="asset_path")
        tf.add_to_collection(tf.GraphKeys.ASSET_FILEPATHS, path)
        y = tf.matmul(x, w, name="y")
        sess.run(tf.global_variables_initializer())
        tf.saved_model.simple_save(sess, export, {"x": x}, {"y": y}, legacy_init_op=tf.no_op(name="my_init"))
    loader = loader_impl.SavedModelLoader(export)
    mgd = loader.get_meta_graph_def_from_tags(["serve"])
    sig = mgd.signature_def["serving_default"]
    assert (sig.inputs["x"].name, sig.outputs["y"].name) == ("x:0", "y:0")
    assert loader_impl.get_asset_tensors(export, mgd) == {
        "asset_path:0": os.path.join(export, "assets", "vocab.txt").encode()}
    with real_tf.Graph().as_default() as g:
        real_tf.train.import_meta_graph(mgd)
        assert g.get_tensor_by_name("y:0").shape.as_list() == [None, 2]
        assert loader_impl.get_init_op(mgd).name == "my_init"
