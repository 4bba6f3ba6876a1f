package emoji

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSet(t *testing.T) {
	var s Set
	text := "top text 🔥👍🏽"
	if got := s.Missing(text); strings.Join(got, " ") != "1f525 1f44d-1f3fd" {
		t.Fatalf("Missing = %q", got)
	}
	if _, ok := s.Glyph("1f525", 40); ok {
		t.Fatal("Glyph before Add: ok")
	}
	for _, k := range s.Missing(text) {
		b, err := os.ReadFile(filepath.Join(twemojiDir(t), k+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(k, b); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Missing(text); len(got) != 0 {
		t.Fatalf("Missing after Add = %q", got)
	}
	t.Run("GlyphIsOneEmSquare", func(t *testing.T) {
		g, ok := s.Glyph("1f525", 40.5)
		if !ok {
			t.Fatal("no glyph")
		}
		if g.Image.Rect != image.Rect(0, 0, 41, 41) || g.Advance != 40*64+32 || g.Ascent != 2281 {
			t.Errorf("rect %v advance %v ascent %v", g.Image.Rect, g.Advance, g.Ascent)
		}
		g2, _ := s.Glyph("1f525", 40.5)
		if g2.Image != g.Image {
			t.Error("the same glyph was drawn twice")
		}
	})
	t.Run("RejectsBadSVG", func(t *testing.T) {
		err := s.Add("x", []byte(`<svg viewBox="0 0 36 36"><text>hi</text></svg>`))
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "<text>") {
			t.Errorf("err = %v, want ErrUnsupported naming <text>", err)
		}
	})
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, svg, want string }{
		{"NamesUnknownElement", `<svg viewBox="0 0 36 36"><linearGradient/></svg>`, "<linearGradient>: unsupported element"},
		{"NamesStyleAttribute", `<svg viewBox="0 0 36 36"><path style="fill:red" d="M0 0h1v1z"/></svg>`, "<path> style: unsupported"},
		{"NeedsViewBox", `<svg><path d="M0 0h1v1z"/></svg>`, "no viewBox"},
		{"BadPathData", `<svg viewBox="0 0 36 36"><path d="M0 0 Lx"/></svg>`, "want a number"},
		{"UnknownColour", `<svg viewBox="0 0 36 36"><path fill="chartreuse" d="M0 0h1v1z"/></svg>`, `colour "chartreuse"`},
		{"UnknownClip", `<svg viewBox="0 0 36 36"><path clip-path="url(#q)" d="M0 0h1v1z"/></svg>`, `unknown id "q"`},
		{"Unclosed", `<svg viewBox="0 0 36 36"><g>`, "<g> is not closed"},
		{"NotSVG", `<html/>`, "want <svg>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.svg))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// TestShapes checks the elements Twemoji does not use (rect, polygon,
// polyline, line) and path commands it does not use (Q, T) by coverage.
func TestShapes(t *testing.T) {
	cases := []struct {
		name, body string
		area       float64 // in px² at 36 px
	}{
		{"Rect", `<rect x="6" y="6" width="24" height="12"/>`, 288},
		{"RoundedRect", `<rect width="36" height="36" rx="6"/>`, 36*36 - (4-3.14159265)*36},
		{"Polygon", `<polygon points="0,0 36,0 0,36"/>`, 648},
		{"Quadratic", `<path d="M0 36Q18 -36 36 36z"/>`, 2.0 / 3 * 36 * 36},
		{"SmoothQuadratic", `<path d="M0 36Q9 0 18 36T36 36z"/>`, 2.0 / 3 * 18 * 18}, // the reflected hump falls below the viewport
		{"Arc", `<path d="M0 18a18 18 0 0 1 36 0z"/>`, 3.14159265 * 18 * 18 / 2},
		{"ArcCompactFlags", `<path d="M0 18a18 18 0 0136 0z"/>`, 3.14159265 * 18 * 18 / 2},
		{"EvenOdd", `<path fill-rule="evenodd" d="M0 0h36v36H0zM9 9h18v18H9z"/>`, 36*36 - 18*18},
		{"NonZero", `<path d="M0 0h36v36H0zM9 9h18v18H9z"/>`, 36 * 36},
		{"Stroke", `<line x1="0" y1="18" x2="36" y2="18" stroke="#000" stroke-width="2"/>`, 72},
		{"Opacity", `<rect width="36" height="36" opacity=".5"/>`, 36 * 36 * 128 / 255.0}, // .5 of 255 rounds up
		{"Transform", `<rect width="18" height="18" transform="translate(18 18) scale(2)"/>`, 18 * 18},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := Parse([]byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36">` + c.body + `</svg>`))
			if err != nil {
				t.Fatal(err)
			}
			img := a.Image(36)
			var sum float64
			for i := 3; i < len(img.Pix); i += 4 {
				sum += float64(img.Pix[i]) / 255
			}
			if d := sum - c.area; d > 2 || d < -2 {
				t.Errorf("covers %.1f px², want %.1f", sum, c.area)
			}
		})
	}
}

// FuzzParse feeds Parse arbitrary bytes (corpus: testdata/fuzz/FuzzParse);
// whatever parses must draw without panicking.
func FuzzParse(f *testing.F) {
	for _, k := range []string{"1f525", "1fa87", "1faae", "1f1e6-1f1f1", "31-20e3"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "@twemoji", "svg", k+".svg")); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<svg viewBox="0 0 36 36"><path d="M0 0a5 5 0 1 1 10 10Q1 2 3 4T5 6s1 2 3 4z"/></svg>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Parse(b)
		if err != nil {
			return
		}
		img := image.NewRGBA(image.Rect(0, 0, 24, 24))
		a.Draw(img, -3.5, 2.25, 30)
	})
}

// FuzzClusters checks that clusters are in order, inside the text and
// non-empty, whatever the text.
func FuzzClusters(f *testing.F) {
	for _, s := range []string{"🔥 👍🏽 👨\u200D👩\u200D👧 🇺🇦 1\uFE0F\u20E3", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "\xff\u200D🔥\uFE0F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for _, c := range Clusters(s) {
			if c.Start < end || c.End <= c.Start || c.End > len(s) || c.Key == "" {
				t.Fatalf("bad cluster %+v in %+q", c, s)
			}
			end = c.End
		}
	})
}

func ExampleClusters() {
	for _, c := range Clusters("so hot 🔥 👍🏽 1\uFE0F\u20E3") {
		fmt.Println(c.Start, c.End, c.Key)
	}
	// Output:
	// 7 11 1f525
	// 12 20 1f44d-1f3fd
	// 21 28 31-20e3
}

func ExampleSet() {
	var s Set
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36"><circle cx="18" cy="18" r="18" fill="#DD2E44"/></svg>`)
	for _, k := range s.Missing("🔴 alert") { // the page fetches k + ".svg"
		if err := s.Add(k, svg); err != nil {
			panic(err)
		}
	}
	g, _ := s.Glyph("1f534", 48)
	fmt.Println(g.Image.Bounds(), g.Advance, g.Image.RGBAAt(24, 24))
	// Output:
	// (0,0)-(48,48) 48:00 {221 46 68 255}
}
