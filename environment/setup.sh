#!/usr/bin/env bash
# `./tinymem setup`: installs everything TinyMem needs that a fresh Debian machine with Java 17 and
# Maven lacks, then builds. Idempotent: each step is skipped when its result is present.
#   - the library jar and its class path (Maven Central)
#   - notebook tools: Jupyter from Debian, plotly.js from npm, the Java kernel (setup-notebooks.sh)
# Options are passed to setup-notebooks.sh (--with-ui, --with-chromium, --rebuild).
set -euo pipefail
ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$ENV_DIR")"
bash "$ENV_DIR/setup-notebooks.sh" "$@"
