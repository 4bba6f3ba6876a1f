package contenttype_test

import (
	"testing"

	"github.com/memeforge/memeforge/internal/contenttype"
)

func TestByName(t *testing.T) {
	for name, want := range map[string]string{
		"index.html":              "text/html; charset=utf-8",
		"fonts/Anton-Regular.TTF": "font/ttf",
		"memeforge.wasm":          "application/wasm",
		"manifest.webmanifest":    "application/manifest+json",
		"app.js.br":               "application/octet-stream",
		"LICENSE":                 "application/octet-stream",
	} {
		if got := contenttype.ByName(name); got != want {
			t.Errorf("ByName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestNegotiatedAreCompressible(t *testing.T) {
	for _, e := range contenttype.NegotiatedExtensions() {
		if !contenttype.Compressible("x." + e) {
			t.Errorf(".%s is negotiated but never precompressed", e)
		}
		if contenttype.ByName("x."+e) == contenttype.Default {
			t.Errorf(".%s is negotiated but has no Content-Type", e)
		}
	}
}

func TestEmojiAreNotNegotiated(t *testing.T) {
	for name, want := range map[string]bool{
		"emoji/1f525.svg": false, "/emoji/1f525.svg": false, "icon.svg": true, "fonts/x.ttf": true, "emojis/x.svg": true,
	} {
		if got := contenttype.Negotiated(name); got != want {
			t.Errorf("Negotiated(%q) = %v, want %v", name, got, want)
		}
	}
}
