#!/usr/bin/env bash
# npm test: typecheck, unit tests, integration tests (real Postgres), e2e in Chromium against the built app.
set -euo pipefail
cd "$(dirname "$0")/.."
# Next.js telemetry off for the builds the tests make.
export NEXT_TELEMETRY_DISABLED=1
echo "== typecheck"
npx tsc --noEmit -p .
echo "== unit tests"
npx vitest run --project unit
echo "== Python client unit tests"
python3 -m unittest discover -s clients/python/tests
echo "== integration tests (the Python client against a live API included)"
npx vitest run --project int
echo "== e2e tests"
npx playwright test
