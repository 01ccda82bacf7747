"""TF1 clusters on several processes of this machine (gloo collectives, ports picked at run time).

The program is examples/cluster_training.py - TF1's between-graph tutorial pattern (ClusterSpec,
Server per task, replica_device_setter, SyncReplicasOptimizer, MonitoredTrainingSession with
master/is_chief, a ps that joins) - and the reference is the same model trained by
compat_tf.parallel.data_parallel in one process on the same global batch (cluster_reference.py).
Synchronous training averages the workers' gradients of their batches, so the two must agree:
per-step losses (the mean of the workers' losses = the global batch's), the final loss, and
every variable of the chief's checkpoint.
"""
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import compat_tf as tf
from cluster_processes import EXAMPLE, free_ports, read_results, start
from cluster_processes import env as cluster_env
from parallel_subprocess import run_script

HERE = os.path.dirname(os.path.abspath(__file__))
WORKERS, STEPS, BATCH = 3, 12, 8


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    d = tmp_path_factory.mktemp("reference")
    r = run_script(os.path.join(HERE, "cluster_reference.py"), n_devices=WORKERS,
                   args=[str(WORKERS), str(STEPS), str(BATCH), str(d / "model.ckpt")])
    r["checkpoint"] = str(d / "model.ckpt")
    return r


def _checkpoint_values(prefix):
    reader = tf.train.load_checkpoint(prefix)
    return {k: reader.get_tensor(k) for k in reader.get_variable_to_shape_map()}


def _check_against_reference(results, ckpt_dir, reference):
    assert reference["n_devices"] == WORKERS
    losses = np.array([r["losses"] for r in results])                      # [worker, step]
    assert losses.shape == (WORKERS, STEPS)
    # each worker's loss is its own batch's; their mean is the global batch's loss
    np.testing.assert_allclose(losses.mean(axis=0), reference["losses"], rtol=2e-5, atol=1e-6)
    assert reference["losses"][-1] < 0.5 * reference["losses"][0]            # it trained
    for r in results:                                                        # every worker, same model
        np.testing.assert_allclose(r["full_loss"], reference["full_loss"], rtol=2e-5)
        for k, v in r["final"].items():
            np.testing.assert_array_equal(v, results[0]["final"][k], err_msg=k)
    latest = tf.train.latest_checkpoint(ckpt_dir)
    assert latest is not None and latest.endswith(f"model.ckpt-{STEPS}")
    got, want = _checkpoint_values(latest), _checkpoint_values(reference["checkpoint"])
    assert set(got) == set(want)              # SyncReplicasOptimizer's state is local: not saved
    assert int(got["global_step"]) == STEPS == int(want["global_step"])
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-4, atol=1e-6, err_msg=k)


def test_multiprocessing_local_cluster_matches_data_parallel(tmp_path, reference):
    """One command: the example starts 1 ps + 3 workers with multiprocessing; all exit 0."""
    proc = subprocess.run([sys.executable, EXAMPLE, f"--num_workers={WORKERS}", f"--train_steps={STEPS}",
                           f"--batch_size={BATCH}", f"--checkpoint_dir={tmp_path / 'ckpt'}",
                           f"--results={tmp_path / 'res'}"], env=cluster_env(),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    assert "train synchronously" in proc.stderr                 # the one-time log line
    _check_against_reference(read_results(tmp_path / "res", WORKERS), str(tmp_path / "ckpt"), reference)
    # the chief alone wrote checkpoints and summaries
    written = os.listdir(tmp_path / "ckpt")
    assert any(f.startswith("events.out.tfevents") for f in written)


@pytest.mark.slow
def test_separate_processes_with_flags_match_data_parallel(tmp_path, reference):
    """The tutorial's other form: one `python prog.py --job_name=... --task_index=...` per task."""
    ports = free_ports(1 + WORKERS)
    hosts = [f"--ps_hosts=localhost:{ports[0]}",
             "--worker_hosts=" + ",".join(f"localhost:{p}" for p in ports[1:])]
    common = [f"--train_steps={STEPS}", f"--batch_size={BATCH}", f"--checkpoint_dir={tmp_path / 'ckpt'}",
              f"--results={tmp_path / 'res'}"]
    tasks = [("ps", 0)] + [("worker", i) for i in range(WORKERS)]
    procs = [start([EXAMPLE, *hosts, *common, f"--job_name={job}", f"--task_index={i}"],
                   tmp_path / f"{job}{i}.log") for job, i in tasks]
    try:
        codes = [p.wait(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    logs = {f"{job}{i}": (tmp_path / f"{job}{i}.log").read_text() for job, i in tasks}
    assert codes == [0] * len(tasks), {k: v[-2000:] for k, v in logs.items()}
    _check_against_reference(read_results(tmp_path / "res", WORKERS), str(tmp_path / "ckpt"), reference)


RAW_SCRIPT = os.path.join(HERE, "cluster_raw_session_script.py")


@pytest.mark.parametrize("local_devices", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_plain_sessions_and_sync_replicas_aggregating_over_runs(tmp_path, local_devices):
    """tf.Session(server.target) without MonitoredTrainingSession: the chief alone initialises (its
    variables reach the other worker at the first step), and SyncReplicasOptimizer with
    replicas_to_aggregate=4 on 2 workers updates once every 2 runs, with the mean of the 4 gradients
    (TF1's aggregation, checked against TF-recorded values in tests/train/test_sync_replicas_optimizer.py).
    With 2 devices per worker the mesh is (worker, local): the same numbers."""
    import json
    ports = free_ports(2)
    procs = [start([RAW_SCRIPT, ",".join(map(str, ports)), str(i), str(tmp_path / f"w{i}.json")],
                   tmp_path / f"w{i}.log", n_devices=local_devices) for i in range(2)]
    try:
        codes = [p.wait(timeout=300) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert codes == [0, 0], [(tmp_path / f"w{i}.log").read_text()[-3000:] for i in range(2)]
    res = [json.load(open(tmp_path / f"w{i}.json")) for i in range(2)]
    assert res[0]["w"] == res[1]["w"] and res[0]["global_step"] == res[1]["global_step"] == [0, 1, 1, 2]
    # numpy: each update is one SGD step on the mean gradient of the 4 batches of its 2 runs
    sys.path.insert(0, HERE)
    from cluster_raw_session_script import W0, X, Y
    w = W0.astype(np.float64)
    want = []
    for r in range(4):
        if r % 2 == 1:
            batches = range(2 * (r - 1), 2 * (r + 1))
            grad = np.mean([2.0 / Y[i].size * X[i].T @ (X[i] @ w - Y[i]) for i in batches], axis=0)
            w = w - 0.2 * grad
        want.append(w.copy())
    np.testing.assert_allclose(res[0]["w"], want, rtol=1e-5, atol=1e-6)
    # a run-time check failing on one worker fails the step on both, and changes nothing
    assert res[1]["failed_step"][0] == "InvalidArgumentError" and "indices[1] = 9" in res[1]["failed_step"][1]
    assert res[0]["failed_step"][0] == "UnknownError" and "worker 1" in res[0]["failed_step"][1]
    for r in res:
        np.testing.assert_array_equal(r["after_failure"][0], r["w"][-1])
        assert r["after_failure"][1] == 2 and r["next_step_ran"]


KILL_SCRIPT = os.path.join(HERE, "cluster_kill_script.py")
HEARTBEAT_SECS = 10


@pytest.mark.slow
def test_a_killed_worker_makes_the_others_fail_within_the_timeout(tmp_path):
    """Worker 2 is killed (SIGKILL) mid-training: the ps and the other workers exit non-zero with a
    clear error instead of hanging (heartbeat timeout HEARTBEAT_SECS; the wait allows much more)."""
    ports = free_ports(1 + WORKERS)
    tasks = [("ps", 0)] + [("worker", i) for i in range(WORKERS)]
    procs = [start([KILL_SCRIPT, ",".join(map(str, ports)), job, str(i), str(HEARTBEAT_SECS * 1000)],
                   tmp_path / f"{job}{i}.log") for job, i in tasks]
    victim = procs[-1]
    try:
        log = tmp_path / f"worker{WORKERS - 1}.log"
        for _ in range(600):                     # until the victim has trained a few steps
            if victim.poll() is not None or "step 5" in log.read_text():
                break
            subprocess.run(["sleep", "0.5"])
        assert victim.poll() is None, log.read_text()[-3000:]
        victim.send_signal(signal.SIGKILL)
        codes = [p.wait(timeout=HEARTBEAT_SECS + 120) for p in procs[:-1]]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    logs = [(tmp_path / f"{job}{i}.log").read_text() for job, i in tasks[:-1]]
    assert all(c != 0 for c in codes), list(zip(codes, [t[-1500:] for t in logs]))
    for text in logs:
        assert ("another task of the cluster died" in text
                or "Terminating process because the JAX distributed service detected fatal errors" in text), \
            text[-3000:]
