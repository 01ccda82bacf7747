#!/usr/bin/env bash
# The GPU check of issue 11: on a machine with an NVIDIA GPU and a CUDA build of JAX, run the
# benchmark cases, the whole-program benchmarks and the data-parallel example on the GPU, and
# print their table. About 5-8 minutes. Run from the repository root:
#
#     bash benchmarks/gpu_check.sh            # results in benchmarks/results/gpu_*.json (or $OUT)
#
# Python packages compat_tf needs beyond what a CUDA JAX image has (tensorboardX, google-crc32c,
# fissix, pyfarmhash, ...) are installed from wheels in .whl/ when that folder exists (a machine
# without network: see the device tool's notes), else they must be installed already.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ -d .whl ]; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site:${PYTHONPATH:-}
fi
export PYTHONPATH=$PWD:${PYTHONPATH:-} PYTHONUNBUFFERED=1
RES=${OUT:-benchmarks/results}
mkdir -p "$RES"

echo "== device"
$PY - <<'EOF'
import jax
print("jax", jax.__version__, "backend", jax.default_backend(), "devices", jax.devices())
assert jax.default_backend() == "gpu", "no GPU backend: this check is for a GPU machine"
EOF

echo "== benchmark cases (compat_tf vs JAX + optax on the GPU)"
timeout 300 $PY benchmarks/run.py --quick --only session_overhead --only mlp_step --only cnn_step \
    --only first_run --only cnn_first_run --only new_batch_size --only second_process \
    --json "$RES/gpu_cases.json"

echo "== whole programs (compat_tf, GPU; no TF1 column)"
timeout 240 $PY benchmarks/programs.py --no-tf --only mnist_cnn --only char_rnn --only text_cnn \
    --json "$RES/gpu_programs.json"

echo "== data-parallel example and multi-device tests on the GPU"
timeout 120 $PY -m compat_tf run examples/data_parallel_mlp.py
timeout 120 $PY -m pytest -q -x tests/parallel -p no:cacheprovider
