# PinPace: every entry point a person or CI uses. Each target installs what it needs first
# (scripts/install-deps.sh is idempotent and takes about a second when nothing is missing).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

TAURI := ui/node_modules/.bin/tauri
GUARD := target/real-data-dir.snapshot

.PHONY: deps ui build run test lint rust-test ui-test e2e package icons bench footprint soak screenshots

deps:
	scripts/install-deps.sh

ui: deps
	cd ui && npm run --silent build

build: ui
	cargo build -p pinpace

## make run: build everything and open the PinPace window.
run: build
	scripts/run-app.sh

## make test: everything CI checks; fails on the first failure. The e2e tests drive the app binary
## that rust-test's `cargo test --workspace` builds (target/debug/pinpace, with ui/dist embedded):
## a separate `cargo build -p pinpace` would compile the dependencies again under another feature
## set (1 min 38 s of a cold run).
test: deps
	mkdir -p target
	scripts/real-data-dir-guard.sh snapshot $(GUARD)
	$(MAKE) --no-print-directory ui lint rust-test ui-test e2e
	scripts/real-data-dir-guard.sh verify $(GUARD)

# ui comes first: the Tauri crate embeds ui/dist at compile time, so clippy needs it too.
lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd ui && npm run --silent check

# The Rust tests also generate the TypeScript bindings (ts-rs types, and commands.ts from the
# #[tauri::command] signatures) into target/bindings, which must then match the committed ones
# in ui/src/lib/bindings (scripts/check-bindings.sh --write updates those).
# The keychain test runs against a real Secret Service in a private D-Bus session.
rust-test:
	rm -rf target/bindings
	cargo test --workspace
	scripts/keychain-test.sh
	scripts/check-bindings.sh

ui-test:
	cd ui && npx vitest run

e2e:
	scripts/e2e.sh

## make screenshots: a PNG of every main screen of the demo workspace, light and dark, in
## target/screenshots/ (the real window under Xvfb).
screenshots: build
	scripts/e2e.sh screenshots

## make bench: PinPace against three baseline schedulers on the simulator, side by side in one
## run, then the desktop app's footprint (make footprint); the tables go to target/bench/latest.md
## and target/bench/footprint.md.
bench: ui
	cargo build --release -p pinpace-engine --bin pinpace-bench
	target/release/pinpace-bench
	scripts/footprint.sh

## make footprint: the release app under Xvfb on the demo workspace: time to the first screen,
## memory (PSS) and CPU of all its processes after a minute idle, and the .deb's size.
footprint: ui
	scripts/footprint.sh

## make soak: 500 pins, 5 accounts, faults, a 60 s outage and 20 SIGKILLs; the exactly-once
## check, with its counts in target/soak/full.md. (A short version runs in make test.)
soak: deps
	cargo test --release -p pinpace-engine --test engine -- --ignored --nocapture soak::full_soak

## make package: an installable .deb under target/release/bundle/deb/ (not part of make test).
package: ui
	$(TAURI) build --bundles deb
	@ls -1 target/release/bundle/deb/*.deb

## make icons: regenerate every icon from icons/source.svg (desktop sizes only).
icons: deps
	$(TAURI) icon icons/source.svg -o icons
	rm -rf icons/android icons/ios icons/Square*Logo.png icons/StoreLogo.png
