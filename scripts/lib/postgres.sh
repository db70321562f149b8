#!/usr/bin/env bash
# A private PostgreSQL cluster under .run/postgres on 127.0.0.1 (never the system cluster).
#   scripts/lib/postgres.sh start   init if needed, start, create role and database 'reco'; prints DATABASE_URL
#   scripts/lib/postgres.sh stop
#   scripts/lib/postgres.sh kill       SIGKILL to the server (crash tests); start runs its recovery
#   scripts/lib/postgres.sh settings   prints "fsync=… synchronous_commit=…" of the running server
#   scripts/lib/postgres.sh url
# Port: RECO_PG_PORT (default 55432); directory: RECO_PG_DIR (default .run/postgres).
# Durable by default: fsync and synchronous_commit on, PostgreSQL's own defaults, so a committed
# list survives a crash of the server or the machine. RECO_PG_FSYNC=off (scripts/test) trades that
# for speed where the data is thrown away; a server running with the other setting is restarted.
# initdb refuses root, so as root the cluster runs as 'postgres'.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${RECO_PG_PORT:-55432}"
root="${RECO_PG_DIR:-$(pwd)/.run/postgres}"
data="$root/data"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$bin/initdb" ] || { echo "postgres.sh: PostgreSQL server binaries not found (install the postgresql package)" >&2; exit 1; }
url="postgresql://reco@127.0.0.1:$port/reco"
fsync="${RECO_PG_FSYNC:-on}"
case "$fsync" in on|off) ;; *) echo "postgres.sh: RECO_PG_FSYNC must be on or off, not '$fsync'" >&2; exit 2 ;; esac
psql_admin() { psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

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
    if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 && [ "$(psql_admin -c 'SHOW fsync' 2>/dev/null || true)" != "$fsync" ]; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      # After a SIGKILL the old server's children may hold its shared memory for a moment.
      for attempt in 1 2 3 4 5; do
        if as_owner "$bin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 120 \
          -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$root -c fsync=$fsync -c synchronous_commit=$fsync -c max_connections=100" start >/dev/null; then
          break
        fi
        [ "$attempt" = 5 ] && { tail -n 20 "$root/server.log" >&2; exit 1; }
        sleep 1
      done
    fi
    psql="psql -h 127.0.0.1 -p $port -U postgres -v ON_ERROR_STOP=1 -qtA"
    [ "$($psql -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname='reco'")" = 1 ] || $psql -d postgres -c "CREATE ROLE reco LOGIN" >/dev/null
    [ "$($psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname='reco'")" = 1 ] || $psql -d postgres -c "CREATE DATABASE reco OWNER reco" >/dev/null
    echo "$url"
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ]; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true; fi
    ;;
  kill)
    if [ -f "$data/postmaster.pid" ]; then
      pid=$(head -n 1 "$data/postmaster.pid")
      kill -9 "$pid" 2>/dev/null || true
      # The server's backends notice their postmaster died and exit on their own.
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
  settings)
    echo "fsync=$(psql_admin -c 'SHOW fsync') synchronous_commit=$(psql_admin -c 'SHOW synchronous_commit')"
    ;;
  url)
    echo "$url"
    ;;
  *)
    echo "usage: scripts/lib/postgres.sh start|stop|kill|settings|url" >&2
    exit 2
    ;;
esac
