#!/usr/bin/env bash
# λ̂ sampling on the induction transformer (2 attention-only layers, d_model 32, 1 head; batch 32): ms per chain-step of
# lambdahat's chain-batched SGLD (sampling.TransformerLlcBench, C chains in one batched step) against a plain PyTorch
# SGLD loop over the same model that runs its chains one after another (bench/python/transformer_llc_sequential.py, as
# devinterp does). The sides alternate for ROUNDS rounds (default 3) and the summary prints each round's ratio
# PyTorch / lambdahat per C and their median: on a shared machine both drift by ±20 % over minutes, a ratio of
# neighbouring runs much less. Target (issue 19): ≥ 1.5× at C = 8. Both sides have the machine's cores: PyTorch's loop
# runs each op on one thread (libtorch's pool at one thread: its fastest on this model, bench/README.md), lambdahat
# evaluates groups of chains on the cores that pool leaves idle (its default); the figure with all chains on one
# thread is printed beside it.
# Usage: [ROUNDS=3] bench/transformer_llc.sh [steps] [chains,...]   (after mvn -q -DskipTests test-compile)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-200}
chains=${2:-1,4,8}
rounds=${ROUNDS:-3}
# libtorch's intra-op pool at one thread on both sides, and OpenBLAS's own pool bounded too (its idle threads spin
# beside the caller)
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
out=${OUT:-target/transformer-llc}
mkdir -p "$out"
source bin/java-home.sh
source bin/torch-env.sh  # LAMBDAHAT_PYTHON: the PyTorch 2.x whose libtorch is the engine
[ -s target/bench.cp ] || mvn -q -B -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.cp >&2
for r in $(seq 1 "$rounds"); do
  java -XX:-UseProfiledLoopPredicate --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir=target/native \
      -cp "target/classes:target/test-classes:$(cat target/bench.cp)" \
      io.lambdahat.sampling.TransformerLlcBench "$steps" "$chains" 32768 sampler 2>&1 | grep -v '^WARNING' | tee "$out/java-$r.txt"
  "$LAMBDAHAT_PYTHON" bench/python/transformer_llc_sequential.py "$steps" "$chains" 1 | tee "$out/python-$r.txt"
done
"$LAMBDAHAT_PYTHON" - "$out" "$rounds" <<'PY'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
ratios = {}
for r in range(1, rounds + 1):
    text = open(f"{out}/java-{r}.txt").read()
    java = {int(c): float(ms) for c, ms in re.findall(r"sampler C = (\d+): .*?, ([0-9.]+) ms per chain-step", text)}
    one = {int(c): float(ms) for c, ms in re.findall(r"sampler C = (\d+), one thread: .*?, ([0-9.]+) ms per chain-step", text)}
    py = {int(c): float(ms) for c, ms in re.findall(r"sequential C = (\d+): ([0-9.]+) ms per chain-step", open(f"{out}/python-{r}.txt").read())}
    for c in sorted(java):
        if c in py:
            ratios.setdefault(c, []).append(py[c] / java[c])
            alone = f" (chains on one thread: {one[c]:.3f} ms, {py[c] / one[c]:.2f}x)" if c in one else ""
            print(f"round {r}, C = {c}: lambdahat {java[c]:.3f} ms, PyTorch sequential {py[c]:.3f} ms per chain-step: {py[c] / java[c]:.2f}x{alone}")
for c, v in sorted(ratios.items()):
    print(f"C = {c}: PyTorch / lambdahat per chain-step, median over {len(v)} rounds: {statistics.median(v):.2f}x ({', '.join(f'{x:.2f}' for x in v)})")
PY
