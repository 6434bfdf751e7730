#!/usr/bin/env bash
# Fails when the TypeScript bindings in ui/src/lib/bindings differ from what the Rust tests
# generate: ts-rs writes one file per exported type, and tests/command_bindings/ writes
# commands.ts (every #[tauri::command]'s name, arguments and result). `make test` deletes them,
# runs the Rust tests (which regenerate them), then calls this. Commit the regenerated files
# when the Rust types or commands change on purpose.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=ui/src/lib/bindings
[ -n "$(ls -A "$dir" 2>/dev/null)" ] || { echo "check-bindings: $dir is empty: ts-rs exported nothing" >&2; exit 1; }
untracked=$(git ls-files --others --exclude-standard -- "$dir")
if ! git diff --quiet -- "$dir" || [ -n "$untracked" ]; then
  git --no-pager diff --stat -- "$dir" >&2
  [ -n "$untracked" ] && echo "untracked: $untracked" >&2
  echo "check-bindings: $dir is not current; commit the regenerated files" >&2
  exit 1
fi
echo "check-bindings: TypeScript bindings are current"
