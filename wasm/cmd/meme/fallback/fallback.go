// Package fallback embeds the wide-coverage fallback fonts for the native
// CLI, so `go run ./wasm/cmd/meme` works from any directory.
//
// The files are byte-identical copies of wasm/fonts/DejaVuSans-Bold.ttf and
// wasm/fonts/DroidSansFallbackFull.ttf (git stores each content once, so the
// copies cost the repository nothing). go:embed cannot reach a parent
// directory, and embedding them in package fonts would put 4.7 MB into the
// browser module, which must load them as separate cacheable files instead.
// Only the CLI imports this package; fallback_test.go fails if the copies
// drift from the originals.
package fallback

import _ "embed"

// ByFile maps each file name of fonts.Bundled's fallbacks to its bytes.
var ByFile = map[string][]byte{
	"DejaVuSans-Bold.ttf":       DejaVuSansBold,
	"DroidSansFallbackFull.ttf": DroidSansFallback,
}

// DejaVuSansBold is DejaVu Sans Bold (Latin, Greek, Cyrillic, symbols;
// licence in DejaVu-LICENSE.txt).
//
//go:embed DejaVuSans-Bold.ttf
var DejaVuSansBold []byte

// DroidSansFallback is Droid Sans Fallback Full (CJK; Apache 2.0, see
// DroidSansFallback-LICENSE.txt).
//
//go:embed DroidSansFallbackFull.ttf
var DroidSansFallback []byte
