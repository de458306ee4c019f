#!/usr/bin/env bash
# Executes notebooks/00-quickstart.ipynb with the given profile and prints the HTML's path. Called by
# `./tinymem demo` after it trained runs/<profile>/math-add-noise-4l-seed0, which the notebook reuses.
#
#   environment/render-quickstart.sh [smoke|quick|paper]     (default: quick)
set -euo pipefail

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$ENV_DIR")"
profile="${1:-quick}"
out="${TINYMEM_NOTEBOOKS_OUT:-$ROOT/notebooks/out}"

echo "[render-quickstart] rendering the quickstart notebook ($profile profile)"
bash "$ENV_DIR/run-notebooks.sh" --profile "$profile" --out "$out" 00-quickstart
echo "[render-quickstart] open $(cd "$out" && pwd)/00-quickstart.html"
