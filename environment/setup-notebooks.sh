#!/usr/bin/env bash
# Sets up the notebook environment: Jupyter (Debian packages), offline plotly.js (npm), the TinyMem
# Java kernel and its kernelspec under environment/jupyter/. Idempotent: each step runs only when
# its result is missing, so `./tinymem setup` may call it every time.
#
#   environment/setup-notebooks.sh [--with-ui] [--with-chromium] [--rebuild]
#     --with-ui        also install the classic Notebook UI (jupyter-notebook); headless runs
#                      (nbconvert --execute, the tests) need only jupyter-nbconvert and jupyter-client
#     --with-chromium  also install Chromium, needed for figure export (PNG/SVG/PDF) only
#     --rebuild        rebuild the library and kernel jars even if present
set -euo pipefail

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$ENV_DIR")"
KERNEL_DIR="$ENV_DIR/jupyter/kernels/tinymem-java"
KERNEL_JAR="$ENV_DIR/kernel/target/tinymem-kernel.jar"
PLOTLY_JS="$ENV_DIR/node_modules/plotly.js-dist-min/plotly.min.js"

with_ui=0 with_chromium=0 rebuild=0
for arg in "$@"; do
  case "$arg" in
    --with-ui) with_ui=1 ;;
    --with-chromium) with_chromium=1 ;;
    --rebuild) rebuild=1 ;;
    *) echo "unknown option: $arg (expected --with-ui, --with-chromium, --rebuild)" >&2; exit 2 ;;
  esac
done

say() { echo "[notebooks] $*"; }

# 1. Debian packages ---------------------------------------------------------------------------
packages=(jupyter-nbconvert jupyter-client)
[ "$with_ui" = 1 ] && packages+=(jupyter-notebook)
[ "$with_chromium" = 1 ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "installing ${missing[*]} needs root: run as root or install sudo" >&2; exit 1; }
    sudo=sudo
  fi
  say "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "Debian packages present: ${packages[*]}"
fi
[ "$with_ui" = 1 ] || say "(classic Notebook UI not installed; rerun with --with-ui to get jupyter-notebook)"
[ "$with_chromium" = 1 ] || command -v chromium >/dev/null \
  || say "(Chromium not installed; rerun with --with-chromium to export figures to PNG/SVG/PDF)"

# 2. Offline plotly.js -------------------------------------------------------------------------
if [ ! -f "$PLOTLY_JS" ]; then
  command -v npm >/dev/null || { echo "npm is missing: apt-get install npm" >&2; exit 1; }
  say "installing plotly.js-dist-min 2.35.3 into environment/node_modules (npm ci)"
  npm ci --prefix "$ENV_DIR" --no-audit --no-fund
else
  say "plotly.js present: $PLOTLY_JS"
fi

# 3. Library and kernel jars -------------------------------------------------------------------
lib_jar() { ls "$ROOT"/lib/target/tinymem-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1; }
if [ "$rebuild" = 1 ] || [ ! -f "$KERNEL_JAR" ] || [ -z "$(lib_jar)" ]; then
  say "building the library and the kernel (mvn package -DskipTests)"
  (cd "$ROOT" && mvn -q -B -Dstyle.color=never -pl lib,environment/kernel -am package -DskipTests)
else
  say "jars present: $(lib_jar), $KERNEL_JAR"
fi

# 4. Kernelspec ---------------------------------------------------------------------------------
mkdir -p "$KERNEL_DIR/jars"
# A kernel reads classes from its jars for as long as it lives, and `mvn package` rewrites lib/target's jar in
# place: a notebook running while the library was rebuilt (by `./tinymem ...` after an edit) died on its next
# new class. The kernel therefore runs on copies, replaced by rename only (a running kernel keeps the file it
# opened), and refreshed here when the built jars differ.
kernel_copy() { # SOURCE -> its copy in $KERNEL_DIR/jars (same name), refreshed when the source differs
  local copy="$KERNEL_DIR/jars/$(basename "$1")"
  if [ ! -f "$copy" ] || ! cmp -s "$1" "$copy"; then
    cp -p "$1" "$copy.$$" && mv -f "$copy.$$" "$copy"
  fi
  echo "$copy"
}
LIB_JAR="$(kernel_copy "$(lib_jar)")"
KERNEL_JAR="$(kernel_copy "$KERNEL_JAR")"
say "resolving the library class path"
(cd "$ROOT" && mvn -q -B -Dstyle.color=never -o -pl lib dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$KERNEL_DIR/library.classpath" \
  || mvn -q -B -Dstyle.color=never -pl lib dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$KERNEL_DIR/library.classpath")
CLASSPATH_ALL="$KERNEL_JAR:$LIB_JAR:$(cat "$KERNEL_DIR/library.classpath")"
JAVA="$(readlink -f "$(command -v java)")"
ARCHIVE="$KERNEL_DIR/kernel.jsa"

# A class-data archive of a warmed-up kernel halves its start-up time; it is only valid for this
# exact class path and these jars, so it is remade whenever one of them is newer.
if [ ! -f "$ARCHIVE" ] || [ -n "$(find "$KERNEL_JAR" "$LIB_JAR" "$KERNEL_DIR/library.classpath" -newer "$ARCHIVE" 2>/dev/null)" ]; then
  say "recording the kernel's class-data archive (AppCDS)"
  rm -f "$ARCHIVE"
  TINYMEM_HOME="$ROOT" "$JAVA" -XX:ArchiveClassesAtExit="$ARCHIVE" -Dai.djl.offline=true -cp "$CLASSPATH_ALL" \
    org.tinymem.kernel.TinyMemKernel --warm-up >"$KERNEL_DIR/warm-up.log" 2>&1 \
    || say "(no class-data archive: see $KERNEL_DIR/warm-up.log; the kernel works, only starts slower)"
fi

python3_json() { /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
cat > "$KERNEL_DIR/kernel.json" <<JSON
{
  "argv": [$(python3_json "$JAVA"), "-XX:SharedArchiveFile=$ARCHIVE", "-Xshare:auto", "-Xlog:cds=off",
           "-Dai.djl.offline=true", "-cp", $(python3_json "$CLASSPATH_ALL"),
           "org.tinymem.kernel.TinyMemKernel", "{connection_file}"],
  "display_name": "TinyMem (Java 17)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {"TINYMEM_HOME": $(python3_json "$ROOT")}
}
JSON
say "kernelspec written: $KERNEL_DIR/kernel.json"
say "use it with: source environment/kernel-env.sh; jupyter notebook   (or jupyter nbconvert --execute ...)"
