"""tf.train.replica_device_setter and tf.DeviceSpec against the devices TF 1.15 gives (recorded)."""
import pytest

import compat_tf as tf
from cluster_fixtures import TF1


def _graph_devices(setter, extra=None):
    """The fixture generator's graph (make_cluster_fixtures.setter_graph), built under `setter`."""
    with tf.Graph().as_default() as g:
        with tf.device(setter):
            gs = tf.train.get_or_create_global_step()
            x = tf.placeholder(tf.float32, [None, 3], name="x")
            w = tf.get_variable("w", [3, 2], initializer=tf.zeros_initializer())
            b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
            with tf.device("/gpu:1"):
                h = tf.matmul(x, w, name="h")
                v_gpu = tf.get_variable("v_gpu", [2], initializer=tf.zeros_initializer())
            with tf.device("/job:worker"):
                v_worker = tf.Variable(1.0, name="v_worker")
            with tf.device("/job:ps/task:0"):
                v_ps0 = tf.Variable(2.0, name="v_ps0")
            y = tf.add(h, b + v_gpu, name="y")
            tf.reduce_sum(y * v_worker * v_ps0, name="loss")
            del gs
        return {op.name: op.device for op in g.get_operations()}


# the ops both graphs have under the same name: the variables and the user's ops. (Not compared:
# ops TF1 colocates with a variable - `w/read`, `w/Assign` take the variable's device in TF1, and
# compat_tf's colocate_with does not move devices - nor the optimizers' internals, named differently.)
_COMPARED = ["global_step", "x", "w", "b", "h", "v_gpu", "v_worker", "v_ps0", "y", "loss", "add", "mul", "mul_1"]


@pytest.mark.parametrize("name,make", [
    ("cluster_task1", lambda: tf.train.replica_device_setter(
        worker_device="/job:worker/task:1", cluster=tf.train.ClusterSpec(
            {"ps": ["ps0:1", "ps1:1"], "worker": ["w0:1", "w1:1"]}))),
    ("ps_tasks3", lambda: tf.train.replica_device_setter(ps_tasks=3)),
    ("no_merge", lambda: tf.train.replica_device_setter(ps_tasks=2, merge_devices=False,
                                                        worker_device="/job:worker/task:0")),
    ("ps_gpu", lambda: tf.train.replica_device_setter(ps_tasks=2, ps_device="/job:ps/device:GPU:0",
                                                      worker_device="/job:worker/task:0/device:GPU:0")),
])
def test_placements_match_tf(name, make):
    want = TF1[f"setter/{name}"]
    got = _graph_devices(make())
    compared = [n for n in _COMPARED if n in want and n in got]
    assert {"w", "b", "v_gpu", "v_worker", "v_ps0", "global_step", "h", "y"} <= set(compared)
    assert {n: got[n] for n in compared} == {n: want[n] for n in compared}


def test_custom_ps_strategy_sees_the_variables_in_order():
    calls = []

    def strategy(op):
        calls.append(op.name)
        return len(calls) % 2
    got = _graph_devices(tf.train.replica_device_setter(ps_tasks=2, ps_strategy=strategy))
    # TF1 also calls the strategy for its optimizer's slots; this graph has no optimizer
    assert calls == [c for c in TF1["setter/strategy_calls"]]
    for n in ("w", "b", "v_gpu", "v_ps0", "global_step"):
        assert got[n] == TF1["setter/strategy"][n]


def test_no_ps_gives_no_device_function():
    assert tf.train.replica_device_setter(cluster={"worker": ["w0:1"]}) is None
    assert tf.train.replica_device_setter() is None
    with pytest.raises(TypeError, match=TF1["setter/err/strategy"][1]):
        tf.train.replica_device_setter(ps_tasks=1, ps_strategy=3)


def test_device_spec_parse_and_merge_match_tf():
    for spec, (job, replica, task, dtype, index, text) in TF1["devicespec/parse"].items():
        d = tf.DeviceSpec.from_string(spec)
        assert [d.job, d.replica, d.task, d.device_type, d.device_index, d.to_string()] == \
            [job, replica, task, dtype, index, text], spec
    a = tf.DeviceSpec.from_string("/job:ps/task:1/device:CPU:0")
    b = tf.DeviceSpec.from_string("/task:3/device:GPU:2")
    assert a.make_merged_spec(b).to_string() == TF1["devicespec/merged"]
    assert a.to_string() == "/job:ps/task:1/device:CPU:0"      # make_merged_spec leaves `a` alone
    a.merge_from(b)
    assert a.to_string() == TF1["devicespec/merge_from"]
    assert tf.DeviceSpec.from_string("/job:ps/task:1").replace(task=4).to_string() == TF1["devicespec/replace"]
    d = tf.DeviceSpec(job="worker", replica=0, task=2, device_type="gpu", device_index=1)
    assert d.to_string() == TF1["devicespec/ctor"]
    assert d.parse_from_string("/cpu:3").to_string() == TF1["devicespec/parse_from_string"]
    assert tf.DeviceSpec.from_string("/gpu:1") == tf.DeviceSpec(device_type="GPU", device_index=1)
    with tf.Graph().as_default():
        with tf.device(tf.DeviceSpec(job="ps", task=1)):
            assert tf.constant(1.0).device == "/job:ps/task:1"


@pytest.mark.parametrize("spec", ["/foo:1", "/cpu:0/gpu:1"])
def test_device_spec_errors(spec):
    with pytest.raises(ValueError):
        tf.DeviceSpec.from_string(spec)
