"""tf.train.Saver on orbax: round trips, bookkeeping, readers, errors that change nothing."""
import os

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _values(sess, variables):
    return [sess.run(v) for v in variables]


def _make_vars():
    f32 = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3) / 3, name="f32")
    f64 = tf.Variable(np.array([1.0 / 3, 2e-300, -7.25]), name="scope/f64")
    i64 = tf.Variable(np.array([2 ** 40 + 3, -5], np.int64), name="i64")
    flag = tf.Variable(np.array([True, False, True]), name="flag")
    scalar = tf.Variable(7, name="scalar")
    return [f32, f64, i64, flag, scalar]


def test_round_trip_dtypes_into_new_graph_without_initializer(tmp_path):
    prefix = str(tmp_path / "model.ckpt")
    vs = _make_vars()
    bump = [tf.assign_add(vs[0], tf.ones_like(vs[0])), tf.assign(vs[4], 42)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(bump)
        saved = _values(sess, vs)
        assert tf.train.Saver().save(sess, prefix) == prefix
    assert os.path.isfile(prefix + ".index")
    assert os.path.isfile(prefix + ".data-00000-of-00001")      # one plain file (TF1's copy idioms)
    assert tf.train.checkpoint_exists(prefix)
    with tf.Graph().as_default():
        vs2 = [tf.Variable(tf.zeros(v.shape, v.dtype.base_dtype), name=v.op.name) for v in vs]
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, prefix)      # no initializer run
            restored = _values(sess, vs2)
            assert sess.run(tf.report_uninitialized_variables()).size == 0
    for a, b, v in zip(saved, restored, vs):
        assert np.asarray(b).dtype == np.dtype(v.dtype.base_dtype.as_numpy_dtype)
        np.testing.assert_array_equal(a, b)
    assert restored[4] == 42 and restored[2][0] == 2 ** 40 + 3 and restored[1][1] == 2e-300


def test_reader_api_and_list_load_variable(tmp_path):
    prefix = str(tmp_path / "m")
    _make_vars()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        tf.train.Saver().save(sess, prefix, global_step=3)
    reader = tf.train.NewCheckpointReader(prefix + "-3")
    assert sorted(reader.get_variable_to_shape_map()) == ["f32", "flag", "i64", "scalar", "scope/f64"]
    assert reader.get_variable_to_shape_map()["f32"] == [2, 3]
    assert reader.get_variable_to_shape_map()["scalar"] == []
    dtypes = reader.get_variable_to_dtype_map()
    assert dtypes["scope/f64"] == tf.float64 and dtypes["i64"] == tf.int64 and dtypes["flag"] == tf.bool
    assert dtypes["scalar"] == tf.int32
    assert reader.has_tensor("i64") and not reader.has_tensor("nope")
    np.testing.assert_array_equal(reader.get_tensor("i64"), [2 ** 40 + 3, -5])
    assert reader.get_tensor("i64").dtype == np.int64
    with pytest.raises(tf.errors.NotFoundError, match="Key nope not found in checkpoint"):
        reader.get_tensor("nope")
    assert b"f32 (DT_FLOAT) [2,3]" in reader.debug_string()
    assert tf.train.list_variables(str(tmp_path)) == [
        ("f32", [2, 3]), ("flag", [3]), ("i64", [2]), ("scalar", []), ("scope/f64", [3])]
    assert tf.train.load_variable(str(tmp_path), "scalar:0") == 7
    np.testing.assert_allclose(tf.train.load_variable(prefix + "-3", "scope/f64"), [1.0 / 3, 2e-300, -7.25])
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.NewCheckpointReader(str(tmp_path / "missing"))


def _regression():
    rng = np.random.RandomState(0)
    xs = tf.constant(rng.randn(8, 3).astype(np.float32))
    ys = tf.constant(rng.randn(8, 1).astype(np.float32))
    w = tf.Variable(tf.zeros([3, 1]), name="W")
    loss = tf.reduce_mean(tf.square(tf.matmul(xs, w) - ys))
    step = tf.train.get_or_create_global_step()
    train = tf.train.AdamOptimizer(0.1).minimize(loss, global_step=step)
    return w, loss, train, step


def test_adam_slots_resume_equals_uninterrupted(tmp_path):
    w, loss, train, _ = _regression()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(6):
            sess.run(train)
        straight = sess.run(w)
    with tf.Graph().as_default():
        w, loss, train, step = _regression()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            path = saver.save(sess, str(tmp_path / "adam"), global_step=step)
    assert path.endswith("adam-3")
    keys = sorted(tf.train.NewCheckpointReader(path).get_variable_to_shape_map())
    assert keys == ["W", "W/Adam", "W/Adam_1", "beta1_power", "beta2_power", "global_step"]
    assert tf.train.load_variable(path, "beta1_power") == pytest.approx(0.9 ** 4)
    with tf.Graph().as_default():
        w, loss, train, step = _regression()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, path)
            for _ in range(3):
                sess.run(train)
            np.testing.assert_allclose(sess.run(w), straight, rtol=1e-6)
            assert sess.run(step) == 6


def test_max_to_keep_state_file_and_latest(tmp_path):
    v = tf.Variable(0.0, name="v")
    inc = tf.assign_add(v, 1.0)
    saver = tf.train.Saver(max_to_keep=2)
    base = str(tmp_path / "ck" / "model")       # the directory does not exist yet
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        paths = []
        for step in (1, 2, 3):
            sess.run(inc)
            paths.append(saver.save(sess, base, global_step=step))
    assert paths == [base + "-1", base + "-2", base + "-3"]
    assert saver.last_checkpoints == [base + "-2", base + "-3"]
    assert not tf.train.checkpoint_exists(base + "-1")
    assert not [f for f in os.listdir(tmp_path / "ck") if f.startswith("model-1.")]
    assert tf.train.checkpoint_exists(base + "-2") and tf.train.checkpoint_exists(base + "-3")
    assert tf.train.latest_checkpoint(str(tmp_path / "ck")) == base + "-3"
    state = tf.train.get_checkpoint_state(str(tmp_path / "ck"))
    assert state.model_checkpoint_path == base + "-3"
    assert list(state.all_model_checkpoint_paths) == [base + "-2", base + "-3"]
    text = open(tmp_path / "ck" / "checkpoint").read()
    assert f'model_checkpoint_path: "{base}-3"' in text
    assert text.count("all_model_checkpoint_paths:") == 2
    assert tf.train.load_variable(str(tmp_path / "ck"), "v") == 3.0
    assert tf.train.latest_checkpoint(str(tmp_path / "nowhere")) is None
    assert len(tf.train.get_checkpoint_mtimes([base + "-1", base + "-2", base + "-3"])) == 2


def test_relative_paths_pad_step_and_step_variable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    v = tf.Variable(1.0, name="v")
    gs = tf.Variable(17, name="global_step", trainable=False)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert tf.train.Saver(pad_step_number=True).save(sess, "./rel/m", global_step=5) == "./rel/m-00000005"
        assert tf.train.Saver().save(sess, "./rel/m", global_step=gs) == "./rel/m-17"
    assert open("rel/checkpoint").read().splitlines()[0] == 'model_checkpoint_path: "m-17"'
    assert tf.train.latest_checkpoint("./rel") == os.path.join("./rel", "m-17")
    del v


def test_max_to_keep_none_keeps_everything(tmp_path):
    tf.Variable(1.0, name="v")
    saver = tf.train.Saver(max_to_keep=None)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for step in range(7):
            saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert all(tf.train.checkpoint_exists(str(tmp_path / f"m-{s}")) for s in range(7))
    assert saver.last_checkpoints == []
    assert list(tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths) == [
        str(tmp_path / "m-6")]


def test_recover_last_checkpoints_then_delete_oldest(tmp_path):
    tf.Variable(1.0, name="v")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = tf.train.Saver(max_to_keep=5)
        paths = [first.save(sess, str(tmp_path / "m"), global_step=s) for s in range(3)]
        second = tf.train.Saver(max_to_keep=3)
        second.recover_last_checkpoints(paths + [str(tmp_path / "m-99")])  # m-99 does not exist
        assert second.last_checkpoints == paths
        second.save(sess, str(tmp_path / "m"), global_step=3)
    assert not tf.train.checkpoint_exists(paths[0])
    assert second.last_checkpoints == paths[1:] + [str(tmp_path / "m-3")]


def test_var_list_dict_and_subset(tmp_path):
    w = tf.Variable(np.full((2, 2), 3.0, np.float32), name="w")
    b = tf.Variable(np.float32(-1.0), name="b")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver({"my/weights": w, "bias": b}).save(sess, str(tmp_path / "named"))
        sub = tf.train.Saver([w]).save(sess, str(tmp_path / "sub"), write_meta_graph=False)
    assert sorted(tf.train.NewCheckpointReader(path).get_variable_to_shape_map()) == ["bias", "my/weights"]
    assert sorted(tf.train.NewCheckpointReader(sub).get_variable_to_shape_map()) == ["w"]
    assert not os.path.exists(sub + ".meta")
    with tf.Graph().as_default():
        ow = tf.Variable(tf.zeros([2, 2]), name="other_w")
        ob = tf.Variable(5.0, name="other_b")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver({"my/weights": ow}).restore(sess, path)
            np.testing.assert_array_equal(sess.run(ow), np.full((2, 2), 3.0))
            assert sess.run(ob) == 5.0               # not in the Saver: untouched


def test_missing_key_changes_nothing(tmp_path):
    w = tf.Variable(np.ones(3, np.float32), name="w")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sub = tf.train.Saver([w]).save(sess, str(tmp_path / "sub"))
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros(3, np.float32), name="w")
        z = tf.Variable(np.float32(4.0), name="z")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.NotFoundError, match="Key z not found in checkpoint"):
                tf.train.Saver().restore(sess, sub)
            # 'w' is in the checkpoint and comes before 'z': still nothing was assigned.
            np.testing.assert_array_equal(sess.run(w), np.zeros(3))
            assert sess.run(z) == 4.0
        with tf.Session() as sess:       # an uninitialised session stays uninitialised
            with pytest.raises(tf.errors.NotFoundError):
                tf.train.Saver().restore(sess, sub)
            assert set(sess.run(tf.report_uninitialized_variables())) == {b"w", b"z"}


def test_shape_and_dtype_mismatch_change_nothing(tmp_path):
    a = tf.Variable(np.ones((2, 3), np.float32), name="a")
    tf.Variable(np.ones(4, np.float32), name="z")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default():
        a = tf.Variable(np.zeros((2, 3), np.float32), name="a")
        tf.Variable(np.zeros(5, np.float32), name="z")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                tf.train.Saver().restore(sess, path)
            msg = str(info.value)
            assert "z" in msg and "[5]" in msg and "[4]" in msg
            np.testing.assert_array_equal(sess.run(a), np.zeros((2, 3)))
    with tf.Graph().as_default():
        tf.Variable(np.zeros((3, 2), np.float32), name="a")
        tf.Variable(np.zeros(4, np.float32), name="z")
        with tf.Session() as sess:
            tf.train.Saver(reshape=True).restore(sess, path)       # same element count: reshaped
            assert sess.run("a:0").shape == (3, 2) and (sess.run("a:0") == 1).all()
    with tf.Graph().as_default():
        a = tf.Variable(np.zeros((2, 3), np.float64), name="a")
        tf.Variable(np.zeros(4, np.float32), name="z")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with pytest.raises(tf.errors.InvalidArgumentError, match="dtype"):
                tf.train.Saver().restore(sess, path)
            np.testing.assert_array_equal(sess.run(a), np.zeros((2, 3)))


def test_missing_and_corrupt_checkpoints(tmp_path):
    import shutil
    v = tf.Variable(np.arange(3.0), name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "m"))
        sess.run(tf.assign(v, [9.0, 9.0, 9.0]))
        with pytest.raises(ValueError, match="not a valid checkpoint"):
            saver.restore(sess, str(tmp_path / "nothing"))
        data = path + ".data-00000-of-00001"
        shutil.copy(data, str(tmp_path / "keep"))
        os.remove(data)
        with pytest.raises(tf.errors.DataLossError, match="m"):
            saver.restore(sess, path)
        with open(str(tmp_path / "keep"), "rb") as f:
            raw = f.read()
        with open(data, "wb") as f:                  # truncated
            f.write(raw[:len(raw) // 2])
        with pytest.raises(tf.errors.DataLossError):
            saver.restore(sess, path)
        with open(path + ".index", "wb") as f:
            f.write(b"\x00\x01garbage")
        with pytest.raises(tf.errors.DataLossError, match=r"m\.index"):
            saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(v), [9.0, 9.0, 9.0])


def test_restore_reuses_compiled_plans(tmp_path):
    w, loss, train, step = _regression()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        path = saver.save(sess, str(tmp_path / "m"))
        before_w = sess.run(w)
        sess.run(train)
        plans = dict(sess._plans)
        sizes = {k: len(p._layout.fn.programs()) for k, p in plans.items()
                 if getattr(p, "_layout", None) is not None}
        assert sizes
        saver.restore(sess, path)
        np.testing.assert_array_equal(sess.run(w), before_w)
        sess.run(train)
        assert sess.run(step) == 2
        for k, n in sizes.items():
            assert sess._plans[k] is plans[k]
            assert len(sess._plans[k]._layout.fn.programs()) == n


def test_overwrite_same_prefix_and_errors(tmp_path):
    v = tf.Variable(1.0, name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            saver.save(sess, str(tmp_path / "m"))
        assert not tf.train.checkpoint_exists(str(tmp_path / "m"))
        sess.run(tf.global_variables_initializer())
        saver.save(sess, str(tmp_path / "m"))
        sess.run(tf.assign(v, 2.0))
        saver.save(sess, str(tmp_path / "m"))
    assert tf.train.load_variable(str(tmp_path / "m"), "v") == 2.0
    with pytest.raises(ValueError):
        tf.train.Saver([])
    assert tf.train.Saver([], allow_empty=True).save(tf.Session(), str(tmp_path / "e")) is None
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No variables to save"):
            tf.train.Saver()
    with pytest.raises(ValueError, match="same name"):
        tf.train.Saver([v, v])


def test_checkpoint_state_functions(tmp_path):
    d = str(tmp_path)
    open(os.path.join(d, "a.index"), "w").close()
    tf.train.update_checkpoint_state(d, os.path.join(d, "b"), [os.path.join(d, "a")])
    ckpt = tf.train.get_checkpoint_state(d)
    assert ckpt.model_checkpoint_path == os.path.join(d, "b")
    assert list(ckpt.all_model_checkpoint_paths) == [os.path.join(d, "a"), os.path.join(d, "b")]
    assert tf.train.latest_checkpoint(d) is None      # b has no files
    proto = tf.train.generate_checkpoint_state_proto("rel_dir", "rel_dir/x", ["rel_dir/w"])
    assert proto.model_checkpoint_path == "x" and list(proto.all_model_checkpoint_paths) == ["w", "x"]
    with open(os.path.join(d, "checkpoint"), "w") as f:
        f.write("this is {not a state file")
    assert tf.train.get_checkpoint_state(d) is None


def test_init_from_checkpoint(tmp_path):
    with tf.variable_scope("old"):
        a = tf.get_variable("a", initializer=np.arange(4.0, dtype=np.float32))
        b = tf.get_variable("b", initializer=np.float32(2.5))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default():
        with tf.variable_scope("new"):
            na = tf.get_variable("a", shape=[4], initializer=tf.zeros_initializer())
            nb = tf.get_variable("b", shape=[], initializer=tf.zeros_initializer())
        other = tf.get_variable("other", shape=[], initializer=tf.ones_initializer())
        tf.train.init_from_checkpoint(path, {"old/": "new/"})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(na), np.arange(4.0))
            assert sess.run(nb) == 2.5 and sess.run(other) == 1.0
    with tf.Graph().as_default():
        x = tf.get_variable("x", shape=[], initializer=tf.zeros_initializer())
        tf.train.init_from_checkpoint(path, {"old/b": x})
        with pytest.raises(ValueError, match="not found"):
            tf.train.init_from_checkpoint(path, {"old/zz": x})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(x) == 2.5
    del a, b


def _needs_graph_io():
    pytest.importorskip("compat_tf._src.framework.graph_io")


def _small_model():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    w = tf.Variable(np.ones((2, 1), np.float32), name="layer/w")
    step = tf.train.get_or_create_global_step()
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0), name="loss")
    train = tf.group(tf.assign_sub(w, 0.25 * tf.ones_like(w)), tf.assign_add(step, 1), name="train")
    tf.add_to_collection("train_op", train)
    tf.add_to_collection("outputs", loss)
    tf.add_to_collection("nums", 3)
    tf.add_to_collection("rates", 0.5)
    tf.add_to_collection("tags", "hello")
    return x, w, step, loss, train


@pytest.mark.parametrize("scope", [None, "imp"])
def test_import_meta_graph_restores_collections_and_variables(tmp_path, scope):
    _needs_graph_io()
    x, w, step, loss, train = _small_model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        path = tf.train.Saver().save(sess, str(tmp_path / "m"), global_step=step)
    assert path.endswith("m-1") and os.path.isfile(path + ".meta")
    pre = scope + "/" if scope else ""
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(path + ".meta", import_scope=scope)
        assert [v.op.name for v in tf.global_variables()] == [pre + "layer/w", pre + "global_step"]
        assert [v.op.name for v in tf.trainable_variables()] == [pre + "layer/w"]
        assert all(isinstance(v, tf.Variable) for v in tf.global_variables())
        assert tf.trainable_variables()[0] is tf.global_variables()[0]     # one object per variable
        assert [t.name for t in tf.get_collection("outputs")] == [pre + "loss:0"]
        assert tf.get_collection("nums") == [3] and tf.get_collection("rates") == [0.5]
        assert tf.get_collection("tags") == ([b"hello"] if scope is None else ["imp/hello"])
        train_op = tf.get_collection("train_op")[0]
        assert train_op.name == pre + "train"
        with tf.Session() as sess:
            saver.restore(sess, path)
            np.testing.assert_array_equal(sess.run(pre + "layer/w:0"), [[0.75], [0.75]])
            assert sess.run(pre + "global_step:0") == 1
            sess.run(train_op)
            assert sess.run(tf.get_collection(tf.GraphKeys.GLOBAL_STEP)[0]) == 2
            feed = {g.get_tensor_by_name(pre + "x:0"): np.ones((1, 2), np.float32)}
            assert sess.run(tf.get_collection("outputs")[0], feed) == pytest.approx(0.0)
            sess.run(tf.global_variables_initializer())       # imported initializers work too
            np.testing.assert_array_equal(sess.run(pre + "layer/w:0"), [[1.0], [1.0]])


def test_export_meta_graph_contents(tmp_path):
    _needs_graph_io()
    _small_model()
    saver = tf.train.Saver(max_to_keep=3)
    mgd = saver.export_meta_graph(str(tmp_path / "g.meta"))
    assert os.path.isfile(tmp_path / "g.meta")
    assert mgd.saver_def.max_to_keep == 3 and mgd.saver_def.restore_op_name == "save/restore_all"
    assert sorted(mgd.collection_def) == ["global_step", "nums", "outputs", "rates", "tags", "train_op",
                                          "trainable_variables", "variables"]
    assert list(mgd.collection_def["outputs"].node_list.value) == ["loss:0"]
    from compat_tf._src.protos import variable_pb2
    vd = variable_pb2.VariableDef.FromString(mgd.collection_def["variables"].bytes_list.value[0])
    assert (vd.variable_name, vd.initializer_name, vd.snapshot_name, vd.trainable) == (
        "layer/w:0", "layer/w/Assign", "layer/w/read:0", True)
    assert {n.name for n in mgd.graph_def.node} >= {"x", "layer/w", "layer/w/Assign", "layer/w/read", "loss"}
    assert tf.train.export_meta_graph().HasField("graph_def")


def test_save_while_training_in_another_thread_is_consistent(tmp_path):
    import threading
    a = tf.Variable(np.zeros(1000, np.float32), name="a")
    b = tf.Variable(np.zeros(1000, np.float32), name="b")
    step = tf.group(tf.assign_add(a, tf.ones_like(a)), tf.assign_add(b, tf.ones_like(b)))
    saver = tf.train.Saver(max_to_keep=None)
    stop = threading.Event()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())

        def train():
            while not stop.is_set():
                sess.run(step)
        t = threading.Thread(target=train)
        t.start()
        try:
            paths = [saver.save(sess, str(tmp_path / "m"), global_step=i, write_meta_graph=False)
                     for i in range(5)]
        finally:
            stop.set()
            t.join()
    for p in paths:
        reader = tf.train.NewCheckpointReader(p)
        va, vb = reader.get_tensor("a"), reader.get_tensor("b")
        assert (va == va[0]).all() and (vb == va).all()
