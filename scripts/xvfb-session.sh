# Sourced by scripts/e2e.sh and scripts/footprint.sh (not run alone): a throwaway work directory,
# PIDs in `pids` that are stopped on exit whatever happens, and `start_xvfb`, a private display.
# Usage: `. scripts/xvfb-session.sh <name>` (the name prefixes the work directory and messages).
session_name=$1
work=$(mktemp -d -t "$session_name.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# A display of our own: Xvfb picks a free number and writes it to fd 3.
start_xvfb() {
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
  pids+=($!)
  # Up to 30 s: on a loaded 2-core machine (right after the build) 5 s was once not enough.
  for _ in $(seq 300); do [ -s "$work/display" ] && break; sleep 0.1; done
  [ -s "$work/display" ] || { echo "$session_name: Xvfb did not start" >&2; cat "$work/xvfb.log" >&2; exit 1; }
  export DISPLAY=":$(cat "$work/display")"
}
