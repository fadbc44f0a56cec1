#!/usr/bin/env bash
# Install everything gongkai needs on a fresh Debian/Ubuntu machine:
# the apt packages in apt-packages.txt and the Python package (with test tools) in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=$(grep -v '^\s*#' apt-packages.txt | xargs)
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing apt packages:$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[dev]"
# jieba's dictionary and the division gazetteer, prepared once so that each command reads only what it needs
.venv/bin/python -m gongkai.extract.cache >/dev/null
echo "gongkai installed: $(.venv/bin/gongkai --version)"
