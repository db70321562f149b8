#!/usr/bin/env bash
# The API contract: schemathesis (from PyPI, in a venv under .run/) runs every check it has on a
# bounded number of generated cases per operation against reco-api serving a small synthetic
# model, with the admin route enabled. Any failure (a 5xx, a response that breaks the documented
# schema, an undocumented status, an accepted invalid request, 404 for a wrong method…) fails.
#   scripts/lib/api_contract.sh BIN_DIR [--max-examples N]   (default 40)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$1"; shift
examples=40
[ "${1:-}" = "--max-examples" ] && examples="$2"

venv=.run/venv-schemathesis
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'schemathesis>=4.3,<5' >&2
fi
work=.run/api-contract
rm -rf "$work"
mkdir -p "$work"
"$bin/reco" synth --ratings 20000 --customers 2000 --movies 100 --seed 3 --output "$work/raw" --no-progress >/dev/null
"$bin/reco" prepare "$work/raw" --no-trim --output "$work/prepared" --no-progress >/dev/null
"$bin/reco" train --data "$work/prepared" --factors 8 --epochs 2 --output "$work/model.recomodel" --no-progress >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="contract-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
RECO_API_ADMIN_TOKEN="$token" "$bin/reco-api" --model "$work/model.recomodel" --movies "$work/prepared/movies.csv" --port "$port" \
  --log-level error >"$work/api.log" 2>&1 &
api=$!
trap 'kill $api 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health/ready", timeout=1)
        break
    except Exception:
        time.sleep(0.1)
PY
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" --checks all --max-examples "$examples" --seed 1 \
  -H "Authorization: Bearer $token" --no-color
