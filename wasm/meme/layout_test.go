package meme

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// monoMeasurer is a real Measurer for a monospaced face: every character,
// space included, advances half an em. Widths are then easy to reason about.
type monoMeasurer struct{}

func (monoMeasurer) Width(s string) float64 { return 0.5 * float64(utf8.RuneCountInString(s)) }

func lineTexts(l Layout) []string {
	var out []string
	for _, ln := range l.Lines {
		out = append(out, ln.Text)
	}
	return out
}

func TestLayoutWrap(t *testing.T) {
	// Fixed size 1: a 5 em box holds 10 characters a line.
	p := LayoutParams{Width: 5, Height: 100, Size: 1, Ascent: 0.8, Descent: 0.2, Align: "left", VAlign: "top"}
	cases := []struct {
		name, text string
		want       []string
	}{
		{"WrapsByWords", "one two three four five", []string{"one two", "three four", "five"}},
		{"FillsALineExactly", "abcd efghi jk", []string{"abcd efghi", "jk"}},
		{"CollapsesSpaces", "  a   b  ", []string{"a b"}},
		{"KeepsHardBreaks", "a\nb c\n\nd", []string{"a", "b c", "", "d"}},
		{"BreaksOverlongWords", "abcdefghijklmnopqrstuvwxyz ok", []string{"abcdefghij", "klmnopqrst", "uvwxyz ok"}},
		{"BreaksBetweenRunesNotBytes", strings.Repeat("я", 12), []string{strings.Repeat("я", 10), "яя"}},
		{"EmptyTextHasNoLines", "", nil},
		{"BlankLinesOnlyHaveNoLines", " \n \n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := LayoutText(monoMeasurer{}, tc.text, p)
			if got := lineTexts(l); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("lines = %q, want %q", got, tc.want)
			}
			if l.Overflow {
				t.Fatal("reported overflow")
			}
		})
	}
	t.Run("AnyNumberOfLines", func(t *testing.T) {
		l := LayoutText(monoMeasurer{}, strings.Repeat("word ", 40), p)
		if len(l.Lines) != 20 { // "word word" per line
			t.Fatalf("%d lines, want 20", len(l.Lines))
		}
		for i, ln := range l.Lines {
			if want := float64(i) + 0.8; math.Abs(ln.Y-want) > 1e-12 {
				t.Fatalf("line %d baseline %v, want %v", i, ln.Y, want)
			}
		}
	})
}

func TestLayoutAutoSize(t *testing.T) {
	base := LayoutParams{Width: 10, Height: 2, MinSize: 0.05, Ascent: 0.8, Descent: 0.2}
	fitsAt := func(text string, size float64) bool {
		p := base
		p.Size = size
		return !LayoutText(monoMeasurer{}, text, p).Overflow
	}
	cases := []struct {
		name, text string
		size       float64 // expected, within the search's precision
		lines      int
	}{
		// One line as tall as the box is the ceiling.
		{"ShortTextFillsTheHeight", "hi", 2, 1},
		// 20 characters need 10 em of width: size 1 exactly on one line.
		{"LongLineLimitedByWidth", "abcdefghij abcdefghi", 1, 1},
		// Many words: the search trades width for lines.
		{"ManyWordsWrapIntoSeveralLines", strings.Repeat("lorem ipsum ", 30), 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := LayoutText(monoMeasurer{}, tc.text, base)
			if l.Overflow {
				t.Fatal("overflow")
			}
			if tc.size > 0 && math.Abs(l.Size-tc.size) > 1e-5 {
				t.Fatalf("size %v, want %v", l.Size, tc.size)
			}
			if tc.lines > 0 && len(l.Lines) != tc.lines {
				t.Fatalf("%d lines, want %d", len(l.Lines), tc.lines)
			}
			// Largest: a little bigger must not fit.
			if !fitsAt(tc.text, l.Size) || fitsAt(tc.text, l.Size*1.001) {
				t.Fatalf("size %v is not the largest that fits", l.Size)
			}
		})
	}
	t.Run("ShrinksBeforeBreakingWords", func(t *testing.T) {
		l := LayoutText(monoMeasurer{}, "supercalifragilistic", base) // 10 em at size 1
		if len(l.Lines) != 1 || math.Abs(l.Size-1) > 1e-5 {
			t.Fatalf("got %d lines at %v", len(l.Lines), l.Size)
		}
	})
	t.Run("BreaksWordsAtMinSize", func(t *testing.T) {
		p := base
		p.MinSize = 1.5 // 6.67 characters a line
		l := LayoutText(monoMeasurer{}, "supercalifragilistic", p)
		if l.Size != 1.5 || len(l.Lines) < 2 {
			t.Fatalf("got %q at %v", lineTexts(l), l.Size)
		}
		if !l.Overflow {
			t.Fatal("3 lines at 1.5 in a box 2 high must overflow")
		}
	})
	t.Run("ReportsOverflowAtMinSize", func(t *testing.T) {
		p := base
		p.MinSize = 0.5
		l := LayoutText(monoMeasurer{}, strings.Repeat("ab ", 200), p)
		if !l.Overflow || l.Size != 0.5 {
			t.Fatalf("overflow %v size %v", l.Overflow, l.Size)
		}
	})
	t.Run("ReportsOverflowAtFixedSize", func(t *testing.T) {
		p := base
		p.Size = 3
		if l := LayoutText(monoMeasurer{}, "x", p); !l.Overflow {
			t.Fatal("a 3 high line in a 2 high box must overflow")
		}
	})
	t.Run("SameBreaksAtEveryScale", func(t *testing.T) {
		// The renderer lays out in image heights, so resolution never enters;
		// this pins that the search is deterministic for a given input.
		text := strings.Repeat("the quick brown fox ", 6)
		a := LayoutText(monoMeasurer{}, text, base)
		b := LayoutText(monoMeasurer{}, text, base)
		if fmt.Sprint(lineTexts(a)) != fmt.Sprint(lineTexts(b)) || a.Size != b.Size {
			t.Fatal("layout is not deterministic")
		}
	})
}

func TestLayoutAlign(t *testing.T) {
	// "abcd" is 2 em wide at size 1 in a 10 x 5 box; block height 2 lines = 2.
	cases := []struct {
		align, valign string
		x, y0         float64
	}{
		{"left", "top", 0, 0.8},
		{"center", "top", 4, 0.8},
		{"right", "top", 8, 0.8},
		{"left", "middle", 0, 1.5 + 0.8},
		{"left", "bottom", 0, 3 + 0.8},
	}
	for _, tc := range cases {
		t.Run(tc.align+"-"+tc.valign, func(t *testing.T) {
			p := LayoutParams{Width: 10, Height: 5, Size: 1, Ascent: 0.8, Descent: 0.2, Align: tc.align, VAlign: tc.valign}
			l := LayoutText(monoMeasurer{}, "abcd\nabcd", p)
			if len(l.Lines) != 2 {
				t.Fatalf("%d lines", len(l.Lines))
			}
			if ln := l.Lines[0]; math.Abs(ln.X-tc.x) > 1e-12 || math.Abs(ln.Y-tc.y0) > 1e-12 || ln.Width != 2 {
				t.Fatalf("line 0 at (%v, %v) width %v, want (%v, %v) width 2", ln.X, ln.Y, ln.Width, tc.x, tc.y0)
			}
			if d := l.Lines[1].Y - l.Lines[0].Y; math.Abs(d-1) > 1e-12 {
				t.Fatalf("line pitch %v, want 1", d)
			}
		})
	}
}
