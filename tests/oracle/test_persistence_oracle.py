"""Real TensorFlow loads what compat_tf writes (issue 12): checkpoints in TF's format (bit-exact), the
converter's output, frozen graphs and write_graph files with batch norm, einsum, cond, while_loop,
map_fn/scan and dynamic_rnn, inference meta graphs restored with their real saver ops, training meta
graphs TF trains like compat_tf (tf.gradients as TF1's backward graph), SavedModels.

compat_tf writes the artefacts in this process; a separate Python with TensorFlow loads them and runs
them (TensorFlow and compat_tf register the same .proto names, so they are kept apart). That Python
is $COMPAT_TF_ORACLE_PYTHON (e.g. /tmp/tfvenv/bin/python), or this one when it can import tensorflow
(`nox -s oracle`); without either the tests are skipped, so the default run never needs TensorFlow.
"""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import compat_tf as tf
import compat_tf.checkpoints
from compat_tf._src.framework import tf_export

pytestmark = pytest.mark.oracle


def _oracle_python():
    env = os.environ.get("COMPAT_TF_ORACLE_PYTHON")
    if env and os.path.exists(env):
        return env
    if importlib.util.find_spec("tensorflow") is not None:
        return sys.executable
    return None


PY = _oracle_python()
if PY is None:
    pytest.skip("no Python with tensorflow (set COMPAT_TF_ORACLE_PYTHON; nox -s oracle)", allow_module_level=True)

PRELUDE = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    def emit(obj):
        print("RESULT " + json.dumps(obj))
""")


def _tf(script, *args):
    """Runs `script` (after PRELUDE) under real TensorFlow; returns what it emit()ted."""
    r = subprocess.run([PY, "-c", PRELUDE + textwrap.dedent(script)] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    lines = [line[7:] for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    assert r.returncode == 0 and lines, f"TensorFlow failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"
    return json.loads(lines[-1])


@pytest.fixture(autouse=True)
def _fresh():
    prev = compat_tf.checkpoints.set_format(None)
    with tf.Graph().as_default() as g:
        yield g
    compat_tf.checkpoints.set_format(prev)


# -- checkpoints ---------------------------------------------------------------------------------

TENSORS = {
    "f32": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7, "f64": np.array([1e-300, -2.5, np.pi]),
    "f16": np.array([[0.5, -1.25]], np.float16), "i8": np.array([-128, 0, 127], np.int8),
    "u8": np.array([0, 255], np.uint8), "i16": np.array([-3], np.int16), "u16": np.array([65535], np.uint16),
    "i32": np.array(7, np.int32), "i64": np.array([2 ** 40, -1], np.int64), "u32": np.array([4e9], np.uint32),
    "u64": np.array([2 ** 63], np.uint64), "flag": np.array([True, False]),
    "c64": np.array([1 + 2j], np.complex64), "c128": np.array([[3 - 4j]], np.complex128),
    "empty": np.zeros((0, 5), np.float32), "scope/w": np.full((300, 70), 0.125, np.float32),
    "words": np.array([b"", b"caf\xc3\xa9", b"\x00\xff"], dtype=object),
}


def test_tensorflow_reads_compat_tf_tf_format_checkpoints_bit_exact(tmp_path):
    from compat_tf._src.train import checkpoint_io
    prefix = str(tmp_path / "ckpt" / "model")
    checkpoint_io.write_checkpoint(prefix, TENSORS, fmt="tf")
    got = _tf("""
        r = tf.train.load_checkpoint(sys.argv[1])
        out = {}
        for name, shape in r.get_variable_to_shape_map().items():
            v = r.get_tensor(name)
            v = np.asarray(v)
            out[name] = {"dtype": str(v.dtype), "shape": list(v.shape),
                         "hex": (b"".join(x for x in v.ravel()).hex() if v.dtype == object else v.tobytes().hex())}
        emit(out)
    """, prefix)
    assert sorted(got) == sorted(TENSORS)
    for name, want in TENSORS.items():
        g = got[name]
        assert g["shape"] == list(want.shape), name
        if want.dtype == object:
            assert g["hex"] == b"".join(want.ravel()).hex(), name
        else:
            assert g["dtype"] == str(want.dtype) and g["hex"] == want.tobytes().hex(), name


def test_converter_output_is_read_by_tensorflow_and_tf_checkpoints_round_trip(tmp_path):
    """orbax -> tf with the converter: TF reads it; a checkpoint TF wrote -> orbax -> tf: TF restores it."""
    from compat_tf._src.train import checkpoint_io
    src = str(tmp_path / "orbax" / "m")
    checkpoint_io.write_checkpoint(src, {k: v for k, v in TENSORS.items() if k != "words"})
    compat_tf.checkpoints.convert(src, str(tmp_path / "tf" / "m"), to="tf")
    tf_written = str(tmp_path / "by_tf" / "m")
    got = _tf("""
        r = tf.train.load_checkpoint(sys.argv[1])
        sums = {n: float(np.real(np.asarray(r.get_tensor(n))).astype(np.float64).sum())
                for n in r.get_variable_to_shape_map()}
        with tf.Graph().as_default():
            a = tf.Variable(np.linspace(0, 1, 12).reshape(3, 4).astype(np.float32), name="a")
            b = tf.Variable(np.array([5, 6], np.int64), name="scope/b")
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                tf.train.Saver().save(s, sys.argv[2], write_meta_graph=False)
        emit(sums)
    """, str(tmp_path / "tf" / "m"), tf_written)
    for name, v in TENSORS.items():
        if name != "words":
            assert got[name] == pytest.approx(float(np.real(np.asarray(v)).astype(np.float64).sum())), name
    compat_tf.checkpoints.convert(tf_written, str(tmp_path / "o2" / "m"), to="orbax")
    compat_tf.checkpoints.convert(str(tmp_path / "o2" / "m"), str(tmp_path / "t2" / "m"), to="tf")
    back = _tf("""
        with tf.Graph().as_default():
            a = tf.Variable(np.zeros((3, 4), np.float32), name="a")
            b = tf.Variable(np.zeros(2, np.int64), name="scope/b")
            with tf.Session() as s:
                tf.train.Saver().restore(s, sys.argv[1])
                emit({"a": s.run(a).tolist(), "b": s.run(b).tolist()})
    """, str(tmp_path / "t2" / "m"))
    np.testing.assert_array_equal(back["a"], np.linspace(0, 1, 12).reshape(3, 4).astype(np.float32))
    assert back["b"] == [5, 6]


# -- graphs -------------------------------------------------------------------------------------

X = np.random.RandomState(0).randn(4, 5).astype(np.float32)


def _rnn(x):
    cell = tf.nn.rnn_cell.BasicLSTMCell(6)
    out, st = tf.nn.dynamic_rnn(cell, tf.reshape(x, [4, 5, 1]), dtype=tf.float32, sequence_length=[5, 3, 1, 4])
    return tf.concat([tf.reshape(out, [4, -1]), st.h], axis=1)


CASES = {
    "batch_norm": lambda x: tf.layers.batch_normalization(tf.reshape(x, [4, 1, 1, 5]), training=False,
                                                          beta_initializer=tf.constant_initializer(0.5),
                                                          moving_variance_initializer=tf.constant_initializer(2.0)),
    "einsum": lambda x: tf.einsum("ij,jk->ik", x, tf.Variable(np.ones((5, 3), np.float32))),
    "cond": lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0 + 1.0, lambda: tf.zeros_like(x) - x),
    "cond_other_branch": lambda x: tf.cond(tf.reduce_sum(x) > 100, lambda: x * 2.0, lambda: tf.ones([4, 5]) - x),
    "while_loop": lambda x: tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 1.5 + tf.reduce_mean(x)),
                                          [tf.constant(0), x])[1],
    "maximum_iterations": lambda x: tf.while_loop(lambda i, a: i < 10, lambda i, a: (i + 1, a + 1.0),
                                                  [tf.constant(0), x], maximum_iterations=4)[1],
    "cond_in_while": lambda x: tf.while_loop(
        lambda i, a: i < 3, lambda i, a: (i + 1, tf.cond(i > 1, lambda: a * 2.0, lambda: a - 1.0)),
        [tf.constant(0), x])[1],
    "map_fn": lambda x: tf.map_fn(lambda r: tf.reduce_sum(r * r) + 1.0, x),
    "scan": lambda x: tf.scan(lambda a, r: a + r, x),
    "scan_reverse_init": lambda x: tf.scan(lambda a, r: a * 0.5 + r, x, initializer=tf.zeros([5]), reverse=True),
    "foldl": lambda x: tf.foldl(lambda a, r: a + r, x),
    "dynamic_rnn": _rnn,
    "reduce_logsumexp": lambda x: tf.reduce_logsumexp(x, axis=1),
    "tensordot": lambda x: tf.tensordot(x, tf.constant(np.arange(15, dtype=np.float32).reshape(5, 3)), axes=1),
}


def _build(name):
    x = tf.placeholder(tf.float32, [4, 5], name="x")
    return x, tf.identity(CASES[name](x), name="y")


def test_frozen_graphs_and_write_graph_files_run_in_tensorflow(tmp_path):
    want = {}
    for name in CASES:
        with tf.Graph().as_default() as g:
            x, y = _build(name)
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                want[name] = s.run(y, {x: X})
                frozen = tf.graph_util.convert_variables_to_constants(s, g.as_graph_def(), ["y"])
            with open(str(tmp_path / f"{name}.pb"), "wb") as f:
                f.write(frozen.SerializeToString())
            if name in ("cond", "while_loop", "map_fn"):    # the graph itself (with variables), as text
                tf.train.write_graph(g, str(tmp_path), f"{name}.pbtxt", as_text=True)
    np.save(str(tmp_path / "X.npy"), X)
    got = _tf("""
        from google.protobuf import text_format
        d = sys.argv[1]
        X = np.load(os.path.join(d, "X.npy"))
        out = {}
        for f in sorted(os.listdir(d)):
            if not f.endswith(".pb"):
                continue
            gd = tf.GraphDef.FromString(open(os.path.join(d, f), "rb").read())
            with tf.Graph().as_default():
                tf.import_graph_def(gd, name="")
                with tf.Session() as s:
                    out[f[:-3]] = s.run("y:0", {"x:0": X}).tolist()
        for f in sorted(os.listdir(d)):
            if f.endswith(".pbtxt"):
                gd = text_format.Parse(open(os.path.join(d, f)).read(), tf.GraphDef())
                with tf.Graph().as_default():
                    tf.import_graph_def(gd, name="")
                    with tf.Session() as s:
                        s.run(tf.global_variables_initializer())
                        out[f] = s.run("y:0", {"x:0": X}).tolist()
        emit(out)
    """, tmp_path)
    assert sorted(k for k in got if not k.endswith(".pbtxt")) == sorted(CASES)
    for name in CASES:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-5, atol=1e-5, err_msg=name)
    for name in ("cond", "while_loop", "map_fn"):
        np.testing.assert_allclose(got[name + ".pbtxt"], want[name], rtol=1e-5, atol=1e-5, err_msg=name)


def _inference_model():
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="dense")
    h = tf.layers.batch_normalization(h, training=False, name="bn")
    h = tf.cond(tf.reduce_mean(h) > 0, lambda: h * 2.0, lambda: h)
    y = tf.identity(tf.layers.dense(h, 3, name="logits"), name="y")
    return x, y


def test_tensorflow_imports_an_inference_meta_graph_and_restores_it_with_its_saver(tmp_path):
    compat_tf.checkpoints.set_format("tf")
    x, y = _inference_model()
    saver = tf.train.Saver()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)[2].assign(tf.fill([8], 0.3)))
        want = s.run(y, {x: X})
        prefix = saver.save(s, str(tmp_path / "model.ckpt"), global_step=7)
    got = _tf("""
        prefix = sys.argv[1]
        X = np.array(json.loads(sys.argv[2]), np.float32)
        out = {}
        with tf.Graph().as_default() as g:
            saver = tf.train.import_meta_graph(prefix + ".meta")
            with tf.Session() as s:
                saver.restore(s, tf.train.latest_checkpoint(os.path.dirname(prefix)))
                out["restored"] = s.run("y:0", {"x:0": X}).tolist()
        with tf.Graph().as_default() as g:       # the SaverDef's own ops, run by name
            saver = tf.train.import_meta_graph(prefix + ".meta")
            sd = saver.saver_def
            with tf.Session() as s:
                s.run(sd.restore_op_name, {sd.filename_tensor_name: prefix})
                out["restore_op"] = s.run("y:0", {"x:0": X}).tolist()
                s.run(sd.save_tensor_name, {sd.filename_tensor_name: prefix + "-by-tf"})
        emit(out)
    """, prefix, json.dumps(X.tolist()))
    np.testing.assert_allclose(got["restored"], want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got["restore_op"], want, rtol=1e-5, atol=1e-6)
    from compat_tf._src.train import checkpoint_io       # TF ran compat_tf's SaveV2 sub-graph
    a = checkpoint_io.CheckpointIndex(prefix).read_all()
    b = checkpoint_io.CheckpointIndex(prefix + "-by-tf").read_all()
    assert sorted(a) == sorted(b)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


def test_tensorflow_loads_a_saved_model_of_a_training_graph(tmp_path):
    """simple_save in a training script (its training step through tf.sin, which TF's vocabulary cannot
    express here, is left out) and TF serves it with the trained values."""
    x, y = _inference_model()
    labels = tf.placeholder(tf.float32, [None, 3], name="labels")
    train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_mean(tf.sin(y - labels)))
    export = str(tmp_path / "export")
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(3):
            s.run(train, {x: X, labels: np.ones((4, 3), np.float32)})
        assert np.abs(s.run(y, {x: X})).max() > 0
        want = s.run(y, {x: X})
        tf.saved_model.simple_save(s, export, {"x": x}, {"y": y})
    got = _tf("""
        with tf.Graph().as_default() as g:
            with tf.Session() as s:
                mgd = tf.saved_model.loader.load(s, ["serve"], sys.argv[1])
                sig = mgd.signature_def["serving_default"]
                X = np.array(json.loads(sys.argv[2]), np.float32)
                emit(s.run(sig.outputs["y"].name, {sig.inputs["x"].name: X}).tolist())
    """, export, json.dumps(X.tolist()))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    with tf.Graph().as_default(), tf.Session() as s:           # compat_tf loads it too
        mgd = tf.saved_model.loader.load(s, ["serve"], export)
        np.testing.assert_allclose(s.run("y:0", {"x:0": X}), want, rtol=1e-6)
        assert mgd.signature_def["serving_default"].outputs["y"].name == "y:0"


def _training_model(activation, optimizer=None):
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    h = tf.layers.dense(x, 8, activation=activation, name="dense")
    img = tf.reshape(h, [-1, 2, 4, 1])
    c = tf.layers.conv2d(img, 2, 2, padding="same", activation=tf.nn.relu, name="conv")
    p = tf.layers.max_pooling2d(c, 2, 1, padding="same")
    logits = tf.layers.dense(tf.reshape(p, [-1, 16]), 3, name="logits")
    y = tf.identity(tf.nn.softmax(logits), name="y")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")
    train = (optimizer or tf.train.AdamOptimizer(0.05)).minimize(loss, name="train")
    tf.add_to_collection("train_op", train)
    return x, labels, y, loss, train


LABELS = np.array([0, 2, 1, 2], np.int32)


@pytest.mark.parametrize("opt", ["gd", "adam"])
def test_tensorflow_trains_a_compat_tf_training_meta_graph_like_compat_tf(tmp_path, opt):
    """The Gradients op exported as TF1's backward graph: real TF imports the meta graph, restores the
    checkpoint and trains with the same losses and weights as compat_tf."""
    compat_tf.checkpoints.set_format("tf")
    optimizer = tf.train.GradientDescentOptimizer(0.5) if opt == "gd" else tf.train.AdamOptimizer(0.05)
    x, labels, y, loss, train = _training_model(tf.nn.relu, optimizer)
    saver = tf.train.Saver()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        prefix = saver.save(s, str(tmp_path / "model.ckpt"))
        want = [s.run([train, loss], {x: X, labels: LABELS})[1] for _ in range(3)]
        want_kernel = s.run("dense/kernel:0")
    got = _tf("""
        with tf.Graph().as_default() as g:
            saver = tf.train.import_meta_graph(sys.argv[1] + ".meta")
            train = tf.get_collection("train_op")[0]
            feeds = {"x:0": np.array(json.loads(sys.argv[2]), np.float32), "labels:0": [0, 2, 1, 2]}
            with tf.Session() as s:
                saver.restore(s, sys.argv[1])
                losses = [float(s.run([train, "loss:0"], feeds)[1]) for _ in range(3)]
                emit({"losses": losses, "kernel": s.run("dense/kernel:0").tolist()})
    """, prefix, json.dumps(X.tolist()))
    np.testing.assert_allclose(got["losses"], want, rtol=1e-4)
    np.testing.assert_allclose(got["kernel"], want_kernel, rtol=1e-4, atol=1e-6)


def test_a_graph_tf_cannot_express_is_an_export_error_in_tf_format_not_a_file_tf_cannot_load(tmp_path):
    compat_tf.checkpoints.set_format("tf")
    x, labels, y, loss, train = _training_model(tf.sin)        # no TF gradient rule for Sin here
    with pytest.raises(tf_export.NotExportableError, match=r"Sin \(Sin\): no TF gradient rule"):
        tf.train.export_meta_graph(str(tmp_path / "train.meta"))
    assert not os.path.exists(str(tmp_path / "train.meta"))
    saver = tf.train.Saver()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        want = s.run(y, {x: X})
        prefix = saver.save(s, str(tmp_path / "m"))        # the meta graph without the training step
    got = _tf("""
        with tf.Graph().as_default():
            saver = tf.train.import_meta_graph(sys.argv[1] + ".meta")
            with tf.Session() as s:
                saver.restore(s, sys.argv[1])
                emit(s.run("y:0", {"x:0": np.array(json.loads(sys.argv[2]), np.float32)}).tolist())
    """, prefix, json.dumps(X.tolist()))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
