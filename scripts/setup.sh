#!/bin/sh
# Prepares a machine for qualityreport: the Debian packages it needs (a CJK font, HarfBuzz
# subsetting, Python's venv module) and a virtualenv in .venv with the package installed.
# Safe to run again: it only does what is missing.
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

missing=""
command -v "$PYTHON" >/dev/null 2>&1 || missing="$missing python3"
"$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1 || missing="$missing python3-venv"
fc-list ':lang=zh' family 2>/dev/null | grep -q . || missing="$missing fonts-noto-cjk"
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so\.0' || missing="$missing libharfbuzz-subset0"
# The browser tests drive Debian's chromium; without it (and not root) they are skipped.
if [ ! -x /usr/bin/chromium ] && [ "${QUALITYREPORT_NO_BROWSER:-}" != 1 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        missing="$missing chromium"
    else
        echo "Note: the browser tests need Debian's chromium (sudo apt-get install chromium)" >&2
    fi
fi
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq $missing fontconfig >/dev/null
    else
        echo "Missing Debian packages:$missing" >&2
        echo "Install them with: sudo apt-get install$missing" >&2
        exit 1
    fi
fi

stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Setting up the virtualenv in .venv"
    "$PYTHON" -m venv .venv
    .venv/bin/pip install -q --upgrade pip
    .venv/bin/pip install -q -e '.[test]'
    touch "$stamp"
fi
