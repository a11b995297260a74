#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests, on 127.0.0.1:${PG_PORT:-55432} (trust auth, loopback only).
#   scripts/pg_private.sh start        -> prints the data directory on stdout, creates database app_test
#   scripts/pg_private.sh stop DIR     -> stops the server and deletes DIR
# Needs the PostgreSQL server binaries (Debian/Ubuntu package `postgresql`). As root, the server runs
# as the `postgres` user (initdb refuses to run as root).
set -euo pipefail
PORT="${PG_PORT:-55432}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"
[[ -n "$PGBIN" && -x "$PGBIN/initdb" ]] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }

as_pg() {
    if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}

case "${1:-}" in
start)
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        echo "port $PORT is already in use" >&2
        exit 1
    fi
    DIR="$(mktemp -d /tmp/plan_builder_pg.XXXXXX)"
    [[ $(id -u) -eq 0 ]] && chown postgres "$DIR"
    as_pg "'$PGBIN/initdb' -D '$DIR/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$DIR/initdb.log' 2>&1" \
        || { cat "$DIR/initdb.log" >&2; exit 1; }
    as_pg "'$PGBIN/pg_ctl' -D '$DIR/data' -o '-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR' -l '$DIR/log' -w start >/dev/null" \
        || { cat "$DIR/log" >&2; exit 1; }
    as_pg "'$PGBIN/psql' -q -h 127.0.0.1 -p $PORT -U postgres -d postgres -c 'CREATE DATABASE app_test'" >&2
    echo "$DIR"
    ;;
stop)
    DIR="${2:?data directory}"
    as_pg "'$PGBIN/pg_ctl' -D '$DIR/data' -m fast -w stop >/dev/null" || true
    rm -rf "$DIR"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
