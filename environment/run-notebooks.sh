#!/usr/bin/env bash
# Executes notebooks headless on the TinyMem Java kernel and writes each one, with its outputs, as
# .ipynb and .html. Exits non-zero, naming them, if any notebook fails.
#
#   environment/run-notebooks.sh [--profile smoke|quick|paper] [--out DIR] [--timeout SECONDS] [names...]
#     --profile   sets TINYMEM_PROFILE for the notebooks (default: $TINYMEM_PROFILE, else quick)
#     --out       output folder (default: $TINYMEM_NOTEBOOKS_OUT, else notebooks/out)
#     --timeout   per-cell time limit (default: smoke 1800 s, quick 6 h, paper none)
#     names       notebooks to run, by file name or prefix (00, 01-tinymem-models); default: all
#
# Environment: TINYMEM_RUNS (where runs live, default $TINYMEM_HOME/runs), TINYMEM_THREADS (PyTorch
# threads of the kernel, default all cores), TINYMEM_KERNEL (kernel name, default tinymem-java; when
# set, the caller provides the kernelspec on JUPYTER_PATH, as the tests do).
set -euo pipefail

ENV_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$ENV_DIR")"
NOTEBOOKS="$ROOT/notebooks"
JUPYTER=/usr/bin/jupyter

say() { echo "[run-notebooks] $*"; }
elapsed() { local ms=$(( ($(date +%s%N) - $1) / 1000000 )); printf '%d.%01d' $((ms / 1000)) $((ms % 1000 / 100)); }
die() { echo "[run-notebooks] error: $*" >&2; exit 2; }

profile="${TINYMEM_PROFILE:-quick}" out="${TINYMEM_NOTEBOOKS_OUT:-$NOTEBOOKS/out}" timeout="" names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile) [ $# -ge 2 ] || die "--profile needs a value"; profile="$2"; shift 2 ;;
    --profile=*) profile="${1#*=}"; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a folder"; out="$2"; shift 2 ;;
    --out=*) out="${1#*=}"; shift ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; timeout="$2"; shift 2 ;;
    --timeout=*) timeout="${1#*=}"; shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (expected --profile, --out, --timeout)" ;;
    *) names+=("$1"); shift ;;
  esac
done
case "$profile" in
  smoke) : "${timeout:=1800}" ;;   # 8 smoke runs take ~5 min on 2 idle cores; a loaded machine needs headroom
  quick) : "${timeout:=21600}" ;;
  paper) : "${timeout:=-1}" ;;
  *) die "unknown profile '$profile': use smoke, quick or paper" ;;
esac

# Which notebooks: all numbered ones, or those named (by file name or prefix).
notebooks=()
if [ ${#names[@]} -eq 0 ]; then
  for nb in "$NOTEBOOKS"/[0-9]*.ipynb; do [ -f "$nb" ] && notebooks+=("$nb"); done
else
  for name in "${names[@]}"; do
    name="$(basename "$name" .ipynb)"
    match=("$NOTEBOOKS/$name".ipynb)
    [ -f "${match[0]}" ] || match=("$NOTEBOOKS/$name"*.ipynb)
    [ -f "${match[0]}" ] || die "no notebook named '$name' in $NOTEBOOKS"
    notebooks+=("${match[@]}")
  done
fi
[ ${#notebooks[@]} -gt 0 ] || die "no notebooks found in $NOTEBOOKS"

[ -x "$JUPYTER" ] && dpkg -s jupyter-nbconvert >/dev/null 2>&1 || {
  say "Jupyter is missing: running environment/setup-notebooks.sh"; bash "$ENV_DIR/setup-notebooks.sh"; }

# The kernel must see the current library: (re)build and (re)install it when it is missing or stale.
kernel="${TINYMEM_KERNEL:-tinymem-java}"
if [ -z "${TINYMEM_KERNEL:-}" ]; then
  bash "$ENV_DIR/ensure-kernel.sh"
  # shellcheck source=kernel-env.sh
  . "$ENV_DIR/kernel-env.sh"
fi
export TINYMEM_HOME="${TINYMEM_HOME:-$ROOT}" TINYMEM_PROFILE="$profile"
# Pin the kernel's PyTorch threads like the launcher does for the CLI (the kernelspec cannot know them).
threads="${TINYMEM_THREADS:-$(nproc)}"
export JAVA_TOOL_OPTIONS="-Dai.djl.pytorch.num_threads=$threads -Dai.djl.pytorch.num_interop_threads=1${JAVA_TOOL_OPTIONS:+ $JAVA_TOOL_OPTIONS}"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
say "profile $profile, kernel $kernel, $threads PyTorch thread(s), per-cell timeout ${timeout} s"
say "runs in ${TINYMEM_RUNS:-$TINYMEM_HOME/runs}/$profile, output in $out"

failed=()
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb" .ipynb)"
  say "executing $name.ipynb"
  started=$(date +%s%N)
  if "$JUPYTER" nbconvert --to notebook --execute --output-dir "$out" --output "$name.ipynb" \
       --ExecutePreprocessor.kernel_name="$kernel" --ExecutePreprocessor.timeout="$timeout" \
       --ExecutePreprocessor.startup_timeout=120 "$nb" \
     && "$JUPYTER" nbconvert --to html --output-dir "$out" --output "$name.html" "$out/$name.ipynb" 2>/dev/null; then
    say "$name done in $(elapsed "$started") s: $out/$name.html"
    /usr/bin/python3 "$ENV_DIR/cell-times.py" "$out/$name.ipynb" || true
  else
    say "$name FAILED after $(elapsed "$started") s (the error is above)"
    failed+=("$name")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "[run-notebooks] error: ${#failed[@]} of ${#notebooks[@]} notebook(s) failed: ${failed[*]}" >&2
  exit 1
fi
say "all ${#notebooks[@]} notebook(s) ran: $out"
