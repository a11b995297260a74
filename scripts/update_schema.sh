#!/usr/bin/env bash
# Regenerate schema/plan.schema.json from the plan model (commit the result).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m plan_builder schema "$@"
