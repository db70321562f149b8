#!/usr/bin/env bash
# A local S3-compatible server (moto's, from PyPI) on 127.0.0.1 for tests and the demo.
#   scripts/lib/s3server.sh install  pip-install moto[server] if missing
#   scripts/lib/s3server.sh start    install if needed, start; prints the endpoint URL
#   scripts/lib/s3server.sh stop
# Port: RECO_S3_PORT (default 55900); pid and log under RECO_S3_DIR (default .run/s3).
# moto keeps objects in memory and accepts any credentials: for tests only, never for real data.
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${RECO_S3_PORT:-55900}"
root="${RECO_S3_DIR:-$(pwd)/.run/s3}"
endpoint="http://127.0.0.1:$port"

install() {
  python3 -c 'import moto.server' 2>/dev/null && return 0
  echo "s3server.sh: installing moto[server] from PyPI" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'moto[server]>=5,<6' >&2
}

case "${1:-}" in
  install) install ;;
  start)
    install
    mkdir -p "$root"
    if [ -f "$root/pid" ] && kill -0 "$(cat "$root/pid")" 2>/dev/null; then echo "$endpoint"; exit 0; fi
    nohup python3 -m moto.server -H 127.0.0.1 -p "$port" >"$root/server.log" 2>&1 &
    echo $! >"$root/pid"
    for _ in $(seq 1 100); do
      if python3 -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/')" 2>/dev/null; then echo "$endpoint"; exit 0; fi
      kill -0 "$(cat "$root/pid")" 2>/dev/null || break
      sleep 0.2
    done
    echo "s3server.sh: moto did not start on $endpoint" >&2
    tail -n 20 "$root/server.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$root/pid" ]; then
      kill "$(cat "$root/pid")" 2>/dev/null || true
      rm -f "$root/pid"
    fi
    ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
