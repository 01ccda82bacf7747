"""tf.estimator.RunConfig's cluster properties from TF_CONFIG (TF 1.15's run_config.py rules)."""
import json

import pytest

import compat_tf as tf

CLUSTER = {"chief": ["host0:2222"], "ps": ["host1:2222", "host2:2222"],
           "worker": ["host3:2222", "host4:2222", "host5:2222"]}


def _config(monkeypatch, tf_config, **kwargs):
    monkeypatch.setenv("TF_CONFIG", json.dumps(tf_config))
    return tf.estimator.RunConfig(**kwargs)


def test_non_chief_worker(monkeypatch):
    c = _config(monkeypatch, {"cluster": CLUSTER, "task": {"type": "worker", "index": 1}})
    assert c.master == "grpc://host4:2222"
    assert (c.task_type, c.task_id, c.num_ps_replicas, c.num_worker_replicas) == ("worker", 1, 2, 4)
    assert c.cluster_spec == tf.train.ClusterSpec(CLUSTER) and not c.is_chief
    assert c.global_id_in_cluster == 2                      # chief 0, workers 1.., ps last
    assert c.evaluation_master == ""
    assert list(c.session_config.device_filters) == ["/job:ps", "/job:worker/task:1"]
    assert c.session_config.allow_soft_placement


def test_chief_ps_and_evaluator(monkeypatch):
    c = _config(monkeypatch, {"cluster": CLUSTER, "task": {"type": "chief", "index": 0}})
    assert c.is_chief and c.master == "grpc://host0:2222" and c.global_id_in_cluster == 0
    assert list(c.session_config.device_filters) == ["/job:ps", "/job:chief"]
    c = _config(monkeypatch, {"cluster": CLUSTER, "task": {"type": "ps", "index": 1}})
    assert c.global_id_in_cluster == 5 and not c.is_chief
    assert list(c.session_config.device_filters) == ["/job:ps", "/job:worker", "/job:chief", "/job:master"]
    c = _config(monkeypatch, {"cluster": CLUSTER, "task": {"type": "evaluator", "index": 0},
                              "eval_session_master": "grpc://e:1"})
    assert not c.cluster_spec and c.master == "" and c.num_worker_replicas == 0
    assert c.evaluation_master == "grpc://e:1" and c.global_id_in_cluster is None
    assert c.session_config is None
    # an explicit session config is kept
    mine = tf.ConfigProto(log_device_placement=True)
    assert _config(monkeypatch, {"cluster": CLUSTER, "task": {"type": "chief", "index": 0}},
                   session_config=mine).session_config is mine


def test_legacy_master_cluster(monkeypatch):
    cluster = {"master": ["m:1"], "ps": ["p:1"], "worker": ["w0:1", "w1:1"]}
    c = _config(monkeypatch, {"cluster": cluster, "task": {"type": "master", "index": 0}})
    assert c.is_chief and c.master == "grpc://m:1" and c.num_worker_replicas == 3
    with pytest.raises(ValueError, match="job `chief` is not supported"):
        _config(monkeypatch, {"cluster": dict(cluster, chief=["c:1"]), "task": {"type": "master", "index": 0}})


def test_local_and_single_node(monkeypatch):
    c = _config(monkeypatch, {})
    assert (c.cluster_spec.as_dict(), c.master, c.is_chief, c.num_worker_replicas, c.task_type) == \
        ({}, "", True, 1, "worker")
    c = _config(monkeypatch, {"cluster": {"chief": ["host0:2222"]}, "task": {"type": "chief", "index": 0}})
    assert c.master == ""                      # one node: a direct session
    c = _config(monkeypatch, {"session_master": "grpc://x:1"})
    assert c.master == "grpc://x:1"


@pytest.mark.parametrize("tf_config,message", [
    ({"cluster": {"worker": ["w:1"]}, "task": {"type": "worker", "index": 0}},
     'If "cluster" is set in TF_CONFIG, it must have one "chief" node.'),
    ({"cluster": {"chief": ["a:1", "b:1"]}, "task": {"type": "chief", "index": 0}},
     'The "cluster" in TF_CONFIG must have only one "chief" node.'),
    ({"cluster": CLUSTER, "task": {"index": 0}}, 'If "cluster" is set in TF_CONFIG, task type must be set.'),
    ({"cluster": CLUSTER, "task": {"type": "worker"}}, 'If "cluster" is set in TF_CONFIG, task index must be set.'),
    ({"cluster": CLUSTER, "task": {"type": "worker", "index": -1}}, "Task index must be non-negative number."),
    ({"cluster": CLUSTER, "task": {"type": "worker", "index": 3}}, "3 is not a valid task_id for task_type worker"),
    ({"cluster": CLUSTER, "task": {"type": "foo", "index": 0}}, "foo is not a valid task_type in the cluster_spec"),
    ({"task": {"type": "ps", "index": 0}}, 'If "cluster" is not set in TF_CONFIG, task type must be WORKER.'),
    ({"task": {"type": "worker", "index": 1}}, 'If "cluster" is not set in TF_CONFIG, task index must be 0.'),
])
def test_errors(monkeypatch, tf_config, message):
    with pytest.raises(ValueError) as e:
        _config(monkeypatch, tf_config)
    assert str(e.value).startswith(message)


def test_service_must_be_a_dict(monkeypatch):
    with pytest.raises(TypeError, match='If "service" is set in TF_CONFIG, it must be a dict'):
        _config(monkeypatch, {"service": 3})
