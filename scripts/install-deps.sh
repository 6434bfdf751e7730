#!/usr/bin/env bash
# Installs what building, running and testing PinPace needs on Debian/Ubuntu, idempotently:
# apt packages (only the missing ones), npm packages from the committed lockfile, tauri-driver.
# Every step checks first and skips what is already there, so a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  xvfb xauth webkit2gtk-driver imagemagick fonts-dejavu-core
  libdbus-1-dev dbus-daemon gnome-keyring
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt packages missing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the UI and the Tauri CLI, from the lockfile; skipped when node_modules matches it.
if [ -f ui/package-lock.json ]; then
  stamp=ui/node_modules/.pinpace-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s ui/package-lock.json "$stamp"; then
    # `npm install`, not `npm ci`: the lockfile can only name the Tauri CLI binary of the platform
    # it was made on (the registry mirror here serves no other), and `npm ci` refuses a lockfile
    # without every platform's optional package. `npm install` still installs the locked versions.
    echo "install-deps: npm install in ui/ (from the lockfile)"
    (cd ui && npm install --no-audit --no-fund --loglevel=error)
    cp ui/package-lock.json "$stamp"
  fi
fi

# tauri-driver (WebDriver front for the real window); cargo install skips an up-to-date binary.
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "install-deps: cargo install tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
