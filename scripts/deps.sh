#!/usr/bin/env bash
# Installs what `make test`, `make run` and `make bench` need on a fresh Debian machine with Go:
# Debian packages through apt-get when run as root (one `apt-get update`, then one install of only
# the missing ones), otherwise one line naming the exact command and exit 1 before any test starts;
# then the site's npm packages from its lock file. Idempotent: a second run installs nothing.
set -euo pipefail
usage() { echo "usage: $0 test|run|bench" >&2; exit 2; }
[ $# -eq 1 ] || usage
cd "$(dirname "$0")/.."

# package -> a file it installs, the proof it is there.
declare -A have=(
  [chromium]=/usr/bin/chromium
  [firefox-esr]=/usr/bin/firefox-esr
  [webkit2gtk-driver]=/usr/bin/WebKitWebDriver
  [xvfb]=/usr/bin/xvfb-run
  [xauth]=/usr/bin/xauth
  [libharfbuzz-bin]=/usr/bin/hb-shape
  [libimage-exiftool-perl]=/usr/bin/exiftool
  [wrk]=/usr/bin/wrk
)
case "$1" in
  test) pkgs=(chromium firefox-esr webkit2gtk-driver xvfb xauth libharfbuzz-bin libimage-exiftool-perl) ;;
  bench) pkgs=(chromium wrk) ;;
  run) pkgs=() ;;
  *) usage ;;
esac

need=()
for p in "${pkgs[@]}"; do [ -e "${have[$p]}" ] || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "deps: missing Debian packages; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need[*]}" >&2
    exit 1
  fi
  echo "deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  command -v npm >/dev/null || { echo "deps: npm is missing; run: sudo apt-get install -y npm" >&2; exit 1; }
  echo "deps: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
