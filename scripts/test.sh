#!/bin/sh
# Quick start, second command: set up, then lint and run the test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/ruff check qualityreport tests bench examples
exec .venv/bin/python -m pytest "$@"
