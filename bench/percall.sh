#!/usr/bin/env bash
# Per-call cost of lambdahat's native boundary: one add of two 16-element float32 tensors, the result freed each
# time, on one libtorch intra-op thread, from C++ (the floor: native-build/bench/add_floor.cpp), from Java
# (bench/jmh PerCallBench: typed shim call and boxed dispatcher call, each closed explicitly or by a Scope) and
# from Python (bench/python/percall_add.py, torch 1.13 in Debian's python3).
#
# Prints ns/add per path and the ratios with targets: typed/C++ within 1.25x, boxed/Python below 1. The machine
# may be shared and its load change from second to second, so each figure comes three ways: the median (C++
# and Python rounds spread between the JMH runs, two short JMH runs per Java path), the best short window (the
# cost with the least interference), and paired rounds: add_floor's loop built as a library and timed inside
# the JVM, and the Python loop in a partner process run in lock step, interleaved round by round with the Java
# paths so that both sides of each ratio see one load. The paired ratios are the steadiest on a busy machine.
#
# Usage: bench/percall.sh [--breakdown] [--no-build]
#   --breakdown  also shows where the Java time over C++ goes: at::add against the shim's lh_add+free in one
#                native process (no JVM), and JMH runs of the bare generated downcalls, critical(false)
#                downcalls, the boxed call with a prefilled frame, an empty Scope and an empty downcall.
#                About a minute more.
#   --no-build   reuses target/ as it is.
# Environment: ROUNDS (C++ and Python rounds per block, default 25), CPP_ITERS and PY_ITERS (adds per round,
# default 4000), JMH_OPTS (default "-f 1 -wi 4 -w 1s -i 5 -r 500ms", for each path and pass), PAIRED (rounds
# and calls per path per round of the interleaved Java run, default "200 4000"), JMH_LOCK_WAIT (seconds to wait
# for another user's JMH run to end, default 900).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

breakdown=0
build=1
for arg in "$@"; do
  case "$arg" in
    --breakdown) breakdown=1 ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "percall.sh: unknown argument '$arg' (use --breakdown, --no-build or --help)" >&2; exit 2 ;;
  esac
done

source "$root/bin/torch-env.sh"
python=${LAMBDAHAT_PYTHON:-}
if [ "$lh_torch_found" != 0 ]; then
  echo "percall.sh: no python with PyTorch 2.x (looked at: ${lh_torch_looked_at[*]:-none}); run bin/setup." >&2
  exit 1
fi
# shellcheck source=/dev/null
source "$root/bin/java-home.sh"

out="$root/target/percall"
rm -rf "$out"
mkdir -p "$out"
if [ "$build" = 1 ]; then
  echo "== building (mvn -Pbench package, which also builds target/native)" >&2
  mvn -q -B -Pbench -DskipTests package
  mvn -q -B -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.cp
fi
for f in target/native/add_floor target/native/liblambdahat_torch.so target/bench.cp target/classes/META-INF/BenchmarkList; do
  [ -e "$f" ] || { echo "percall.sh: $f is missing; run without --no-build." >&2; exit 1; }
done

rounds=${ROUNDS:-25}
cpp_iters=${CPP_ITERS:-4000}
py_iters=${PY_ITERS:-4000}
jmh_opts=${JMH_OPTS:--f 1 -wi 4 -w 1s -i 5 -r 500ms}
paired=${PAIRED:-200 4000}
java_cmd=(java -XX:-UseProfiledLoopPredicate --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector
  -Dlambdahat.native.dir=target/native -cp "target/classes:$(cat target/bench.cp)")

# Native helpers are compiled with the flags CMake chose for add_floor, so they use the same libtorch as the
# floor and the shim whichever one target/native was configured with. Kept between runs in target/percall-native.
cmake_dir=target/native/CMakeFiles/add_floor.dir
native_dir="$root/target/percall-native"
mkdir -p "$native_dir"
build_native() {  # name extra-flags...: compiles $native_dir/name.cpp into $native_dir/name unless up to date
  local name=$1 src="$native_dir/$1.cpp" dst="$native_dir/$1" flags libs extra
  shift
  if [ -f "$dst" ] && [ "$dst" -nt "$src" ] && [ "$dst" -nt target/native/add_floor ]; then return 0; fi
  [ -f "$cmake_dir/flags.make" ] && [ -f "$cmake_dir/link.txt" ] || return 1
  flags=$(sed -n 's/^CXX_\(DEFINES\|INCLUDES\|FLAGS\) = //p' "$cmake_dir/flags.make" | tr '\n' ' ')
  # link.txt is a shell command line (its library paths may be quoted), hence eval below.
  libs=$(sed 's/.* -o add_floor //' "$cmake_dir/link.txt")
  extra=$(printf '%q ' "$@")
  echo "== compiling $name" >&2
  eval "c++ $flags -Inative-build/include $(printf '%q' "$src") -o $(printf '%q' "$dst") $extra $libs"
}
write_if_changed() {  # file: stdin becomes the file's content, leaving its time alone when nothing changed
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}

write_if_changed "$native_dir/libpercall_floor.so.cpp" <<'CPP'
// add_floor's loop as a library for PerCallBench: the C++ floor timed inside the JVM, under the JVM's load.
#include <ATen/ATen.h>
#include <cstdint>
extern "C" double percall_add_floor(int64_t iterations) {
  static at::Tensor a = at::rand({16});
  static at::Tensor b = at::rand({16});
  double sink = 0;
  for (int64_t i = 0; i < iterations; ++i) {
    at::Tensor c = at::add(a, b);
    if (i == 0) sink += c.data_ptr<float>()[0];
  }
  return sink;
}
CPP
floor_lib=""
if build_native libpercall_floor.so -fPIC -shared; then
  floor_lib="$native_dir/libpercall_floor.so"
else
  echo "percall.sh: could not build the in-process C++ floor; the interleaved rounds run without it." >&2
fi

shim_paired=""
if [ "$breakdown" = 1 ]; then
  write_if_changed "$native_dir/shim_paired.cpp" <<'CPP'
// at::add against the shim's lh_add + lh_tensor_free in one native process, timed in interleaved rounds:
// the shim's own cost (handle box, live counter, exception guard, library call) without the JVM.
#include <ATen/ATen.h>
#include "lambdahat.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 200;
  long calls = argc > 2 ? std::atol(argv[2]) : 4000;
  if (rounds < 1 || calls < 1 || lh_set_num_threads(1) != 0) return 1;
  at::Tensor a = at::rand({16}), b = at::rand({16});
  int64_t shape[1] = {16};
  lh_tensor ha = lh_rand(shape, 1, LH_FLOAT32, LH_CPU, -1, nullptr);
  lh_tensor hb = lh_rand(shape, 1, LH_FLOAT32, LH_CPU, -1, nullptr);
  if (!ha || !hb) return 1;
  auto run = [&](int path) {
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < calls; ++i) {
      if (path == 0) {
        at::Tensor c = at::add(a, b);
      } else {
        lh_tensor c = lh_add(ha, hb, 1.0);
        if (!c) { std::fprintf(stderr, "lh_add: %s\n", lh_last_error()); std::exit(1); }
        lh_tensor_free(c);
      }
    }
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / calls;
  };
  run(0);
  run(1);
  std::vector<double> t[2], ratio;
  for (int r = 0; r < rounds; ++r) {
    double x, y;
    if (r % 2) { y = run(1); x = run(0); } else { x = run(0); y = run(1); }
    t[0].push_back(x);
    t[1].push_back(y);
    ratio.push_back(y / x);
  }
  auto median = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };
  std::printf("%-14s %9s %9s %9s\n", "path", "median", "min", "/at::add");
  const char* names[2] = {"at::add", "lh_add+free"};
  for (int p = 0; p < 2; ++p)
    std::printf("%-14s %9.1f %9.1f %9.3f\n", names[p], median(t[p]), *std::min_element(t[p].begin(), t[p].end()),
                p == 0 ? 1.0 : median(ratio));
  return 0;
}
CPP
  if build_native shim_paired -Ltarget/native -llambdahat_torch -Wl,-rpath,"$root/target/native"; then
    shim_paired="$native_dir/shim_paired"
  else
    echo "percall.sh: could not build the native shim comparison; skipping it." >&2
  fi
fi

# JMH allows one run per machine (its lock, /tmp/jmh.lock): another user's run would also load the cores, so
# wait for it rather than measure beside it.
lock_wait=${JMH_LOCK_WAIT:-900}
run_jmh() {  # log-file jmh-args...
  local log=$1 waited=0
  shift
  while true; do
    # shellcheck disable=SC2086
    if "${java_cmd[@]}" org.openjdk.jmh.Main "$@" >"$log" 2>&1; then return 0; fi
    if ! grep -q 'Unable to acquire the JMH lock' "$log"; then cat "$log" >&2; return 1; fi
    if [ "$waited" -ge "$lock_wait" ]; then
      echo "percall.sh: another JMH run has held /tmp/jmh.lock for ${waited}s; try later or raise JMH_LOCK_WAIT." >&2
      return 1
    fi
    [ "$waited" = 0 ] && echo "== another JMH run holds /tmp/jmh.lock; waiting for it (up to ${lock_wait}s)" >&2
    sleep 10
    waited=$((waited + 10))
  done
}

# One block of C++ rounds; the first round of each process (page faults, first dispatch) is dropped.
native_block() {
  target/native/add_floor "$cpp_iters" "$((rounds + 1))" 2>/dev/null | tail -n +2 >>"$out/cpp.txt"
}

echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Two passes, the second in reverse order, so no path has all its iterations in one stretch of load.
for path in typed typedScope boxed boxedScope boxedScope boxed typedScope typed; do
  run=1
  [ -e "$out/jmh-$path-1.json" ] && run=2
  native_block
  echo "== ${SECONDS}s: JMH $path, pass $run ($jmh_opts)" >&2
  # shellcheck disable=SC2086
  run_jmh "$out/jmh-$path-$run.log" "PerCallBench\\.$path\$" $jmh_opts -rf json -rff "$out/jmh-$path-$run.json"
  "$python" bench/python/percall_add.py "$py_iters" "$rounds" | grep -v median >>"$out/python.txt"
done
native_block

echo "== ${SECONDS}s: interleaved rounds in one JVM ($paired)" >&2
# shellcheck disable=SC2086
"${java_cmd[@]}" ${floor_lib:+"-Dpercall.floor.lib=$floor_lib"} \
  -Dpercall.python="$python bench/python/percall_add.py --serve" io.lambdahat.bench.PerCallBench $paired \
  2>"$out/interleaved.err" >"$out/interleaved.txt" || { cat "$out/interleaved.err" >&2; exit 1; }
if [ "$breakdown" = 1 ]; then
  if [ -n "$shim_paired" ]; then
    echo "== ${SECONDS}s: at::add against lh_add+free in one native process ($paired)" >&2
    # shellcheck disable=SC2086
    "$shim_paired" $paired >"$out/shim_paired.txt"
  fi
  echo "== ${SECONDS}s: JMH breakdown" >&2
  # shellcheck disable=SC2086
  run_jmh "$out/jmh-breakdown.log" 'PerCallBench\.(floor.*|scopeOnly|emptyDowncall.*)$' $jmh_opts \
    -rf json -rff "$out/jmh-breakdown.json"
fi
echo "== ${SECONDS}s: load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$python" - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]

def rounds(name, key):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [float(w[1]) for w in (line.split() for line in f) if len(w) == 2 and w[0] == key]

jmh = {}
for path in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
    with open(path) as f:
        for r in json.load(f):
            jmh.setdefault(r["benchmark"].rsplit(".", 1)[1], []).extend(
                x for fork in r["primaryMetric"]["rawData"] for x in fork)

CPP, TYPED, TYPED_SCOPE = "C++ at::add (floor)", "Java typed (close)", "Java typed + Scope"
BOXED, BOXED_SCOPE, PYTHON = "Java boxed (close)", "Java boxed + Scope", "Python torch.add"

# The interleaved rounds: path median min p25 /C++ /Python /bare, ns per add over windows of a few thousand calls.
with open(os.path.join(out, "interleaved.txt")) as f:
    interleaved = f.read()
window = {}
for line in interleaved.splitlines()[1:]:
    w = line.split()
    if len(w) == 7:
        window[w[0]] = {"min": float(w[2]), "C++": None if w[4] == "-" else float(w[4]),
                        "Python": None if w[5] == "-" else float(w[5])}

# median: over all rounds (C++, Python) or JMH iterations (Java), so it carries the load of the run;
# best window: the fastest short window (C++ and Python rounds, Java's interleaved rounds), the cost with the
# least interference; paired: Java against the C++ floor in the same JVM and against Python run in lock step
# with it, round by round.
rows = [(CPP, rounds("cpp.txt", "cpp_add_ns"), None), (TYPED, jmh.get("typed", []), "typed"),
        (TYPED_SCOPE, jmh.get("typedScope", []), "typedScope"), (BOXED, jmh.get("boxed", []), "boxed"),
        (BOXED_SCOPE, jmh.get("boxedScope", []), "boxedScope"), (PYTHON, rounds("python.txt", "py_add_ns"), None)]
median, best, spread = {}, {}, {}
for label, values, key in rows:
    if not values or (key and key not in window):
        sys.exit(f"percall.sh: no measurements for {label}")
    median[label] = statistics.median(values)
    best[label] = window[key]["min"] if key else min(values)
    spread[label] = (min(values), max(values), len(values))

print()
print(f"{'ns per add':24s} {'median':>8s} {'best window':>12s}   spread of the median's samples")
for label, _, key in rows:
    lo, hi, n = spread[label]
    source = "JMH iterations" if key else "rounds"
    print(f"{label:24s} {median[label]:8.1f} {best[label]:12.1f}   {lo:.0f}-{hi:.0f} over {n} {source}")

def verdict(r, target, strict):
    return "met" if (r < target if strict else r <= target) else "MISSED"
print()
print(f"{'ratio':24s} {'medians':>8s} {'best windows':>12s} {'paired':>8s}  target")
for label, num, den, key, base, target, strict in (
        ("typed / C++", TYPED, CPP, "typed", "C++", 1.25, False),
        ("typed+Scope / C++", TYPED_SCOPE, CPP, "typedScope", "C++", 1.25, False),
        ("boxed / Python", BOXED, PYTHON, "boxed", "Python", 1.0, True),
        ("boxed+Scope / Python", BOXED_SCOPE, PYTHON, "boxedScope", "Python", 1.0, True)):
    ratios = [median[num] / median[den], best[num] / best[den]]
    by_pair = window[key][base]
    if by_pair is not None:
        ratios.append(by_pair)
    verdicts = [verdict(r, target, strict) for r in ratios]
    names = "medians/best windows" + ("/paired" if by_pair is not None else "")
    summary = verdicts[0] if len(set(verdicts)) == 1 else "/".join(verdicts) + f" ({names})"
    pair_text = f"{by_pair:8.3f}" if by_pair is not None else f"{'-':>8s}"
    print(f"{label:24s} {ratios[0]:8.3f} {ratios[1]:12.3f} {pair_text}  {'<' if strict else '<='} {target:g}: {summary}")

print()
print("interleaved rounds (ns per add over short windows; /C++, /Python, /bare: per-round paired ratios to the")
print("C++ floor in the same JVM, to Python run in lock step, to the bare lh_add+free downcalls; medians over rounds):")
sys.stdout.write(interleaved)

breakdown = [("bare lh_add+free downcalls", jmh.get("floorBindings", [])),
             ("  same, critical(false)", jmh.get("floorCritical", [])),
             ("bare lh_op_call, prefilled", jmh.get("floorBoxed", [])),
             ("empty Scope open+close", jmh.get("scopeOnly", [])),
             ("empty downcall", jmh.get("emptyDowncall", [])),
             ("  same, critical(false)", jmh.get("emptyDowncallCritical", []))]
shim = os.path.join(out, "shim_paired.txt")
if os.path.exists(shim):
    print()
    print("the shim from C++, no JVM (interleaved rounds, ns per add):")
    with open(shim) as f:
        sys.stdout.write(f.read())
if any(values for _, values in breakdown):
    print()
    print(f"{'JMH breakdown (ns per call)':30s} {'median':>9s} {'min':>9s} {'max':>9s} {'n':>3s}")
    for label, values in breakdown:
        if values:
            print(f"{label:30s} {statistics.median(values):9.1f} {min(values):9.1f} {max(values):9.1f} {len(values):3d}")
PY
