#!/usr/bin/env bash
# Installs what the notebooks need, idempotently, then prepares the Java kernel (run as root on Debian 12):
#   - Jupyter from Debian packages (nbconvert, nbclient, jupyter-client; PyPI is not needed);
#   - the rapaio Java kernel (io.github.padreati:rapaio-jupyter-kernel) from Maven Central, with a fix for its
#     start-up race (kernel-fix/: see LoopThread.java there);
#   - the lab's dependencies and compiled shared package (scripts/lab) in notebooks/.kernel/, so notebooks
#     run without network (each notebook adds them with %jar .kernel/lib and %classpath .kernel/classes);
#   - a kernel spec named "java" in notebooks/.kernel/kernels/java (used through JUPYTER_PATH by run.sh;
#     nothing is installed in the user's Jupyter folders).
#
#   bash notebooks/install.sh          then   bash notebooks/run.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
kernel_version="${RJK_VERSION:-3.0.1}"
k="$here/.kernel"
PY=/usr/bin/python3

if ! "$PY" -c 'import nbconvert, nbclient, jupyter_client' 2>/dev/null || [ ! -x /usr/bin/jupyter-nbconvert ]; then
  echo "[notebooks] installing Jupyter from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel >/dev/null
fi

mkdir -p "$k"
jar="$k/rapaio-jupyter-kernel-$kernel_version.jar"
if [ ! -s "$jar" ]; then
  echo "[notebooks] fetching rapaio-jupyter-kernel $kernel_version (Maven Central)" >&2
  (cd "$root" && ./mvnw -q -B dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" -DoutputDirectory="$k")
fi

echo "[notebooks] lab dependencies -> $k/lib" >&2
rm -rf "$k/lib"
(cd "$root" && ./mvnw -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$k/lib")

bash "$here/compile-lab.sh"

echo "[notebooks] kernel start-up fix -> $k/fix" >&2
rm -rf "$k/fix" && mkdir -p "$k/fix"
javac -nowarn -d "$k/fix" -cp "$jar" "$here"/kernel-fix/org/rapaio/jupyter/kernel/channels/LoopThread.java

java_bin="$(command -v java)"
mkdir -p "$k/kernels/java"
cat > "$k/kernels/java/kernel.json" <<JSON
{
  "argv": ["$java_bin", "-Djava.awt.headless=true", "-cp", "$k/fix:$jar", "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"],
  "display_name": "Java (rapaio $kernel_version)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {"RJK_TIMEOUT_MILLIS": "-1"}
}
JSON
echo "[notebooks] ready: kernel spec 'java' in $k/kernels/java" >&2
