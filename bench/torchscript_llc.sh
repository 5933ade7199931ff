#!/usr/bin/env bash
# λ̂ of the scripted induction transformer (examples/python), 8 chains × 200 draws, batch 32, CPU:
#   lambdahat's TorchScript path (chains bound as views, one backward for all, fused SGLD update) against a plain
#   PyTorch SGLD loop over the same scripted module with the chains one after another (as devinterp does).
# Both sides run back to back in this one script; it prints the ratio (target ≥ 2×).
# Usage: bench/torchscript_llc.sh [CHAINS] [DRAWS]
set -euo pipefail
cd "$(dirname "$0")/.."
chains=${1:-8}
draws=${2:-200}
dir=target/bench-torchscript
if [ ! -f "$dir/model.pt" ]; then
  /usr/bin/python3 examples/python/train_induction.py "$dir" --steps 300 --every 300 >/dev/null
fi
ckpt=$dir/checkpoints/step_000300.safetensors
t0=$(date +%s.%N)
./lambdahat llc --torchscript "$dir/model.pt" --checkpoint "$ckpt" --data "$dir/data.safetensors" --chains "$chains" \
  --draws "$draws" --burnin 0 --batch 32 --nbeta 100 --lr 1e-4 --no-mala --json > "$dir/llc.json"
t1=$(date +%s.%N)
ours=$(python3 -c "print(($t1 - $t0) / ($chains * $draws))")
theirs=$(/usr/bin/python3 bench/python/torchscript_sgld.py "$dir/model.pt" "$ckpt" "$dir/data.safetensors" "$chains" "$draws" 32 \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_chain_step"])')
python3 - "$ours" "$theirs" <<'PY'
import sys
ours, theirs = map(float, sys.argv[1:3])
print(f"lambdahat --torchscript: {ours*1e3:.3f} ms per chain-step (whole command, JVM start included)")
print(f"PyTorch loop, chains one after another: {theirs*1e3:.3f} ms per chain-step")
print(f"ratio (PyTorch / lambdahat): {theirs/ours:.2f}x  (target >= 2x)")
PY
