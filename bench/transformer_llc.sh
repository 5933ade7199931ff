#!/usr/bin/env bash
# λ̂ sampling on an attention-only transformer (batch 32): ms per chain-step of lambdahat's chain-batched SGLD
# (sampling.TransformerLlcBench, C chains in one batched step) against three PyTorch 2.x peers over the same model:
#   sequential  a plain SGLD loop, the chains one after another (bench/python/transformer_llc_sequential.py, as
#               devinterp runs them), one thread (libtorch's fastest on the small model)
#   vmap        torch.func.vmap(torch.func.grad_and_value(loss)) over the chains, eager (transformer_llc_vmap.py)
#   compile     the same under torch.compile (inductor; its compilation is left out as warm-up)
# The vmap peers and lambdahat have the same cores: lambdahat runs groups of chains on the cores with libtorch's pool at
# one thread (OMP_NUM_THREADS=1), the vmap peers run libtorch's pool on THREADS threads (default: all cores).
# The sides alternate for ROUNDS rounds (default 3) and the summary prints each ratio peer / lambdahat per C and their
# median: on a shared machine every side drifts by ±20 % over minutes, a ratio of neighbouring runs much less.
# Sizes (SIZE): induction (2 layers, 1 head, d_model 32, context 32, vocabulary 32, P = 11 360; default) or mid
# (2 layers, 8 heads, d_model 128, context 128, vocabulary 512, P = 278 912).
# Targets (issue 24): ≥ 2× sequential and ≥ 1.2× compile at both sizes.
# Usage: [ROUNDS=3] [SIZE=induction|mid] [PEERS=sequential,vmap,compile] bench/transformer_llc.sh [steps] [chains,...]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${SIZE:-induction}
steps=${1:-$([ "$size" = mid ] && echo 20 || echo 400)}
chains=${2:-$([ "$size" = mid ] && echo 4 || echo 1,4,8)}
rounds=${ROUNDS:-3}
peers=${PEERS:-sequential,vmap,compile}
threads=${THREADS:-$(nproc)}
n=$([ "$size" = mid ] && echo 4096 || echo 32768)
out=${OUT:-target/transformer-llc-$size}
mkdir -p "$out"
source bin/java-home.sh
source bin/torch-env.sh  # LAMBDAHAT_PYTHON: the PyTorch 2.x whose libtorch is the engine
[ -s target/bench.cp ] || mvn -q -B -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.cp >&2
for r in $(seq 1 "$rounds"); do
  OMP_NUM_THREADS=1 java -XX:-UseProfiledLoopPredicate --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
      -Dlambdahat.native.dir=target/native -cp "target/classes:target/test-classes:$(cat target/bench.cp)" \
      io.lambdahat.sampling.TransformerLlcBench "$steps" "$chains" "$n" sampler "$size" 2>&1 | grep -v '^WARNING' | tee "$out/java-$r.txt"
  : > "$out/python-$r.txt"
  case ",$peers," in *,sequential,*)
    OMP_NUM_THREADS=1 "$LAMBDAHAT_PYTHON" bench/python/transformer_llc_sequential.py "$steps" "$chains" 1 "$size" | tee -a "$out/python-$r.txt" ;; esac
  for mode in eager compile; do
    peer=$([ "$mode" = eager ] && echo vmap || echo compile)
    case ",$peers," in *,"$peer",*)
      "$LAMBDAHAT_PYTHON" bench/python/transformer_llc_vmap.py "$steps" "$chains" "$threads" "$mode" "$size" 2>&1 \
        | grep -v -i warning | tee -a "$out/python-$r.txt" ;; esac
  done
done
"$LAMBDAHAT_PYTHON" - "$out" "$rounds" <<'PY'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
ratios = {}
for r in range(1, rounds + 1):
    text = open(f"{out}/java-{r}.txt").read()
    java = {int(c): float(ms) for c, ms in re.findall(r"sampler C = (\d+): .*?, ([0-9.]+) ms per chain-step", text)}
    py = open(f"{out}/python-{r}.txt").read()
    peers = {"sequential": re.findall(r"sequential C = (\d+): ([0-9.]+) ms", py),
             "vmap": re.findall(r"vmap eager C = (\d+): ([0-9.]+) ms", py),
             "compile": re.findall(r"vmap compile C = (\d+): ([0-9.]+) ms", py)}
    for peer, found in peers.items():
        for c, ms in found:
            c, ms = int(c), float(ms)
            if c in java:
                ratios.setdefault((peer, c), []).append(ms / java[c])
                print(f"round {r}, C = {c}: lambdahat {java[c]:.3f} ms, PyTorch {peer} {ms:.3f} ms per chain-step: {ms / java[c]:.2f}x")
for (peer, c), v in sorted(ratios.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    print(f"C = {c}: PyTorch {peer} / lambdahat per chain-step, median over {len(v)} rounds: {statistics.median(v):.2f}x ({', '.join(f'{x:.2f}' for x in v)})")
PY
