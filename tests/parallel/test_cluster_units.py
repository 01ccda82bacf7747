"""The parts of compat_tf's cluster runtime that one process can check (multi-process: test_cluster.py)."""
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.parallel import cluster, cluster_session, replica
from compat_tf._src.runtime import plan as _plan


def test_task_order_puts_the_chief_first_then_workers_then_other_jobs():
    spec = tf.train.ClusterSpec({"ps": ["p0:1", "p1:1"], "worker": ["w0:1", "w1:1"], "chief": ["c:1"],
                                 "evaluator": ["e:1"]})
    assert cluster.task_order(spec) == [("chief", 0), ("worker", 0), ("worker", 1), ("evaluator", 0), ("ps", 0),
                                        ("ps", 1)]
    job = cluster.ClusterJob(spec, "worker", 1)
    assert job.process_id == 2 and job.num_processes == 6 and job.num_replicas == 3
    assert job.coordinator_address == "c:1" and job.is_training_task and not job.is_chief
    assert job.timeout_secs == cluster.DEFAULT_TIMEOUT_SECS
    ps = cluster.ClusterJob(spec, "ps", 0, timeout_secs=7.5)
    assert not ps.is_training_task and ps.timeout_secs == 7.5
    # without a chief job the first worker is the chief (process 0, the coordinator)
    job = cluster.ClusterJob(tf.train.ClusterSpec({"ps": ["p:1"], "worker": ["w0:9", "w1:9"]}), "worker", 0)
    assert job.is_chief and job.coordinator_address == "w0:9"


def test_server_timeout_comes_from_operation_timeout_in_ms():
    s = tf.train.Server({"worker": ["localhost:1", "localhost:2"]}, job_name="worker", task_index=1, start=False,
                        config=tf.ConfigProto(operation_timeout_in_ms=12500))
    assert s._cluster_job.timeout_secs == 12.5 and s.target == "grpc://localhost:2"


def test_only_the_chief_process_writes_checkpoints(monkeypatch, tmp_path):
    monkeypatch.setattr(cluster, "_distributed_process_id", lambda: 2)
    with tf.Graph().as_default():
        v = tf.Variable(1.0)
        with tf.Session() as sess:
            sess.run(v.initializer)
            with pytest.raises(tf.errors.FailedPreconditionError, match="only the chief writes checkpoints"):
                tf.train.Saver().save(sess, str(tmp_path / "model"))
    assert not list(tmp_path.iterdir())
    monkeypatch.setattr(cluster, "_distributed_process_id", lambda: 0)
    cluster.check_checkpoint_writer("ok")          # the chief: no error


def _plan_of(fetches, targets, feeds):
    return _plan.Plan(tf.get_default_graph(), fetches, targets, feeds)


def test_which_writes_can_differ_across_workers():
    """Variables written from a worker's own data (feeds, random numbers) take the chief's value;
    variables updated through averaged gradients are the same everywhere."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        w = tf.Variable(tf.ones([2, 1]), name="w")
        moving = tf.Variable(tf.zeros([2]), name="moving_mean", trainable=False)
        noise = tf.Variable(0.0, name="noise", trainable=False)
        steps = tf.Variable(0, name="steps", trainable=False)
        loss = tf.reduce_mean(tf.matmul(x, w))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[w])
        update = tf.assign(moving, 0.9 * moving + 0.1 * tf.reduce_mean(x, 0))
        draw = tf.assign(noise, tf.random_uniform([]))
        count = tf.assign_add(steps, 1)
        plan = _plan_of([], [train.op if hasattr(train, "op") else train, update.op, draw.op, count.op], [x])
        assert cluster_session.tainted_writes(plan) == {"moving_mean", "noise"}


def test_gradients_are_averaged_only_inside_a_replica_context():
    g = [np.ones(2, np.float32)]
    with tf.Graph().as_default():
        v = tf.Variable([1.0, 2.0])
        assert replica.aggregate_gradients([v._variable], g) is g
        assert replica.is_variable_tensor(v._variable) and replica.is_variable_tensor(v.value())
        assert not replica.is_variable_tensor(tf.constant(1.0))


def test_collective_over_groups_by_dtype_and_keeps_shapes():
    vals = [np.ones((2, 3), np.float32), np.arange(3, dtype=np.int32), np.full((1,), 2.0, np.float32)]
    calls = []

    def reduce(v):
        calls.append((v.shape, str(v.dtype)))
        return v * 2
    out = replica.collective_over(vals, reduce)
    assert calls == [((7,), "float32"), ((3,), "int32")]          # one collective per dtype
    for o, v in zip(out, vals):
        np.testing.assert_array_equal(np.asarray(o), v * 2)
        assert o.shape == v.shape


def test_read_modify_write_runs_are_the_collective_ones():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        w = tf.Variable(tf.ones([2, 1]))
        gs = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_mean(tf.matmul(x, w)), global_step=gs)
        g = tf.get_default_graph()
        cases = {"init": ([], [tf.global_variables_initializer()], []),
                 "train": ([], [train], [x]),
                 "read": ([w.value()], [], []),
                 "assign": ([], [tf.assign(w, tf.zeros([2, 1])).op], [])}
        kinds = {name: cluster_session.ClusterPlan(None, g, f, t, feeds).collective
                 for name, (f, t, feeds) in cases.items()}
        assert kinds == {"init": False, "train": True, "read": False, "assign": False}


def test_a_server_after_the_first_computation_is_a_clear_error():
    """JAX joins a multi-process job only before its first computation (this process has run some)."""
    import jax.numpy as jnp
    jnp.zeros(1).block_until_ready()
    spec = {"worker": ["localhost:1", "localhost:2"]}
    with pytest.raises(tf.errors.FailedPreconditionError, match="created after this process had already run"):
        tf.train.Server(spec, job_name="worker", task_index=1)
    assert cluster.current() is None          # nothing half-registered: a later Server may still start
