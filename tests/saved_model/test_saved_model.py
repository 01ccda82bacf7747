"""tf.saved_model (TF 1.15 v1 API): SavedModels written by real TensorFlow (tests/data/tf_saved_models,
made by tests/data/make_tf_saved_models.py) load and serve TF's recorded outputs; compat_tf's own
simple_save / Builder round-trip; the signature and TensorInfo helpers follow TF1's rules."""
import json
import os
import shutil

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.protos import meta_graph_pb2, saved_model_pb2

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "tf_saved_models")
X = np.random.RandomState(7).randn(5, 3).astype(np.float32)


def _fixture(name):
    d = os.path.join(DATA, name)
    with open(os.path.join(d, "expected.json")) as f:
        meta = json.load(f)
    return d, dict(np.load(os.path.join(d, "expected.npz"))), meta


def _serve(sess, mgd, key, feeds, scope=None):
    """{output key: value} of the signature `key`, fed {input key: value}, by tensor names."""
    sig = mgd.signature_def[key]
    pre = scope + "/" if scope else ""
    feed = {pre + sig.inputs[k].name: v for k, v in feeds.items()}
    return {k: sess.run(pre + info.name, feed) for k, info in sig.outputs.items()}


# -- SavedModels written by TensorFlow ---------------------------------------------------------

def test_tf_simple_save_mlp_serves_tf_outputs():
    d, exp, meta = _fixture("mlp_simple_save")
    with tf.Graph().as_default() as g, tf.Session() as sess:
        mgd = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING], d)
        assert list(mgd.meta_info_def.tags) == ["serve"]
        sig = mgd.signature_def[tf.saved_model.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        assert sig.method_name == "tensorflow/serving/predict"
        assert sig.inputs["x"].name == meta["inputs"]["x"]
        assert {k: v.name for k, v in sig.outputs.items()} == meta["outputs"]
        out = _serve(sess, mgd, "serving_default", {"x": exp["feed_x"]})
        np.testing.assert_allclose(out["logits"], exp["out_logits"], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(out["probs"], exp["out_probs"], rtol=1e-5, atol=1e-6)
        # the restored variables are the checkpoint's (set by Variable.load in TF, not any initializer)
        names = sorted(v.op.name for v in tf.global_variables())
        assert names == ["hidden/bias", "hidden/kernel", "logits/bias", "logits/kernel"]
        assert np.abs(sess.run(g.get_tensor_by_name("hidden/bias:0"))).min() > 0     # TF's init is zeros
        # the TF Saver's own save/restore nodes are not imported; the model's are
        assert g.get_operation_by_name("probs").type == "Softmax"


def test_tf_builder_asset_is_fed_to_the_init_op():
    d, exp, meta = _fixture("builder_two_tags")
    assert not os.path.exists(meta["asset_src"])      # the path baked into the graph is gone
    with tf.Graph().as_default() as g, tf.Session() as sess:
        mgd = tf.saved_model.load(sess, ["serve"], d)
        assert sorted(mgd.signature_def) == ["classify", "serving_default"]
        # the legacy_init_op read assets/scale.txt ("2.5") into the local variable `scale`
        assert sess.run("scale:0") == pytest.approx(2.5)
        out = _serve(sess, mgd, "serving_default", {"x": exp["feed_x"]})
        np.testing.assert_allclose(out["scaled"], exp["out_scaled"], rtol=1e-5, atol=1e-5)
        scores = sess.run(mgd.signature_def["classify"].outputs["scores"].name,
                          {mgd.signature_def["classify"].inputs["x"].name: exp["feed_x"]})
        np.testing.assert_allclose(scores, exp["out_scores"], rtol=1e-5, atol=1e-6)
        # collections as TF leaves them: the asset tensor, and the AssetFileDef Any protos
        assert [t.name for t in g.get_collection(tf.GraphKeys.ASSET_FILEPATHS)] == ["asset_path:0"]
        anys = g.get_collection(tf.saved_model.constants.ASSETS_KEY)
        assert len(anys) == 1
        afd = meta_graph_pb2.AssetFileDef()
        assert anys[0].Unpack(afd) and afd.filename == "scale.txt" and afd.tensor_info.name == "asset_path:0"
        assert [op.name for op in g.get_collection(tf.saved_model.constants.MAIN_OP_KEY)] == ["init_scale"]


def test_tf_builder_second_tag_set_has_its_own_signatures():
    d, exp, meta = _fixture("builder_two_tags")
    with tf.Graph().as_default(), tf.Session() as sess:
        mgd = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.TRAINING], d)
        assert list(mgd.meta_info_def.tags) == ["train"]
        assert list(mgd.signature_def) == ["loss"]
        assert mgd.signature_def["loss"].outputs["loss"].name == meta["loss"]
        out = _serve(sess, mgd, "loss", {"x": exp["feed_x"], "labels": exp["feed_labels"]})
        np.testing.assert_allclose(out["loss"], exp["out_loss"], rtol=1e-5)
        assert sess.run("scale:0") == pytest.approx(2.5)    # the shared init op ran here too


def test_tf_pbtxt_with_two_tags_loads_in_any_order():
    d, exp, _ = _fixture("linear_pbtxt")
    assert not os.path.exists(os.path.join(d, "saved_model.pb"))
    with tf.Graph().as_default(), tf.Session() as sess:
        mgd = tf.saved_model.loader.load(sess, ["gpu", "serve"], d)
        assert sorted(mgd.meta_info_def.tags) == ["gpu", "serve"]
        out = _serve(sess, mgd, "serving_default", {"x": exp["feed_x"]})
        np.testing.assert_allclose(out["y"], exp["out_y"], rtol=1e-5, atol=1e-6)


def test_import_scope_loads_two_models_side_by_side():
    d1, e1, _ = _fixture("mlp_simple_save")
    d2, e2, _ = _fixture("builder_two_tags")
    with tf.Graph().as_default() as g, tf.Session() as sess:
        m1 = tf.saved_model.loader.load(sess, ["serve"], d1, import_scope="a")
        m2 = tf.saved_model.loader.load(sess, ["serve"], d2, import_scope="b")
        np.testing.assert_allclose(_serve(sess, m1, "serving_default", {"x": e1["feed_x"]}, "a")["probs"],
                                   e1["out_probs"], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(_serve(sess, m2, "serving_default", {"x": e2["feed_x"]}, "b")["scaled"],
                                   e2["out_scaled"], rtol=1e-5, atol=1e-5)
        assert sess.run("b/scale:0") == pytest.approx(2.5)
        assert sorted(v.op.name for v in tf.global_variables()) == sorted(
            p + n for p in ("a/", "b/") for n in ("hidden/bias", "hidden/kernel", "logits/bias", "logits/kernel"))
        t = tf.saved_model.utils.get_tensor_from_tensor_info(m1.signature_def["serving_default"].inputs["x"],
                                                             g, import_scope="a")
        assert t.name == "a/x:0"


def test_wrong_tags_raise_runtime_error_naming_available_tag_sets():
    d, _, _ = _fixture("builder_two_tags")
    with tf.Graph().as_default(), tf.Session() as sess:
        with pytest.raises(RuntimeError) as ei:
            tf.saved_model.loader.load(sess, ["serve", "train"], d)
        msg = str(ei.value)
        assert "could not be found in SavedModel" in msg and "{'serve'}" in msg and "{'train'}" in msg
        assert tf.get_default_graph().get_operations() == []       # nothing imported
    d, _, _ = _fixture("linear_pbtxt")
    with tf.Graph().as_default(), tf.Session() as sess:
        with pytest.raises(RuntimeError, match="gpu"):     # a subset of the tags is not a match
            tf.saved_model.loader.load(sess, ["serve"], d)


def test_missing_directory_and_unparsable_file(tmp_path):
    missing = str(tmp_path / "no_such_model")
    with tf.Graph().as_default(), tf.Session() as sess:
        with pytest.raises(OSError, match="no_such_model") as ei:
            tf.saved_model.loader.load(sess, ["serve"], missing)
        assert "SavedModel file does not exist" in str(ei.value)
        bad = tmp_path / "bad"
        bad.mkdir()
        (bad / "saved_model.pb").write_bytes(b"\xff\xff\xff not a proto")
        with pytest.raises(IOError, match="Cannot parse file"):
            tf.saved_model.loader.load(sess, ["serve"], str(bad))
    assert not tf.saved_model.maybe_saved_model_directory(missing)
    assert tf.saved_model.maybe_saved_model_directory(os.path.join(DATA, "mlp_simple_save"))
    assert tf.saved_model.contains_saved_model(os.path.join(DATA, "linear_pbtxt"))     # .pbtxt counts
    assert tf.saved_model.loader.maybe_saved_model_directory(os.path.join(DATA, "linear_pbtxt", "variables")) \
        is False


# -- compat_tf writes SavedModels ---------------------------------------------------------------

def _build_and_export(export_dir, asset_dir):
    """A small model with a trained-looking variable, a local variable set from an asset by the init
    op; returns its outputs for X."""
    asset = os.path.join(asset_dir, "offset.txt")
    with open(asset, "w") as f:
        f.write("0.75")
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(tf.random_normal([3, 2], seed=1), name="w")
        b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
        off = tf.Variable(0.0, trainable=False, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="offset")
        path = tf.constant(asset, name="asset_path")
        tf.add_to_collection(tf.GraphKeys.ASSET_FILEPATHS, path)
        init = tf.group(tf.assign(off, tf.strings.to_number(tf.read_file(path))), name="init_offset")
        y = tf.nn.tanh(tf.matmul(x, w) + b + off, name="y")
        sess.run(tf.global_variables_initializer())
        sess.run(init)
        sess.run([tf.assign_add(w, tf.ones_like(w)), tf.assign(b, [0.5, -0.25])])   # "training"
        ref = sess.run(y, {x: X})
        tf.saved_model.simple_save(sess, export_dir, {"x": x}, {"y": y}, legacy_init_op=init)
    return ref


def test_simple_save_round_trip_in_fresh_graph(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    export = str(tmp_path / "export")
    ref = _build_and_export(export, str(src))
    shutil.rmtree(src)      # the loader must use the SavedModel's copy of the asset
    assert os.path.isfile(os.path.join(export, "saved_model.pb"))
    assert os.path.isfile(os.path.join(export, "variables", "variables.index"))
    with open(os.path.join(export, "assets", "offset.txt")) as f:
        assert f.read() == "0.75"
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(export, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    assert sm.saved_model_schema_version == 1 and len(sm.meta_graphs) == 1
    mg = sm.meta_graphs[0]
    assert list(mg.meta_info_def.tags) == ["serve"]
    assert list(mg.collection_def["saved_model_main_op"].node_list.value) == ["init_offset"]
    assert len(mg.collection_def["saved_model_assets"].any_list.value) == 1
    assert all(n.device == "" for n in mg.graph_def.node)
    with tf.Graph().as_default(), tf.Session() as sess:
        mgd = tf.saved_model.load(sess, ["serve"], export)
        out = _serve(sess, mgd, "serving_default", {"x": X})["y"]
        np.testing.assert_array_equal(out, ref)
        assert sess.run("offset:0") == pytest.approx(0.75)
        np.testing.assert_array_equal(sess.run("b:0"), [0.5, -0.25])


def test_builder_two_tag_sets_as_text_and_errors(tmp_path):
    export = str(tmp_path / "m")
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
        y = tf.matmul(x, w, name="y")
        loss = tf.reduce_sum(y, name="loss")
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(w, -w))
        bld = tf.saved_model.builder.SavedModelBuilder(export)
        with pytest.raises(AssertionError, match="add_meta_graph_and_variables"):
            bld.add_meta_graph(["train"])
        info = tf.saved_model.utils.build_tensor_info(x)
        no_dtype = meta_graph_pb2.TensorInfo(name="x:0")
        with pytest.raises(AssertionError, match="dtype"):
            bld.add_meta_graph_and_variables(
                sess, ["serve"], {"s": tf.saved_model.build_signature_def({"x": no_dtype}, {"y": info})})
        with pytest.raises(KeyError, match="reserved"):
            bld.add_meta_graph_and_variables(
                sess, ["serve"], {"__saved_model_init_op": tf.saved_model.predict_signature_def({"x": x}, {"y": y})})
        init = tf.no_op(name="my_init")
        bld.add_meta_graph_and_variables(
            sess, ["serve"], {"serving_default": tf.saved_model.predict_signature_def({"x": x}, {"y": y})},
            main_op=init)
        with pytest.raises(AssertionError, match="already been saved"):
            bld.add_meta_graph_and_variables(sess, ["other"])
        with pytest.raises(ValueError, match="already contains one or more main ops"):
            bld.add_meta_graph(["train"], main_op=tf.no_op())
        bld.add_meta_graph(["train"], {"loss": tf.saved_model.build_signature_def(
            {"x": info}, {"loss": tf.saved_model.build_tensor_info(loss)}, "train")})
        path = bld.save(as_text=True)
        assert path == os.path.join(export, "saved_model.pbtxt").encode()
        ref_y, ref_loss = sess.run([y, loss], {x: X})
    assert not os.path.exists(os.path.join(export, "saved_model.pb"))
    with pytest.raises(AssertionError, match="isn't empty"):
        tf.saved_model.Builder(export)
    for tags, key, out, ref in [(["serve"], "serving_default", "y", ref_y), (["train"], "loss", "loss", ref_loss)]:
        with tf.Graph().as_default(), tf.Session() as sess:
            mgd = tf.saved_model.loader.load(sess, tags, export)
            assert list(mgd.signature_def) == [key]
            np.testing.assert_array_equal(_serve(sess, mgd, key, {"x": X})[out], ref)


def test_saved_model_without_variables(tmp_path):
    export = str(tmp_path / "novars")
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.placeholder(tf.float32, [None], name="x")
        y = tf.multiply(x, 3.0, name="y")
        tf.saved_model.simple_save(sess, export, {"x": x}, {"y": y})
    assert not os.path.exists(os.path.join(export, "variables", "variables.index"))
    with tf.Graph().as_default(), tf.Session() as sess:
        mgd = tf.saved_model.loader.load(sess, ["serve"], export)
        np.testing.assert_array_equal(_serve(sess, mgd, "serving_default", {"x": [1.0, 2.0]})["y"], [3.0, 6.0])


def test_main_op_initializes_global_and_local_variables():
    with tf.Graph().as_default(), tf.Session() as sess:
        g = tf.Variable(4.0, name="g")
        loc = tf.Variable(5.0, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="loc")
        sess.run(tf.saved_model.main_op.main_op())
        assert sess.run([g, loc]) == [4.0, 5.0]
        with pytest.raises(NotImplementedError):
            tf.saved_model.main_op_with_restore("save/restore_all")


# -- signatures and TensorInfo ------------------------------------------------------------------

def test_build_tensor_info_and_back():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        info = tf.saved_model.utils.build_tensor_info(x)
        assert info.name == "x:0" and info.dtype == 1
        assert [d.size for d in info.tensor_shape.dim] == [-1, 3]
        u = tf.saved_model.build_tensor_info(tf.placeholder(tf.int64, None, name="u"))
        assert u.tensor_shape.unknown_rank and u.dtype == 9
        assert tf.saved_model.utils.get_tensor_from_tensor_info(info) is x
        sp = tf.SparseTensor(tf.constant([[0, 1]], tf.int64, name="i"), tf.constant([2.0], name="v"),
                             tf.constant([2, 3], tf.int64, name="s"))
        sinfo = tf.saved_model.utils.build_tensor_info(sp)
        assert sinfo.WhichOneof("encoding") == "coo_sparse"
        assert (sinfo.coo_sparse.indices_tensor_name, sinfo.coo_sparse.values_tensor_name,
                sinfo.coo_sparse.dense_shape_tensor_name) == ("i:0", "v:0", "s:0")
        back = tf.saved_model.utils.get_tensor_from_tensor_info(sinfo, graph=g)
        assert isinstance(back, tf.SparseTensor) and back.values.name == "v:0" and back.indices.name == "i:0"
        with pytest.raises(ValueError, match="Invalid TensorInfo.encoding"):
            tf.saved_model.utils.get_tensor_from_tensor_info(meta_graph_pb2.TensorInfo(dtype=1))
        with pytest.raises(KeyError):
            tf.saved_model.utils.get_tensor_from_tensor_info(meta_graph_pb2.TensorInfo(name="nope:0", dtype=1))


def test_signature_def_builders_and_validity():
    sdu = tf.saved_model.signature_def_utils
    with tf.Graph().as_default():
        ex = tf.placeholder(tf.string, [None], name="examples")
        f = tf.placeholder(tf.float32, [None], name="f")
        classes = tf.placeholder(tf.string, [None, 2], name="classes")
        scores = tf.placeholder(tf.float32, [None, 2], name="scores")
        p = sdu.predict_signature_def({"a": f}, {"b": scores})
        assert p.method_name == "tensorflow/serving/predict" and p.inputs["a"].name == "f:0"
        assert sdu.is_valid_signature(p)
        r = sdu.regression_signature_def(ex, f)
        assert r.method_name == "tensorflow/serving/regress"
        assert set(r.inputs) == {"inputs"} and r.outputs["outputs"].name == "f:0" and sdu.is_valid_signature(r)
        c = sdu.classification_signature_def(ex, classes, scores)
        assert set(c.outputs) == {"classes", "scores"} and sdu.is_valid_signature(c)
        only_scores = sdu.classification_signature_def(ex, None, scores)
        assert set(only_scores.outputs) == {"scores"} and sdu.is_valid_signature(only_scores)
        with pytest.raises(ValueError, match="Regression examples must be a string Tensor"):
            sdu.regression_signature_def(f, f)
        with pytest.raises(ValueError, match="Regression output must be a float Tensor"):
            sdu.regression_signature_def(ex, ex)
        with pytest.raises(ValueError, match="cannot both be None"):
            sdu.classification_signature_def(ex, None, None)
        with pytest.raises(ValueError, match="Classification classes must be a string Tensor"):
            sdu.classification_signature_def(ex, scores, None)
        with pytest.raises(ValueError, match="Prediction inputs cannot be None or empty"):
            sdu.predict_signature_def({}, {"b": f})
        # wrong method name / dtypes / extra outputs are not valid
        bad = sdu.build_signature_def(r.inputs, {"outputs": tf.saved_model.build_tensor_info(ex)},
                                      "tensorflow/serving/regress")
        assert not sdu.is_valid_signature(bad)
        extra = sdu.build_signature_def(c.inputs, dict(c.outputs, other=c.outputs["scores"]),
                                        "tensorflow/serving/classify")
        assert not sdu.is_valid_signature(extra)
        assert not sdu.is_valid_signature(sdu.build_signature_def(p.inputs, p.outputs, "other"))
        assert not sdu.is_valid_signature(sdu.build_signature_def({}, p.outputs, p.method_name))
        assert not sdu.is_valid_signature(None)


def test_namespace_and_constants():
    import importlib
    sm = tf.saved_model
    assert sm.load is sm.loader.load
    assert sm.Builder is sm.builder.SavedModelBuilder
    assert sm.predict_signature_def is sm.signature_def_utils.predict_signature_def
    assert importlib.import_module("compat_tf.saved_model.tag_constants").SERVING == "serve"
    assert (sm.SERVING, sm.TRAINING, sm.GPU, sm.TPU) == ("serve", "train", "gpu", "tpu")
    assert sm.DEFAULT_SERVING_SIGNATURE_DEF_KEY == "serving_default"
    assert (sm.PREDICT_METHOD_NAME, sm.CLASSIFY_METHOD_NAME, sm.REGRESS_METHOD_NAME) == (
        "tensorflow/serving/predict", "tensorflow/serving/classify", "tensorflow/serving/regress")
    assert (sm.CLASSIFY_OUTPUT_CLASSES, sm.CLASSIFY_OUTPUT_SCORES, sm.PREDICT_OUTPUTS) == (
        "classes", "scores", "outputs")
    c = sm.constants
    assert (c.MAIN_OP_KEY, c.LEGACY_INIT_OP_KEY, c.ASSETS_KEY, c.ASSETS_DIRECTORY, c.VARIABLES_DIRECTORY,
            c.VARIABLES_FILENAME, c.SAVED_MODEL_FILENAME_PB, c.SAVED_MODEL_FILENAME_PBTXT,
            c.SAVED_MODEL_SCHEMA_VERSION) == (
        "saved_model_main_op", "legacy_init_op", "saved_model_assets", "assets", "variables", "variables",
        "saved_model.pb", "saved_model.pbtxt", 1)
    with pytest.raises(NotImplementedError, match="tf.saved_model.load_v2"):
        sm.load_v2


def test_tensorflow_import_paths_reach_the_modules():
    import subprocess
    import sys
    code = ("import compat_tf; compat_tf.install()\n"
            "from tensorflow.python.saved_model import tag_constants, builder\n"
            "from tensorflow.saved_model import loader\n"
            "import tensorflow as tf\n"
            "assert tag_constants.TRAINING == 'train' and loader.load is tf.saved_model.load\n"
            "assert builder.SavedModelBuilder is tf.compat.v1.saved_model.Builder\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
