"""tf.get_variable(partitioner=...), tf.PartitionedVariable, tf.create_partitioned_variables: shard names,
shapes, slice specs, lookups and assignment as TF 1.15 (checked against tf.compat.v1 for the same
programs)."""
import numpy as np
import pytest

import compat_tf as tf

FULL = np.arange(14, dtype=np.float32).reshape(7, 2)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _partitioned(n=3):
    with tf.variable_scope("emb", partitioner=tf.fixed_size_partitioner(n)):
        return tf.get_variable("w", initializer=tf.constant(FULL))


def test_shards_names_shapes_and_slice_info():
    w = _partitioned()
    assert isinstance(w, tf.PartitionedVariable) and w.name == "emb/w" and len(w) == 3
    assert [v.name for v in w] == ["emb/w/part_0:0", "emb/w/part_1:0", "emb/w/part_2:0"]
    assert [v.shape.as_list() for v in w] == [[3, 2], [2, 2], [2, 2]]       # the first 7 % 3 shards longer
    assert w._get_variable_list()[1]._save_slice_info.spec == "7 2 3,2:0,2"
    assert [v.name for v in tf.trainable_variables()] == [v.name for v in w]
    with tf.variable_scope("emb", reuse=True):
        assert tf.get_variable("w", [7, 2]) is w          # found without the partitioner
    with pytest.raises(ValueError, match="already exists"):
        with tf.variable_scope("emb", partitioner=tf.fixed_size_partitioner(3)):
            tf.get_variable("w", [7, 2])
    with pytest.raises(ValueError, match="specified partitions"):
        with tf.variable_scope("emb", partitioner=tf.fixed_size_partitioner(2), reuse=True):
            tf.get_variable("w", [7, 2])
    with pytest.raises(ValueError, match="Can only slice a variable along one dimension"):
        tf.get_variable("bad", [4, 4], partitioner=lambda shape, dtype: [2, 2])


def test_values_lookup_assign_and_training():
    w = _partitioned()
    t = tf.convert_to_tensor(w)
    assert t.name == "emb/w:0" and t.shape.as_list() == [7, 2]
    ids = [0, 3, 6, 4]
    mod = tf.nn.embedding_lookup(w, ids)                         # TF: the shards, 'mod' strategy
    div = tf.nn.embedding_lookup(w, ids, partition_strategy="div")
    assign = w.assign(FULL * 2)
    loss = tf.reduce_sum(tf.matmul(tf.ones([1, 7]), w))
    train = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(t), FULL)
        shards = np.split(FULL, [3, 5])
        np.testing.assert_array_equal(s.run(mod), np.stack([shards[i % 3][i // 3] for i in ids]))
        np.testing.assert_array_equal(s.run(div), FULL[ids])
        s.run(assign)
        np.testing.assert_array_equal(s.run(t), FULL * 2)
        s.run(train)
        np.testing.assert_allclose(s.run(t), FULL * 2 - 0.5)


def test_initializers_see_the_full_shape_and_create_partitioned_variables():
    # glorot_uniform's limit comes from the full shape's fans (TF's PartitionInfo), not a shard's
    w = tf.get_variable("g", [400, 10], partitioner=tf.fixed_size_partitioner(4),
                        initializer=tf.glorot_uniform_initializer(seed=1))
    parts = tf.create_partitioned_variables([4, 3], [1, 3], tf.ones_initializer())
    assert [p.name for p in parts] == ["PartitionedVariable/part_0:0", "PartitionedVariable/part_1:0",
                                       "PartitionedVariable/part_2:0"]
    assert [p.shape.as_list() for p in parts] == [[4, 1]] * 3
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        value = s.run(w.as_tensor())
        np.testing.assert_array_equal(np.concatenate(s.run(parts), 1), np.ones((4, 3)))
    limit = np.sqrt(6.0 / (400 + 10))
    assert value.max() <= limit and value.max() > 0.9 * limit


def test_saver_refuses_shards_clearly():
    _partitioned()
    with pytest.raises(NotImplementedError, match="partitioned variables"):
        tf.train.Saver()
