#!/usr/bin/env bash
# Run the whole test suite: lint-free code is checked in CI (.ci/run); this runs pytest.
#
# - Creates .venv, or adds requirements-dev.txt to a .venv the app command made (ensure_venv.sh).
# - PostgreSQL tests run when TEST_DATABASE_URL is set. When it is unset and the PostgreSQL
#   server binaries exist (Debian: /usr/lib/postgresql/*/bin), a private server is started on
#   127.0.0.1:55432 in a temporary directory for this run and stopped afterwards.
# - pytest exit code 5 ("no tests collected") counts as a failure.
# Extra arguments are passed to pytest, e.g. `bash scripts/test.sh -k store -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure_venv.sh requirements-dev.txt pytest hypothesis playwright  # creates .venv or adds what is missing

PG_STARTED=""
cleanup() {
    if [[ -n "$PG_STARTED" ]]; then
        bash scripts/pg_private.sh stop "$PG_STARTED" >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
    if PG_STARTED="$(bash scripts/pg_private.sh start 2>/dev/null)"; then
        export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:${PG_PORT:-55432}/app_test"
        echo "PostgreSQL: private server in $PG_STARTED ($TEST_DATABASE_URL)"
    else
        PG_STARTED=""
        echo "PostgreSQL: not available here; the PostgreSQL tests are skipped (set TEST_DATABASE_URL to run them)."
    fi
else
    echo "PostgreSQL: $TEST_DATABASE_URL"
fi

start=$(date +%s)
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
echo "pytest finished in $(( $(date +%s) - start )) s with exit code $rc"
if [[ $rc -eq 5 ]]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit $rc
