#!/usr/bin/env bash
# The one command that runs every test: type check, lint, unit tests, build, end-to-end tests.
# Run it as `npm test` so the pinned Node (node_modules/.bin/node) is first on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
export ASTRO_TELEMETRY_DISABLED=1

bash tests/ensure-system-tools.sh

step() { printf '\n== %s\n' "$*"; }

step "type check"
npm run --silent check

step "lint"
npx biome check .

step "unit tests"
npx vitest run

step "build"
npx astro build >/tmp/packet-lab-build.log 2>&1 || { cat /tmp/packet-lab-build.log; exit 1; }
tail -n 3 /tmp/packet-lab-build.log

step "end-to-end tests"
npx playwright test
