#!/usr/bin/env bash
# Configures and builds the shim into the given folder (default: target/native), incrementally.
# libtorch: the one of the PyTorch 2.x that bin/torch-env.sh finds (the project's venv, or python3's torch);
# LIBTORCH (a LibTorch folder) or Torch_DIR (a share/cmake/Torch folder) choose another.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../target/native}
mkdir -p "$out"
if ! command -v cmake >/dev/null; then
  echo "native-build: cmake is missing. Install it (Debian: apt-get install cmake g++)." >&2; exit 1
fi
if [ -z "${Torch_DIR:-}" ] && [ -z "${LIBTORCH:-}" ]; then
  source "$here/../bin/torch-env.sh"
  if [ "$lh_torch_found" != 0 ]; then
    echo "native-build: no PyTorch 2.x found: looked for 'import torch' (2.x) in ${lh_torch_looked_at[*]:-no python}." >&2
    echo "native-build: run bin/setup (it makes the project's venv with PyTorch's CPU build), or set LIBTORCH to a LibTorch 2.x folder." >&2
    exit 1
  fi
fi
args=(-S "$here" -B "$out" -DCMAKE_BUILD_TYPE=Release)
if [ -n "${Torch_DIR:-}" ]; then args+=("-DTorch_DIR:PATH=$Torch_DIR"); fi
if [ -n "${LIBTORCH:-}" ]; then args+=("-DCMAKE_PREFIX_PATH=$LIBTORCH" "-DTorch_DIR:PATH=$LIBTORCH/share/cmake/Torch"); fi
# A build folder configured against another libtorch is configured afresh (CMake keeps the first Torch_DIR it saw).
chosen="${Torch_DIR:-${LIBTORCH:+$LIBTORCH/share/cmake/Torch}}"
if [ -f "$out/CMakeCache.txt" ] && [ "$(sed -n 's/^Torch_DIR:[A-Z]*=//p' "$out/CMakeCache.txt")" != "$chosen" ]; then
  rm -rf "$out/CMakeCache.txt" "$out/CMakeFiles"
fi
if [ ! -f "$out/CMakeCache.txt" ] || [ "$here/CMakeLists.txt" -nt "$out/CMakeCache.txt" ]; then
  cmake "${args[@]}" >"$out/configure.log" 2>&1 || { cat "$out/configure.log" >&2; exit 1; }
fi
cmake --build "$out" --parallel "$(nproc)" 2>&1 | grep -Ev '^\[ *[0-9]+%\]|^-- ' || true
test -f "$out/liblambdahat_torch.so" || { echo "native-build: the shim was not built" >&2; exit 1; }
