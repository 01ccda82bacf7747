"""Eager variables (TF 1.15's ResourceVariable in eager mode)."""
import gc

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.eager import variables as eager_variables


def test_names_collections_and_repr():
    v = tf.Variable(1.0)
    with tf.name_scope("a"):
        w1 = tf.Variable(2.0, name="w")
    with tf.name_scope("a"):
        w2 = tf.Variable(2.0, name="w")
    assert (v.name, w1.name, w2.name) == ("Variable:0", "a/w:0", "a/w:0")     # not uniquified
    assert tf.trainable_variables() == [] and tf.global_variables() == []      # no collections
    assert repr(v) == "<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=1.0>"
    assert repr(tf.Variable([[1, 2]], dtype=tf.int64)) == ("<tf.Variable 'Variable:0' shape=(1, 2) dtype=int64, "
                                                          "numpy=array([[1, 2]])>")
    assert v.initializer is None and v.dtype == tf.float32 and isinstance(v, tf.Variable)
    with pytest.raises(RuntimeError, match="initial_value not supported in EAGER mode"):
        v.initial_value


def test_assignments_and_their_errors():
    v = tf.Variable([1.0, 2.0])
    out = v.assign([3.0, 4.0])
    assert repr(out).startswith("<tf.Variable 'UnreadVariable' shape=(2,)")
    v.assign_add([1.0, 1.0])
    v.assign_sub(tf.constant([0.5, 0.5]))
    assert v.numpy().tolist() == [3.5, 4.5]
    assert v.assign_add([1.0, 1.0], read_value=False) is None
    tf.assign(v, [0.0, 1.0])
    tf.assign_add(v, [1.0, 1.0])
    assert v.numpy().tolist() == [1.0, 2.0]
    v.scatter_update(tf.IndexedSlices(tf.constant([9.0]), tf.constant([1])))
    assert v.numpy().tolist() == [1.0, 9.0]
    with pytest.raises(ValueError, match="incompatible"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="shapes must be equal"):
        v.assign_add(1.0)
    assert v.numpy().tolist() == [1.0, 9.0]                 # a failed update changes nothing
    v2 = tf.Variable(1.0)
    v2.assign(tf.square(v2 + 2.0))
    assert v2.numpy() == 9.0 and float(v2) == 9.0 and (v2 * 2).numpy() == 18.0


def test_get_variable_makes_new_variables_and_global_step_is_kept():
    a = tf.get_variable("gv", [2], initializer=tf.ones_initializer())
    b = tf.get_variable("gv", [2], initializer=tf.zeros_initializer())
    assert a is not b and a.name == b.name == "gv:0" and a.numpy().tolist() == [1.0, 1.0]
    with tf.variable_scope("s", reuse=True):
        assert tf.get_variable("z", [1]).name == "s/z:0"      # eager: no reuse error, a new variable
    step = tf.train.get_or_create_global_step()
    assert tf.train.get_or_create_global_step() is step and step.dtype == tf.int64


def test_variables_in_graph_blocks_are_graph_variables_and_eager_ones_free_their_state():
    with tf.Graph().as_default():
        g = tf.Variable(1.0)
        assert not isinstance(g, eager_variables.EagerVariable) and g.name == "Variable:0"
        assert g.dtype == tf.float32_ref
    v = tf.Variable(np.zeros(3, np.float32))
    key = v._unique_id
    assert key in eager_variables.STATE
    del v
    gc.collect()
    assert key not in eager_variables.STATE


def test_count_up_to_and_variable_inputs():
    c = tf.Variable(0, dtype=tf.int32)
    assert [int(tf.count_up_to(c, 2)) for _ in range(2)] == [0, 1]
    with pytest.raises(tf.errors.OutOfRangeError):
        tf.count_up_to(c, 2)
    w = tf.Variable([[1.0, 2.0]])
    assert tf.matmul(w, w, transpose_b=True).numpy().tolist() == [[5.0]]
    assert np.asarray(w).tolist() == [[1.0, 2.0]] and w[0, 1].numpy() == 2.0


def test_train_saver_in_eager_mode(tmp_path):
    v = tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver([v])
    path = saver.save(None, str(tmp_path / "model"), global_step=7)
    assert path.endswith("model-7") and tf.train.latest_checkpoint(str(tmp_path)) == path
    assert [k for k, _ in tf.train.list_variables(path)] == ["v"]
    v.assign([0.0, 0.0])
    saver.restore(None, path)
    assert v.numpy().tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="`var_list` must specify"):
        tf.train.Saver()


def test_eager_variable_store_reuses_by_name():
    store = tf.contrib.eager.EagerVariableStore()
    with store.as_default():
        a = tf.get_variable("w", [2], initializer=tf.ones_initializer())
        with tf.variable_scope("s"):
            b = tf.get_variable("v", [1], trainable=False)
        assert tf.get_variable("w", [2]) is a
    assert tf.get_variable("w", [2]) is not a          # outside the store: a new variable
    assert [v.name for v in store.variables()] == ["s/v:0", "w:0"]
    assert store.trainable_variables() == [a] and store.non_trainable_variables() == [b]
    copy = store.copy()
    a.assign([5.0, 5.0])
    assert [v.numpy().tolist() for v in copy.trainable_variables()] == [[1.0, 1.0]]
