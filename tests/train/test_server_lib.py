"""tf.train.ClusterSpec / Server / ServerDef against TF-recorded values; one-task servers and session targets.

Multi-process clusters are exercised in tests/parallel/test_cluster.py.
"""
import numpy as np
import pytest

import compat_tf as tf
from cluster_fixtures import TF1

DENSE = {"ps": ["ps0:2222", "ps1:2222"], "worker": ["w0:2222", "w1:2222", "w2:2222"]}
SPARSE = {"ps": ["ps0:2222"], "worker": {1: "w1:2222", 3: "w3:2222"}}


@pytest.mark.parametrize("name,spec", [("dense", DENSE), ("sparse", SPARSE)])
def test_cluster_spec_queries_match_tf(name, spec):
    c = tf.train.ClusterSpec(spec)
    rec = {k[len(f"clusterspec/{name}/"):]: v for k, v in TF1.items() if k.startswith(f"clusterspec/{name}/")}
    as_dict = {k: (v if isinstance(v, list) else {str(i): a for i, a in v.items()}) for k, v in c.as_dict().items()}
    assert as_dict == rec["as_dict"]
    assert c.jobs == rec["jobs"]
    assert str(c) == rec["str"] and repr(c) == rec["str"]
    assert str(c.as_cluster_def()) == rec["cluster_def"]
    assert c.task_indices("worker") == rec["worker_indices"]
    assert c.job_tasks("worker") == rec["worker_tasks"]
    assert c.num_tasks("worker") == rec["num_workers"]
    assert bool(c) is rec["bool"]
    assert (c == tf.train.ClusterSpec(c.as_cluster_def())) is rec["eq_from_def"]
    assert (c == tf.train.ClusterSpec(c)) is rec["eq_from_spec"]
    assert (c == {"ps": {0: "ps0:2222"}}) is rec["eq_dict"]


def test_cluster_spec_from_cluster_def_is_a_copy():
    cd = tf.train.ClusterSpec(DENSE).as_cluster_def()
    c = tf.train.ClusterSpec(cd)
    cd.job[0].tasks[0] = "changed:1"
    assert c.task_address("ps", 0) == "ps0:2222"
    assert isinstance(c.as_cluster_def(), tf.train.ClusterDef)


@pytest.mark.parametrize("key,call", [
    ("no_task", lambda: tf.train.ClusterSpec(SPARSE).task_address("worker", 0)),
    ("no_job", lambda: tf.train.ClusterSpec(SPARSE).num_tasks("chief")),
    ("no_job_tasks", lambda: tf.train.ClusterSpec(SPARSE).job_tasks("chief")),
    ("not_a_cluster", lambda: tf.train.ClusterSpec([1])),
    ("bad_tasks", lambda: tf.train.ClusterSpec({"ps": "a:1"})),
])
def test_cluster_spec_errors_match_tf(key, call):
    cls, msg = TF1[f"clusterspec/err/{key}"]
    with pytest.raises((ValueError, TypeError)) as e:
        call()
    assert type(e.value).__name__ == cls and str(e.value) == msg
    assert not bool(tf.train.ClusterSpec({})) and not TF1["clusterspec/empty_bool"]


def test_local_server_def_and_target():
    s = tf.train.Server.create_local_server(start=False)
    assert str(s.server_def) == TF1["server/local/server_def"]
    prefix, port = s.target.rsplit(":", 1)
    assert prefix == TF1["server/local/target_prefix"] and int(port) > 0
    assert isinstance(s.server_def, tf.train.ServerDef)


def test_server_def_of_a_cluster_task_and_from_a_server_def():
    c = {"ps": ["localhost:0"], "worker": ["localhost:0", "localhost:0"]}
    cfg = tf.ConfigProto(device_filters=["/job:ps", "/job:worker/task:1"])
    # (port 0 in a multi-task cluster cannot be served, so the ServerDef is checked as built)
    from compat_tf._src.train.server_lib import _make_server_def
    assert str(_make_server_def(c, "worker", 1, None, cfg)) == TF1["server/worker1/server_def"]
    base = tf.train.ServerDef(cluster=tf.train.ClusterSpec(c).as_cluster_def(), job_name="ps", task_index=0,
                              protocol="grpc")
    assert str(_make_server_def(base, "worker", 0, None, None)) == TF1["server/from_server_def"]


@pytest.mark.parametrize("key,kwargs", [("no_job_name", dict(task_index=0)),
                                        ("no_task_index", dict(job_name="worker"))])
def test_server_argument_errors_match_tf(key, kwargs):
    c = {"ps": ["localhost:1"], "worker": ["localhost:2", "localhost:3"]}
    cls, msg = TF1[f"server/err/{key}"]
    with pytest.raises(ValueError) as e:
        tf.train.Server(c, start=False, **kwargs)
    assert cls == "ValueError" and str(e.value) == msg
    cls, msg = TF1["server/err/bad_cluster"]
    with pytest.raises(TypeError) as e:
        tf.train.Server(42, start=False)
    assert str(e.value) == msg


def test_server_task_and_protocol_errors():
    c = {"worker": ["localhost:2", "localhost:3"]}
    with pytest.raises(tf.errors.InternalError, match='Job "chief" was not defined in cluster'):
        tf.train.Server(c, job_name="chief", task_index=0, start=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match='Task 5 was not defined in job "worker"'):
        tf.train.Server(c, job_name="worker", task_index=5, start=False)
    with pytest.raises(tf.errors.NotFoundError, match="No server factory registered"):
        tf.train.Server(c, job_name="worker", task_index=0, protocol="foo", start=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse port"):
        tf.train.Server({"worker": ["localhost:notaport"]}, start=False)
    with pytest.raises(tf.errors.InvalidArgumentError, match="fixed port"):
        tf.train.Server({"worker": ["localhost:0", "localhost:0"]}, job_name="worker", task_index=0, start=False)


def test_session_on_a_local_server_runs_here():
    server = tf.train.Server.create_local_server()
    with tf.Graph().as_default():
        v = tf.Variable(2.0)
        out = v * 3.0
        with tf.Session(server.target) as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.sess_str == server.target
            assert sess.run(out) == np.float32(6.0)
        server.join()        # nothing else in a one-task cluster: returns at once (TF1 blocks forever)
        with tf.train.MonitoredTrainingSession(master=server.target) as mon:
            assert mon.run(out) == np.float32(6.0)


def test_session_targets_that_are_not_servers():
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.NotFoundError, match="No session factory registered"):
            tf.Session("foo")
        with pytest.raises(tf.errors.UnavailableError, match="no tf.train.Server with target"):
            tf.Session("grpc://localhost:1")


def test_session_config_device_filters_are_checked():
    server = tf.train.Server.create_local_server()
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid device filter: /foo:1"):
            tf.Session(server.target, config=tf.ConfigProto(device_filters=["/foo:1"]))
        tf.Session(server.target, config=tf.ConfigProto(device_filters=["/job:ps", "/job:worker/task:0"])).close()


def test_session_accepts_the_task_address_as_target():
    """RunConfig's master from TF_CONFIG is grpc://<this task's address>: the same server."""
    import socket
    with socket.socket() as s:
        s.bind(("localhost", 0))
        port = s.getsockname()[1]
    server = tf.train.Server({"worker": [f"127.0.0.1:{port}"]}, job_name="worker", task_index=0)
    assert server.target == f"grpc://localhost:{port}"
    with tf.Graph().as_default():
        with tf.Session(f"grpc://127.0.0.1:{port}") as sess:
            assert sess.run(tf.constant(3.0)) == np.float32(3.0)
