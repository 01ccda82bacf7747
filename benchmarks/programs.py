"""Whole TF1 programs, timed end to end on compat_tf and (optionally) on real TensorFlow.

Each program in benchmarks/programs/ is ordinary TF1 code (`import tensorflow as tf`) that prints
a `BENCH {...}` line with its phase timings. This runner starts it in a fresh process per backend
and reports the process wall time (imports included, as a user waits for it) and the phases:

  compat_tf        `tensorflow` bound to compat_tf, a fresh empty compilation cache (a first run)
  compat_tf (2nd)  the same again, reusing the cache the first process wrote (--second-process)
  tf1              real TensorFlow's tf.compat.v1 with v2 behaviour disabled, from another
                   Python (--tf-python, $BENCH_TF_PYTHON, or .venv-tf/bin/python when present)

usage: python benchmarks/programs.py [--only NAME] [--rounds N] [--policy auto|compile|interpret]
                                     [--second-process] [--tf-python PATH] [--json PATH]
The median over --rounds is reported; rounds alternate between the backends.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROGRAMS = os.path.join(HERE, "programs")

BOOT = r'''
import os, runpy, sys
backend, prog = sys.argv[1], sys.argv[2]
sys.argv = sys.argv[2:]
sys.path.insert(0, os.path.dirname(prog))
if backend == "tf1":
    import tensorflow.compat.v1 as v1
    v1.disable_v2_behavior()
    sys.modules["tensorflow"] = v1
else:
    import compat_tf
    compat_tf.install()
runpy.run_path(prog, run_name="__main__")
'''


def _tf_python(arg):
    for cand in (arg, os.environ.get("BENCH_TF_PYTHON"), os.path.join(ROOT, ".venv-tf", "bin", "python")):
        if cand and os.path.exists(cand):
            return os.path.abspath(cand)
    return None


def run_once(python, backend, prog, env_extra=None, timeout=1800):
    env = dict(os.environ)
    env.update(env_extra or {})
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["TF_USE_LEGACY_KERAS"] = "1"            # TF 2.x's compat.v1 RNN cells need Keras 2
    if backend == "compat_tf":
        env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.perf_counter()
    r = subprocess.run([python, "-c", BOOT, backend, prog], capture_output=True, text=True, timeout=timeout,
                       env=env, cwd=tempfile.gettempdir())
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        return {"error": (r.stderr or r.stdout)[-1500:]}
    bench = [line for line in r.stdout.splitlines() if line.startswith("BENCH ")]
    out = json.loads(bench[-1][6:]) if bench else {}
    out["wall_s"] = wall
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", help="program name(s), e.g. mnist_cnn")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--policy", default=None, help="COMPAT_TF_EXECUTION for the compat_tf runs")
    ap.add_argument("--second-process", action="store_true", help="also time a second process with the cache")
    ap.add_argument("--tf-python", default=None)
    ap.add_argument("--no-tf", action="store_true")
    ap.add_argument("--json", default=os.path.join(HERE, "results", "programs.json"))
    args = ap.parse_args()
    tf_python = None if args.no_tf else _tf_python(args.tf_python)
    names = sorted(f[:-3] for f in os.listdir(PROGRAMS) if f.endswith(".py") and not f.startswith("_"))
    if args.only:
        names = [n for n in names if n in args.only]
    results = {}
    for name in names:
        prog = os.path.join(PROGRAMS, name + ".py")
        runs = {"compat_tf": [], "compat_tf_2nd": [], "tf1": []}
        for _ in range(args.rounds):
            cache = tempfile.mkdtemp(prefix="compat_tf_cache_")
            env = {"COMPAT_TF_COMPILATION_CACHE": cache}
            if args.policy:
                env["COMPAT_TF_EXECUTION"] = args.policy
            runs["compat_tf"].append(run_once(sys.executable, "compat_tf", prog, env))
            if args.second_process:
                runs["compat_tf_2nd"].append(run_once(sys.executable, "compat_tf", prog, env))
            shutil.rmtree(cache, ignore_errors=True)
            if tf_python:
                runs["tf1"].append(run_once(tf_python, "tf1", prog))
        results[name] = {k: _median(v) for k, v in runs.items() if v}
        print(_row(name, results[name]), flush=True)
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": {"cpus": os.cpu_count(), "policy": args.policy or "auto", "rounds": args.rounds,
                            "tf_python": tf_python}, "results": results}, f, indent=1)
    print(f"wrote {args.json}")


def _median(runs):
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[-1]
    out = {"wall_s": statistics.median(r["wall_s"] for r in ok), "phases": {}}
    for k in ok[0].get("phases", {}):
        vals = [r["phases"][k] for r in ok if k in r.get("phases", {})]
        out["phases"][k] = statistics.median(vals)
    return out


def _row(name, res):
    parts = [f"{name:<18}"]
    for k in ("compat_tf", "compat_tf_2nd", "tf1"):
        r = res.get(k)
        if r is None:
            continue
        if "error" in r:
            parts.append(f"{k}: ERROR {r['error'].strip().splitlines()[-1][:120]}")
            continue
        ph = ", ".join(f"{p} {v:.2f}" for p, v in r["phases"].items())
        parts.append(f"{k}: {r['wall_s']:.1f} s ({ph})")
    ct, t1 = res.get("compat_tf"), res.get("tf1")
    if ct and t1 and "wall_s" in ct and "wall_s" in t1:
        parts.append(f"ratio {ct['wall_s'] / t1['wall_s']:.2f}x")
    return " | ".join(parts)


if __name__ == "__main__":
    main()
