package meme

import "golang.org/x/image/font/sfnt"

// shaper maps text to glyphs for one box: each character from the box's
// font if it has it, else from the first fallback that does, else the box
// font's .notdef glyph (a visible box) and the character is reported missing.
// It is the Measurer layout uses, so measuring and drawing place glyphs
// identically.
type shaper struct {
	chain []*Font
}

type placed struct {
	f *Font
	g *glyph
	x float64 // pen position in ems from the start of the run
}

// ignorable characters have no visible form of their own (joiners,
// variation selectors, BOM, soft hyphen); they are skipped, not reported.
func ignorable(r rune) bool {
	return r == 0xAD || r == 0x34F || r == 0xFEFF ||
		(r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
		(r >= 0x2060 && r <= 0x206F) || (r >= 0xFE00 && r <= 0xFE0F) ||
		(r >= 0xE0000 && r <= 0xE0FFF)
}

func (s *shaper) pick(r rune) (*Font, sfnt.GlyphIndex, bool) {
	for _, f := range s.chain {
		if g, ok := f.lookup(r); ok {
			return f, g, true
		}
	}
	return s.chain[0], 0, false
}

// run calls fn for each glyph of text and returns the advance width in ems.
// Kerning applies between neighbours from the same font.
func (s *shaper) run(text string, fn func(placed)) float64 {
	x := 0.0
	var prevF *Font
	var prevG sfnt.GlyphIndex
	for _, r := range text {
		if ignorable(r) {
			continue
		}
		f, g, _ := s.pick(r)
		if f == prevF {
			x += f.kern(prevG, g)
		}
		gl := f.glyph(g)
		if fn != nil && len(gl.ops) > 0 {
			fn(placed{f, gl, x})
		}
		x += gl.advance
		prevF, prevG = f, g
	}
	return x
}

func (s *shaper) Width(text string) float64 { return s.run(text, nil) }

// missing appends to dst each character of text that no font in the chain
// covers and that dst does not hold yet.
func (s *shaper) missing(dst []rune, text string) []rune {
next:
	for _, r := range text {
		if r == '\n' || ignorable(r) {
			continue
		}
		if _, _, ok := s.pick(r); ok {
			continue
		}
		for _, d := range dst {
			if d == r {
				continue next
			}
		}
		dst = append(dst, r)
	}
	return dst
}

// top is how far above the baseline the text's tallest glyph reaches, in
// ems: accented capitals rise above the cap height and must fit the box too.
func (s *shaper) top(text string) float64 {
	t := 0.0
	for _, r := range text {
		if r == '\n' || r == ' ' || ignorable(r) {
			continue
		}
		f, g, _ := s.pick(r)
		t = max(t, f.glyph(g).top)
	}
	return t
}
