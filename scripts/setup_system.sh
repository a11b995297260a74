#!/usr/bin/env bash
# Install the system packages the app needs (`app`, the default) or the tests need too (`test`),
# on Debian 12 or Ubuntu 24.04. As root (containers, CI) apt-get runs directly; otherwise through
# sudo. Debian calls the browser `chromium`, Ubuntu `chromium-browser`: the one apt knows is used.
#   bash scripts/setup_system.sh [app|test]
set -euo pipefail
WHAT="${1:-app}"
case "$WHAT" in
app | test) ;;
*)
    echo "使い方: bash scripts/setup_system.sh [app|test]" >&2
    exit 2
    ;;
esac
if ! command -v apt-get >/dev/null 2>&1; then
    echo "エラー: apt-get がありません。Debian / Ubuntu 以外では README の一覧のパッケージを手で入れてください。" >&2
    exit 1
fi
if [[ "$(id -u)" -eq 0 ]]; then
    AS_ROOT=()
elif command -v sudo >/dev/null 2>&1; then
    AS_ROOT=(sudo)
else
    echo "エラー: root で実行するか、sudo を使えるようにしてください。" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive

"${AS_ROOT[@]}" apt-get update -qq
has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'; }
BROWSER=chromium
if ! has_candidate chromium && has_candidate chromium-browser; then
    BROWSER=chromium-browser
fi
PACKAGES=(python3 python3-venv ca-certificates "$BROWSER" fonts-noto-cjk)
if [[ "$WHAT" == test ]]; then
    PACKAGES+=(libreoffice-writer-nogui poppler-utils postgresql strace)
fi
echo "システムのパッケージを入れます: ${PACKAGES[*]}"
"${AS_ROOT[@]}" apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
