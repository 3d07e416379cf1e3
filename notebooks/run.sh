#!/usr/bin/env bash
# Executes the notebooks headless and saves their outputs in place (jupyter nbconvert --execute --inplace).
#   bash notebooks/run.sh                          every notebook, data from data/, report RESULTS.md
#   bash notebooks/run.sh --data /tmp/d --results /tmp/d/RESULTS.md  [--dir DIR]  [NAME.ipynb ...]
# --dir runs the notebooks of another folder (e.g. a temp copy, for tests). Needs notebooks/install.sh once.
# Exit 0 when every notebook ran without error, 1 when one failed, 2 on a setup problem.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$here"
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) export LAB_DATA="$(cd "$2" && pwd)" || exit 2; shift 2 ;;
    --results) export LAB_RESULTS="$(realpath -m "$2")"; shift 2 ;;
    --dir) dir="$(cd "$2" && pwd)" || exit 2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) names+=("$1"); shift ;;
  esac
done
k="$here/.kernel"
[ -f "$k/kernels/java/kernel.json" ] || { echo "error: no Java kernel in $k: run bash notebooks/install.sh first" >&2; exit 2; }
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import nbconvert' 2>/dev/null || { echo "error: Debian's jupyter-nbconvert is missing: run bash notebooks/install.sh" >&2; exit 2; }
# the notebooks add .kernel/lib and .kernel/classes relative to their own folder
[ "$dir" = "$here" ] || [ -e "$dir/.kernel" ] || ln -s "$k" "$dir/.kernel"
bash "$here/compile-lab.sh" || exit 2   # the notebooks use the current scripts/lab

export JUPYTER_PATH="$k"
# the re-run cells start scripts from the repository (./jbang scripts/NAME.java), wherever the notebooks are
export LAB_ROOT="${LAB_ROOT:-$(dirname "$here")}"
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(cd "$dir" && ls *.ipynb | sort)
failed=0
for nb in "${names[@]}"; do
  start=$(date +%s)
  if /usr/bin/python3 -m jupyter nbconvert --to notebook --execute --inplace \
      --ExecutePreprocessor.kernel_name=java --ExecutePreprocessor.timeout=300 --ExecutePreprocessor.startup_timeout=60 \
      --ExecutePreprocessor.record_timing=False --log-level=WARN "$dir/$nb" 2> "$dir/.$nb.log"; then
    # the setup cell's output lists every jar by its absolute path on this machine: keep one line instead
    /usr/bin/python3 - "$dir/$nb" <<'PY'
import sys, nbformat
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
for c in nb.cells:
    if "setup" in c.get("metadata", {}).get("tags", []) and not any(o.get("output_type") == "error" for o in c.get("outputs", [])):
        c.outputs = [nbformat.v4.new_output("stream", name="stdout", text="classpath: notebooks/.kernel/lib/*.jar + notebooks/.kernel/classes (scripts/lab)\n")]
nbformat.write(nb, path)
PY
    echo "[notebooks] $nb: ok in $(( $(date +%s) - start )) s"
  else
    echo "[notebooks] $nb: FAILED in $(( $(date +%s) - start )) s" >&2
    grep -vE '^\[20[0-9-]+ ' "$dir/.$nb.log" | tail -n 15 >&2
    failed=1
  fi
  rm -f "$dir/.$nb.log"
done
exit $failed
