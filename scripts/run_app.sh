#!/usr/bin/env bash
# Set up the virtual environment (or add what it lacks), then start the app (http://localhost:8501).
# Extra arguments go to `streamlit run`, e.g. `bash scripts/run_app.sh --server.port 8600`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure_venv.sh requirements.txt streamlit  # creates .venv or adds what is missing
exec .venv/bin/python -m streamlit run app.py "$@"
