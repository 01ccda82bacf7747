#!/usr/bin/env bash
# The accelerator checks, for a machine with NVIDIA GPUs and JAX with CUDA installed (nothing is
# installed here, except wheels from .whl/ when that folder exists: a machine without network).
# From the repo root:
#     bash scripts/gpu_check.sh [OUT_DIR]          # about 8-12 minutes; logs and JSON in OUT_DIR
# 1. benchmarks/gpu_check.py (multi-device, issue 16): /gpu:0 mapping and a real-GPU train step
#    against the CPU backend, towers on distinct GPUs (or TF1's soft-placement fallback on one GPU),
#    data-parallel scaling;
# 2. the speed cases and whole programs (issue 11) on the GPU: benchmarks/run.py (compat_tf vs JAX +
#    optax) and benchmarks/programs.py (no TF1 column);
# 3. examples/data_parallel_mlp.py over every GPU (checks itself against one device) and the
#    multi-device and multi-process tests (host CPU devices and gloo, as on any machine).
# Exit status: non-zero when any of them fails.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
OUT=${1:-${OUT:-/tmp/gpu_check}}
mkdir -p "$OUT"
if [ -d .whl ]; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
rc=0
nvidia-smi -L || true
"$PY" -c "import jax; print('jax', jax.__version__, jax.default_backend(), jax.devices())" || exit 1
"$PY" benchmarks/gpu_check.py --json "$OUT/gpu_check.json" 2>&1 | tee "$OUT/gpu_check.log" || rc=1
timeout 300 "$PY" benchmarks/run.py --quick --only session_overhead --only mlp_step --only cnn_step \
    --only first_run --only cnn_first_run --only new_batch_size --only second_process \
    --json "$OUT/gpu_cases.json" 2>&1 | tee "$OUT/gpu_cases.log" || rc=1
timeout 240 "$PY" benchmarks/programs.py --no-tf --only mnist_cnn --only char_rnn --only text_cnn \
    --json "$OUT/gpu_programs.json" 2>&1 | tee "$OUT/gpu_programs.log" || rc=1
"$PY" examples/data_parallel_mlp.py 2>&1 | tee "$OUT/data_parallel_mlp.log" || rc=1
"$PY" -m pytest -q -p no:cacheprovider tests/parallel 2>&1 | tail -n 30 | tee "$OUT/tests_parallel.log" || rc=1
echo "gpu_check: exit $rc (logs in $OUT)"
exit $rc
