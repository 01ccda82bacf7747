"""tf.device towers placed on devices (compat_tf/_src/parallel/towers.py), with 1 and 8 host devices.

The same TF1 multi-tower program runs in two subprocesses: with one device (every tower in one
program, the numbers TF1 gives - see conformance 10_multi_tower) and with 8 host devices, where
each tower runs on its own device. The numbers must agree, and the compiled program must show the
towers on distinct devices.
"""
import os

import numpy as np
import pytest

from parallel_subprocess import run_script

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "towers_checks_script.py")


@pytest.fixture(scope="module")
def one():
    return run_script(SCRIPT, n_devices=1)


@pytest.fixture(scope="module")
def eight(tmp_path_factory):
    dump = tmp_path_factory.mktemp("xla_dump")
    return run_script(SCRIPT, n_devices=8, args=[str(dump)], xla_flags=f"--xla_dump_to={dump}")


@pytest.mark.parametrize("case", ["two_towers", "eight_towers", "ten_towers", "tower_writes", "tower_prints",
                                  "model_parallel"])
def test_same_numbers_as_one_device(one, eight, case):
    assert one["n_devices"] == 1 and eight["n_devices"] == 8
    np.testing.assert_allclose(eight[case]["losses"], one[case]["losses"], rtol=1e-5)
    for a, b in zip(eight[case]["weights"], one[case]["weights"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert one[case]["losses"][-1] < one[case]["losses"][0]


def test_one_device_runs_every_tower_in_one_program(one):
    for case in ("two_towers", "eight_towers"):
        assert one[case]["plan"] == "Plan" and one[case]["layouts"] == []


def test_towers_run_on_distinct_devices(eight):
    for case, n in (("two_towers", 2), ("eight_towers", 8), ("tower_writes", 2), ("model_parallel", 2)):
        layouts = eight[case]["layouts"]
        assert eight[case]["plan"] == "TowerPlan" and len(layouts) == 1
        assert layouts[0]["towers"] == list(range(n))
        assert len(set(layouts[0]["devices"])) == n          # tower i on the i-th device
    # read back from the compiled programs: a program over 8 partitions switching on the device,
    # whose branch k holds tower k's ops, placed on CPU device k
    eight_programs = [p for p in eight["compiled"] if p["partitions"] == 8 and p["towers"]]
    assert eight_programs
    for p in eight_programs:
        assert 8 in p["switch_branches"]
        assert p["towers"] == [[k, f"cpu:{k}"] for k in range(8)]
    assert any(p["partitions"] == 2 and p["towers"] == [[0, "cpu:0"], [1, "cpu:1"]] for p in eight["compiled"])


def test_fallbacks_run_in_one_program(eight):
    # more towers than devices (TF1's allow_soft_placement), and a tower that calls back to the host
    for case in ("ten_towers", "tower_prints"):
        assert eight[case]["layouts"] == []
    # both towers' writes happened (each tower adds 1 per step)
    assert eight["tower_writes"]["weights"][2] == 2.0 * 4
