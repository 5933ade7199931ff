#!/usr/bin/env bash
# End-to-end λ̂ benchmark: lambdahat (io.lambdahat.bench.LlcEndToEnd) against two Python references on Debian's
# "$LAMBDAHAT_PYTHON" (torch 1.13.1, the libtorch lambdahat links): a loop structured like devinterp's
# (bench/python/llc_devinterp_style.py) and the fastest batched PyTorch we could write (bench/python/llc_batched.py).
# Every side runs libtorch (and the BLAS under it) on one thread. lambdahat runs as configured by default (the fused
# Vector API SGLD update, MALA diagnostic on) and with MALA off, and with the libtorch-ops update for comparison.
# Then lambdahat's chain scaling (C = 1 … 16) and a per-step profile.
# Prints the tables of bench/python/llc_e2e_table.py; the raw JSON lines stay in $OUT/results.jsonl.
#
#   bench/llc-e2e.sh                 # everything (about 8–10 minutes on a shared 2-core machine)
#   REPEATS=3 MLP_REPEATS=20 bench/llc-e2e.sh   # more repeats of the fast implementations
#   BUILD=0 bench/llc-e2e.sh         # reuse target/classes (built with -Pbench)
#   ONLY=mlp bench/llc-e2e.sh        # one part: mlp, dln, scaling or profile
#   SCALING_MALA=off bench/llc-e2e.sh  # chain scaling without the MALA diagnostic
#
# Settings (from the issue):
#   MLP 8-16-3 (ReLU, MSE), n = 1000, batch 100, 4 chains, 100 burn-in + 200 draws, ε = 1e-3, γ = 100, nβ = n/ln n.
#     Inputs U[−1, 1]: with U[−10, 10] ε = 1e-3 diverges on every side (the mlp-range10 rows show it).
#   DLN [6,5,4,6], teacher rank 2 (Aoyagi's λ = 13), n = 10 000 inputs U[−10, 10], batch 500, 4 chains,
#     500 burn-in + 2000 draws, γ = 1, nβ = n/ln n; ε = 1e-4 (diverges, reported for every side) and ε = 1e-6.
# The devinterp-style DLN estimate at ε = 1e-6 runs once (its 4 chains run one after another, so their times are the
# repeats); at ε = 1e-4 it stops each chain at its divergence (--stop-at-divergence), so only its λ̂ and divergence
# steps are compared there, not its time.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/java-home.sh
source bin/torch-env.sh  # LAMBDAHAT_PYTHON: the PyTorch 2.x whose libtorch is the engine

PY="$LAMBDAHAT_PYTHON"
# torch.set_num_threads / Torch.setThreads(1) bound libtorch's own pool; the BLAS libtorch calls (OpenBLAS where
# bin/setup installed it) has its own, so both sides pin it too.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
OUT=${OUT:-target/llc-e2e}
REPEATS=${REPEATS:-2}        # warm DLN estimates of the fast implementations (the JVM adds a cold run 0)
MLP_REPEATS=${MLP_REPEATS:-10}  # the MLP estimates are short: more of them, as the JIT keeps improving for several
ONLY=${ONLY:-all}
mkdir -p "$OUT"

if [ "${BUILD:-1}" = 1 ] || [ ! -f target/classes/io/lambdahat/bench/LlcEndToEnd.class ]; then
  mvn -q -B -Pbench -DskipTests package >&2
fi
[ -s target/bench.cp ] || mvn -q -B -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.cp >&2
CP="target/classes:$(cat target/bench.cp)"
JAVA=(java -XX:-UseProfiledLoopPredicate ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir=target/native
      -cp "$CP" io.lambdahat.bench.LlcEndToEnd)

RESULTS=$OUT/results.jsonl
: > "$RESULTS"
LOG=$OUT/commands.log
: > "$LOG"
run() {
  local cmd="$*"
  echo "+ ${cmd//"$CP"/'target/classes:$(cat target/bench.cp)'}" | tee -a "$LOG" >&2
  local started=$SECONDS
  "$@" 2> >(grep -v 'incubator modules' >&2) | tee -a "$RESULTS" > /dev/null
  echo "  ($((SECONDS - started)) s)" >&2
}
part() { [ "$ONLY" = all ] || [ "$ONLY" = "$1" ]; }

$PY bench/python/llc_e2e_data.py --task mlp --widths 8,16,3 --n 1000 --range 1 --out "$OUT/mlp" > /dev/null
$PY bench/python/llc_e2e_data.py --task mlp --widths 8,16,3 --n 1000 --range 10 --out "$OUT/mlp-range10" > /dev/null
$PY bench/python/llc_e2e_data.py --task dln --widths 6,5,4,6 --rank 2 --n 10000 --range 10 --out "$OUT/dln" > /dev/null

MLP=(--chains 4 --burnin 100 --draws 200 --batch 100 --eps 1e-3 --gamma 100)
DLN=(--chains 4 --burnin 500 --draws 2000 --batch 500 --gamma 1)
DEVINTERP=("$PY" bench/python/llc_devinterp_style.py)
BATCHED=("$PY" bench/python/llc_batched.py)
JAVA_RUNS=$((REPEATS + 1))  # run 0 is the JVM's cold run

if part mlp; then
  L=(--label mlp)
  run "${DEVINTERP[@]}" --data "$OUT/mlp" "${MLP[@]}" --repeats 3 "${L[@]}"
  run "${BATCHED[@]}" --data "$OUT/mlp" "${MLP[@]}" --repeats "$MLP_REPEATS" "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/mlp" "${MLP[@]}" --repeats "$((MLP_REPEATS + 1))" --mala on "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/mlp" "${MLP[@]}" --repeats "$((MLP_REPEATS + 1))" --mala off "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/mlp" "${MLP[@]}" --repeats "$((MLP_REPEATS + 1))" --mala on --update torch "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/mlp" "${MLP[@]}" --repeats "$((MLP_REPEATS + 1))" --mala on --gradient autograd "${L[@]}"
  L=(--label mlp-range10)
  run "${DEVINTERP[@]}" --data "$OUT/mlp-range10" "${MLP[@]}" --stop-at-divergence "${L[@]}"
  run "${BATCHED[@]}" --data "$OUT/mlp-range10" "${MLP[@]}" "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/mlp-range10" "${MLP[@]}" --repeats 1 "${L[@]}"
fi

if part dln; then
  L=(--label dln-eps1e-4)
  run "${DEVINTERP[@]}" --data "$OUT/dln" "${DLN[@]}" --eps 1e-4 --stop-at-divergence "${L[@]}"
  run "${BATCHED[@]}" --data "$OUT/dln" "${DLN[@]}" --eps 1e-4 "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/dln" "${DLN[@]}" --eps 1e-4 --repeats 1 "${L[@]}"
  L=(--label dln-eps1e-6)
  run "${BATCHED[@]}" --data "$OUT/dln" "${DLN[@]}" --eps 1e-6 --repeats "$REPEATS" "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/dln" "${DLN[@]}" --eps 1e-6 --repeats "$JAVA_RUNS" --mala on "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/dln" "${DLN[@]}" --eps 1e-6 --repeats "$JAVA_RUNS" --mala off "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/dln" "${DLN[@]}" --eps 1e-6 --repeats "$JAVA_RUNS" --mala on --update torch "${L[@]}"
  run "${JAVA[@]}" e2e --data "$OUT/dln" "${DLN[@]}" --eps 1e-6 --repeats "$JAVA_RUNS" --mala on --gradient autograd "${L[@]}"
  run "${DEVINTERP[@]}" --data "$OUT/dln" "${DLN[@]}" --eps 1e-6 --repeats 1 "${L[@]}"
fi

if part scaling; then
  run "${JAVA[@]}" scaling --data "$OUT/mlp" --batch 100 --eps 1e-3 --gamma 100 --steps 200 --warmup 50 --repeats 3 --mala "${SCALING_MALA:-on}"
  run "${JAVA[@]}" scaling --data "$OUT/dln" --batch 500 --eps 1e-6 --gamma 1 --steps 200 --warmup 50 --repeats 2 --mala "${SCALING_MALA:-on}"
fi

if part profile; then
  for u in default torch; do
    run "${JAVA[@]}" profile --data "$OUT/mlp" --batch 100 --eps 1e-3 --gamma 100 --steps 800 --warmup 400 --update $u
  done
  run "${JAVA[@]}" profile --data "$OUT/mlp" --batch 100 --eps 1e-3 --gamma 100 --steps 800 --warmup 400 --gradient autograd
  run "${BATCHED[@]}" --data "$OUT/mlp" --chains 4 --burnin 400 --draws 800 --batch 100 --eps 1e-3 --gamma 100 --profile --label profile
  for u in default torch; do
    run "${JAVA[@]}" profile --data "$OUT/dln" --batch 500 --eps 1e-6 --gamma 1 --steps 800 --warmup 400 --update $u
  done
  run "${JAVA[@]}" profile --data "$OUT/dln" --batch 500 --eps 1e-6 --gamma 1 --steps 800 --warmup 400 --gradient autograd
  run "${BATCHED[@]}" --data "$OUT/dln" --chains 4 --burnin 400 --draws 800 --batch 500 --eps 1e-6 --gamma 1 --profile --label profile
fi

echo
echo "machine: $(nproc --all) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); $($PY -c 'import torch; print("python torch", torch.__version__)'); BLAS $(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || echo '?')"
$PY bench/python/llc_e2e_table.py "$RESULTS"
