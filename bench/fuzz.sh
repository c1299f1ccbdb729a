#!/usr/bin/env bash
# `make fuzz`: schemathesis against a live server seeded with the demo studio.
# Uses a throwaway SQLite database and lifts rate limits so generated traffic isn't all 429s.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${FUZZ_PORT:-8123}
export DATABASE_URL="sqlite:////tmp/alera-fuzz.sqlite3" RATELIMIT_ENABLE=false LOG_LEVEL=ERROR
export SITE_URL="http://127.0.0.1:$PORT"
rm -f /tmp/alera-fuzz.sqlite3
$PY manage.py migrate --noinput -v0
KEY=$($PY manage.py seed_demo | grep -o 'alr_demo-studio_[A-Za-z0-9_-]*' | head -1)
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >/tmp/alera-fuzz-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/schema/?format=json" \
  --header "x-alera-key: $KEY" --header "Origin: http://localhost:3000" \
  --exclude-checks positive_data_acceptance,negative_data_rejection \
  --max-examples "${FUZZ_EXAMPLES:-100}" "$@"
