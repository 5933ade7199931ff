#!/usr/bin/env bash
# Trains the PyTorch example, then takes its run through lambdahat: import -> trajectory -> stages -> report.
# Usage: examples/python/run.sh [OUT] [STEPS] [EVERY]   (defaults: runs/pytorch-induction 600 50)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bin/torch-env.sh  # LAMBDAHAT_PYTHON: the PyTorch 2.x whose libtorch is the engine
out=${1:-runs/pytorch-induction}
steps=${2:-600}
every=${3:-50}
"$LAMBDAHAT_PYTHON" examples/python/train_induction.py "$out/pytorch" --steps "$steps" --every "$every"
./lambdahat import --torchscript "$out/pytorch/model.pt" --checkpoints "$out/pytorch/checkpoints/*.safetensors" \
  --data "$out/pytorch/data.safetensors" --metrics "$out/pytorch/log.jsonl" --out "$out/run"
./lambdahat trajectory --run "$out/run" --chains 2 --draws 100 --burnin 50 --batch 32 --nbeta 100 --epsilon 1e-4
./lambdahat stages --run "$out/run"
./lambdahat report --run "$out/run"
