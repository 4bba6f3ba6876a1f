package meme

import (
	"fmt"
	"image"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/memeforge/memeforge/templates"
	"github.com/memeforge/memeforge/wasm/imgio"
)

// The templates folder on disk: the blank formats and the starter set.
var tmplFS = os.DirFS("../../templates")

var (
	photoOnce sync.Once
	photos    map[string]*image.RGBA
	photoErr  error
)

// photo decodes image n (from 1) of template name, once. Broken test data
// panics, which fails whichever test got there first.
func photo(name string, n int) *image.RGBA {
	photoOnce.Do(func() {
		photos = map[string]*image.RGBA{}
		ts, err := templates.List(tmplFS)
		if err != nil {
			photoErr = err
			return
		}
		for _, tm := range ts {
			data, err := tm.ReadImages(tmplFS)
			if err != nil {
				photoErr = err
				return
			}
			for i, b := range data {
				img, _, err := imgio.Decode(b, 0)
				if err != nil {
					photoErr = fmt.Errorf("%s image %d: %w", tm.Name, i+1, err)
					return
				}
				photos[fmt.Sprintf("%s/%d", tm.Name, i+1)] = img
			}
		}
	})
	if photoErr != nil {
		panic(photoErr)
	}
	img, ok := photos[fmt.Sprintf("%s/%d", name, n)]
	if !ok {
		panic(fmt.Sprintf("no image %d in template %s", n, name))
	}
	return img
}

// tmplSpec is template name's spec, with texts replacing its boxes' text
// in order when given.
func tmplSpec(name string, texts ...string) Spec {
	tm, err := templates.Load(tmplFS, name)
	if err != nil {
		panic(err)
	}
	s, err := ParseSpec(tm.Spec)
	if err != nil {
		panic(fmt.Sprintf("%s/spec.json: %v", name, err))
	}
	for i, txt := range texts {
		s.Boxes[i].Text = txt
	}
	return s
}

// formatCases are a golden image for each blank format (filled with the
// starter photos and typical text), for every starter template as it
// ships, and for the canvas features the templates do not use.
func formatCases() []renderCase {
	cases := []renderCase{
		{name: "format-classic", imgs: []*image.RGBA{photo("cat-stare", 1)},
			spec: tmplSpec("classic", "nobody:", "absolutely nobody:")},
		{name: "format-caption-bar", imgs: []*image.RGBA{photo("launch-plan", 1)},
			spec: tmplSpec("caption-bar", "when you push to main on a Friday afternoon and the pipeline is still green")},
		{name: "format-two-panel", imgs: []*image.RGBA{photo("four-moods", 3), photo("four-moods", 2)},
			spec: tmplSpec("two-panel", "taking a photo of my coffee", "the coffee")},
		{name: "format-four-panel", imgs: []*image.RGBA{photo("launch-plan", 1), photo("launch-plan", 2), photo("four-moods", 1), photo("four-moods", 2)},
			spec: tmplSpec("four-panel", "idea", "scope", "reality", "coffee")},
		{name: "format-labels", imgs: []*image.RGBA{photo("four-moods", 3)},
			spec: tmplSpec("labels", "me", "the bug", "my manager watching")},
	}
	ts, err := templates.List(tmplFS)
	if err != nil {
		panic(err)
	}
	for _, tm := range ts {
		if len(tm.Images) == 0 {
			continue
		}
		c := renderCase{name: "template-" + tm.Name, spec: tmplSpec(tm.Name)}
		for i := range tm.Images {
			c.imgs = append(c.imgs, photo(tm.Name, i+1))
		}
		cases = append(cases, c)
	}
	// Contain with a translucent background, a crop and a quarter turn, a
	// half turn, padding on all sides, a label and a shadow, at a fixed
	// aspect; then the same as a preview.
	odd := Spec{
		Canvas: &Canvas{Aspect: 1.25, Background: "#20408080", Padding: Padding{Top: 0.05, Right: 0.03, Bottom: 0.05, Left: 0.03},
			Images: []Slot{
				{X: 0, Y: 0, W: 0.5, H: 1, Fit: "contain", Crop: &Rect{X: 0.1, Y: 0.2, W: 0.6, H: 0.5}, Rotate: 90},
				{X: 0.5, Y: 0, W: 0.5, H: 0.5, Rotate: 180},
				{X: 0.5, Y: 0.5, W: 0.5, H: 0.5, Fit: "contain", Rotate: 270},
			}},
		Boxes: []Box{
			{Text: "label", X: 0.05, Y: 0.1, W: 0.4, H: 0.1, Size: 0.05, Font: "dejavu", Fill: "#000", Background: "#ffff00cc", Rotation: -10},
			{Text: "shadow", X: 0.5, Y: 0.75, W: 0.45, H: 0.2, Fill: "#fff", Shadow: "#000000aa", OutlineWidth: 0.003},
		},
	}
	cases = append(cases,
		renderCase{name: "canvas-contain-crop-rotate", imgs: []*image.RGBA{testImage(320, 200), testImage(300, 300), testImage(200, 300)}, spec: odd},
		renderCase{name: "canvas-contain-crop-rotate-preview", imgs: []*image.RGBA{testImage(320, 200), testImage(300, 300), testImage(200, 300)}, spec: odd, preview: [2]int{250, 200}},
		renderCase{name: "canvas-missing-slot", imgs: []*image.RGBA{testImage(320, 200), nil}, spec: tmplSpec("two-panel", "second slot", "not set yet")},
	)
	return cases
}

// A canvas of one image filling it, no padding, at the image's shape, is
// the old spec exactly: the same pixels as the boxes alone.
func TestCanvasOfOneImageIsTheOldSpec(t *testing.T) {
	fs := fullFontSet(t)
	spec := specOf(withText(DefaultSpec().Boxes[0], "same pixels"), withText(DefaultSpec().Boxes[1], "either way"))
	img := testImage(500, 333)
	r := NewRenderer(fs)
	r.SetImage(img)
	old, _, err := r.Final(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := hashPix(old)
	oldPrev, _, _ := r.Preview(spec, 250, 166)
	wantPrev := hashPix(oldPrev)
	spec.Canvas = &Canvas{}
	r2 := NewRenderer(fs)
	r2.SetImage(img)
	got, _, err := r2.Final(spec)
	if err != nil {
		t.Fatal(err)
	}
	if hashPix(got) != want {
		t.Fatal("final differs")
	}
	gotPrev, _, _ := r2.Preview(spec, 250, 166)
	if hashPix(gotPrev) != wantPrev {
		t.Fatal("preview differs")
	}
}

func TestCanvasSize(t *testing.T) {
	fs := fullFontSet(t)
	size := func(spec Spec, imgs ...*image.RGBA) (int, int) {
		t.Helper()
		r := NewRenderer(fs)
		if err := r.SetImages(imgs); err != nil {
			t.Fatal(err)
		}
		w, h, err := r.Size(spec)
		if err != nil {
			t.Fatal(err)
		}
		return w, h
	}
	t.Run("TwoPanelStacksAtTheImagesShape", func(t *testing.T) {
		w, h := size(tmplSpec("two-panel"), testImage(800, 600), testImage(400, 300))
		if w != 800 || h < 1190 || h > 1220 {
			t.Fatalf("%dx%d, want 800 x about 1200", w, h)
		}
	})
	t.Run("FourPanelKeepsTheSharpestImage", func(t *testing.T) {
		w, _ := size(tmplSpec("four-panel"), testImage(300, 300), testImage(1000, 1000), testImage(10, 10), testImage(500, 500))
		if w < 2000 || w > 2030 {
			t.Fatalf("width %d, want about 2000 (1000 px across half the canvas)", w)
		}
	})
	t.Run("BandGrowsWithItsText", func(t *testing.T) {
		spec := tmplSpec("caption-bar")
		img := testImage(1000, 500)
		_, h0 := size(spec, img)
		spec.Boxes[0].Text = "one line"
		_, h1 := size(spec, img)
		spec.Boxes[0].Text = strings.Repeat("many words on many lines ", 8)
		_, h2 := size(spec, img)
		if h0 != h1 || h1 <= 500 || h2 <= h1+100 {
			t.Fatalf("heights empty %d, one line %d, many lines %d", h0, h1, h2)
		}
	})
	t.Run("CappedAtTheCanvasLimit", func(t *testing.T) {
		big := &image.RGBA{Rect: image.Rect(0, 0, 6000, 4000)} // never drawn: Size only reads the shape
		w, h := size(tmplSpec("four-panel"), big, big, big, big)
		if w*h > MaxCanvasPixels || max(w, h) > MaxCanvasSide {
			t.Fatalf("%dx%d is over the limits", w, h)
		}
	})
}

func TestSpecValidateCanvas(t *testing.T) {
	base := func() Spec { return tmplSpec("four-panel") }
	tests := []struct {
		name string
		edit func(*Spec)
		want string
	}{
		{"RejectsFiveImages", func(s *Spec) { s.Canvas.Images = append(s.Canvas.Images, Slot{W: 1, H: 1}) }, "canvas.images: 5 slots is over the limit of 4"},
		{"RejectsSlotPastEdge", func(s *Spec) { s.Canvas.Images[1].X = 0.6 }, "canvas.images[1].w: runs past the right edge"},
		{"RejectsBadFit", func(s *Spec) { s.Canvas.Images[0].Fit = "stretch" }, `canvas.images[0].fit: "stretch" is not one of cover, contain`},
		{"RejectsOddRotation", func(s *Spec) { s.Canvas.Images[2].Rotate = 45 }, "canvas.images[2].rotate: 45 is not one of 0, 90, 180, 270"},
		{"RejectsEmptyCrop", func(s *Spec) { s.Canvas.Images[0].Crop = &Rect{X: 0.5, Y: 0, W: 0, H: 1} }, "canvas.images[0].crop.w: 0 must be greater than 0"},
		{"RejectsBadBackground", func(s *Spec) { s.Canvas.Background = "white" }, "canvas.background: bad colour"},
		{"RejectsHugePadding", func(s *Spec) { s.Canvas.Padding.Top = 0.5 }, "canvas.padding.top: 0.5 is out of range"},
		{"RejectsFlatAspect", func(s *Spec) { s.Canvas.Aspect = 20 }, "canvas.aspect: 20 is out of range"},
		{"RejectsBandOfNoBox", func(s *Spec) { s.Canvas.Band = &Band{Side: "top", Box: 4} }, "canvas.band.box: 4 is not a box index"},
		{"RejectsBandSide", func(s *Spec) { s.Canvas.Band = &Band{Side: "left"} }, `canvas.band.side: "left" is not one of top, bottom`},
		{"RejectsLabelColour", func(s *Spec) { s.Boxes[2].Background = "#12" }, "boxes[2].background: bad colour"},
		{"RejectsShadowColour", func(s *Spec) { s.Boxes[0].Shadow = "black" }, "boxes[0].shadow: bad colour"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("ParserNamesTheField", func(t *testing.T) {
		_, err := ParseSpec([]byte(`{"canvas":{"images":[{"x":0,"y":0,"w":1,"h":1,"rotate":90.5}]},"boxes":[]}`))
		if err == nil || !strings.Contains(err.Error(), "canvas.images[0].rotate: ") {
			t.Fatalf("got %v", err)
		}
		_, err = ParseSpec([]byte(`{"canvas":{"padding":{"middle":1}},"boxes":[]}`))
		if err == nil || !strings.Contains(err.Error(), `canvas.padding.middle: unknown field "middle"`) {
			t.Fatalf("got %v", err)
		}
	})
}

// Every template's spec parses, has as many images as slots (or none),
// and the blank formats are all there.
func TestTemplatesAreValid(t *testing.T) {
	ts, err := templates.List(tmplFS)
	if err != nil {
		t.Fatal(err)
	}
	starters := 0
	for i, tm := range ts {
		if i < len(templates.Blank) && tm.Name != templates.Blank[i] {
			t.Errorf("template %d is %s, want the blank format %s", i, tm.Name, templates.Blank[i])
		}
		s, err := ParseSpec(tm.Spec)
		if err != nil {
			t.Errorf("%s: %v", tm.Name, err)
			continue
		}
		if n := len(tm.Images); n != 0 && n != s.Slots() {
			t.Errorf("%s: %d images for %d slots", tm.Name, n, s.Slots())
		}
		if len(tm.Images) > 0 {
			starters++
		}
	}
	if starters < 6 {
		t.Errorf("%d starter templates, want at least 6", starters)
	}
}

// Typing in one caption of a four-panel meme repaints that caption only:
// the composed canvas is kept.
func TestCanvasKeystrokeRepaintsOneCaption(t *testing.T) {
	r := NewRenderer(fullFontSet(t))
	if err := r.SetImages([]*image.RGBA{testImage(400, 400), testImage(300, 200), testImage(200, 300), testImage(500, 500)}); err != nil {
		t.Fatal(err)
	}
	spec := tmplSpec("four-panel", "a", "b", "c", "d")
	f, _, err := r.PreviewFrame(spec, 800, 800, 0)
	if err != nil {
		t.Fatal(err)
	}
	base := r.base
	spec.Boxes[3].Text = "dd"
	f, _, err = r.PreviewFrame(spec, 800, 800, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.base != base {
		t.Fatal("the canvas was composed again")
	}
	if f.Changed.Empty() || f.Changed.Min.X < 400 || f.Changed.Min.Y < 400 {
		t.Fatalf("changed %v, want inside the last panel", f.Changed)
	}
	want := cloneRGBA(f.Image)
	r2 := NewRenderer(r.Fonts())
	r2.SetImages(r.Images())
	fresh, _, _ := r2.Preview(spec, 800, 800)
	if hashPix(fresh) != hashPix(want) {
		t.Fatal("the repainted frame differs from a fresh one")
	}
}

func TestSetImages(t *testing.T) {
	r := NewRenderer(NewFontSet())
	for _, tc := range []struct {
		name string
		imgs []*image.RGBA
		want string
	}{
		{"RejectsNone", nil, "0 images, want 1 to 4"},
		{"RejectsFive", make([]*image.RGBA, 5), "5 images, want 1 to 4"},
		{"RejectsAllNil", make([]*image.RGBA, 2), "none set"},
		{"RejectsEmptyImage", []*image.RGBA{testImage(2, 2), {}}, "image 1: 0x0 has no pixels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.SetImages(tc.imgs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("SetImageAtGrows", func(t *testing.T) {
		if err := r.SetImageAt(2, testImage(3, 3)); err != nil {
			t.Fatal(err)
		}
		if n := len(r.Images()); n != 3 || r.Images()[0] != nil {
			t.Fatalf("images %v", r.Images())
		}
	})
}
