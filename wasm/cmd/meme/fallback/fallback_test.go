package fallback

import (
	"bytes"
	"os"
	"testing"

	"github.com/memeforge/memeforge/wasm/meme"
)

// The embedded copies must stay identical to the fonts the site ships, or the
// CLI and the browser would draw different pixels for the same caption.
func TestCopiesMatchWasmFonts(t *testing.T) {
	names := []string{"DejaVu-LICENSE.txt", "DroidSansFallback-LICENSE.txt", "Noto-LICENSE.txt", "RobotoCondensed-OFL.txt"}
	for _, f := range meme.Fallbacks {
		names = append(names, f.File)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			orig, err := os.ReadFile("../../../fonts/" + name)
			if err != nil {
				t.Fatal(err)
			}
			copied, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(orig, copied) {
				t.Fatalf("%s differs from wasm/fonts/%s: copy it again", name, name)
			}
		})
	}
	t.Run("AddAllLoadsTheTable", func(t *testing.T) {
		fs := meme.NewFontSet()
		if err := AddAll(fs); err != nil {
			t.Fatal(err)
		}
		for _, f := range meme.Fallbacks {
			if _, ok := fs.Font(f.Name); !ok {
				t.Fatalf("%s not loaded", f.Name)
			}
		}
	})
}
