package meme

import (
	"errors"
	"fmt"
	"strings"

	"github.com/memeforge/memeforge/wasm/fonts"
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Font is a parsed TrueType or CFF (OpenType) face. Glyph outlines and
// advances are loaded once, in ems, and scaled per render, so a font costs
// nothing extra at a new size.
type Font struct {
	family string
	sf     *sfnt.Font
	buf    sfnt.Buffer
	upem   float64
	ppem   fixed.Int26_6 // UnitsPerEm as 26.6: LoadGlyph then yields font units

	ascent, descent float64 // ems, both positive
	capHeight       float64 // ems: the top of 'H'; lines are at least this tall above the baseline

	index  map[rune]sfnt.GlyphIndex
	glyphs map[sfnt.GlyphIndex]*glyph
}

// glyph is an outline in ems, y down, origin on the baseline.
type glyph struct {
	advance float64
	top     float64   // ems above the baseline the outline reaches
	ops     []byte    // 'M', 'L', 'Q', 'C'
	pts     []float64 // x,y pairs: 1 for M and L, 2 for Q, 3 for C
}

// MaxFontBytes bounds a font file: the largest CJK fonts are about 20 MB.
const MaxFontBytes = 30 << 20

// ParseFont parses TTF or OTF bytes. The bytes are retained. Its errors
// are ErrBadFont or ErrFontTooLarge.
func ParseFont(data []byte) (*Font, error) {
	f, err := parseFont(data)
	if err != nil {
		return nil, fmt.Errorf("meme: font: %w", err)
	}
	return f, nil
}

func parseFont(data []byte) (*Font, error) {
	if len(data) > MaxFontBytes {
		return nil, Kind(ErrFontTooLarge, fmt.Errorf("%d bytes is over the %d byte limit", len(data), MaxFontBytes))
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, Kind(ErrBadFont, err)
	}
	f := &Font{sf: sf, index: map[rune]sfnt.GlyphIndex{}, glyphs: map[sfnt.GlyphIndex]*glyph{}}
	upem := sf.UnitsPerEm()
	if upem < 16 || upem > 16384 {
		return nil, Kind(ErrBadFont, fmt.Errorf("%d units per em is out of range", upem))
	}
	f.upem = float64(upem)
	f.ppem = fixed.Int26_6(upem) << 6
	f.family, _ = sf.Name(&f.buf, sfnt.NameIDFamily)
	m, err := sf.Metrics(&f.buf, f.ppem, font.HintingNone)
	if err != nil {
		return nil, Kind(ErrBadFont, fmt.Errorf("metrics: %w", err))
	}
	f.ascent = f.em(m.Ascent)
	f.descent = f.em(m.Descent)
	if f.ascent <= 0 || f.ascent > 4 || f.descent < 0 || f.descent > 4 {
		return nil, Kind(ErrBadFont, fmt.Errorf("implausible metrics (ascent %v em, descent %v em)", f.ascent, f.descent))
	}
	// The OS/2 cap height is absent or has the wrong sign in some fonts, so
	// measure the glyph itself.
	f.capHeight = f.ascent * 0.75
	if g, ok := f.lookup('H'); ok {
		if b, _, err := sf.GlyphBounds(&f.buf, g, f.ppem, font.HintingNone); err == nil && b.Min.Y < 0 {
			f.capHeight = f.em(-b.Min.Y)
		}
	}
	if f.NumGlyphs() == 0 {
		return nil, Kind(ErrBadFont, errors.New("no glyphs"))
	}
	return f, nil
}

func (f *Font) em(v fixed.Int26_6) float64 { return float64(v) / 64 / f.upem }

// Family is the font's family name from its name table ("" if it has none).
func (f *Font) Family() string { return f.family }

// NumGlyphs is the number of glyphs in the font.
func (f *Font) NumGlyphs() int { return f.sf.NumGlyphs() }

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	_, ok := f.lookup(r)
	return ok
}

func (f *Font) lookup(r rune) (sfnt.GlyphIndex, bool) {
	if g, ok := f.index[r]; ok {
		return g, g != 0
	}
	g, err := f.sf.GlyphIndex(&f.buf, r)
	if err != nil {
		g = 0
	}
	f.index[r] = g
	return g, g != 0
}

func (f *Font) glyph(g sfnt.GlyphIndex) *glyph {
	if gl, ok := f.glyphs[g]; ok {
		return gl
	}
	gl := &glyph{}
	if adv, err := f.sf.GlyphAdvance(&f.buf, g, f.ppem, font.HintingNone); err == nil {
		gl.advance = f.em(adv)
	}
	// A glyph whose outline fails to load is drawn empty rather than failing
	// the whole render: its advance still keeps the text in place.
	if segs, err := f.sf.LoadGlyph(&f.buf, g, f.ppem, nil); err == nil {
		for _, s := range segs {
			var n int
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				gl.ops, n = append(gl.ops, 'M'), 1
			case sfnt.SegmentOpLineTo:
				gl.ops, n = append(gl.ops, 'L'), 1
			case sfnt.SegmentOpQuadTo:
				gl.ops, n = append(gl.ops, 'Q'), 2
			case sfnt.SegmentOpCubeTo:
				gl.ops, n = append(gl.ops, 'C'), 3
			}
			for _, p := range s.Args[:n] {
				gl.pts = append(gl.pts, f.em(p.X), f.em(p.Y))
				gl.top = max(gl.top, -f.em(p.Y))
			}
		}
	}
	f.glyphs[g] = gl
	return gl
}

func (f *Font) kern(a, b sfnt.GlyphIndex) float64 {
	k, err := f.sf.Kern(&f.buf, a, b, f.ppem, font.HintingNone)
	if err != nil {
		return 0
	}
	return f.em(k)
}

// FontSet is the fonts a render may use: named fonts for boxes and an
// ordered list of fallbacks tried for any character the box's font lacks.
// It is not safe for concurrent use.
type FontSet struct {
	named     map[string]*Font
	fallbacks []string
	gen       int // bumped on every change; part of the layer cache key
}

// BuiltinFont is the name of the embedded face.
const BuiltinFont = fonts.BuiltinName

// NewFontSet returns a set holding the built-in Anton face.
func NewFontSet() *FontSet {
	anton, err := ParseFont(fonts.Anton)
	if err != nil {
		panic("meme: embedded Anton does not parse: " + err.Error())
	}
	return &FontSet{named: map[string]*Font{BuiltinFont: anton}}
}

// Add parses data and makes it available under name (lower-cased). With
// fallback it is also appended to the fallback list; the browser adds
// "dejavu" and "droid" this way. Adding a name again replaces the font.
func (fs *FontSet) Add(name string, data []byte, fallback bool) (*Font, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" || len(name) > MaxFontName {
		return nil, Kind(ErrBadArgument, fmt.Errorf("meme: font name must be 1 to %d bytes", MaxFontName))
	}
	f, err := parseFont(data)
	if err != nil {
		return nil, fmt.Errorf("meme: font %q: %w", name, err)
	}
	fs.named[name] = f
	if fallback {
		found := false
		for _, n := range fs.fallbacks {
			found = found || n == name
		}
		if !found {
			fs.fallbacks = append(fs.fallbacks, name)
		}
	}
	fs.gen++
	return f, nil
}

// Font returns the font added under name.
func (fs *FontSet) Font(name string) (*Font, bool) {
	f, ok := fs.named[strings.ToLower(name)]
	return f, ok
}

// chain is the box font followed by the fallbacks, each once.
func (fs *FontSet) chain(name string) ([]*Font, error) {
	f, ok := fs.Font(name)
	if !ok {
		return nil, Kind(ErrFontNotLoaded, fmt.Errorf("font %q is not loaded", name))
	}
	out := []*Font{f}
	for _, n := range fs.fallbacks {
		if fb := fs.named[n]; fb != f {
			out = append(out, fb)
		}
	}
	return out, nil
}
