#!/usr/bin/env bash
# Compares the TypeScript bindings the Rust tests generate (target/bindings: ts-rs writes one
# file per exported type, and tests/command_bindings/ writes commands.ts) with the committed
# ones the UI reads (ui/src/lib/bindings). Fails, listing the differences, when a file was
# added, changed or is missing. `make test` empties target/bindings, runs the Rust tests (which
# regenerate it), then calls this; nothing under ui/ is deleted or written on the way.
#
#   scripts/check-bindings.sh          check
#   scripts/check-bindings.sh --write  copy the generated set over the committed one (after
#                                      `cargo test --workspace`), then commit it
set -euo pipefail
cd "$(dirname "$0")/.."
generated=target/bindings
committed=ui/src/lib/bindings
[ -n "$(ls -A "$generated" 2>/dev/null)" ] || {
  echo "check-bindings: $generated is empty: run cargo test --workspace first" >&2
  exit 1
}
if [ "${1:-}" = "--write" ]; then
  mkdir -p "$committed"
  find "$committed" -maxdepth 1 -type f -name '*.ts' -delete
  cp "$generated"/*.ts "$committed"/
  echo "check-bindings: $committed now holds the generated bindings; commit them"
  exit 0
fi
if ! diff -r -u "$committed" "$generated" >&2; then
  echo "check-bindings: $committed is not current; run scripts/check-bindings.sh --write and commit" >&2
  exit 1
fi
echo "check-bindings: TypeScript bindings are current"
