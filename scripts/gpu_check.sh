#!/usr/bin/env bash
# Issue 16's accelerator evidence, for a machine with NVIDIA GPUs and JAX with CUDA installed
# (the project's GPU lending machines have it; nothing is installed here). From the repo root:
#     bash scripts/gpu_check.sh [OUT_DIR]
# 1. benchmarks/gpu_check.py: /gpu:0 mapping and a real-GPU train step against the CPU backend,
#    towers on distinct GPUs (or TF1's soft-placement fallback on one GPU), data-parallel scaling;
# 2. examples/data_parallel_mlp.py over every GPU (checks itself against one device);
# 3. the multi-device and multi-process tests (host CPU devices and gloo, as on any machine).
# Exit status: non-zero when any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
OUT=${1:-/tmp/gpu_check}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
rc=0
nvidia-smi -L || true
"$PY" -c "import jax; print('jax', jax.__version__, jax.devices())" || exit 1
"$PY" benchmarks/gpu_check.py --json "$OUT/gpu_check.json" 2>&1 | tee "$OUT/gpu_check.log" || rc=1
"$PY" examples/data_parallel_mlp.py 2>&1 | tee "$OUT/data_parallel_mlp.log" || rc=1
"$PY" -m pytest -q -p no:cacheprovider tests/parallel 2>&1 | tail -n 30 | tee "$OUT/tests_parallel.log" || rc=1
echo "gpu_check: exit $rc (logs in $OUT)"
exit $rc
