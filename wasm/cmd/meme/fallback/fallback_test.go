package fallback

import (
	"bytes"
	"os"
	"testing"

	"github.com/memeforge/memeforge/wasm/fonts"
)

// The embedded copies must stay identical to the fonts the site ships, or the
// CLI and the browser would draw different pixels for the same caption.
func TestCopiesMatchWasmFonts(t *testing.T) {
	for _, tt := range []struct {
		name     string
		embedded []byte
	}{
		{"DejaVuSans-Bold.ttf", DejaVuSansBold},
		{"DroidSansFallbackFull.ttf", DroidSansFallback},
		{"DejaVu-LICENSE.txt", nil},
		{"DroidSansFallback-LICENSE.txt", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			orig, err := os.ReadFile("../../../fonts/" + tt.name)
			if err != nil {
				t.Fatal(err)
			}
			copied, err := os.ReadFile(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(orig, copied) {
				t.Fatalf("%s differs from wasm/fonts/%s: copy it again", tt.name, tt.name)
			}
			if tt.embedded != nil && !bytes.Equal(tt.embedded, orig) {
				t.Fatalf("embedded %s differs from wasm/fonts/%s", tt.name, tt.name)
			}
		})
	}
}

// Every fallback in the bundled list has its bytes here, and nothing else does.
func TestByFileMatchesBundled(t *testing.T) {
	n := 0
	for _, f := range fonts.Bundled {
		if f.Fallback {
			n++
			if len(ByFile[f.File]) == 0 {
				t.Errorf("no embedded bytes for %s (%s)", f.Name, f.File)
			}
		}
	}
	if n != len(ByFile) {
		t.Errorf("ByFile has %d fonts, fonts.Bundled %d fallbacks", len(ByFile), n)
	}
}
