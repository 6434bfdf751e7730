#!/usr/bin/env bash
# `make run`: starts the built app on its built-in simulator with the demo workspace (two
# connected simulator accounts with boards, a few drafts and scheduled pins; filled on the first
# run only). Data goes under target/demo-workspace (override with PINPACE_DATA_DIR), so trying
# PinPace from a checkout never touches the data of an installed PinPace. Without a display it
# says how to get one.
set -euo pipefail
cd "$(dirname "$0")/.."
export PINPACE_DATA_DIR="${PINPACE_DATA_DIR:-$PWD/target/demo-workspace}"
export PINPACE_DEMO="${PINPACE_DEMO:-1}"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "make run: no display (DISPLAY/WAYLAND_DISPLAY unset). On a headless machine use:" >&2
  echo "  xvfb-run -a make run" >&2
  exit 1
fi
echo "PinPace: data in $PINPACE_DATA_DIR"
exec target/debug/pinpace
