#!/usr/bin/env bash
# The keychain test against a real Secret Service: a private D-Bus session with gnome-keyring,
# its login keyring unlocked with a throwaway password, living only as long as this script.
# The user's own keychain is never touched (the session bus is new; HOME is a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf pinpace-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  # --workspace, as make test'"'"'s cargo test: the same feature set, so nothing is compiled again.
  cargo test --workspace --lib secrets::keychain -- --ignored
'
