#!/usr/bin/env bash
# Make .venv hold what a requirements file lists, whichever script runs first.
#   bash scripts/ensure_venv.sh requirements.txt streamlit            (the app: scripts/run_app.sh)
#   bash scripts/ensure_venv.sh requirements-dev.txt pytest playwright (the tests: scripts/test.sh)
# Creates .venv with $PYTHON (default python3, 3.11 or newer) when it is missing, and installs the
# file when it was never installed into this .venv or has changed since: a stamp in .venv records
# what was installed, and the modules named after the file must import. So the app command after the test command installs nothing, and the test
# command after the app command adds the test requirements (pytest, playwright, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
REQ="${1:?usage: ensure_venv.sh REQUIREMENTS_FILE [MODULE ...]}"
shift
MODULES=("$@")
PYTHON="${PYTHON:-python3}"

stamp_of() {  # the file's content with everything it pulls in by `-r`, as one hash
    local file="$1"
    { cat "$file"; sed -n 's/^-r[[:space:]]*//p' "$file" | while read -r inc; do cat "$inc"; done; } | sha256sum | cut -d' ' -f1
}

if [[ ! -x .venv/bin/python ]] || ! .venv/bin/python -c "" 2>/dev/null; then
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        echo "エラー: Python（$PYTHON）が見つかりません。先に bash scripts/setup_system.sh を実行してください。" >&2
        exit 1
    fi
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "エラー: Python 3.11 以上が必要です（$PYTHON は $("$PYTHON" -V 2>&1)）。PYTHON=python3.12 のように指定できます。" >&2
        exit 1
    fi
    echo "仮想環境 .venv を作成します（$("$PYTHON" -V 2>&1)）。"
    if ! "$PYTHON" -m venv .venv; then
        echo "エラー: 仮想環境を作れません。Debian/Ubuntu では python3-venv が必要です（bash scripts/setup_system.sh）。" >&2
        exit 1
    fi
    .venv/bin/python -m pip install --quiet --upgrade pip
fi

want="$(stamp_of "$REQ")"
stamp=".venv/.installed-$(basename "$REQ").sha256"
imports_ok() {
    local m
    for m in "${MODULES[@]}"; do
        .venv/bin/python -c "import $m" 2>/dev/null || return 1
    done
}
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && imports_ok; then
    exit 0
fi
echo "$REQ のパッケージを .venv に入れます（初回は数分かかります）。"
.venv/bin/python -m pip install --quiet -r "$REQ"
echo "$want" >"$stamp"
# A file that includes others (-r requirements.txt) installed them too: record those as well.
sed -n 's/^-r[[:space:]]*//p' "$REQ" | while read -r inc; do
    stamp_of "$inc" >".venv/.installed-$(basename "$inc").sha256"
done
