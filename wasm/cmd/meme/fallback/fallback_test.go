package fallback

import (
	"bytes"
	"os"
	"testing"
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
