package meme

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode"
)

// monoMeasurer is a real Measurer for a monospaced face: every character,
// space included, advances half an em, may end a line after a space, and
// inks 0.8 em above and 0.2 below the baseline. Widths are then easy to
// reason about.
type monoMeasurer struct{ paras [][]rune }

func mono(text string) *monoMeasurer {
	m := &monoMeasurer{}
	for _, p := range normalize(text) {
		m.paras = append(m.paras, []rune(p))
	}
	blank := true
	for _, p := range m.paras {
		blank = blank && len(p) == 0
	}
	if blank {
		m.paras = nil
	}
	return m
}

func (m *monoMeasurer) Paragraphs() int { return len(m.paras) }
func (m *monoMeasurer) Breaks(p int) []int {
	var out []int
	for i, r := range m.paras[p] {
		if r == ' ' {
			out = append(out, i+1)
		}
	}
	if n := len(m.paras[p]); n > 0 {
		out = append(out, n)
	}
	return out
}
func (m *monoMeasurer) Graphemes(p int) []int {
	var out []int
	for i := range m.paras[p] {
		out = append(out, i+1)
	}
	return out
}
func (m *monoMeasurer) Width(p, from, to int) float64 {
	for to > from && unicode.IsSpace(m.paras[p][to-1]) {
		to--
	}
	return 0.5 * float64(to-from)
}
func (m *monoMeasurer) Ink(p, from, to int) (float64, float64) {
	if m.Width(p, from, to) == 0 {
		return 0, 0
	}
	return 0.8, 0.2
}
func (m *monoMeasurer) text(l Line) string {
	return strings.TrimRight(string(m.paras[l.Para][l.From:l.To]), " ")
}

func layoutLines(text string, p LayoutParams) (Layout, []string) {
	m := mono(text)
	l := LayoutText(m, p)
	var out []string
	for _, ln := range l.Lines {
		out = append(out, m.text(ln))
	}
	return l, out
}

func TestLayoutWrap(t *testing.T) {
	// Fixed size 1: a 5 em box holds 10 characters a line.
	p := LayoutParams{Width: 5, Height: 100, Size: 1, Pitch: 1, Align: "left", VAlign: "top"}
	cases := []struct {
		name, text string
		want       []string
	}{
		{"WrapsByWords", "one two three four five", []string{"one two", "three four", "five"}},
		{"FillsALineExactly", "abcd efghi jk", []string{"abcd", "efghi jk"}},
		{"CollapsesSpaces", "  a   b  ", []string{"a b"}},
		{"KeepsHardBreaks", "a\nb c\n\nd", []string{"a", "b c", "", "d"}},
		{"BreaksOverlongWords", "abcdefghijklmnopqrstuvwxyz ok", []string{"abcdefghij", "klmnopqrst", "uvwxyz ok"}},
		{"BreaksBetweenRunesNotBytes", strings.Repeat("я", 12), []string{strings.Repeat("я", 6), strings.Repeat("я", 6)}},
		{"EmptyTextHasNoLines", "", nil},
		{"BlankLinesOnlyHaveNoLines", " \n \n", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, got := layoutLines(tc.text, p)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("lines = %q, want %q", got, tc.want)
			}
			if l.Overflow {
				t.Fatal("reported overflow")
			}
		})
	}
	t.Run("AnyNumberOfLines", func(t *testing.T) {
		l, _ := layoutLines(strings.Repeat("word ", 40), p)
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

// TestLayoutBalanced: the fewest lines greedy filling would give, but as
// alike in length as the break opportunities allow.
func TestLayoutBalanced(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		width float64 // ems at size 1
		want  []string
	}{
		// Greedy: "BENCHMARK A MEME / GENERATOR".
		{"TwoLines", "BENCHMARK A MEME GENERATOR", 8, []string{"BENCHMARK A", "MEME GENERATOR"}},
		// Greedy: "one two three / four five six / seven".
		{"ThreeLines", "one two three four five six seven", 7, []string{"one two", "three four five", "six seven"}},
		// Greedy: "aa bb cc dd / ee ff gg hh / ... / uu" (5 lines, the last alone).
		{"FiveLines", "aa bb cc dd ee ff gg hh ii jj kk ll mm nn oo pp qq", 6, []string{"aa bb cc dd", "ee ff gg", "hh ii jj", "kk ll mm", "nn oo pp qq"}},
		// A word wider than the line at a fixed size is broken, and the
		// pieces are balanced too.
		{"LongWord", "incomprehensibilities", 6, []string{"incomprehen", "sibilities"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := LayoutParams{Width: tc.width, Height: 100, Size: 1, Pitch: 1, Align: "center", VAlign: "top"}
			_, got := layoutLines(tc.text, p)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("lines = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("AutoFitKeepsTheFewestLines", func(t *testing.T) {
		p := LayoutParams{Width: 8, Height: 2.2, MinSize: 0.05, Pitch: 1.2, VAlign: "top"}
		l, got := layoutLines("BENCHMARK A MEME GENERATOR", p)
		if len(got) != 2 || got[0] != "BENCHMARK A" {
			t.Fatalf("lines %q at %v", got, l.Size)
		}
	})
}

func TestLayoutAutoSize(t *testing.T) {
	base := LayoutParams{Width: 10, Height: 2, MinSize: 0.05, Pitch: 1}
	fitsAt := func(text string, size float64) bool {
		p := base
		p.Size = size
		l, _ := layoutLines(text, p)
		return !l.Overflow
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
			l, _ := layoutLines(tc.text, base)
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
		l, _ := layoutLines("supercalifragilistic", base) // 10 em at size 1
		if len(l.Lines) != 1 || math.Abs(l.Size-1) > 1e-5 {
			t.Fatalf("got %d lines at %v", len(l.Lines), l.Size)
		}
	})
	t.Run("BreaksWordsAtMinSize", func(t *testing.T) {
		p := base
		p.MinSize = 1.5 // 6.67 characters a line
		l, got := layoutLines("supercalifragilistic", p)
		if l.Size != 1.5 || len(l.Lines) < 2 {
			t.Fatalf("got %q at %v", got, l.Size)
		}
		if !l.Overflow {
			t.Fatal("3 lines at 1.5 in a box 2 high must overflow")
		}
	})
	t.Run("ReportsOverflowAtMinSize", func(t *testing.T) {
		p := base
		p.MinSize = 0.5
		l, _ := layoutLines(strings.Repeat("ab ", 200), p)
		if !l.Overflow || l.Size != 0.5 {
			t.Fatalf("overflow %v size %v", l.Overflow, l.Size)
		}
	})
	t.Run("ReportsOverflowAtFixedSize", func(t *testing.T) {
		p := base
		p.Size = 3
		if l, _ := layoutLines("x", p); !l.Overflow {
			t.Fatal("a 3 high line in a 2 high box must overflow")
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		text := strings.Repeat("the quick brown fox ", 6)
		a, la := layoutLines(text, base)
		b, lb := layoutLines(text, base)
		if fmt.Sprint(la) != fmt.Sprint(lb) || a.Size != b.Size {
			t.Fatal("layout is not deterministic")
		}
	})
}

func TestLayoutAlign(t *testing.T) {
	// "abcd" is 2 em wide at size 1 in a 10 x 5 box; the ink block of two
	// lines is 0.8 + 1 + 0.2 = 2 high.
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
			p := LayoutParams{Width: 10, Height: 5, Size: 1, Pitch: 1, Align: tc.align, VAlign: tc.valign}
			l, _ := layoutLines("abcd\nabcd", p)
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
