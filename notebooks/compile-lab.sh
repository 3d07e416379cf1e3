#!/usr/bin/env bash
# Compiles what the notebooks import (the core package scripts/lab, scripts/lab/net and scripts/lab/report, no Redis client
# code) into notebooks/.kernel/classes (the notebooks' %classpath), against the jars install.sh copied
# into notebooks/.kernel/lib.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k="$here/.kernel"
[ -d "$k/lib" ] || { echo "error: $k/lib missing: run notebooks/install.sh first" >&2; exit 2; }
rm -rf "$k/classes" && mkdir -p "$k/classes"
javac -nowarn -encoding UTF-8 --release 17 -d "$k/classes" -cp "$k/lib/*" "$(dirname "$here")"/scripts/lab/*.java "$(dirname "$here")"/scripts/lab/net/*.java "$(dirname "$here")"/scripts/lab/report/*.java 2>&1 | grep -v '^Note:' >&2 || true
[ -f "$k/classes/lab/Decision.class" ] || { echo "error: compiling scripts/lab, lab/net and lab/report failed" >&2; exit 2; }
