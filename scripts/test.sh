#!/bin/sh
# Quick start, second command: set up, then lint and run the test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
sh scripts/lint.sh
exec .venv/bin/python -m pytest "$@"
