#!/usr/bin/env bash
# ms per training step (forward + loss + backward, then the whole step with AdamW; batch 32) of the transformer in lambdahat and of the same model in
# plain PyTorch, one after the other on the same machine; both print the loss of the same deterministic weights.
# The two sides alternate for ROUNDS rounds (default 3), and the summary gives each round's ratio PyTorch / Java of
# the whole step with AdamW and their median: on a shared machine the speed of both drifts by ±20 % over minutes, and
# a ratio of neighbouring runs drifts much less than either time.
# Usage: [ROUNDS=3] bench/transformer_step.sh [threads] [steps] [chains,...]   (after mvn -DskipTests test-compile)
# Debian's libtorch calls whatever libblas.so.3 the system selects; the reference BLAS is many times slower than
# OpenBLAS for these small matrix products, so say which one ran (LD_LIBRARY_PATH can point at another).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-1}
steps=${2:-100}
chains=${3:-1,8}
rounds=${ROUNDS:-3}
# libtorch's own pool is set by both programs; the BLAS under it (OpenBLAS's pthread build where bin/setup put it)
# keeps a pool of its own whose idle threads spin in sched_yield beside the caller: bound it the same way on both sides
export OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads
out=${OUT:-target/transformer-step}
mkdir -p "$out"
source bin/java-home.sh
source bin/torch-env.sh  # LAMBDAHAT_PYTHON: the PyTorch 2.x whose libtorch is the engine
echo "libblas.so.3 -> $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)${LD_LIBRARY_PATH:+ (LD_LIBRARY_PATH=$LD_LIBRARY_PATH)}"
for r in $(seq 1 "$rounds"); do
  java -XX:-UseProfiledLoopPredicate --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir=target/native \
      -cp target/classes:target/test-classes io.lambdahat.nn.TransformerStepBench "$threads" "$steps" "$chains" 2>&1 | grep -v '^WARNING' | tee "$out/java-$r.txt"
  "$LAMBDAHAT_PYTHON" bench/python/transformer_step.py "$threads" "$steps" | tee "$out/python-$r.txt"
done
"$LAMBDAHAT_PYTHON" bench/python/transformer_step_table.py "$out" "$rounds"
