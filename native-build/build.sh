#!/usr/bin/env bash
# Configures and builds the shim into the given folder (default: target/native), incrementally.
# libtorch: Debian's libtorch-dev by default; LIBTORCH (a LibTorch folder) or Torch_DIR to choose another.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../target/native}
mkdir -p "$out"
args=(-S "$here" -B "$out" -DCMAKE_BUILD_TYPE=Release)
if [ -n "${Torch_DIR:-}" ]; then args+=("-DTorch_DIR=$Torch_DIR"); fi
if [ -n "${LIBTORCH:-}" ]; then args+=("-DCMAKE_PREFIX_PATH=$LIBTORCH"); fi
if ! command -v cmake >/dev/null; then
  echo "native-build: cmake is missing. Install it (Debian: apt-get install cmake g++)." >&2; exit 1
fi
if [ ! -f "$out/CMakeCache.txt" ] || [ "$here/CMakeLists.txt" -nt "$out/CMakeCache.txt" ]; then
  cmake "${args[@]}" >"$out/configure.log" 2>&1 || { cat "$out/configure.log" >&2; exit 1; }
fi
cmake --build "$out" --parallel "$(nproc)" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- ' || true
test -f "$out/liblambdahat_torch.so" || { echo "native-build: the shim was not built" >&2; exit 1; }
