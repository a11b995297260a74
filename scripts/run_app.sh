#!/usr/bin/env bash
# Set up the virtual environment (or add what it lacks), check the deployment settings, then start
# the app. Standalone (the default) listens on 127.0.0.1 only: http://localhost:8501 on this
# computer. Serving other computers needs PLAN_BUILDER_MODE=shared (accounts and login) and an
# address and allowed host names set as in docs/DEPLOYMENT.md.
# Extra arguments go to `streamlit run`, e.g. `bash scripts/run_app.sh --server.port 8600`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure_venv.sh requirements.txt streamlit  # creates .venv or adds what is missing
# Refuses to start (exit 2, Japanese reason) when standalone would listen beyond this computer
# or PLAN_BUILDER_MODE has an unknown value; otherwise says where the app can be opened.
.venv/bin/python -m plan_builder.auth.mode "$@"
# Streamlit started without its internet look-ups of this machine's address (plan_builder/ui/launch.py).
exec .venv/bin/python -m plan_builder.ui.launch run app.py "$@"
