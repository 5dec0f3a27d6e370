#!/usr/bin/env bash
# The three suites of `make test`: SQLite, PostgreSQL (when KEFU_TEST_DATABASE_URL is
# set) and the browser (when /usr/bin/chromium exists). A suite that cannot run says so.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
run() { echo; echo "=== $1 ==="; shift; "$@" || status=1; }

run "unit and API tests on SQLite" \
  env -u KEFU_DATABASE_URL $BIN/pytest -q -m "not e2e" -p no:randomly

if [ -n "${KEFU_TEST_DATABASE_URL:-}" ]; then
  run "unit and API tests on PostgreSQL" \
    env KEFU_DATABASE_URL="$KEFU_TEST_DATABASE_URL" $BIN/pytest -q -m "not e2e"
else
  echo; echo "=== PostgreSQL suite NOT RUN: KEFU_TEST_DATABASE_URL is not set (bash .ci/run sets it) ==="
fi

if [ -x /usr/bin/chromium ]; then
  run "browser tests in headless Chromium" env -u KEFU_DATABASE_URL $BIN/pytest -q -m e2e tests/e2e
else
  echo; echo "=== Browser suite NOT RUN: /usr/bin/chromium is missing (apt-get install chromium) ==="
fi
exit $status
