#!/usr/bin/env bash
# A private PostgreSQL cluster under .run/postgres on 127.0.0.1 (never the system cluster).
#   scripts/lib/postgres.sh start   init if needed, start, create role and database 'reco'; prints DATABASE_URL
#   scripts/lib/postgres.sh stop
#   scripts/lib/postgres.sh url
# Port: RECO_PG_PORT (default 55432); directory: RECO_PG_DIR (default .run/postgres).
# initdb refuses root, so as root the cluster runs as 'postgres'.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${RECO_PG_PORT:-55432}"
root="${RECO_PG_DIR:-$(pwd)/.run/postgres}"
data="$root/data"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bin/initdb" ] || { echo "postgres.sh: PostgreSQL server binaries not found (install the postgresql package)" >&2; exit 1; }
url="postgresql://reco@127.0.0.1:$port/reco"

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    mkdir -p "$root"
    if [ "$(id -u)" = 0 ]; then chown postgres "$root"; fi
    if [ ! -f "$data/PG_VERSION" ]; then
      # Local test cluster: trust on 127.0.0.1 only, listening nowhere else.
      as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
        || { cat "$root/initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$root -c fsync=off -c max_connections=100" start >/dev/null \
        || { tail -n 20 "$root/server.log" >&2; exit 1; }
    fi
    psql="psql -h 127.0.0.1 -p $port -U postgres -v ON_ERROR_STOP=1 -qtA"
    [ "$($psql -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='reco'")" = 1 ] || $psql -d postgres -c "CREATE ROLE reco LOGIN" >/dev/null
    [ "$($psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname='reco'")" = 1 ] || $psql -d postgres -c "CREATE DATABASE reco OWNER reco" >/dev/null
    echo "$url"
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ]; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
    ;;
  url)
    echo "$url"
    ;;
  *)
    echo "usage: scripts/lib/postgres.sh start|stop|url" >&2
    exit 2
    ;;
esac
