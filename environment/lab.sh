#!/usr/bin/env bash
# Starts the classic Jupyter Notebook on 127.0.0.1 with the TinyMem Java kernel, rooted at notebooks/.
# Installs the Notebook UI (environment/setup-notebooks.sh --with-ui) when missing; ensure-kernel.sh installs or
# refreshes the kernel.
#
#   environment/lab.sh [jupyter-notebook options...]     e.g. --port 8890
# Environment: TINYMEM_LAB_PORT (default 8888), TINYMEM_THREADS (PyTorch threads of the kernel).
set -euo pipefail

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$ENV_DIR")"
say() { echo "[lab] $*"; }

if ! command -v jupyter-notebook >/dev/null; then
  say "the Notebook UI is missing: running environment/setup-notebooks.sh --with-ui"
  bash "$ENV_DIR/setup-notebooks.sh" --with-ui
fi
bash "$ENV_DIR/ensure-kernel.sh" # installed, and on the current library
command -v jupyter-notebook >/dev/null || { echo "[lab] error: jupyter-notebook still missing after setup" >&2; exit 1; }

# shellcheck source=kernel-env.sh
. "$ENV_DIR/kernel-env.sh"
threads="${TINYMEM_THREADS:-$(nproc)}"
export JAVA_TOOL_OPTIONS="-Dai.djl.pytorch.num_threads=$threads -Dai.djl.pytorch.num_interop_threads=1${JAVA_TOOL_OPTIONS:+ $JAVA_TOOL_OPTIONS}"
say "notebooks in $ROOT/notebooks, kernel \"TinyMem (Java 17)\", $threads PyTorch thread(s), runs in ${TINYMEM_RUNS:-$TINYMEM_HOME/runs}"
say "open the URL with the token printed below (Ctrl-C twice stops the server)"
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)   # containers often run as root; the server listens on localhost only
exec jupyter-notebook --no-browser --ip=127.0.0.1 --port="${TINYMEM_LAB_PORT:-8888}" "${root_flag[@]}" \
  --notebook-dir="$ROOT/notebooks" "$@"
