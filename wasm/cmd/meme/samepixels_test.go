//go:build !js && !wasip1

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "golang.org/x/image/webp"
)

// TestSamePixelsNativeAndWASM is the "same pixels everywhere" check: the CLI
// built natively and built as GOOS=js GOARCH=wasm (run under Node with Go's
// go_js_wasm_exec, which gives it the file system) render the same inputs and
// specs, and their outputs must decode to bit-identical pixels. The WASM
// build runs the same core the browser module does, so this is what the user
// previews versus what the CLI publishes.
func TestSamePixelsNativeAndWASM(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is needed to run the WASM build: ", err)
	}
	goroot, err := exec.Command(goTool(), "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	execWasm := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "go_js_wasm_exec")
	wasmBin := filepath.Join(t.TempDir(), "meme.wasm")
	build := exec.Command(goTool(), "build", "-o", wasmBin, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the CLI as WASM: %v\n%s", err, out)
	}

	fx := newFixtures(t)
	write := func(name string, data []byte) string {
		p := filepath.Join(fx.dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A bigger photo than the other tests use, so scaling, wrapping and
	// anti-aliasing have room to differ if they ever would.
	bigJPEG := write("big.jpg", encode(t, "jpeg", photoLike(960, 720)))
	webpFile, err := filepath.Abs("../../imgio/testdata/quadrants-lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("this caption keeps going so auto size has to wrap it over many lines ", 4)

	tests := []struct {
		name string
		args []string
		out  string // output file name; its extension picks the format
	}{
		{"ClassicTopBottom", []string{"-in", bigJPEG, "-top", "one does not simply", "-bottom", "compile to wasm"}, "m.png"},
		{"MixedScriptsWithFallbacks", []string{"-in", bigJPEG, "-top", "Привет 你好 — ok ✓", "-bottom", "Ελληνικά ñ ü ß"}, "m.png"},
		{"LongTextWrapsOverManyLines", []string{"-in", fx.photoPNG, "-top", long}, "m.png"},
		{"UserFont", []string{"-in", fx.photoPNG, "-top", "user font", "-bottom", "DejaVu as -font", "-font", fx.dejavu}, "m.png"},
		{"MissingGlyph", []string{"-in", fx.photoPNG, "-top", "tofu \ue000 here"}, "m.png"},
		{"EXIFRotatedJPEG", []string{"-in", fx.rotatedJPEG, "-top", "upright", "-bottom", "always"}, "m.png"},
		{"GIFInput", []string{"-in", fx.photoGIF, "-top", "gif"}, "m.png"},
		{"WebPInput", []string{"-in", webpFile, "-bottom", "webp"}, "m.png"},
		{"FullSpec", []string{"-in", bigJPEG, "-spec", fx.spec(t, "full.json", `{"boxes":[
			{"text":"left top","x":0,"y":0,"w":0.5,"h":0.25,"align":"left","valign":"top","fill":"#ff0","outline":"#00f","outlineWidth":0.012},
			{"text":"tilted dejavu","x":0.15,"y":0.35,"w":0.7,"h":0.25,"rotation":-17.5,"size":0.09,"font":"dejavu","transform":"none"},
			{"text":"see-through","x":0.4,"y":0.65,"w":0.6,"h":0.35,"align":"right","valign":"bottom","fill":"#ffffff80","outline":"#000000c0"},
			{"text":"no outline","x":0,"y":0.7,"w":0.4,"h":0.3,"valign":"middle","outlineWidth":0,"fill":"#e33"},
			{"text":"upside down 你好","x":0.6,"y":0,"w":0.4,"h":0.3,"rotation":180,"font":"droid"}]}`)}, "m.png"},
		{"JPEGOutput", []string{"-in", bigJPEG, "-top", "jpeg out", "-quality", "85"}, "m.jpg"},
		{"ColourEmoji", []string{"-in", bigJPEG, "-top", "WHEN IT WORKS 🔥👍🏽", "-bottom", "👨‍👩‍👧 🇺🇦 1️⃣ مرحبا 👍"}, "m.png"},
		{"ColourEmojiTurned", []string{"-in", bigJPEG, "-spec", fx.spec(t, "emoji.json", `{"boxes":[
			{"text":"tilted 🔥👍🏽","x":0.15,"y":0.35,"w":0.7,"h":0.25,"rotation":-17.5,"fill":"#ff0","outline":"#000","outlineWidth":0.008},
			{"text":"👨‍👩‍👧🇺🇦1️⃣","x":0,"y":0.7,"w":1,"h":0.3,"outlineWidth":0}]}`)}, "m.png"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nativeOut := filepath.Join(t.TempDir(), tt.out)
			wasmOut := filepath.Join(t.TempDir(), tt.out)
			n := runBin(t, []string{nativeBin}, append(tt.args, "-out", nativeOut)...)
			w := runBin(t, []string{execWasm, wasmBin}, append(tt.args, "-out", wasmOut)...)
			if n.code != 0 || w.code != 0 {
				t.Fatalf("exit status native %d (%s), wasm %d (%s)", n.code, n.stderr, w.code, w.stderr)
			}
			if n.stderr != w.stderr {
				t.Errorf("warnings differ:\nnative: %q\nwasm:   %q", n.stderr, w.stderr)
			}
			nh, nsize := pixelHash(t, nativeOut)
			wh, _ := pixelHash(t, wasmOut)
			if nh != wh {
				t.Fatalf("pixel hashes differ: native %s, wasm %s", nh, wh)
			}
			t.Logf("%v pixels, sha256 %s", nsize, nh[:16])
			if strings.HasSuffix(tt.out, ".jpg") {
				a, _ := os.ReadFile(nativeOut)
				b, _ := os.ReadFile(wasmOut)
				if !bytes.Equal(a, b) {
					t.Errorf("JPEG files differ (%d vs %d bytes) though their pixels match", len(a), len(b))
				}
			}
		})
	}
}

// pixelHash decodes an image file and hashes its pixels as straight RGBA
// rows, so two encodings of the same pixels hash alike.
func pixelHash(t *testing.T, name string) (string, image.Point) {
	t.Helper()
	m := decodeFile(t, name)
	rgba := image.NewNRGBA(image.Rect(0, 0, m.Bounds().Dx(), m.Bounds().Dy()))
	draw.Draw(rgba, rgba.Rect, m, m.Bounds().Min, draw.Src)
	sum := sha256.Sum256(rgba.Pix)
	return hex.EncodeToString(sum[:]), rgba.Rect.Size()
}
