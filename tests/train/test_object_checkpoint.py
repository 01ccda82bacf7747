"""tf.train.Checkpoint (object-based checkpoints): keys (checked against TF in
tests/eager/test_eager_reference.py), save/restore, the state file, load statuses, deferred
restoration, the object-graph proto, graph mode."""
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.eager import context
from compat_tf._src.protos.trackable_object_graph_pb2 import TrackableObjectGraph


@pytest.fixture
def eager():
    with context.eager_mode():
        yield


def test_save_restore_and_state_file(eager, tmp_path):
    x = tf.Variable(10.0)
    ckpt = tf.train.Checkpoint(x=x)
    x.assign(2.0)
    path = ckpt.save(os.path.join(str(tmp_path), "ckpt", ""))
    assert path == os.path.join(str(tmp_path), "ckpt", "-1")     # TF: "<prefix>-<save_counter>"
    assert tf.train.latest_checkpoint(str(tmp_path / "ckpt")) == path
    x.assign(11.0)
    status = ckpt.restore(tf.train.latest_checkpoint(str(tmp_path / "ckpt")))
    assert x.numpy() == 2.0
    status.assert_consumed().assert_existing_objects_matched().assert_nontrivial_match()
    assert ckpt.save(os.path.join(str(tmp_path), "ckpt", "")).endswith("-2") and int(ckpt.save_counter) == 2
    keys = sorted(k for k, _ in tf.train.list_variables(path))
    assert keys == ["_CHECKPOINTABLE_OBJECT_GRAPH", "save_counter/.ATTRIBUTES/VARIABLE_VALUE",
                    "x/.ATTRIBUTES/VARIABLE_VALUE"]
    assert ckpt.write(str(tmp_path / "exact")) == str(tmp_path / "exact") and int(ckpt.save_counter) == 2


def test_object_graph_proto(eager, tmp_path):
    class Holder(tf.contrib.eager.Checkpointable):
        pass
    h = Holder()
    h.w = tf.Variable([1.0, 2.0], name="w")
    h.layers = [tf.Variable(3.0), tf.Variable(4.0)]
    path = tf.train.Checkpoint(model=h).save(str(tmp_path / "c"))
    reader = tf.train.NewCheckpointReader(path)
    assert reader.has_tensor("model/layers/1/.ATTRIBUTES/VARIABLE_VALUE")
    graph = TrackableObjectGraph.FromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    root_children = {c.local_name: c.node_id for c in graph.nodes[0].children}
    assert set(root_children) == {"model", "save_counter"}
    model = graph.nodes[root_children["model"]]
    w_node = graph.nodes[{c.local_name: c.node_id for c in model.children}["w"]]
    assert w_node.attributes[0].checkpoint_key == "model/w/.ATTRIBUTES/VARIABLE_VALUE"
    assert w_node.attributes[0].full_name == "w"


def test_deferred_restore_of_a_model_and_optimizer_built_later(eager, tmp_path):
    def make():
        model = tf.keras.Sequential([tf.keras.layers.Dense(3), tf.keras.layers.Dense(1)])
        opt = tf.train.AdamOptimizer(0.1)
        return model, opt, tf.train.Checkpoint(model=model, optimizer=opt)

    def train(model, opt):
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(model(tf.ones([2, 4])))
        opt.apply_gradients(zip(t.gradient(loss, model.trainable_variables), model.trainable_variables))
    model, opt, ckpt = make()
    train(model, opt)
    path = ckpt.save(str(tmp_path / "m"))
    weights = [w.copy() for w in model.get_weights()]
    slot = opt.get_slot(model.trainable_variables[0], "m").numpy()
    model2, opt2, ckpt2 = make()
    status = ckpt2.restore(path)                 # nothing built yet: restored when created
    with pytest.raises(AssertionError):
        status.assert_consumed()
    model2(tf.ones([2, 4]))
    for a, b in zip(model2.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    train(model2, opt2)
    status.assert_consumed()
    model3, opt3, ckpt3 = make()
    ckpt3.restore(path)
    model3(tf.ones([2, 4]))
    opt3._create_slots(model3.trainable_variables)
    from compat_tf._src.train import object_checkpoint
    object_checkpoint.restore_pending()
    np.testing.assert_array_equal(opt3.get_slot(model3.trainable_variables[0], "m").numpy(), slot)


def test_restore_errors_and_none(eager, tmp_path):
    v = tf.Variable([1.0, 2.0])
    path = tf.train.Checkpoint(v=v).save(str(tmp_path / "a"))
    with pytest.raises(ValueError, match="incompatible tensor with shape"):
        tf.train.Checkpoint(v=tf.Variable([1.0, 2.0, 3.0])).restore(path)
    status = tf.train.Checkpoint(other=tf.Variable(1.0)).restore(path)
    with pytest.raises(AssertionError, match="Nothing except the root"):
        status.assert_nontrivial_match()
    with pytest.raises(AssertionError):
        tf.train.Checkpoint(v=v).restore(None).assert_consumed()
    with pytest.raises(ValueError, match="was expecting a trackable object"):
        tf.train.Checkpoint(v=3.0)


def test_graph_mode_with_a_session(tmp_path):
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0])
        ckpt = tf.train.Checkpoint(v=v)
        with tf.Session() as sess:
            sess.run(v.initializer)
            path = ckpt.save(str(tmp_path / "g"), session=sess)
            sess.run(v.assign([5.0, 6.0]))
            status = ckpt.restore(path)
            status.run_restore_ops(sess)
            assert sess.run(v).tolist() == [1.0, 2.0]
    assert os.path.basename(path) == "g-1"
