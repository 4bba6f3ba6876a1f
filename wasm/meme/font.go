package meme

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/harfbuzz"
	"github.com/memeforge/memeforge/wasm/emoji"
	"github.com/memeforge/memeforge/wasm/fonts"
)

// Font is a parsed TrueType or CFF (OpenType) face. One parser
// (go-text's) serves shaping, metrics and outlines. Glyph outlines are
// loaded once, in ems, and scaled per render, so a font costs nothing extra
// at a new size.
type Font struct {
	family string
	face   *gtfont.Face
	hb     *harfbuzz.Font // scale = units per em: positions come out in font units
	upem   float64

	ascent, descent float64 // ems, both positive
	capHeight       float64 // ems: the top of 'H' (or 0.75 of the ascent when there is none)

	glyphs  map[gtfont.GID]*glyph
	nGlyphs int
}

// glyph is an outline in ems, y down, origin on the baseline.
type glyph struct {
	top, bottom float64   // ink extent above and below the baseline, ems
	ops         []byte    // 'M', 'L', 'Q', 'C'
	pts         []float64 // x,y pairs: 1 for M and L, 2 for Q, 3 for C
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

func parseFont(data []byte) (f *Font, err error) {
	if len(data) > MaxFontBytes {
		return nil, Kind(ErrFontTooLarge, fmt.Errorf("%d bytes is over the %d byte limit", len(data), MaxFontBytes))
	}
	// The parser is fuzzed upstream, but a font is user input here: a panic
	// deep in a table reader becomes an error, not a dead worker.
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, Kind(ErrBadFont, fmt.Errorf("malformed (%v)", p))
		}
	}()
	ld, err := ot.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, Kind(ErrBadFont, err)
	}
	ft, err := gtfont.NewFont(ld)
	if err != nil {
		return nil, Kind(ErrBadFont, err)
	}
	upem := int(ft.Upem())
	if upem < 16 || upem > 16384 {
		return nil, Kind(ErrBadFont, fmt.Errorf("%d units per em is out of range", upem))
	}
	face := gtfont.NewFace(ft)
	f = &Font{face: face, upem: float64(upem), glyphs: map[gtfont.GID]*glyph{}}
	if maxp, err := ld.RawTable(ot.MustNewTag("maxp")); err == nil && len(maxp) >= 6 {
		f.nGlyphs = int(maxp[4])<<8 | int(maxp[5])
	}
	f.hb = harfbuzz.NewFont(face)
	desc, _ := gtfont.Describe(ld, nil)
	f.family = desc.Family
	ext, ok := face.FontHExtents()
	if !ok {
		return nil, Kind(ErrBadFont, errors.New("no horizontal metrics"))
	}
	f.ascent = float64(ext.Ascender) / f.upem
	f.descent = -float64(ext.Descender) / f.upem
	if f.ascent <= 0 || f.ascent > 4 || f.descent < 0 || f.descent > 4 {
		return nil, Kind(ErrBadFont, fmt.Errorf("implausible metrics (ascent %v em, descent %v em)", f.ascent, f.descent))
	}
	// The OS/2 cap height is absent or has the wrong sign in some fonts, so
	// measure the glyph itself.
	f.capHeight = f.ascent * 0.75
	if g, ok := face.NominalGlyph('H'); ok {
		if top := f.glyph(g).top; top > 0 {
			f.capHeight = top
		}
	}
	if f.NumGlyphs() == 0 {
		return nil, Kind(ErrBadFont, errors.New("no glyphs"))
	}
	return f, nil
}

// Family is the font's family name from its name table ("" if it has none).
func (f *Font) Family() string { return f.family }

// NumGlyphs is the number of glyphs in the font.
func (f *Font) NumGlyphs() int { return f.nGlyphs }

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	g, ok := f.face.NominalGlyph(r)
	return ok && g != 0
}

func (f *Font) glyph(g gtfont.GID) *glyph {
	if gl, ok := f.glyphs[g]; ok {
		return gl
	}
	gl := &glyph{}
	// A glyph whose outline fails to load is drawn empty rather than failing
	// the whole render: its advance still keeps the text in place.
	if out, ok := f.glyphOutline(g); ok {
		for _, s := range out.Segments {
			var n int
			switch s.Op {
			case ot.SegmentOpMoveTo:
				gl.ops, n = append(gl.ops, 'M'), 1
			case ot.SegmentOpLineTo:
				gl.ops, n = append(gl.ops, 'L'), 1
			case ot.SegmentOpQuadTo:
				gl.ops, n = append(gl.ops, 'Q'), 2
			case ot.SegmentOpCubeTo:
				gl.ops, n = append(gl.ops, 'C'), 3
			}
			for _, p := range s.Args[:n] {
				x, y := float64(p.X)/f.upem, -float64(p.Y)/f.upem
				gl.pts = append(gl.pts, x, y)
				gl.top = max(gl.top, -y)
				gl.bottom = max(gl.bottom, y)
			}
		}
	}
	f.glyphs[g] = gl
	return gl
}

func (f *Font) glyphOutline(g gtfont.GID) (out gtfont.GlyphOutline, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = gtfont.GlyphOutline{}, false
		}
	}()
	return f.face.GlyphDataOutline(g)
}

// FontSet is the fonts a render may use: named fonts for boxes and
// fallbacks tried, in the order of the core's font table (Fallbacks), for
// any character the box's font lacks. It is not safe for concurrent use.
type FontSet struct {
	named     map[string]*Font
	fallbacks []string
	emoji     emoji.Set // colour emoji art (AddEmoji)
	gen       int       // bumped on every change; part of the layer cache key
	shapes    shapeCache
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
// fallback it is also a fallback. Fallbacks are tried in the order of the
// core's table (Fallbacks), whatever order they arrive in, so a page that
// fetches them concurrently still renders the same pixels; names the table
// does not know come after, in the order added. Adding a name again
// replaces the font.
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
			sort.SliceStable(fs.fallbacks, func(i, j int) bool {
				return fallbackRank(fs.fallbacks[i]) < fallbackRank(fs.fallbacks[j])
			})
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
