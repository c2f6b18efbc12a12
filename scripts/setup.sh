#!/usr/bin/env bash
# Installs everything the project needs from the package registries, then compiles the contracts.
# Idempotent: each step is skipped when its inputs have not changed since it last ran.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: Python 3.11 or newer is needed as \$PYTHON (found: $("$PYTHON" --version 2>&1))" >&2
  exit 2
fi
command -v npm >/dev/null || { echo "error: npm (Node.js 18 or newer) is needed" >&2; exit 2; }

# Foundry 1.7.1, solc 0.8.30, OpenZeppelin and forge-std, pinned by package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci (Foundry, solc, OpenZeppelin, forge-std)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The Python package and its dev tools, in .venv.
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  echo "==> pip install -e .[dev]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  touch .venv/.installed
fi

# Debian's chromium renders the simulation's HTML report in a test; installed when missing and we may install.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "==> apt-get install chromium (headless, for the HTML report test)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

echo "==> forge build"
node_modules/@foundry-rs/forge-linux-amd64/bin/forge build
