#!/usr/bin/env bash
# Makes .build/standardwebhooks-venv: a Python virtual environment with the reference
# Standard Webhooks library (PyPI: standardwebhooks), which the notifier's tests use to
# verify webhook signatures independently of the project's own code. Without Python 3,
# venv or PyPI, it says so and exits 0: that one test is then skipped with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=".build/standardwebhooks-venv"
if "$venv/bin/python" -c "import standardwebhooks" 2>/dev/null; then
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "setup: no python3; the standardwebhooks verification test will be skipped" >&2
  exit 0
fi
mkdir -p .build
if python3 -m venv "$venv" && "$venv/bin/pip" install -q standardwebhooks; then
  echo "setup: standardwebhooks installed in $venv" >&2
else
  echo "setup: could not install standardwebhooks into $venv; its verification test will be skipped" >&2
fi
exit 0
