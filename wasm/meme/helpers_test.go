package meme

import (
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var c0 color.NRGBA

var (
	fontOnce  sync.Once
	fontBytes map[string][]byte
)

// fallbackFonts reads the bundled fallbacks from disk once; the core never
// touches the file system, only its tests and the CLI do.
func fallbackFonts(t testing.TB) map[string][]byte {
	fontOnce.Do(func() {
		fontBytes = map[string][]byte{}
		files := map[string]string{"cantarell": "testdata/Cantarell-Bold.otf"}
		for _, f := range Fallbacks {
			files[f.Name] = "../fonts/" + f.File
		}
		for name, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				panic(err)
			}
			fontBytes[name] = b
		}
	})
	return fontBytes
}

// fullFontSet is what the site has once it has fetched the fallbacks.
func fullFontSet(t testing.TB) *FontSet {
	t.Helper()
	fs := NewFontSet()
	fb := fallbackFonts(t)
	for _, f := range Fallbacks {
		if _, err := fs.Add(f.Name, fb[f.Name], true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fs.Add("cantarell", fb["cantarell"], false); err != nil {
		t.Fatal(err)
	}
	return fs
}

// twemojiDir is where npm ci puts Twemoji's art (the root package.json's
// devDependency @twemoji/svg).
const twemojiDir = "../../node_modules/@twemoji/svg"

// addEmojiFor adds to fs the Twemoji art spec needs, read from
// node_modules: what the page does with EmojiNeeded and AddEmoji.
func addEmojiFor(t testing.TB, fs *FontSet, spec Spec) {
	t.Helper()
	for _, k := range EmojiNeeded(spec, fs) {
		b, err := os.ReadFile(filepath.Join(twemojiDir, k+".svg"))
		if err != nil {
			t.Fatalf("%v (run npm ci in the repository's root)", err)
		}
		if err := fs.AddEmoji(k, b); err != nil {
			t.Fatal(err)
		}
	}
}

// testImage is a deterministic opaque picture with detail in it, so scaling
// and blending both show up in hashes.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i+0] = uint8(x * 255 / w)
			img.Pix[i+1] = uint8(y * 255 / h)
			img.Pix[i+2] = uint8((x ^ y) & 0xff)
			img.Pix[i+3] = 255
		}
	}
	return img
}

func hashPix(img *image.RGBA) string {
	h := sha256.New()
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		i := img.PixOffset(img.Rect.Min.X, y)
		h.Write(img.Pix[i : i+4*img.Rect.Dx()])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func cloneRGBA(img *image.RGBA) *image.RGBA {
	c := *img
	c.Pix = append([]byte(nil), img.Pix...)
	return &c
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
