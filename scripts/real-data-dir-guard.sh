#!/usr/bin/env bash
# Guards the user's real PinPace directories during `make test`: `snapshot FILE` records what is
# in them (paths, sizes, modification times), `verify FILE` fails if any test changed them.
# Tests must use PINPACE_DATA_DIR or a temporary directory (DESIGN invariant 9).
set -euo pipefail
id=app.pinpace.desktop
dirs=(
  "${XDG_DATA_HOME:-$HOME/.local/share}/$id"
  "${XDG_CONFIG_HOME:-$HOME/.config}/$id"
  "${XDG_CACHE_HOME:-$HOME/.cache}/$id"
)
listing() {
  for d in "${dirs[@]}"; do
    if [ -e "$d" ]; then find "$d" -printf '%p %s %T@\n' | sort; else echo "$d absent"; fi
  done
}
case "${1:-}" in
  snapshot) listing >"$2" ;;
  verify)
    if ! diff -u "$2" <(listing); then
      echo "real-data-dir-guard: a test wrote to the user's real PinPace directories (diff above)" >&2
      exit 1
    fi
    echo "real-data-dir-guard: the real PinPace directories were not touched" ;;
  *) echo "usage: $0 snapshot|verify FILE" >&2; exit 2 ;;
esac
