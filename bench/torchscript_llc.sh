#!/usr/bin/env bash
# λ̂ of the induction transformer written in PyTorch (examples/python/train_induction.py) and scripted, CHAINS chains ×
# DRAWS draws, batch 32, CPU, libtorch's intra-op pool at one thread on every side (PyTorch's fastest here; lambdahat
# evaluates groups of chains on the cores the pool leaves idle, and prints the one-thread figure beside it), all on the same weights (the built-in model's initialisation,
# converted by examples/python/from_lambdahat.py) and the same data:
#   1. lambdahat's TorchScript path (all chains in one forward under functorch's batching, the module's parameters
#      bound as batched views of the [C, P] weights; one backward for all; fused SGLD update) against a plain PyTorch
#      SGLD loop over the same scripted module with the chains one after another, as devinterp does
#      (bench/python/torchscript_sgld.py)                                                            target ≥ 2×
#   2. the TorchScript path against lambdahat's built-in transformer (chain-batched)                  target ≤ 1.2×
# Both lambdahat sides are timed in one JVM after a warm-up (torchscript.TorchScriptLlcBench); ROUNDS rounds alternate
# the JVM and the PyTorch loop, and the summary prints each round's ratios and their median.
# Usage: [ROUNDS=1] bench/torchscript_llc.sh [CHAINS] [DRAWS]   (defaults 8 200; after mvn -q -DskipTests test-compile)
# On a loaded 2-core machine `bench/torchscript_llc.sh 8 50` takes a few minutes instead of ~15.
set -euo pipefail
cd "$(dirname "$0")/.."
chains=${1:-8}
draws=${2:-200}
rounds=${ROUNDS:-1}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
dir=target/bench-torchscript
mkdir -p "$dir"
source bin/java-home.sh
source bin/torch-env.sh  # LAMBDAHAT_PYTHON: the PyTorch 2.x whose libtorch is the engine
[ -s target/bench.cp ] || mvn -q -B -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.cp >&2
java_bench() {
  java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir=target/native \
      -cp "target/classes:target/test-classes:$(cat target/bench.cp)" io.lambdahat.torchscript.TorchScriptLlcBench "$@" 2>&1 | { grep -v '^WARNING' || true; }
}
java_bench prepare "$dir"
"$LAMBDAHAT_PYTHON" examples/python/from_lambdahat.py "$dir/builtin.safetensors" "$dir/scripted" >/dev/null
for r in $(seq 1 "$rounds"); do
  java_bench time "$dir" "$chains" "$draws" 32 | tee "$dir/java-$r.txt"
  "$LAMBDAHAT_PYTHON" bench/python/torchscript_sgld.py "$dir/scripted/model.pt" "$dir/scripted/state.safetensors" "$dir/data.safetensors" \
      "$chains" "$draws" 32 | tee "$dir/python-$r.txt"
done
"$LAMBDAHAT_PYTHON" - "$dir" "$rounds" <<'PY'
import json, re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
vs_pytorch, vs_builtin = [], []
for r in range(1, rounds + 1):
    text = open(f"{out}/java-{r}.txt").read()
    java = dict(re.findall(r"^(built-in|torchscript): .*?([0-9.]+) ms per chain-step", text, re.M))
    one = dict(re.findall(r"^(built-in|torchscript), one thread: .*?([0-9.]+) ms per chain-step", text, re.M))
    builtin, ts = float(java["built-in"]), float(java["torchscript"])
    py = 1e3 * json.loads(open(f"{out}/python-{r}.txt").read())["seconds_per_chain_step"]
    vs_pytorch.append(py / ts)
    vs_builtin.append(ts / builtin)
    print(f"round {r}: built-in {builtin:.3f} ms, TorchScript {ts:.3f} ms, PyTorch chains one after another {py:.3f} ms per chain-step"
          f" (lambdahat's chains on one thread: built-in {float(one['built-in']):.3f} ms, TorchScript {float(one['torchscript']):.3f} ms,"
          f" PyTorch / TorchScript {py / float(one['torchscript']):.2f}x)")
print(f"PyTorch loop / lambdahat TorchScript: median {statistics.median(vs_pytorch):.2f}x (target >= 2x)")
print(f"lambdahat TorchScript / built-in transformer: median {statistics.median(vs_builtin):.2f}x (target <= 1.2x)")
PY
