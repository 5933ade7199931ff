# Sourced by the project's scripts: finds the PyTorch 2.x whose libtorch is lambdahat's engine.
#
# Exports
#   LAMBDAHAT_PYTHON  the python3 that imports that PyTorch (test fixtures, reference scripts, benches)
#   Torch_DIR         its share/cmake/Torch, for the shim's build (kept when LIBTORCH or Torch_DIR is set already)
#   LAMBDAHAT_TORCH_VERSION  torch.__version__ of that python
# Looks, in order, for a python whose torch is 2.x: $LAMBDAHAT_PYTHON, the project's own venv ($LAMBDAHAT_VENV,
# default .venv in the repository), then python3 on PATH. Finds nothing: lh_torch_found is 1 and
# lh_torch_looked_at lists what was tried. `bin/setup` makes the venv when nothing is found.
lh_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${LAMBDAHAT_VENV:=$lh_root/.venv}"
export LAMBDAHAT_VENV
lh_torch_found=1
lh_torch_looked_at=()

# Prints "version<TAB>cmake_prefix_path" of a python's torch when it is 2.x; fails otherwise.
lh_torch_probe() {
  "$1" - 2>/dev/null <<'PY'
import torch, torch.utils
major = int(torch.__version__.split(".")[0])
if major < 2:
    raise SystemExit(3)
print(torch.__version__ + "\t" + torch.utils.cmake_prefix_path)
PY
}

lh_find_torch() {
  local candidate probe
  lh_torch_looked_at=()
  for candidate in "${LAMBDAHAT_PYTHON:-}" "$LAMBDAHAT_VENV/bin/python" "$(command -v python3 2>/dev/null || true)"; do
    [ -n "$candidate" ] || continue
    lh_torch_looked_at+=("$candidate")
    [ -x "$candidate" ] || continue
    if probe=$(lh_torch_probe "$candidate"); then
      export LAMBDAHAT_PYTHON="$candidate"
      export LAMBDAHAT_TORCH_VERSION="${probe%%$'\t'*}"
      if [ -z "${Torch_DIR:-}" ] && [ -z "${LIBTORCH:-}" ]; then
        export Torch_DIR="${probe#*$'\t'}/Torch"
      fi
      lh_torch_found=0
      return 0
    fi
  done
  lh_torch_found=1
  return 1
}

lh_find_torch || true
