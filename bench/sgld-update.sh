#!/usr/bin/env bash
# The CPU SGLD step of one chain (float32, P parameters, noise and norms included) four ways, on one thread:
# the Vector API kernel (io.lambdahat.simd.SimdProvider.get().sgldKernel()), its scalar twin, the same step as
# libtorch ops (randn, w − w*, drift, in-place adds, norms; libtorch at one intra-op thread), and a STREAM-style triad
# a = b + s·c over the 16 bytes per parameter the step moves (the memory-bandwidth reference).
# JMH benchmark: bench/jmh/io/lambdahat/bench/SgldUpdateBench.java.
#
# Prints, per P: ns per parameter of each variant, libtorch-ops/vector (target ≥ 3) and the fraction of the
# triad's bandwidth the vector step reaches, triad/vector (target ≥ 0.6 at large P). Ratios use the CPU time of the
# benchmark thread (JMH aux counters): on a shared machine the wall time also counts waiting for a core. The wall
# times follow for reference. Every variant runs in the same invocation; about 4 minutes on 2 cores, plus the wait
# for another JMH run on the machine, if any.
#
# Usage: bench/sgld-update.sh [--no-build] [--extra]
#   --no-build  reuse target/ as it is
#   --extra     also run the noise alone (vectorNoise), the libtorch step without its norms (torchUpdateOnly) and
#               the vector step with its three Tensor.data() calls, as the sampler takes it (vectorViaData)
# Environment: JMH_OPTS (default "-f 1 -wi 2 -w 1s -i 3 -r 1s"), SIZES (default "1000,10000,100000,1000000,10000000").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build=1
variants='vector|scalar|torchOps|triad'
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --extra) variants="$variants|vectorNoise|torchUpdateOnly|vectorViaData" ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "sgld-update.sh: unknown argument '$arg' (use --no-build, --extra or --help)" >&2; exit 2 ;;
  esac
done

# shellcheck source=/dev/null
source "$root/bin/java-home.sh"
if [ "$build" = 1 ]; then
  echo "== building (mvn -Pbench package, which also builds target/native)" >&2
  mvn -q -B -Pbench -DskipTests package
  mvn -q -B -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.cp
fi
for f in target/native/liblambdahat_torch.so target/bench.cp target/classes/META-INF/BenchmarkList; do
  [ -e "$f" ] || { echo "sgld-update.sh: $f is missing; run without --no-build." >&2; exit 1; }
done

csv="$root/target/sgld-update.csv"
flags="-XX:-UseProfiledLoopPredicate --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dlambdahat.native.dir=$root/target/native"
# -Xbatch: compile in the foreground, so that a busy machine does not leave the first seconds of a fork in the
# interpreter, where one Vector API step of 10⁷ parameters takes minutes.
# JMH runs one benchmark at a time per machine (its lock, /tmp/jmh.lock): wait up to ten minutes for another run.
for attempt in $(seq 1 40); do
  # shellcheck disable=SC2086
  if java $flags -cp "target/classes:$(cat target/bench.cp)" org.openjdk.jmh.Main "SgldUpdateBench\.($variants)\$" \
      -p p="${SIZES:-1000,10000,100000,1000000,10000000}" ${JMH_OPTS:--f 1 -wi 2 -w 1s -i 3 -r 1s} \
      -rf csv -rff "$csv" -jvmArgsAppend "$flags -Xbatch" >"$root/target/sgld-update.log" 2>&1; then
    break
  fi
  if grep -q "Unable to acquire the JMH lock" "$root/target/sgld-update.log" && [ "$attempt" -lt 40 ]; then
    [ "$attempt" = 1 ] && echo "== another JMH run holds /tmp/jmh.lock; waiting for it" >&2
    sleep 15
    continue
  fi
  tail -30 "$root/target/sgld-update.log" >&2
  exit 1
done

awk -F',' -v threads="$(nproc)" '
  function unq(s) { gsub(/"/, "", s); return s }
  NR > 1 {
    name = unq($1); sub(/.*SgldUpdateBench\./, "", name); p = unq($NF) + 0; score = unq($5) + 0
    split(name, part, ":")
    if (part[2] == "") wall[part[1], p] = score / p
    else if (part[2] == "cpuNanos") cpu[part[1], p] = score
    else if (part[2] == "calls") calls[part[1], p] = score
    sizes[p] = 1; seen[part[1]] = 1
  }
  END {
    n = 0; for (p in sizes) list[++n] = p + 0
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t }
    nv = split("vector scalar torchOps triad vectorNoise torchUpdateOnly vectorViaData", order, " ")
    printf "SGLD step of one chain, float32, one thread (libtorch: 1 intra-op thread); machine: %d cores\n", threads
    printf "CPU time of the benchmark thread, ns per parameter:\n%10s", "P"
    for (k = 1; k <= nv; k++) if (order[k] in seen) printf " %15s", order[k]
    printf " %13s %14s %13s\n", "torch/vector", "triad/vector", "scalar/vector"
    for (i = 1; i <= n; i++) {
      p = list[i]
      printf "%10d", p
      for (k = 1; k <= nv; k++) if (order[k] in seen) {
        v = order[k]; c[v] = (calls[v, p] > 0) ? cpu[v, p] / calls[v, p] / p : 0
        printf " %15.3f", c[v]
      }
      printf " %12.2fx %13.0f%% %12.1fx\n", c["torchOps"] / c["vector"], 100 * c["triad"] / c["vector"], c["scalar"] / c["vector"]
    }
    printf "\nWall-clock time (JMH score), ns per parameter:\n%10s", "P"
    for (k = 1; k <= nv; k++) if (order[k] in seen) printf " %15s", order[k]
    printf " %13s %14s\n", "torch/vector", "triad/vector"
    for (i = 1; i <= n; i++) {
      p = list[i]
      printf "%10d", p
      for (k = 1; k <= nv; k++) if (order[k] in seen) printf " %15.3f", wall[order[k], p]
      printf " %12.2fx %13.0f%%\n", wall["torchOps", p] / wall["vector", p], 100 * wall["triad", p] / wall["vector", p]
    }
    print "\nTargets: torch/vector >= 3; triad/vector >= 60% at large P (the triad moves the same 16 bytes per parameter)."
  }' "$csv"
echo "Raw results: $csv; JMH log: target/sgld-update.log"
