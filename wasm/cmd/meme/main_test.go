//go:build !js && !wasip1

// The CLI's tests run the real binary, built once in TestMain, the way a
// user runs it. They need a go command and, for the same-pixels test, Node.

package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var nativeBin string // the CLI built for this machine

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "memecli")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nativeBin = filepath.Join(dir, "meme")
	if out, err := exec.Command(goTool(), "build", "-o", nativeBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the CLI: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// goTool is the go command running these tests.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

type result struct {
	stdout, stderr string
	code           int
}

func runBin(t *testing.T, bin []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin[0], append(bin[1:], args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %v: %v", bin, err)
		}
		code = ee.ExitCode()
	}
	return result{stdout.String(), stderr.String(), code}
}

// fixtures are input files written once per test into a temporary directory.
type fixtures struct {
	dir                                            string
	photoPNG, photoJPEG, rotatedJPEG, photoGIF     string
	notImage, emptyFile, truncatedPNG, oversizePNG string
	dejavu, notFont                                string
	emojiDir, emptyDir                             string // a directory with 1f525.svg only; an empty one
}

func newFixtures(t *testing.T) fixtures {
	t.Helper()
	dir := t.TempDir()
	f := fixtures{dir: dir}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	photo := photoLike(320, 240)
	pngBytes := encode(t, "png", photo)
	f.photoPNG = write("photo.png", pngBytes)
	f.photoJPEG = write("photo.jpg", encode(t, "jpeg", photo))
	// Stored as a portrait 240x320 frame with EXIF orientation 6, as a phone
	// held upright writes it; the CLI must output it as 320x240.
	f.rotatedJPEG = write("rotated.jpg", withOrientation(encode(t, "jpeg", photoLike(240, 320)), 6))
	f.photoGIF = write("photo.gif", encode(t, "gif", photo))
	f.notImage = write("notes.txt", []byte("just some text, not an image\n"))
	f.emptyFile = write("empty.png", nil)
	f.truncatedPNG = write("truncated.png", pngBytes[:len(pngBytes)/2])
	f.oversizePNG = write("huge.png", pngHeader(100_000, 100_000))
	f.notFont = write("font.ttf", []byte("this is not a font file at all"))
	dejavu, err := filepath.Abs("../../fonts/DejaVuSans-Bold.ttf")
	if err != nil {
		t.Fatal(err)
	}
	f.dejavu = dejavu
	f.emptyDir = filepath.Join(dir, "no-emoji")
	f.emojiDir = filepath.Join(dir, "emoji")
	for _, d := range []string{f.emptyDir, f.emojiDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fire, err := os.ReadFile("../../../node_modules/@twemoji/svg/1f525.svg")
	if err != nil {
		t.Fatalf("%v (run npm ci in the repository's root)", err)
	}
	write("emoji/1f525.svg", fire)
	return f
}

func (f fixtures) spec(t *testing.T, name, json string) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(json), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const oldOutput = "previous output, must survive a failed run"

func TestCLIRejectsBadInput(t *testing.T) {
	fx := newFixtures(t)
	box := `{"text":"HI","x":0.1,"y":0.1,"w":0.8,"h":0.3%s}`
	spec := func(name, extra string) string {
		return fx.spec(t, name, `{"boxes":[`+fmt.Sprintf(box, extra)+`]}`)
	}
	many := strings.Repeat(fmt.Sprintf(box, "")+",", 20) + fmt.Sprintf(box, "")
	tests := []struct {
		name string
		args []string // OUT stands for the output path
		code int
		msg  string
	}{
		{"NoArguments", nil, 2, "-in is required"},
		{"EmojiDirNotADirectory", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "🔥", "-emoji", fx.photoPNG}, 2, "not a directory"},
		{"UnknownFlag", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "a", "-colour", "red"}, 2, "not defined: -colour"},
		{"MissingIn", []string{"-out", "OUT", "-top", "a"}, 2, "-in is required"},
		{"MissingOut", []string{"-in", fx.photoPNG, "-top", "a"}, 2, "-out is required"},
		{"FlagWithoutValue", []string{"-in", fx.photoPNG, "-out", "OUT", "-top"}, 2, "needs an argument: -top"},
		{"QualityNotANumber", []string{"-in", fx.photoPNG, "-out", "OUT.jpg", "-top", "a", "-quality", "high"}, 2, "invalid value"},
		{"PositionalArgument", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "a", "extra"}, 2, `unexpected argument "extra"`},
		{"NothingToDraw", []string{"-in", fx.photoPNG, "-out", "OUT"}, 2, "nothing to draw"},
		{"SpecAndTop", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "a", "-spec", spec("s.json", "")}, 2, "not both"},
		{"UnknownOutExtension", []string{"-in", fx.photoPNG, "-out", "OUT.bmp", "-top", "a"}, 2, "unknown image type"},
		{"GIFOutNeedsGIFIn", []string{"-in", fx.photoPNG, "-out", "OUT.gif", "-top", "a"}, 2, "GIF output needs a GIF input"},
		{"NoOutExtension", []string{"-in", fx.photoPNG, "-out", "OUT.d/meme", "-top", "a"}, 2, "unknown image type"},
		{"QualityZero", []string{"-in", fx.photoPNG, "-out", "OUT.jpg", "-top", "a", "-quality", "0"}, 2, "-quality 0: want 1-100"},
		{"QualityOver100", []string{"-in", fx.photoPNG, "-out", "OUT.jpeg", "-top", "a", "-quality", "101"}, 2, "-quality 101"},
		{"QualityWithPNG", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "a", "-quality", "80"}, 2, "JPEG output only"},
		{"InputMissing", []string{"-in", filepath.Join(fx.dir, "nope.jpg"), "-out", "OUT", "-top", "a"}, 1, "no such file"},
		{"InputIsDirectory", []string{"-in", fx.dir, "-out", "OUT", "-top", "a"}, 1, "is a directory"},
		{"InputNotAnImage", []string{"-in", fx.notImage, "-out", "OUT", "-top", "a"}, 1, "unsupported image format"},
		{"InputEmpty", []string{"-in", fx.emptyFile, "-out", "OUT", "-top", "a"}, 1, "empty image"},
		{"InputTruncated", []string{"-in", fx.truncatedPNG, "-out", "OUT", "-top", "a"}, 1, "corrupt or truncated"},
		{"InputOversizeHeader", []string{"-in", fx.oversizePNG, "-out", "OUT", "-top", "a"}, 1, "100000x100000"},
		{"SpecMissing", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", filepath.Join(fx.dir, "nope.json")}, 1, "no such file"},
		{"SpecBadJSON", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", fx.spec(t, "bad.json", `{"boxes":[`)}, 1, "-spec"},
		{"SpecUnknownField", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", spec("u.json", `,"colour":"red"`)}, 1, "unknown field"},
		{"SpecBadColour", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", spec("c.json", `,"fill":"#ggg"`)}, 1, "fill"},
		{"SpecNegativeSize", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", spec("n.json", `,"size":-1`)}, 1, "size"},
		{"SpecTooManyBoxes", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", fx.spec(t, "m.json", `{"boxes":[`+many+`]}`)}, 1, "21 boxes"},
		{"SpecUnknownFont", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", spec("f.json", `,"font":"comic"`)}, 1, `font "comic" is not loaded`},
		{"SpecUserFontWithoutFontFlag", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", spec("uf.json", `,"font":"user"`)}, 1, `font "user" is not loaded`},
		{"CaptionTooLong", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", strings.Repeat("a", 501)}, 1, "over the limit of 500"},
		{"CaptionControlCharacter", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "a\x01b"}, 1, "control character"},
		{"FontMissing", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "a", "-font", filepath.Join(fx.dir, "nope.ttf")}, 1, "no such file"},
		{"FontNotAFont", []string{"-in", fx.photoPNG, "-out", "OUT", "-top", "a", "-font", fx.notFont}, 1, "-font"},
		{"OutDirectoryMissing", []string{"-in", fx.photoPNG, "-out", "OUT.d/missing/meme.png", "-top", "a"}, 1, "no such file"},
		{"OutParentIsAFile", []string{"-in", fx.photoPNG, "-out", fx.photoPNG + "/meme.png", "-top", "a"}, 1, "not a directory"},
		{"OutIsADirectory", []string{"-in", fx.photoPNG, "-out", "OUT.d/dir.png", "-top", "a"}, 1, "is a directory"},
		{"UnknownTemplate", []string{"-template", "nope", "-out", "OUT"}, 2, `unknown template "nope" (meme -templates lists them)`},
		{"TemplatePathTraversal", []string{"-template", "../wasm", "-out", "OUT"}, 2, `unknown template "../wasm"`},
		{"BlankTemplateWithoutIn", []string{"-template", "four-panel", "-out", "OUT"}, 2, "four-panel is a blank format: give it 4 images with -in"},
		{"TooFewIn", []string{"-template", "two-panel", "-in", fx.photoPNG, "-out", "OUT", "-top", "a"}, 2, "-template two-panel takes 2 images (-in), got 1"},
		{"TooManyIn", []string{"-template", "caption-bar", "-in", fx.photoPNG, "-in", fx.photoJPEG, "-out", "OUT", "-top", "a"}, 2, "takes 1 image (-in), got 2"},
		{"StarterTakesItsCount", []string{"-template", "launch-plan", "-in", fx.photoPNG, "-out", "OUT"}, 2, "takes 2 images (-in), got 1"},
		{"TwoInWithoutTemplate", []string{"-in", fx.photoPNG, "-in", fx.photoJPEG, "-out", "OUT", "-top", "a"}, 2, "the spec takes 1 image (-in), got 2"},
		{"BadImageInPanel", []string{"-template", "two-panel", "-in", fx.photoPNG, "-in", fx.notImage, "-out", "OUT"}, 1, "-in " + fx.notImage + ": "},
		{"TruncatedImageInPanel", []string{"-template", "two-panel", "-in", fx.truncatedPNG, "-in", fx.photoPNG, "-out", "OUT"}, 1, "corrupt or truncated"},
		{"TemplateAndSpec", []string{"-template", "classic", "-in", fx.photoPNG, "-spec", spec("t.json", ""), "-out", "OUT"}, 2, "use -spec or -template, not both"},
		{"BottomOnOneBox", []string{"-template", "caption-bar", "-in", fx.photoPNG, "-bottom", "b", "-out", "OUT"}, 2, "caption-bar has 1 caption box: -top sets it, there is no -bottom"},
		{"TooManyText", []string{"-template", "two-panel", "-in", fx.photoPNG, "-in", fx.photoPNG, "-text", "a", "-text", "b", "-text", "c", "-out", "OUT"}, 2, "3 -text for template two-panel, which has 2 caption boxes"},
		{"TextAndTop", []string{"-in", fx.photoPNG, "-text", "a", "-top", "b", "-out", "OUT"}, 2, "use -text or -top/-bottom, not both"},
		{"TemplatesWithOtherFlags", []string{"-templates", "-out", "OUT"}, 2, "-templates takes no other flags"},
		{"SpecCanvasBadSlot", []string{"-in", fx.photoPNG, "-out", "OUT", "-spec", fx.spec(t, "cv.json", `{"canvas":{"images":[{"x":0,"y":0,"w":1,"h":1,"rotate":45}]},"boxes":[]}`)}, 1, "canvas.images[0].rotate: 45 is not one of 0, 90, 180, 270"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outDir := t.TempDir()
			out := filepath.Join(outDir, "meme.png")
			if err := os.WriteFile(out, []byte(oldOutput), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(outDir, "dir.png"), 0o755); err != nil {
				t.Fatal(err)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				switch {
				case a == "OUT":
					a = out
				case strings.HasPrefix(a, "OUT.d/"):
					a = filepath.Join(outDir, strings.TrimPrefix(a, "OUT.d/"))
				case strings.HasPrefix(a, "OUT."):
					a = filepath.Join(outDir, "meme"+strings.TrimPrefix(a, "OUT"))
				}
				args[i] = a
			}
			r := runBin(t, []string{nativeBin}, args...)
			if r.code != tt.code {
				t.Errorf("exit status %d, want %d", r.code, tt.code)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "meme: ") || !strings.HasSuffix(r.stderr, "\n") {
				t.Errorf("stderr is not one \"meme: \" line: %q", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tt.msg)
			}
			if strings.Contains(r.stderr, "meme: meme:") {
				t.Errorf("stderr repeats its prefix: %q", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			// Nothing written, nothing left behind, the old output intact.
			if got, err := os.ReadFile(out); err != nil || string(got) != oldOutput {
				t.Errorf("old output changed: %q, %v", got, err)
			}
			entries, _ := os.ReadDir(outDir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if strings.Join(names, ",") != "dir.png,meme.png" {
				t.Errorf("output directory holds %v, want only the old files", names)
			}
		})
	}
}

func TestCLIRenders(t *testing.T) {
	fx := newFixtures(t)
	photo := decodeFile(t, fx.photoPNG)
	tests := []struct {
		name     string
		args     []string // OUT stands for the output path
		out      string   // output file name
		format   string   // decoded format of the output
		w, h     int
		warnings []string // substrings, one line each, in order
	}{
		{"TopBottomPNG", []string{"-in", fx.photoPNG, "-top", "one does not simply", "-bottom", "render a meme"}, "m.png", "png", 320, 240, nil},
		{"OnlyBottom", []string{"-in", fx.photoPNG, "-bottom", "bottom text"}, "m.png", "png", 320, 240, nil},
		{"JPEGOutputUpperCaseExtension", []string{"-in", fx.photoPNG, "-top", "top", "-quality", "75"}, "m.JPG", "jpeg", 320, 240, nil},
		{"JPEGInput", []string{"-in", fx.photoJPEG, "-top", "top"}, "m.jpeg", "jpeg", 320, 240, nil},
		{"GIFInput", []string{"-in", fx.photoGIF, "-top", "top"}, "m.png", "png", 320, 240, nil},
		{"EXIFRotatedInputComesOutUpright", []string{"-in", fx.rotatedJPEG, "-top", "upright"}, "m.png", "png", 320, 240, nil},
		{"MixedScriptsUseFallbacks", []string{"-in", fx.photoPNG, "-top", "Привет 你好 — ok"}, "m.png", "png", 320, 240, nil},
		{"MissingGlyphWarns", []string{"-in", fx.photoPNG, "-top", "hi \ue000"}, "m.png", "png", 320, 240, []string{`warning: no font or emoji art has "\ue000" (U+E000)`}},
		{"EmojiInColour", []string{"-in", fx.photoPNG, "-top", "WHEN IT WORKS 🔥👍🏽", "-bottom", "👨‍👩‍👧 🇺🇦 1️⃣"}, "m.png", "png", 320, 240, nil},
		{"EmojiFromDir", []string{"-in", fx.photoPNG, "-top", "🔥 ok", "-emoji", fx.emojiDir}, "m.png", "png", 320, 240, nil},
		{"EmojiWithoutArtWarns", []string{"-in", fx.photoPNG, "-top", "🔥 👍🏽", "-emoji", fx.emptyDir}, "m.png", "png", 320, 240,
			[]string{`warning: no font or emoji art has "🔥" (U+1F525), "👍🏽" (U+1F44D U+1F3FD)`}},
		{"UserFont", []string{"-in", fx.photoPNG, "-top", "hello", "-font", fx.dejavu}, "m.png", "png", 320, 240, nil},
		{"SpecFile", []string{"-in", fx.photoPNG, "-spec", fx.spec(t, "ok.json", `{"boxes":[
			{"text":"left","x":0,"y":0,"w":0.5,"h":0.3,"align":"left","valign":"top","fill":"#ff0","outline":"#00f","outlineWidth":0.01},
			{"text":"tilted","x":0.2,"y":0.4,"w":0.6,"h":0.2,"rotation":-15,"size":0.1,"transform":"upper","font":"dejavu"},
			{"text":"half see-through","x":0.5,"y":0.7,"w":0.5,"h":0.3,"align":"right","valign":"bottom","fill":"#ffffff80"}]}`)}, "m.png", "png", 320, 240, nil},
		{"OverflowWarns", []string{"-in", fx.photoPNG, "-spec", fx.spec(t, "big.json",
			`{"boxes":[{"text":"far too much text for this box","x":0.4,"y":0.4,"w":0.1,"h":0.05,"size":0.5}]}`)},
			"m.png", "png", 320, 240, []string{"box 0 does not fit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, tt.out)
			r := runBin(t, []string{nativeBin}, append(tt.args, "-out", out)...)
			if r.code != 0 {
				t.Fatalf("exit status %d: %s", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if r.stderr == "" {
				lines = nil
			}
			if len(lines) != len(tt.warnings) {
				t.Fatalf("stderr %q, want %d warning lines", r.stderr, len(tt.warnings))
			}
			for i, w := range tt.warnings {
				if !strings.HasPrefix(lines[i], "meme: warning: ") || !strings.Contains(lines[i], w) {
					t.Errorf("warning %q, want one mentioning %q", lines[i], w)
				}
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			m, format, err := image.Decode(bytes.NewReader(data))
			if err != nil || format != tt.format {
				t.Fatalf("output: format %q, error %v; want %s", format, err, tt.format)
			}
			if b := m.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
				t.Fatalf("output is %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.w, tt.h)
			}
			if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
				t.Errorf("output mode %v, want 0644", st.Mode().Perm())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("output directory holds %d entries, want just the output", len(entries))
			}
			if tt.format == "png" && tt.args[1] == fx.photoPNG && sameImage(m, photo) {
				t.Error("output is the input unchanged: nothing was drawn")
			}
		})
	}
}

// Captions go where the spec says: the default spec's top box changes the
// top of the image, its bottom box the bottom, and the middle stays exactly
// the input's pixels.
func TestCLIDrawsWhereTheSpecSays(t *testing.T) {
	fx := newFixtures(t)
	photo := decodeFile(t, fx.photoPNG)
	for _, tt := range []struct {
		name                 string
		flag                 string
		topDrawn, bottomDraw bool
	}{{"TopOnly", "-top", true, false}, {"BottomOnly", "-bottom", false, true}} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "m.png")
			if r := runBin(t, []string{nativeBin}, "-in", fx.photoPNG, tt.flag, "WIDE TEXT", "-out", out); r.code != 0 {
				t.Fatal(r.stderr)
			}
			m := decodeFile(t, out)
			changed := func(y0, y1 int) int {
				n := 0
				for y := y0; y < y1; y++ {
					for x := 0; x < 320; x++ {
						if m.At(x, y) != photo.At(x, y) {
							n++
						}
					}
				}
				return n
			}
			top, middle, bottom := changed(0, 60), changed(90, 150), changed(180, 240)
			if middle != 0 {
				t.Errorf("%d pixels changed in the middle band", middle)
			}
			if (top > 500) != tt.topDrawn || (bottom > 500) != tt.bottomDraw {
				t.Errorf("changed pixels: top %d, bottom %d", top, bottom)
			}
		})
	}
}

func TestCLIQualityChangesJPEGSize(t *testing.T) {
	fx := newFixtures(t)
	size := func(q string) int64 {
		out := filepath.Join(t.TempDir(), "m.jpg")
		if r := runBin(t, []string{nativeBin}, "-in", fx.photoPNG, "-top", "q", "-quality", q, "-out", out); r.code != 0 {
			t.Fatal(r.stderr)
		}
		st, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	if lo, hi := size("20"), size("95"); lo >= hi {
		t.Fatalf("quality 20 gave %d bytes, 95 gave %d", lo, hi)
	}
}

func TestCLIReplacesExistingOutput(t *testing.T) {
	fx := newFixtures(t)
	out := filepath.Join(t.TempDir(), "m.png")
	if err := os.WriteFile(out, []byte(oldOutput), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runBin(t, []string{nativeBin}, "-in", fx.photoPNG, "-top", "new", "-out", out); r.code != 0 {
		t.Fatal(r.stderr)
	}
	decodeFile(t, out)
}

func TestCLIHelp(t *testing.T) {
	r := runBin(t, []string{nativeBin}, "-h")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "usage: meme [-template NAME] -in") || !strings.Contains(r.stdout, "-quality") || !strings.Contains(r.stdout, "meme -templates") || r.stderr != "" {
		t.Fatalf("-h: status %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// The same through run in this process. Besides checking the two agree,
	// this links run (and so the renderer) into the test binary: without it
	// go test would serve cached results after the CLI or the core changed.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-h"}, &stdout, &stderr); code != 0 || stdout.String() != r.stdout {
		t.Fatalf("run -h in process: status %d, stdout %q", code, stdout.String())
	}
}

func decodeFile(t *testing.T, name string) image.Image {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if color.RGBAModel.Convert(a.At(x, y)) != color.RGBAModel.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

// photoLike is a deterministic picture with gradients, detail and noise.
func photoLike(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 4))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			d := 30 * math.Sin(fx*23+math.Sin(fy*7)*3) * math.Cos(fy*17)
			c := func(v float64) uint8 { return uint8(max(0, min(255, v+float64(rng.IntN(7)-3)))) }
			m.SetRGBA(x, y, color.RGBA{c(80 + 120*fx + d), c(60 + 110*fy + d), c(150 - 70*fx*fy + d/2), 255})
		}
	}
	return m
}

func encode(t *testing.T, format string, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, m)
	case "jpeg":
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90})
	case "gif":
		err = gif.Encode(&buf, m, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation inserts an EXIF APP1 segment carrying orientation o
// (big-endian TIFF, one IFD entry) after a JPEG's SOI marker.
func withOrientation(jpg []byte, o uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01")
	tiff = append(tiff, 0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1)
	tiff = binary.BigEndian.AppendUint16(tiff, o)
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := binary.BigEndian.AppendUint16([]byte{0xff, 0xe1}, uint16(len(payload)+2))
	out := append(append(append([]byte{}, jpg[:2]...), seg...), payload...)
	return append(out, jpg[2:]...)
}

// pngHeader is a PNG signature and an IHDR chunk announcing w x h.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0)
	out := binary.BigEndian.AppendUint32([]byte("\x89PNG\r\n\x1a\n"), 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// TestCLIEmojiWithoutArtIsAnError runs the CLI from outside the repository
// (nativeBin lives in a temporary directory too), where no Twemoji art can
// be found: a caption with emoji must fail saying how to get it, and one
// without emoji must not care.
func TestCLIEmojiWithoutArtIsAnError(t *testing.T) {
	fx := newFixtures(t)
	run := func(args ...string) result {
		cmd := exec.Command(nativeBin, args...)
		cmd.Dir = t.TempDir()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return result{stderr: stderr.String(), code: code}
	}
	out := filepath.Join(t.TempDir(), "m.png")
	r := run("-in", fx.photoPNG, "-top", "WHEN IT WORKS 🔥", "-out", out)
	if r.code != 1 || !strings.Contains(r.stderr, "no Twemoji art was found") || !strings.Contains(r.stderr, "npm ci") || !strings.Contains(r.stderr, "-emoji DIR") {
		t.Fatalf("exit %d, stderr %q; want 1 and how to get the art", r.code, r.stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("an output was written")
	}
	if r := run("-in", fx.photoPNG, "-top", "no emoji here", "-out", out); r.code != 0 {
		t.Fatalf("a caption without emoji failed: %s", r.stderr)
	}
}

func TestCLITemplates(t *testing.T) {
	fx := newFixtures(t)
	t.Run("ListsEveryTemplate", func(t *testing.T) {
		r := runBin(t, []string{nativeBin}, "-templates")
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("status %d, stderr %q", r.code, r.stderr)
		}
		names := strings.Fields(r.stdout)
		want := []string{"classic", "caption-bar", "two-panel", "four-panel", "labels"}
		if len(names) < len(want)+6 || strings.Join(names[:len(want)], " ") != strings.Join(want, " ") {
			t.Fatalf("listed %q: want the blank formats first, then at least 6 starters", names)
		}
		if strings.Count(r.stdout, "\n") != len(names) {
			t.Fatalf("not one name a line: %q", r.stdout)
		}
	})
	size := func(t *testing.T, args ...string) image.Point {
		t.Helper()
		out := filepath.Join(t.TempDir(), "meme.png")
		r := runBin(t, []string{nativeBin}, append(args, "-out", out)...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("status %d, stderr %q", r.code, r.stderr)
		}
		return decodeFile(t, out).Bounds().Size()
	}
	t.Run("CaptionBarAddsABandAbove", func(t *testing.T) {
		got := size(t, "-template", "caption-bar", "-in", fx.photoPNG, "-top", "when the band fits the text")
		if got.X != 320 || got.Y <= 240 || got.Y > 340 {
			t.Fatalf("size %v, want 320 wide and a band above the 240 rows", got)
		}
		more := size(t, "-template", "caption-bar", "-in", fx.photoPNG, "-top", strings.Repeat("many more words ", 12))
		if more.Y <= got.Y {
			t.Fatalf("a longer caption gave %v, no taller than %v", more, got)
		}
	})
	t.Run("TwoPanelStacksVertically", func(t *testing.T) {
		got := size(t, "-template", "two-panel", "-in", fx.photoPNG, "-in", fx.rotatedJPEG, "-top", "A", "-bottom", "B")
		if got.X != 320 || got.Y < 470 || got.Y > 490 {
			t.Fatalf("size %v, want 320 x about 480", got)
		}
	})
	t.Run("FourPanelTakesFourTexts", func(t *testing.T) {
		got := size(t, "-template", "four-panel", "-in", fx.photoPNG, "-in", fx.photoJPEG, "-in", fx.photoGIF, "-in", fx.rotatedJPEG,
			"-text", "1", "-text", "2", "-text", "3", "-text", "4")
		if got.X < 640 || got.Y < 470 {
			t.Fatalf("size %v, want a 2x2 grid of 320x240 images", got)
		}
	})
	t.Run("StarterUsesItsOwnImage", func(t *testing.T) {
		if got := size(t, "-template", "cat-stare"); got != image.Pt(451, 300) {
			t.Fatalf("size %v, want the cat photo's 451x300", got)
		}
		if got := size(t, "-template", "cat-stare", "-top", "new top"); got != image.Pt(451, 300) {
			t.Fatalf("size %v", got)
		}
	})
	t.Run("StarterTakesOtherImages", func(t *testing.T) {
		if got := size(t, "-template", "cat-stare", "-in", fx.photoPNG); got != image.Pt(320, 240) {
			t.Fatalf("size %v, want the given photo's 320x240", got)
		}
	})
	t.Run("ClassicIsTheDefault", func(t *testing.T) {
		a, b := filepath.Join(t.TempDir(), "a.png"), filepath.Join(t.TempDir(), "b.png")
		runBin(t, []string{nativeBin}, "-in", fx.photoPNG, "-top", "same", "-bottom", "pixels", "-out", a)
		runBin(t, []string{nativeBin}, "-template", "classic", "-in", fx.photoPNG, "-top", "same", "-bottom", "pixels", "-out", b)
		if !sameImage(decodeFile(t, a), decodeFile(t, b)) {
			t.Fatal("-template classic differs from the default spec")
		}
	})
}
