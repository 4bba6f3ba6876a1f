package meme

import (
	"fmt"
	"image"
	"testing"
)

// inkRows is the first and last row of img with any non-white pixel.
func inkRows(img *image.RGBA) (first, last int) {
	first, last = -1, -1
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			i := img.PixOffset(x, y)
			if img.Pix[i] != 255 || img.Pix[i+1] != 255 || img.Pix[i+2] != 255 {
				if first < 0 {
					first = y
				}
				last = y
				break
			}
		}
	}
	return first, last
}

// TestEqualMargins: a top-aligned caption's ink starts as far from the top
// edge as a bottom-aligned caption's ink ends from the bottom edge, in the
// default spec's mirrored boxes, whatever the case and script.
func TestEqualMargins(t *testing.T) {
	cases := []struct{ name, text, transform string }{
		{"UpperCase", "one does not simply", "upper"},
		{"MixedCaseWithDescenders", "jumping gypsy quiz", "none"},
		{"TwoLinesMixedCase", "benchmark a meme generator to judge", "none"},
		{"Arabic", "مرحبا بالعالم", "none"},
		{"Devanagari", "नमस्ते दुनिया", "none"},
		{"Thai", "สวัสดีครับ ผู้ใหญ่", "none"},
		{"CJK", "这是一个很长的中文标题", "none"},
	}
	fs := fullFontSet(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := DefaultSpec()
			for i := range spec.Boxes {
				b := &spec.Boxes[i]
				b.Fill, b.OutlineWidth, b.Transform = "#000", 0, tc.transform
			}
			const W, H = 800, 800
			measure := func(box int) (int, int) {
				img := image.NewRGBA(image.Rect(0, 0, W, H))
				for i := range img.Pix {
					img.Pix[i] = 255
				}
				s := spec
				s.Boxes = []Box{spec.Boxes[box]}
				s.Boxes[0].Text = tc.text
				if _, err := Draw(img, s, fs); err != nil {
					t.Fatal(err)
				}
				return inkRows(img)
			}
			topFirst, _ := measure(0)
			_, botLast := measure(1)
			top, bottom := topFirst, H-1-botLast
			if top < 0 || botLast < 0 {
				t.Fatal("no ink")
			}
			if d := top - bottom; d < -2 || d > 2 {
				t.Fatalf("top caption's ink starts %d px from the top, bottom caption's ends %d px from the bottom", top, bottom)
			}
			// The boxes start 0.03 of the height from each edge: 24 px.
			if top < 22 || top > 26 {
				t.Fatalf("ink starts %d px from the top, want the box's 24", top)
			}
		})
	}
}

// TestCJKBreaks: Chinese without spaces breaks between ideographs, never
// before a closing comma or full stop (UAX #14).
func TestCJKBreaks(t *testing.T) {
	fs := fullFontSet(t)
	chain, _ := fs.chain("anton")
	st := shapeText(chain, "这是一个很长的中文标题，没有空格。应该自动换行显示在图片上")
	for _, w := range []float64{3, 4, 5, 6, 7} {
		l := LayoutText(st, LayoutParams{Width: w, Height: 100, Size: 1, Pitch: 1.2, VAlign: "top"})
		if len(l.Lines) < 2 {
			t.Fatalf("width %v: %d lines", w, len(l.Lines))
		}
		for _, ln := range l.Lines {
			if first := st.paras[0].text[ln.From]; first == '，' || first == '。' {
				t.Fatalf("width %v: a line starts with %q", w, first)
			}
			if ln.Width > w*tol {
				t.Fatalf("width %v: line %q is %v wide", w, string(st.paras[0].text[ln.From:ln.To]), ln.Width)
			}
		}
	}
}

func TestFontsNeededByScript(t *testing.T) {
	spec := func(texts ...string) Spec {
		s := DefaultSpec()
		for i, tx := range texts {
			s.Boxes[i].Text = tx
		}
		return s
	}
	cases := []struct {
		name string
		spec Spec
		want string
	}{
		{"LatinNeedsNothing", spec("one does not simply", "ok 123"), "[]"},
		{"ByScript", spec("مرحبا שלום", "नमस्ते ไทย 你好"), "[arabic hebrew devanagari thai droid]"},
		{"CyrillicAndGreekFromTheCondensedFace", spec("Привет", "Καλημέρα"), "[roboto-condensed]"},
		{"SymbolsFromDejaVu", spec("ok ✓", ""), "[dejavu]"},
		{"NothingHasItNothingNeeded", spec("\U00010000", ""), "[]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			need, err := FontsNeeded(tc.spec, NewFontSet())
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(need); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("LoadedOnesAreNotNeeded", func(t *testing.T) {
		if got, err := FontsNeeded(spec("مرحبا 你好"), fullFontSet(t)); err != nil || len(got) != 0 {
			t.Fatalf("got %v", got)
		}
	})
}
