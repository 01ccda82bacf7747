"""compat_tf.parallel.data_parallel on 8 host devices (one subprocess: dp_checks_script.py).

Each test reads one part of the script's results; the script compares a
data-parallel session with a plain one on the same TF1 graph.
"""
import os

import numpy as np
import pytest

from parallel_subprocess import run_script

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def r():
    return run_script(os.path.join(HERE, "dp_checks_script.py"), n_devices=8)


def _assert_vars_close(got, want, rtol=1e-5, atol=1e-6):
    assert sorted(got) == sorted(want)
    for k in want:
        np.testing.assert_allclose(np.asarray(got[k]), np.asarray(want[k]), rtol=rtol, atol=atol, err_msg=k)


def test_eight_devices(r):
    assert r["n_devices"] == 8


def test_adam_mlp_matches_single_device(r):
    np.testing.assert_allclose(r["dp/losses"], r["single/losses"], rtol=1e-5)
    assert r["dp/losses"][-1] < r["dp/losses"][0]            # it trained
    _assert_vars_close(r["dp/vars"], r["single/vars"])
    assert r["dp/vars"]["global_step"] == 5
    assert r["dp/plan_types"] == ["ShardedPlan"]


def test_state_replicated_on_every_device(r):
    state = r["dp/state"]
    assert {"hidden/kernel", "hidden/kernel/Adam", "global_step", "beta1_power"} <= set(state)
    for k, info in state.items():
        assert info["spec"] == [], (k, info)
        assert info["n_devices"] == 8, (k, info)
        assert len(info["shard_shapes"]) == 8
    # each device holds the whole variable
    assert state["hidden/kernel"]["shard_shapes"] == [[6, 16]] * 8
    assert r["dp/kernel_after"]["n_devices"] == 8 and r["dp/kernel_after"]["shard_shapes"] == [[6, 16]] * 8


def test_written_state_is_donated(r):
    assert r["dp/donated"] is True


def test_feed_batch_split_and_gradients_all_reduced(r):
    assert r["feed/x"]["spec"] == ["batch"]
    assert r["feed/x"]["shard_shapes"] == [[4, 6]] * 8       # 32 rows / 8 devices
    assert r["feed/y"]["shard_shapes"] == [[4]] * 8
    assert r["hlo/all_reduce"] is True                         # XLA inserted the gradient all-reduce
    # an activation fetched before Session.run gathers it is still split along the batch
    assert r["fetch/h"]["shard_shapes"] == [[4, 16]] * 8
    assert r["fetch/h_value_matches"] is True


def test_indivisible_batch_is_replicated_by_default(r):
    # 12 rows on 8 devices: fed as is (replicated by the step), same loss as one device
    assert r["odd/placed"] == "numpy (as fed)"
    np.testing.assert_allclose(r["odd/dp_loss"], r["odd/single_loss"], rtol=1e-5)


def test_indivisible_explicit_batch_feed_is_an_error(r):
    err = r["strict/error"]
    assert err is not None
    assert "'x:0'" in err and "12" in err and "not divisible by the 8 devices" in err
    assert r["strict/step_after_error"] == 1                   # the failed run changed nothing


def test_saver_after_data_parallel_training(r):
    assert r["saver/path_ok"]
    _assert_vars_close(r["saver/plain_vars"], r["saver/dp_vars"], rtol=0, atol=0)
    assert r["saver/plain_vars"]["global_step"] == 6
    restored = r["saver/restored_state"]
    assert restored["n_devices"] == 8 and restored["spec"] == []
    np.testing.assert_allclose(r["saver/continued_dp"], r["saver/continued_single"], rtol=1e-5)


def test_multi_tower_graph_under_data_parallel(r):
    assert r["towers/devices"] == ["/device:GPU:0", "/device:GPU:1"]   # recorded, not used for placement
    np.testing.assert_allclose(r["towers/dp"], r["towers/single"], rtol=1e-5)
    np.testing.assert_allclose(r["towers/dp_w"], r["towers/single_w"], rtol=1e-5, atol=1e-6)
    assert r["towers/single"][-1] < r["towers/single"][0]


def test_step_with_host_callback_runs_and_matches(r):
    # tf.Print is an ordered host callback, which JAX runs on one device: same numbers, and the
    # written state is replicated again when committed
    np.testing.assert_allclose(r["print/dp"], r["print/single"], rtol=1e-5)
    np.testing.assert_allclose(r["print/dp_w"], r["print/single_w"], rtol=1e-5, atol=1e-6)
    assert r["print/single"][-1] < r["print/single"][0]
    assert r["print/state"]["n_devices"] == 8 and r["print/state"]["spec"] == []
