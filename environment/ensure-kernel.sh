#!/usr/bin/env bash
# Makes the TinyMem kernelspec see the current library before notebooks run (run-notebooks.sh, lab.sh):
# installs it when missing, rebuilds the jars when the sources are newer, and refreshes the kernel's copies
# of the jars (environment/jupyter/kernels/tinymem-java/jars) when the built jar is newer than the kernelspec.
#
#   environment/ensure-kernel.sh [setup-notebooks.sh options...]   e.g. --with-ui
set -euo pipefail

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$ENV_DIR")"
say() { echo "[kernel] $*"; }

spec="$ENV_DIR/jupyter/kernels/tinymem-java/kernel.json"
lib_jar="$(ls "$ROOT"/lib/target/tinymem-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true)"
if [ ! -f "$spec" ]; then
  say "kernelspec tinymem-java missing: running environment/setup-notebooks.sh"
  bash "$ENV_DIR/setup-notebooks.sh" "$@"
elif [ -z "$lib_jar" ] || [ -n "$(find "$ROOT/lib/src/main" "$ROOT/environment/kernel/src/main" -newer "$lib_jar" -print -quit)" ]; then
  say "library sources are newer than its jar: rebuilding (environment/setup-notebooks.sh --rebuild)"
  bash "$ENV_DIR/setup-notebooks.sh" --rebuild "$@"
elif [ -n "$(find "$lib_jar" -newer "$spec" -print -quit)" ]; then
  say "library jar is newer than the kernelspec: refreshing the kernel's copy (environment/setup-notebooks.sh)"
  bash "$ENV_DIR/setup-notebooks.sh" "$@"
elif [ $# -gt 0 ]; then
  bash "$ENV_DIR/setup-notebooks.sh" "$@" # what the options add (e.g. the Notebook UI), when missing
fi
