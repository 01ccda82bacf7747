"""tf.contrib.eager's function-style gradients and tf.custom_gradient rules (values vs TF are in
test_eager_reference.py)."""
import pytest

import compat_tf as tf

tfe = tf.contrib.eager


def test_implicit_gradients_pairs_and_errors():
    w = tf.Variable(2.0, name="w")
    b = tf.Variable(1.0, name="b")
    frozen = tf.Variable(5.0, trainable=False)
    pairs = tfe.implicit_gradients(lambda x: w * x + b + frozen)(3.0)
    assert [(g.numpy(), v.name) for g, v in pairs] == [(3.0, "w:0"), (1.0, "b:0")]
    with pytest.raises(ValueError, match="No trainable variables were accessed"):
        tfe.implicit_gradients(lambda x: x * 2.0)(1.0)
    value, pairs = tfe.implicit_value_and_gradients(lambda: w * w)()
    assert value.numpy() == 4.0 and pairs[0][0].numpy() == 4.0


def test_gradients_function_params_and_errors():
    def f(x, y):
        return x * x * y
    assert [g.numpy() for g in tfe.gradients_function(f, params=["y"])(3.0, 2.0)] == [9.0]
    assert [g.numpy() for g in tfe.gradients_function(f, params=[0])(3.0, 2.0)] == [12.0]
    with pytest.raises(ValueError, match="does not have an argument named z"):
        tfe.gradients_function(f, params=["z"])(1.0, 2.0)
    with pytest.raises(ValueError, match="returns None"):
        tfe.gradients_function(lambda x: None)(1.0)
    with pytest.raises(ValueError, match="keyword arguments"):
        tfe.value_and_gradients_function(f)(1.0, 2.0, z=3)


def test_custom_gradient_rules():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def needs_variables(x):
        def grad(dy):
            return dy
        return x * v, grad
    with pytest.raises(TypeError, match="must accept a keyword argument 'variables'"):
        needs_variables(tf.constant(1.0))

    @tf.custom_gradient
    def with_variables(x):
        def grad(dy, variables=None):
            return dy * 10.0, [dy * 100.0]
        return x * v, grad
    x = tf.constant(3.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = with_variables(x)
    gx, gv = t.gradient(y, [x, v])
    assert (y.numpy(), gx.numpy(), gv.numpy()) == (6.0, 10.0, 100.0)
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="eager mode only"):
            with_variables(tf.constant(1.0))


def test_py_func_gets_eager_tensors_in_graphs_too():
    seen = []

    def fn(x):
        seen.append(type(x).__name__)
        return tf.matmul(x, x)
    assert tfe.py_func(fn, [tf.constant([[2.0]])], tf.float32).numpy().tolist() == [[4.0]]
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32)
        out = tfe.py_func(fn, [p], tf.float32)
        with tf.Session() as sess:
            assert sess.run(out, {p: [[3.0]]}).tolist() == [[9.0]]
    assert seen == ["EagerTensor", "EagerTensor"]


def test_seterr_and_devices():
    assert tfe.num_gpus() == 0 and tfe.list_devices()[0].endswith("device:CPU:0")
    assert tfe.seterr(inf_or_nan="raise") == {"inf_or_nan": "ignore"}
    try:
        with pytest.raises(tfe.InfOrNanError, match=r"Output 0 of 1 of TFE operation Log .* contains 1 inf"):
            tf.log(tf.constant([0.0, 1.0]))
    finally:
        assert tfe.seterr(inf_or_nan="ignore") == {"inf_or_nan": "raise"}
    assert tf.log(tf.constant(0.0)).numpy() == -float("inf")
    with pytest.raises(ValueError, match="Invalid action value"):
        tfe.seterr(inf_or_nan="explode")


def test_name_based_saver(tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    saver = tfe.Saver([w])
    path = saver.save(str(tmp_path / "model"), global_step=3)
    assert path.endswith("model-3") and tf.train.latest_checkpoint(str(tmp_path)) == path
    w.assign([0.0, 0.0])
    saver.restore(path)
    assert w.numpy().tolist() == [1.0, 2.0]
    with pytest.raises(tf.errors.NotFoundError, match="Key other"):
        tfe.Saver({"other": w}).restore(path)


def test_contrib_summary_writes_when_recording(tmp_path):
    from compat_tf._src.summary.writer import summary_iterator
    import glob
    step = tf.train.get_or_create_global_step()
    writer = tf.contrib.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for _ in range(4):
            step.assign_add(1)
            with tf.contrib.summary.record_summaries_every_n_global_steps(2):
                wrote = tf.contrib.summary.scalar("loss", tf.constant(0.5) * tf.cast(step, tf.float32))
                assert bool(wrote) == (int(step) % 2 == 0)
        with tf.contrib.summary.never_record_summaries():
            assert not bool(tf.contrib.summary.scalar("x", 1.0))
    events = [e for f in glob.glob(str(tmp_path / "events.*")) for e in summary_iterator(f) if e.summary.value]
    assert [(e.step, e.summary.value[0].tag, e.summary.value[0].simple_value) for e in events] == \
        [(2, "loss", 1.0), (4, "loss", 2.0)]
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="graph mode"):
            tf.contrib.summary.scalar("x", 1.0)
