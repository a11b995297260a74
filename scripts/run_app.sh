#!/usr/bin/env bash
# Set up the virtual environment when it is missing, then start the app (http://localhost:8501).
# Extra arguments go to `streamlit run`, e.g. `bash scripts/run_app.sh --server.port 8600`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r requirements.txt
fi
exec .venv/bin/python -m streamlit run app.py "$@"
