#!/usr/bin/env bash
# The desktop app's footprint, the last part of `make bench` (`make footprint` runs it alone):
# builds the release app and its .deb (`tauri build --bundles deb`; `--no-build` skips that),
# starts it under a private Xvfb on a fresh demo workspace, and reports
#   - the time from start to the first drawn screen: the app's own log line (`first_screen_drawn`,
#     sent by the window once the live panel has drawn its first data, two frames later),
#   - the proportional memory (PSS) of every process of the app (pinpace and the WebKit processes
#     it starts) after IDLE seconds (60) on that screen,
#   - their CPU over those seconds (% of one core),
#   - the .deb's size,
# against the targets, into target/bench/footprint.md. PSS rather than RSS: the WebKit processes
# share libraries, and PSS splits each shared page between them, so the sum is what the app costs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
IDLE=${PINPACE_FOOTPRINT_IDLE:-60}
FIRST_SCREEN_MAX_MS=1500
PSS_MAX_MB=200
CPU_MAX_PCT=0.5

if [ "${1:-}" != --no-build ]; then
  ui/node_modules/.bin/tauri build --bundles deb
fi
APP="$PWD/target/release/pinpace"
[ -x "$APP" ] || { echo "footprint: $APP is missing (run without --no-build)" >&2; exit 1; }
deb=$(ls -1t target/release/bundle/deb/*.deb 2>/dev/null | head -1 || true)

. scripts/xvfb-session.sh pinpace-footprint
start_xvfb
export PINPACE_DATA_DIR="$work/data" PINPACE_DEMO=1
export NO_AT_BRIDGE=1 DBUS_SESSION_BUS_ADDRESS=disabled:

# Read the binary once: the first start should not pay for a cold disk cache of a fresh build.
cat "$APP" >/dev/null
"$APP" >"$work/app.out" 2>&1 &
app=$!
pids+=("$app")

first_ms=""
for _ in $(seq 600); do
  line=$(grep -h 'the first screen is drawn' "$work"/data/logs/pinpace.log.* 2>/dev/null | head -1 || true)
  if [ -n "$line" ]; then
    first_ms=$(grep -o 'since_start_ms=[0-9]*' <<<"$line" | cut -d= -f2)
    break
  fi
  kill -0 "$app" 2>/dev/null || { echo "footprint: the app exited" >&2; cat "$work/app.out" >&2; exit 1; }
  sleep 0.1
done
[ -n "$first_ms" ] || { echo "footprint: no first screen within 60 s" >&2; tail -20 "$work/app.out" >&2; exit 1; }

# The app and every process under it (WebKit's web and network processes, a sandbox wrapper).
tree() {
  local all=("$app") i=0
  while [ "$i" -lt "${#all[@]}" ]; do
    while read -r pid ppid; do
      [ "$ppid" = "${all[$i]}" ] && all+=("$pid")
    done < <(ps -e -o pid=,ppid=)
    i=$((i + 1))
  done
  echo "${all[@]}"
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
# Arithmetic in awk (bc is not on every machine).
calc() { awk "BEGIN { print $1 }"; }

declare -A cpu0
for pid in $(tree); do cpu0[$pid]=$(ticks "$pid"); done
t0=$(date +%s.%N)
sleep "$IDLE"
t1=$(date +%s.%N)

rows=""
total_pss=0
total_ticks=0
for pid in $(tree); do
  name=$(cat "/proc/$pid/comm" 2>/dev/null || echo "?")
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  dt=$(( $(ticks "$pid") - ${cpu0[$pid]:-0} ))
  total_pss=$((total_pss + pss))
  total_ticks=$((total_ticks + dt))
  rows+=$(printf '| %s (pid %s) | %.1f MB | %.2f%% |' "$name" "$pid" \
    "$(calc "$pss / 1024")" "$(calc "$dt / $hz / ($t1 - $t0) * 100")")$'\n'
done
pss_mb=$(calc "$total_pss / 1024")
cpu_pct=$(calc "$total_ticks / $hz / ($t1 - $t0) * 100")
deb_size="no .deb"
[ -n "$deb" ] && deb_size=$(printf '%.1f MB (%s)' "$(calc "$(stat -c %s "$deb") / 1048576")" "$(basename "$deb")")

verdict() { if [ "$1" = 1 ]; then echo met; else echo "NOT met"; fi; }
first_ok=$(( first_ms <= FIRST_SCREEN_MAX_MS ))
pss_ok=$(calc "$pss_mb <= $PSS_MAX_MB")
cpu_ok=$(calc "$cpu_pct < $CPU_MAX_PCT")

report=$(cat <<EOF
Footprint of the release app on the demo workspace, measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Xvfb 1280×800, idle for ${IDLE} s on the live panel:

| measure | result | target | |
|---|---|---|---|
| first screen | ${first_ms} ms after start | ≤ ${FIRST_SCREEN_MAX_MS} ms | $(verdict "$first_ok") |
| PSS, all processes | $(printf '%.1f' "$pss_mb") MB | ≤ ${PSS_MAX_MB} MB | $(verdict "$pss_ok") |
| CPU while idle | $(printf '%.2f' "$cpu_pct")% of one core | < ${CPU_MAX_PCT}% | $(verdict "$cpu_ok") |
| .deb | ${deb_size} | | |

| process | PSS | CPU |
|---|---|---|
${rows}
EOF
)
echo "$report"
mkdir -p target/bench
echo "$report" >target/bench/footprint.md
echo "written to target/bench/footprint.md"
