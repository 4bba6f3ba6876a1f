#!/usr/bin/env bash
# `make bench`: every performance figure of memeforge, one a line as `name value unit`, renderer
# native and WASM side by side, then the signer, then the browser. Expects `make build` to have run.
set -euo pipefail
[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }
cd "$(dirname "$0")/.."

wasmenv=(env GOOS=js GOARCH=wasm PATH="$(go env GOROOT)/lib/wasm:$PATH")
fmt() { go run ./scripts/benchfmt -suffix "$1"; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Renderer: preview keystroke, cold preview, 12 MP final; encoders; animated GIF; a colour emoji drawn.
# Same benchmarks, both targets.
for target in native wasm; do
  run=(); [ $target = wasm ] && run=("${wasmenv[@]}")
  # 1000 keystrokes: V8 optimizes a WASM function only after it has run a while, so 20 would time
  # mostly its baseline compile (3.3 ms against 1.6 ms at 1000), not what a person typing gets.
  "${run[@]}" go test -run '^$' -bench 'PreviewKeystroke' -benchtime 1000x ./wasm/meme 2>"$log" | fmt $target || { cat "$log" >&2; exit 1; }
  "${run[@]}" go test -run '^$' -bench 'PreviewCold|Final4000x3000' -benchtime 20x ./wasm/meme 2>"$log" | fmt $target || { cat "$log" >&2; exit 1; }
  "${run[@]}" go test -run '^$' -bench 'EncodePNG4000x3000$|EncodeJPEG4000x3000$' -benchtime 2x ./wasm/imgio 2>"$log" | fmt $target || { cat "$log" >&2; exit 1; }
  # Animated GIF (issue 11): 100 frames of 584x214, decode + caption + encode; one playing frame.
  "${run[@]}" go test -run '^$' -bench 'GIFFinal584x214|GIFPlayFrame' -benchtime 10x ./wasm/meme 2>"$log" | fmt $target || { cat "$log" >&2; exit 1; }
  "${run[@]}" go test -run '^$' -bench '^BenchmarkDraw$' -benchtime 1000x ./wasm/emoji 2>"$log" | fmt $target || { cat "$log" >&2; exit 1; }
done
go run ./scripts/precompress -sizes wasm_module dist/memeforge.wasm
# Bytes before the first preview of a Latin meme (module + page + scripts + styles, brotli).
go test -count=1 -run '^TestModuleSize$' -v ./wasm 2>"$log" | grep '^first_preview_bytes' || { cat "$log" >&2; exit 1; }
scripts/bench-signer.sh
# Upload finished -> the check published it -> /api/status says public, on the local stack.
go test -count=1 -run '^$' -bench '^BenchmarkUploadToLive$' -benchtime 100x ./internal/localstack 2>"$log" | grep '^upload_to_live_' || { cat "$log" >&2; exit 1; }
go test -count=1 -run '^$' -bench '^BenchmarkBrowser$' -benchtime 1x ./site/e2e 2>"$log" | grep '^browser_' || { cat "$log" >&2; exit 1; }
