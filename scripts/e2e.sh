#!/usr/bin/env bash
# End-to-end run of the real window: starts Xvfb and tauri-driver (in front of WebKitWebDriver),
# gives the app a throwaway data directory, runs the ignored e2e tests in tests/, and stops
# everything it started by PID whatever happens. Screenshots land in target/e2e/.
# `scripts/e2e.sh screenshots` (make screenshots) instead runs only the screenshot tour, on the
# demo workspace, into target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

APP="$PWD/target/debug/pinpace"
[ -x "$APP" ] || { echo "e2e: $APP is missing; run 'make build' first" >&2; exit 1; }

. scripts/xvfb-session.sh pinpace-e2e
start_xvfb

# The app inherits this environment through tauri-driver and WebKitWebDriver.
export PINPACE_DATA_DIR="$work/data"
# The built-in simulator's /_sim admin key, so the tests can drive it over HTTP (random per run).
PINPACE_SIM_KEY=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export PINPACE_SIM_KEY
filter=()
if [ "${1:-}" = screenshots ]; then
  export PINPACE_DEMO=1
  rm -rf target/screenshots
  filter=(screenshots_of_every_main_screen)
fi
export NO_AT_BRIDGE=1 DBUS_SESSION_BUS_ADDRESS=disabled:

port=${PINPACE_E2E_PORT:-4444}
tauri-driver --port "$port" --native-port $((port + 1)) >"$work/driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/status" >/dev/null || { echo "e2e: tauri-driver did not answer" >&2; cat "$work/driver.log" >&2; exit 1; }

export PINPACE_E2E_APP="$APP" PINPACE_WEBDRIVER_URL="http://127.0.0.1:$port"
# Read the (large, just built) binary once so the first session does not start it cold.
cat "$APP" >/dev/null
# A WebDriver session that never starts would otherwise hang CI: give the whole run 10 minutes.
if ! timeout 600 cargo test -p pinpace --test e2e_window -- --ignored --test-threads=1 "${filter[@]}"; then
  echo "e2e: failed; tauri-driver log:" >&2
  tail -50 "$work/driver.log" >&2
  exit 1
fi
