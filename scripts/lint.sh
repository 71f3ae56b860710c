#!/bin/sh
# The lint CI runs and `make lint` runs: ruff's linter, its formatter check, and the type checker.
set -eu
cd "$(dirname "$0")/.."
PATHS="qualityreport tests bench examples"
.venv/bin/ruff check $PATHS
.venv/bin/ruff format --check $PATHS
.venv/bin/mypy
