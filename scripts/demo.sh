#!/bin/sh
# Quick start, first command: set up, then run the whole pipeline on examples/ into demo-output/.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
exec .venv/bin/qualityreport demo -o "${DEMO_DIR:-demo-output}" "$@"
