#!/usr/bin/env bash
# Runs on the GPU machine, from a copy of the git working tree plus the bundle (bench/gpu/bundle.sh, carried as
# target/gpu-bundle): needs python3 with torch (pip, CUDA), cmake and a C++ compiler; no Java, no network.
#   1. builds the shim against the torch python3 imports (its cmake_prefix_path), else whatever libtorch cmake finds
#   2. the GPU tests (io.lambdahat.gpu, JUnit console launcher), which skip themselves where CUDA is absent, and the
#      CLI (train, then trajectory) with --device
#   3. the benchmark, Java (batched chains, Trainer) then PyTorch (chains one after another, torch.optim.AdamW)
#   4. a summary table with the ratios of this run
# Every phase runs under `timeout`; logs and JSON go to ${OUT:-target/gpu-out}.
# Environment: DEVICE (cuda), SIZE (full: the issue's sizes; tiny: a dry run), PYTHON (python3), BUNDLE, TEST_DRAWS
# (draws per chain in CudaLlcTest, default 2000), REUSE_SHIM (keep a shim already in target/native-gpu), and
# per-phase limits in seconds: T_BUILD T_TESTS T_CLI T_JAVA T_PYTHON (150 + 140 + 45 + 90 + 55 s: 8 minutes at most).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
OUT=${OUT:-$root/target/gpu-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BUNDLE=${BUNDLE:-$root/target/gpu-bundle}
DEVICE=${DEVICE:-cuda}
SIZE=${SIZE:-full}
PYTHON=${PYTHON:-${LAMBDAHAT_PYTHON:-python3}}
NATIVE=$root/target/native-gpu
# functorch's headers include nlohmann/json, which torch's wheels lack: the bundle carries a copy (bundle.sh).
if [ -d "$BUNDLE/include/nlohmann" ]; then export CPLUS_INCLUDE_PATH="$BUNDLE/include${CPLUS_INCLUDE_PATH:+:$CPLUS_INCLUDE_PATH}"; fi
JAVA=$BUNDLE/runtime/bin/java
summary=$OUT/phases.txt
: > "$summary"
run_started=$(date +%s.%N)

# phase NAME LIMIT_S COMMAND...: runs COMMAND under timeout, output to OUT/NAME.log (and its tail to the console)
phase() {
  local name=$1 limit=$2; shift 2
  local start end rc
  start=$(date +%s.%N)
  echo "== $name (limit ${limit} s)"
  echo "\$ $*" > "$OUT/$name.log"
  timeout --kill-after=10 "$limit" "$@" >> "$OUT/$name.log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  grep -v '^WARNING' "$OUT/$name.log" | tail -n "${TAIL:-25}"
  local verdict=ok
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && verdict="TIMED OUT"
  [ $rc -ne 0 ] && [ "$verdict" = ok ] && verdict="failed (rc $rc)"
  printf '%-10s %7.1f s  %s\n' "$name" "$(awk "BEGIN{print $end - $start}")" "$verdict" | tee -a "$summary"
  return $rc
}

# --configure-only: the build step's configuration alone (cmake against $PYTHON's torch), for machines without a GPU:
# CI runs it against the CPU torch so that the step the GPU machine runs first is known to configure.
if [ "${1:-}" = --configure-only ]; then
  prefix=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)') || { echo "run.sh: $PYTHON cannot import torch" >&2; exit 1; }
  check=$root/target/native-gpu-configure
  rm -rf "$check"
  if cmake -S native-build -B "$check" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR:PATH="$prefix/Torch" >"$OUT/configure.log" 2>&1; then
    echo "run.sh: the shim's build configures against $("$PYTHON" -c 'import torch; print("torch", torch.__version__)') ($(grep -o 'libtorch [0-9.]* in .*' "$OUT/configure.log"))"
    exit 0
  fi
  cat "$OUT/configure.log" >&2
  echo "run.sh: the shim's build does not configure against $PYTHON's torch" >&2
  exit 1
fi

[ -x "$JAVA" ] || { echo "run.sh: no Java runtime at $JAVA; build the bundle with bench/gpu/bundle.sh and carry target/gpu-bundle" >&2; exit 2; }
echo "machine: $(nproc) cores; $(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo 'no nvidia-smi')"
echo "bundle: $(cat "$BUNDLE/commit.txt" 2>/dev/null || echo '?'), tree: $(git rev-parse HEAD 2>/dev/null || echo '?')"

# ---- 1. the shim against the torch that python3 imports ----------------------------------------------------------
build_shim() {
  local prefix=""
  prefix=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null) || prefix=""
  if [ -n "$prefix" ] && [ -f "$prefix/Torch/TorchConfig.cmake" ]; then
    echo "shim: building against $("$PYTHON" -c 'import torch; print("torch", torch.__version__, "CUDA", torch.version.cuda)') at $prefix/Torch"
    export Torch_DIR="$prefix/Torch"
  else
    echo "shim: $PYTHON's torch has no TorchConfig.cmake (${prefix:-torch not importable}); building against the libtorch cmake finds by default"
  fi
  # libtorch_cuda is reached only through the dispatcher: --no-as-needed keeps it linked, or CUDA would be "absent"
  rm -rf "$NATIVE"
  if ! LDFLAGS="-Wl,--no-as-needed ${LDFLAGS:-}" bash native-build/build.sh "$NATIVE"; then
    # torch's CMake config also configures CUDA (nvcc, NVTX, cuDNN) and breaks on toolkits it does not expect; the
    # shim needs none of that, only torch's headers and libraries, so compile it directly as cpp_extension would
    echo "shim: the cmake build failed; compiling native-build/src/shim.cpp directly against $PYTHON's torch"
    build_shim_direct || return 1
  fi
  echo "shim: $NATIVE/liblambdahat_torch.so links $(ldd "$NATIVE/liblambdahat_torch.so" | grep -o 'lib\(torch\|c10\)[a-z_]*\.so' | sort -u | tr '\n' ' ')"
}

build_shim_direct() {
  local torch abi cuda_libs=""
  torch=$("$PYTHON" -c 'import os, torch; print(os.path.dirname(torch.__file__))') || return 1
  abi=$("$PYTHON" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))') || return 1
  [ -f "$torch/lib/libtorch_cuda.so" ] && cuda_libs="-ltorch_cuda -lc10_cuda"
  mkdir -p "$NATIVE"
  g++ -O2 -std=c++17 -shared -fPIC -D_GLIBCXX_USE_CXX11_ABI="$abi" -Inative-build/include -I"$torch/include" \
    -I"$torch/include/torch/csrc/api/include" ${CPLUS_INCLUDE_PATH:+-I"$CPLUS_INCLUDE_PATH"} native-build/src/shim.cpp native-build/src/batching_rules.cpp -o "$NATIVE/liblambdahat_torch.so" \
    -L"$torch/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10 $cuda_libs -Wl,--as-needed -Wl,-rpath,"$torch/lib"
}
if [ -n "${REUSE_SHIM:-}" ] && [ -f "$NATIVE/liblambdahat_torch.so" ]; then
  echo "== build: reusing $NATIVE (REUSE_SHIM)"
else
phase build "${T_BUILD:-150}" bash -c "$(declare -f build_shim build_shim_direct); PYTHON='$PYTHON' NATIVE='$NATIVE' build_shim" || { echo "run.sh: no shim, nothing else can run" >&2; cat "$summary"; exit 1; }
fi

jvm=(-XX:-UseProfiledLoopPredicate --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Dlambdahat.native.dir="$NATIVE" -Xss4m)
classpath="$BUNDLE/lambdahat.jar:$(ls "$BUNDLE"/lib/*.jar | tr '\n' ':')$BUNDLE/test/lambdahat-tests.jar"

# ---- 2. the GPU tests ----------------------------------------------------------------------------------------
if [ "$SIZE" = tiny ]; then draws=${TEST_DRAWS:-200}; else draws=${TEST_DRAWS:-2000}; fi
TAIL=40 phase tests "${T_TESTS:-140}" "$JAVA" "${jvm[@]}" -Dlambdahat.gpu.draws="$draws" \
  -jar "$BUNDLE/test/junit-platform-console-standalone.jar" execute --class-path "$classpath" \
  --select-package io.lambdahat.gpu --details=tree --disable-banner --disable-ansi-colors --fail-if-no-tests --reports-dir "$OUT/junit"

# ---- 2b. the CLI with --device ---------------------------------------------------------------------------------
phase cli "${T_CLI:-45}" bash bench/gpu/cli-check.sh "$JAVA" "$BUNDLE" "$NATIVE" "$DEVICE" "$OUT"

# ---- 3. the benchmark --------------------------------------------------------------------------------------------
if [ "$SIZE" = tiny ]; then
  sizes=(layers=2 heads=2 d_model=16 context=16 vocab=50 chains=4 draws=20 burnin=10 batch=8 n=64 train_steps=40)
else
  sizes=(layers=2 heads=8 d_model=256 context=256 vocab=5000 chains=8 draws=500 burnin=100 batch=32 n=1024 train_steps=300)
fi
phase java "${T_JAVA:-90}" "$JAVA" "${jvm[@]}" -cp "$classpath" io.lambdahat.gpu.GpuBenchmark out="$OUT" device="$DEVICE" "${sizes[@]}"
if [ -f "$OUT/java.json" ]; then
  phase python "${T_PYTHON:-55}" "$PYTHON" bench/python/gpu_llc_transformer.py "$OUT" "$DEVICE"
fi

# ---- 4. summary ----------------------------------------------------------------------------------------------------
echo
echo "phase       elapsed  result"
cat "$summary"
printf 'total      %7.1f s\n' "$(awk "BEGIN{print $(date +%s.%N) - $run_started}")"
"$PYTHON" bench/gpu/summary.py "$OUT" | tee "$OUT/summary.txt"
