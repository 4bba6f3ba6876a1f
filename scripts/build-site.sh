#!/usr/bin/env bash
# Assembles the servable site: site/ + the WASM module + wasm_exec.js + fonts + templates, stamps the service
# worker's cache version with a content hash, and writes .br/.gz siblings of compressible files.
set -euo pipefail
usage() { echo "usage: $0 MODULE.wasm OUTDIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
wasm=$1 out=$2
[ -f "$wasm" ] || { echo "build-site: $wasm not found (run make wasm)" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)

tmp=$(mktemp -d "${out%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Everything in site/ except the tests, the TypeScript contract and boot.js (index.html has it inline),
# which are not served.
tar -C "$root/site" --exclude=./e2e --exclude='*.d.ts' --exclude='*_test.go' --exclude='tsconfig*.json' --exclude=boot.js -cf - . | tar -C "$tmp" -xf -
cp "$wasm" "$tmp/memeforge.wasm"
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$tmp/wasm_exec.js"
mkdir -p "$tmp/fonts"
cp "$root"/wasm/fonts/*.ttf "$root"/wasm/fonts/*-LICENSE.txt "$root"/wasm/fonts/*-OFL.txt "$tmp/fonts/"
# Twemoji's art (npm devDependency @twemoji/svg): the page fetches only the files a caption needs.
twemoji="$root/node_modules/@twemoji/svg"
[ -f "$twemoji/1f525.svg" ] || { echo "build-site: $twemoji missing (run npm ci)" >&2; exit 1; }
mkdir -p "$tmp/emoji"
cp "$twemoji"/*.svg "$tmp/emoji/"
cp "$root/wasm/emoji/LICENSE-twemoji.txt" "$tmp/emoji/"
# Templates: every folder in templates/ (spec, images, licence), a thumbnail of each and the gallery's
# templates/index.json.
(cd "$root" && go run ./scripts/templates "$root/templates" "$tmp/templates")

# The cache version is a hash of every file the service worker may precache, so any change to any
# of them (and only a change) makes browsers fetch a fresh set.
# The precache list is the app shell: every file but the service worker itself, the licences, the
# fonts, the emoji art and the templates (sw.js keeps the templates it has fetched in a cache of
# their own, which outlives an update). A Latin meme needs no font file (Anton is in the module); the page fetches
# the few fonts and emoji a caption needs, and sw.js keeps each in its assets cache, named for a hash
# of everything under fonts/ and emoji/ so that a changed file is never served from an old cache.
if [ -f "$tmp/sw.js" ]; then
  version=$(cd "$tmp" && find . -type f ! -name sw.js -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  assets=$(cd "$tmp" && find ./fonts ./emoji -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
  shell=$(cd "$tmp" && find . -type f ! -name sw.js ! -name '*.txt' ! -path './emoji/*' ! -path './fonts/*' ! -path './templates/*' | sed 's|^\./||' | sort | sed "s/.*/'&'/" | paste -sd, -)
  sed -i "s/__BUILD_VERSION__/$version/g; s/__ASSETS_VERSION__/$assets/g; s|/\*__SHELL__\*/|$shell|" "$tmp/sw.js"
fi

# Precompressed siblings for servers that can pick them (the local stack does; deploy decides itself).
# Not for the 3,720 emoji (2.2 KB each on average, a caption fetches a few): brotli at its best
# setting over all of them took minutes of a 2-core build.
(cd "$root" && go run ./scripts/precompress -skip emoji "$tmp")

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "build-site: wrote $out"
