package meme

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/image/draw"

	"github.com/memeforge/memeforge/wasm/imgio"
)

var update = flag.Bool("update", false, "regenerate testdata/hashes.json and testdata/golden/*.png (run natively, then look at the PNGs)")

// renderCase is one spec rendered one way. The set covers every field and
// every code path that puts pixels down.
type renderCase struct {
	name    string
	w, h    int // source image
	preview [2]int
	spec    Spec
	emoji   bool          // load the Twemoji art the spec needs
	imgs    []*image.RGBA // the images by slot, instead of one w x h test image
}

func specOf(boxes ...Box) Spec { return Spec{Boxes: boxes} }

func withText(b Box, text string) Box { b.Text = text; return b }

func legacyCases() []renderCase {
	def := DefaultSpec()
	top, bottom := def.Boxes[0], def.Boxes[1]
	two := specOf(withText(top, "one does not simply"), withText(bottom, "render memes in go"))
	long := withText(top, strings.Repeat("many words wrap into many lines ", 8))
	long.H = 0.5
	rot := Box{Text: "tilted", X: 0.2, Y: 0.35, W: 0.6, H: 0.3, Rotation: -30, Fill: "#ffcc00", Outline: "#33000088", OutlineWidth: 0.01}
	left := Box{Text: "left\nand top", X: 0.02, Y: 0.02, W: 0.6, H: 0.4, Align: "left", VAlign: "top", Size: 0.08, Fill: "#0f0", OutlineWidth: 0.004}
	right := Box{Text: "right bottom", X: 0.38, Y: 0.58, W: 0.6, H: 0.4, Align: "right", VAlign: "bottom", Size: 0.06, Fill: "#fff", Outline: "#00f", OutlineWidth: 0.003}
	mixed := withText(bottom, "Привет 你好 — ok ✓")
	cff := Box{Text: "Cantarell CFF outlines", X: 0.05, Y: 0.4, W: 0.9, H: 0.2, Font: "cantarell", Fill: "#fff", OutlineWidth: 0.005}
	noOutline := Box{Text: "no outline", X: 0, Y: 0, W: 1, H: 1, Fill: "#ff00ff80"}
	overflow := Box{Text: strings.Repeat("overflowing ", 30), X: 0.1, Y: 0.1, W: 0.3, H: 0.1, MinSize: 0.05, OutlineWidth: 0.004}
	script := func(topText, bottomText string) Spec {
		return specOf(withText(top, topText), withText(bottom, bottomText))
	}
	// Black ink on a white image shows where the ink sits.
	ink := func(b Box) Box { b.Fill, b.OutlineWidth, b.Transform = "#000", 0, "none"; return b }
	return []renderCase{
		{name: "arabic", w: 640, h: 400, spec: script("مرحبا بالعالم", "50% خصم today")},
		{name: "hebrew", w: 640, h: 400, spec: script("שלום עולם", "Hello שלום 123")},
		{name: "devanagari", w: 640, h: 400, spec: script("नमस्ते दुनिया", "क्षत्रिय श्रद्धा")},
		{name: "thai", w: 640, h: 400, spec: script("ไทย", "สวัสดีครับ ผู้ใหญ่")},
		{name: "cjk-wrapping", w: 640, h: 640, spec: specOf(withText(long, "这是一个很长的中文标题，没有空格。应该自动换行显示在图片上"))},
		{name: "cyrillic-greek-beside-anton", w: 640, h: 400, spec: script("Привет, МИР! ok", "Καλημέρα κόσμε")},
		{name: "balanced-two-lines", w: 800, h: 800, spec: script("one does not simply", "benchmark a meme generator")},
		{name: "balanced-many-lines", w: 480, h: 640, spec: specOf(withText(long, "five lines of text balanced so that no line is left alone with a word"))},
		{name: "long-word", w: 400, h: 400, spec: specOf(Box{Text: "Donaudampfschifffahrtsgesellschaft", X: 0.05, Y: 0.3, W: 0.9, H: 0.4, MinSize: 0.1, OutlineWidth: 0.004})},
		{name: "margins-mixed-case", w: 600, h: 600, spec: specOf(ink(withText(top, "jumpy quip")), ink(withText(bottom, "gyp jog")))},
		{name: "default-two-captions", w: 640, h: 480, spec: two},
		{name: "default-two-captions-preview", w: 1280, h: 960, preview: [2]int{640, 480}, spec: two},
		{name: "many-lines", w: 480, h: 640, spec: specOf(long)},
		{name: "rotated-translucent-outline", w: 500, h: 500, spec: specOf(rot)},
		{name: "aligned-fixed-size", w: 600, h: 400, spec: specOf(left, right)},
		{name: "mixed-script", w: 640, h: 360, spec: specOf(withText(top, "Ünïcödé ÀÉÎ"), mixed)},
		{name: "cff-font", w: 640, h: 360, spec: specOf(cff)},
		{name: "translucent-fill-no-outline", w: 300, h: 200, spec: specOf(noOutline)},
		{name: "overflow", w: 400, h: 400, spec: specOf(overflow)},
		{name: "empty-and-missing", w: 300, h: 300, spec: specOf(withText(top, ""), withText(bottom, "tofu \U00010000"))},
		// Colour emoji: every kind (single, skin tone, ZWJ family, flag,
		// keycap) beside text, alone, in right-to-left text, turned, at
		// preview and final size, and without their art (boxes, listed).
		{name: "emoji-with-text", w: 800, h: 600, emoji: true, spec: script("WHEN IT WORKS 🔥👍🏽", "👍 and 👨‍👩‍👧 for 🇺🇦 1️⃣")},
		{name: "emoji-only", w: 600, h: 600, emoji: true, spec: specOf(withText(top, "🔥👍👍🏽"), withText(bottom, "👨‍👩‍👧🇺🇦1️⃣"))},
		{name: "emoji-rtl", w: 640, h: 400, emoji: true, spec: script("مرحبا 🔥 بالعالم 👍🏽", "שלום 🇺🇦 עולם 123")},
		{name: "emoji-wrapping", w: 400, h: 600, emoji: true, spec: specOf(withText(long, "so many emoji 🔥🔥🔥 👨‍👩‍👧👨‍👩‍👧 that they wrap 1️⃣2️⃣3️⃣"))},
		{name: "emoji-rotated", w: 500, h: 500, emoji: true, spec: specOf(withText(rot, "tilted 🔥👍🏽"))},
		{name: "emoji-final", w: 1600, h: 1200, emoji: true, spec: script("WHEN IT WORKS 🔥👍🏽", "🇺🇦 1️⃣ 👨‍👩‍👧")},
		{name: "emoji-preview", w: 1600, h: 1200, preview: [2]int{400, 300}, emoji: true, spec: script("WHEN IT WORKS 🔥👍🏽", "🇺🇦 1️⃣ 👨‍👩‍👧")},
		{name: "emoji-missing", w: 400, h: 300, spec: script("NO ART 🔥👍🏽", "👨‍👩‍👧 🇺🇦")},
	}
}

// renderCases are every case: those above, written before canvases, and
// the formats and templates (formats_test.go).
func renderCases() []renderCase {
	return append(legacyCases(), formatCases()...)
}

func (c renderCase) render(t testing.TB) (*image.RGBA, Result) {
	t.Helper()
	fs := fullFontSet(t)
	if c.emoji {
		addEmojiFor(t, fs, c.spec)
	}
	r := NewRenderer(fs)
	imgs := c.imgs
	if imgs == nil {
		imgs = []*image.RGBA{testImage(c.w, c.h)}
	}
	if err := r.SetImages(imgs); err != nil {
		t.Fatal(err)
	}
	var img *image.RGBA
	var res Result
	var err error
	if c.preview[0] > 0 {
		img, res, err = r.Preview(c.spec, c.preview[0], c.preview[1])
	} else {
		img, res, err = r.Final(c.spec)
	}
	if err != nil {
		t.Fatal(err)
	}
	return img, res
}

const hashFile = "testdata/hashes.json"

// TestPixelHashes is the "same pixels everywhere" check: the hashes are
// generated natively with -update and the same test runs under
// GOOS=js GOARCH=wasm, so a difference between the two fails here.
func TestPixelHashes(t *testing.T) {
	got := map[string]string{}
	for _, c := range renderCases() {
		img, res := c.render(t)
		got[c.name] = hashPix(img) + fmt.Sprintf(" missing=%q overflow=%v", res.Missing, res.Overflow)
	}
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := writeFileAtomic(hashFile, append(b, '\n')); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(hashFile)
	if err != nil {
		t.Fatalf("%v (generate with go test -run TestPixelHashes -update)", err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("%s: got %s, want %s", n, got[n], want[n])
		}
	}
	if len(want) != len(got) {
		t.Errorf("%d cases, %s has %d", len(got), hashFile, len(want))
	}
}

// TestGolden compares against reviewed PNGs with a small tolerance, so a
// deliberate change to the drawing shows up as a picture to look at.
func TestGolden(t *testing.T) {
	for _, c := range renderCases() {
		t.Run(c.name, func(t *testing.T) {
			img, _ := c.render(t)
			path := filepath.Join("testdata", "golden", c.name+".png")
			if *update {
				var buf bytes.Buffer
				if err := png.Encode(&buf, img); err != nil {
					t.Fatal(err)
				}
				if err := writeFileAtomic(path, buf.Bytes()); err != nil {
					t.Fatal(err)
				}
				return
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v (generate with -update)", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			wantRGBA := image.NewRGBA(want.Bounds())
			draw.Draw(wantRGBA, wantRGBA.Rect, want, want.Bounds().Min, draw.Src)
			if d := compare(img, wantRGBA); d.err != nil || d.mean > 0.5 || d.bigFrac > 0.002 {
				t.Fatalf("differs from %s: %+v", path, d)
			}
		})
	}
}

type diff struct {
	mean    float64 // mean absolute difference per channel, 0-255
	bigFrac float64 // fraction of pixels with a channel off by more than 32
	err     error
}

func compare(a, b *image.RGBA) diff {
	if a.Rect.Size() != b.Rect.Size() {
		return diff{err: fmt.Errorf("size %v vs %v", a.Rect.Size(), b.Rect.Size())}
	}
	var sum, big int
	w, h := a.Rect.Dx(), a.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i, j := a.PixOffset(x+a.Rect.Min.X, y+a.Rect.Min.Y), b.PixOffset(x+b.Rect.Min.X, y+b.Rect.Min.Y)
			worst := 0
			for k := 0; k < 4; k++ {
				d := int(a.Pix[i+k]) - int(b.Pix[j+k])
				if d < 0 {
					d = -d
				}
				sum += d
				worst = max(worst, d)
			}
			if worst > 32 {
				big++
			}
		}
	}
	return diff{mean: float64(sum) / float64(4*w*h), bigFrac: float64(big) / float64(w*h)}
}

func TestResolutionIndependence(t *testing.T) {
	spec := specOf(
		withText(DefaultSpec().Boxes[0], "the same meme at any size"),
		withText(DefaultSpec().Boxes[1], "wraps into the same lines"),
		Box{Text: "tilted", X: 0.3, Y: 0.35, W: 0.4, H: 0.3, Rotation: 12, Fill: "#fc0", OutlineWidth: 0.008},
	)
	big := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for i := 0; i < len(big.Pix); i += 4 {
		big.Pix[i], big.Pix[i+1], big.Pix[i+2], big.Pix[i+3] = 90, 120, 150, 255
	}
	r := NewRenderer(fullFontSet(t))
	if err := r.SetImage(big); err != nil {
		t.Fatal(err)
	}
	small, _, err := r.Preview(spec, 800, 600)
	if err != nil {
		t.Fatal(err)
	}
	small = cloneRGBA(small)
	final, _, err := r.Final(spec)
	if err != nil {
		t.Fatal(err)
	}
	down := image.NewRGBA(image.Rect(0, 0, 800, 600))
	draw.BiLinear.Scale(down, down.Rect, final, final.Rect, draw.Src, nil)
	d := compare(small, down)
	t.Logf("800 px vs 4000 px scaled down: %+v", d)
	// Edges land a fraction of a pixel apart; anything like a different line
	// break or size would move whole glyphs and blow these bounds.
	if d.err != nil || d.mean > 1.5 || d.bigFrac > 0.01 {
		t.Fatalf("renders differ: %+v", d)
	}
}

func TestRendererCache(t *testing.T) {
	fs := fullFontSet(t)
	src := testImage(1200, 900)
	spec := DefaultSpec()
	spec.Boxes[0].Text = "top text"
	spec.Boxes[1].Text = "bottom tex"

	r := NewRenderer(fs)
	r.SetImage(src)
	if _, _, err := r.Preview(spec, 800, 600); err != nil {
		t.Fatal(err)
	}
	bottomKey := layerKey{box: spec.Boxes[1].resolve(), w: 800, h: 600, gen: fs.gen}
	before := r.previewLayers.cached[bottomKey]
	base := r.base

	spec.Boxes[0].Text = "top text changed"
	got, res, err := r.Preview(spec, 800, 600)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("KeepsUnchangedCaptionLayer", func(t *testing.T) {
		if before == nil || r.previewLayers.cached[bottomKey] != before {
			t.Fatal("the unchanged caption was rasterized again")
		}
		if len(r.previewLayers.cached) != 2 {
			t.Fatalf("%d layers cached, want 2", len(r.previewLayers.cached))
		}
	})
	t.Run("KeepsScaledBase", func(t *testing.T) {
		if r.base != base {
			t.Fatal("the base image was scaled again")
		}
	})
	t.Run("MatchesAFreshRender", func(t *testing.T) {
		fresh := NewRenderer(fullFontSet(t))
		fresh.SetImage(src)
		want, wantRes, err := fresh.Preview(spec, 800, 600)
		if err != nil {
			t.Fatal(err)
		}
		if hashPix(got) != hashPix(want) || fmt.Sprint(res) != fmt.Sprint(wantRes) {
			t.Fatal("cached preview differs from a fresh one")
		}
	})
	t.Run("AddingAFontInvalidatesLayers", func(t *testing.T) {
		s := DefaultSpec()
		s.Boxes[0].Text = "你"
		r := NewRenderer(NewFontSet())
		r.SetImage(src)
		_, res, _ := r.Preview(s, 400, 300)
		if len(res.Missing) != 1 {
			t.Fatalf("missing %q", res.Missing)
		}
		if _, err := r.Fonts().Add("droid", fallbackFonts(t)["droid"], true); err != nil {
			t.Fatal(err)
		}
		if _, res, _ = r.Preview(s, 400, 300); len(res.Missing) != 0 {
			t.Fatalf("still missing %q after adding the fallback", res.Missing)
		}
	})
	t.Run("NewImageSameSizeKeepsLayersButNotBase", func(t *testing.T) {
		r.SetImage(testImage(1200, 900))
		if r.base != nil {
			t.Fatal("stale base kept")
		}
		img, _, err := r.Preview(spec, 800, 600)
		if err != nil || hashPix(img) != hashPix(got) {
			t.Fatal("same image content, same size must give the same preview")
		}
	})
	t.Run("DuplicateBoxesShareALayer", func(t *testing.T) {
		s := specOf(spec.Boxes[0], spec.Boxes[0])
		if _, _, err := r.Preview(s, 800, 600); err != nil {
			t.Fatal(err)
		}
		if len(r.previewLayers.cached) != 1 {
			t.Fatalf("%d layers", len(r.previewLayers.cached))
		}
	})
}

func TestDrawMatchesFinal(t *testing.T) {
	spec := renderCases()[0].spec
	src := testImage(700, 500)
	r := NewRenderer(fullFontSet(t))
	r.SetImage(src)
	final, _, err := r.Final(spec)
	if err != nil {
		t.Fatal(err)
	}
	dst := cloneRGBA(src)
	if _, err := Draw(dst, spec, fullFontSet(t)); err != nil {
		t.Fatal(err)
	}
	if hashPix(final) != hashPix(dst) {
		t.Fatal("Draw and Renderer.Final disagree")
	}
	if hashPix(src) == hashPix(final) {
		t.Fatal("nothing was drawn")
	}
}

func TestRenderErrors(t *testing.T) {
	fs := NewFontSet()
	t.Run("PreviewWithoutImage", func(t *testing.T) {
		if _, _, err := NewRenderer(fs).Preview(DefaultSpec(), 10, 10); !errors.Is(err, ErrNoImage) {
			t.Fatalf("got %v", err)
		}
		if _, _, err := NewRenderer(fs).Final(DefaultSpec()); !errors.Is(err, ErrNoImage) {
			t.Fatalf("got %v", err)
		}
	})
	r := NewRenderer(fs)
	if err := r.SetImage(testImage(100, 100)); err != nil {
		t.Fatal(err)
	}
	sizes := []struct {
		name string
		w, h int
		want string
	}{
		{"ZeroSize", 0, 10, "0x10 has no pixels"},
		{"NegativeSize", 10, -1, "has no pixels"},
		{"HugeSide", 1 << 20, 1, "side limit"},
		{"HugeArea", 20000, 20000, "over 50000000 pixels"},
	}
	for _, tc := range sizes {
		t.Run("Rejects"+tc.name, func(t *testing.T) {
			_, _, err := r.Preview(DefaultSpec(), tc.w, tc.h)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("RejectsInvalidSpec", func(t *testing.T) {
		s := DefaultSpec()
		s.Boxes[0].OutlineWidth = math.NaN()
		if _, _, err := r.Preview(s, 50, 50); err == nil || !strings.Contains(err.Error(), "boxes[0].outlineWidth") {
			t.Fatalf("got %v", err)
		}
		if _, _, err := r.Final(s); err == nil {
			t.Fatal("Final accepted it")
		}
		if _, err := Draw(testImage(10, 10), s, fs); err == nil {
			t.Fatal("Draw accepted it")
		}
	})
	t.Run("RejectsEmptyImage", func(t *testing.T) {
		if err := r.SetImage(image.NewRGBA(image.Rect(0, 0, 0, 0))); err == nil {
			t.Fatal("0x0 accepted")
		}
		if _, err := Draw(image.NewRGBA(image.Rect(0, 0, 5, 0)), DefaultSpec(), fs); err == nil {
			t.Fatal("Draw accepted 5x0")
		}
	})
	t.Run("OffsetImageIsHandled", func(t *testing.T) {
		img := testImage(300, 200).SubImage(image.Rect(50, 50, 250, 150)).(*image.RGBA)
		s := DefaultSpec()
		s.Boxes[0].Text = "sub"
		if _, err := Draw(img, s, fs); err != nil {
			t.Fatal(err)
		}
	})
}

// renderBytes is the bytes-in path the faces take: imgio.Decode (upright by EXIF, refused from the
// header over maxPixels) then Draw.
func renderBytes(data []byte, spec Spec, fs *FontSet, maxPixels int) (*image.RGBA, Result, error) {
	img, _, err := imgio.Decode(data, maxPixels)
	if err != nil {
		return nil, Result{}, err
	}
	if spec.Canvas != nil { // Draw refuses a canvas: a Renderer lays it out
		r := NewRenderer(fs)
		if err := r.SetImage(img); err != nil {
			return nil, Result{}, err
		}
		return r.Final(spec)
	}
	res, err := Draw(img, spec, fs)
	return img, res, err
}

// renderTo is renderBytes with the default limit, then imgio.Encode.
func renderTo(w io.Writer, data []byte, spec Spec, fs *FontSet, format string, quality int) (Result, error) {
	img, res, err := renderBytes(data, spec, fs, imgio.DefaultMaxPixels)
	if err != nil {
		return Result{}, err
	}
	return res, imgio.Encode(w, img, format, quality)
}

func TestRenderBytes(t *testing.T) {
	fs := NewFontSet()
	spec := DefaultSpec()
	spec.Boxes[0].Text = "bytes in"
	var pngBytes bytes.Buffer
	png.Encode(&pngBytes, testImage(64, 48))
	t.Run("RendersAndEncodes", func(t *testing.T) {
		var out bytes.Buffer
		if _, err := renderTo(&out, pngBytes.Bytes(), spec, fs, "png", 0); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&out)
		if err != nil || img.Bounds().Dx() != 64 {
			t.Fatalf("%v %v", err, img)
		}
	})
	bad := []struct {
		name   string
		data   []byte
		format string
		want   string
	}{
		{"RejectsGarbage", []byte("definitely not an image"), "png", "unsupported"},
		{"RejectsTruncated", pngBytes.Bytes()[:60], "png", "imgio"},
		{"RejectsHugeHeader", hugePNGHeader(100000, 100000), "png", "too large"},
		{"RejectsUnknownFormat", pngBytes.Bytes(), "bmp", "unsupported"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := renderTo(&bytes.Buffer{}, tc.data, spec, fs, tc.format, 90)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// hugePNGHeader is a PNG signature and IHDR claiming w x h, with no data.
func hugePNGHeader(w, h uint32) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 1, 1)))
	b := buf.Bytes()
	// IHDR's type and data are bytes 12-28, its CRC 29-32; no pixel data
	// follows, so only a check made from the header can answer.
	b[16], b[17], b[18], b[19] = byte(w>>24), byte(w>>16), byte(w>>8), byte(w)
	b[20], b[21], b[22], b[23] = byte(h>>24), byte(h>>16), byte(h>>8), byte(h)
	c := crc32.ChecksumIEEE(b[12:29])
	b[29], b[30], b[31], b[32] = byte(c>>24), byte(c>>16), byte(c>>8), byte(c)
	return b[:33]
}

func TestStraightAlpha(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 1))
	copy(img.Pix, []byte{
		10, 20, 30, 255, // opaque: unchanged
		0, 0, 0, 0, // transparent: unchanged
		64, 32, 0, 128, // half: doubled
		1, 1, 1, 1, // tiny alpha: full channel
	})
	got := StraightAlpha(make([]byte, 2), img)
	want := []byte{10, 20, 30, 255, 0, 0, 0, 0, 128, 64, 0, 128, 255, 255, 255, 1}
	if !bytes.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	sub := testImage(10, 10).SubImage(image.Rect(2, 3, 5, 7)).(*image.RGBA)
	if got := StraightAlpha(nil, sub); len(got) != 4*3*4 || got[0] != sub.Pix[sub.PixOffset(2, 3)] {
		t.Fatal("sub-image rows read from the wrong place")
	}
}
