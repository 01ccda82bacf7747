"""Starting TF1 cluster programs as processes for tests/parallel/test_cluster.py."""
import json
import os
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "cluster_training.py")


def env(n_devices=1):
    e = dict(os.environ)
    e["JAX_PLATFORMS"] = "cpu"
    e["PYTHONPATH"] = ROOT + os.pathsep + e.get("PYTHONPATH", "")
    flags = " ".join(f for f in e.get("XLA_FLAGS", "").split() if "force_host_platform_device_count" not in f)
    e["XLA_FLAGS"] = (flags + f" --xla_force_host_platform_device_count={n_devices}").strip()
    return e


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def start(args, log_path, n_devices=1):
    """A Python process running `args`, its stdout and stderr in `log_path`."""
    log = open(log_path, "w")
    return subprocess.Popen([sys.executable, *args], env=env(n_devices), stdout=log, stderr=subprocess.STDOUT,
                            cwd=ROOT)


def read_results(prefix, num_workers):
    out = []
    for i in range(num_workers):
        with open(f"{prefix}.{i}.json") as f:
            out.append(json.load(f))
    return out
