#!/usr/bin/env bash
# Set up everything the tests need, then run them: lint, unit, app and browser tests.
#   bash scripts/test.sh [pytest args...]
# Creates .venv (if missing), installs the project with its test extra, and
# installs Debian's Chromium for the browser tests when it can (as root or
# with sudo). Without Chromium the browser tests skip with a notice, except
# under CI=true, where they must run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"

if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
    if [ "$(id -u)" = "0" ] || [ -n "$SUDO" ]; then
        echo "Installing Debian's chromium for the browser tests…"
        $SUDO apt-get update -qq || true
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
            || echo "Could not install chromium: browser tests will skip (or fail under CI=true)."
    fi
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
