#!/usr/bin/env bash
# Set up everything the tests need, then run them: lint, unit, app, CLI and browser tests.
#   bash scripts/test.sh [pytest args...]
# Creates .venv (if missing), installs the project with its test and spark extras, and
# installs from Debian's packages what some tests need when it can (as root or with
# sudo): Chromium for the browser tests, poppler-utils for the PDF report tests, a Java
# runtime for the Spark engine tests. Without them those tests skip with a notice, except
# under CI=true, where they must run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,spark]"

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
APT_UPDATED=""

# debian_install COMMAND PACKAGE WHAT: install PACKAGE unless COMMAND is already there.
debian_install() {
    command -v "$1" >/dev/null 2>&1 && return 0
    command -v apt-get >/dev/null 2>&1 || return 0
    if [ "$(id -u)" != "0" ] && [ -z "$SUDO" ]; then return 0; fi
    echo "Installing Debian's $2 for $3…"
    if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq || true; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$2" >/dev/null \
        || echo "Could not install $2: $3 will skip (or fail under CI=true)."
}

debian_install chromium chromium "the browser tests"
debian_install pdftoppm poppler-utils "the PDF report tests"
debian_install java default-jre-headless "the Spark engine tests"

.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest "$@"
