package emoji

import (
	"fmt"
	"image"
	"math"
	"sync"

	"golang.org/x/image/math/fixed"
)

// Glyph is an emoji drawn at one size, placed like a square colour glyph:
// its image's top-left corner goes at (pen x, baseline - Ascent), and the
// pen then moves by Advance. An emoji is one em wide and one em tall and
// sits on the baseline with the usual colour-font metrics (Noto Color Emoji
// and Twemoji's COLR font put 0.88 em above the baseline and 0.12 em below).
type Glyph struct {
	Image   *image.RGBA // premultiplied, ceil(size) square, origin (0, 0); shared: do not modify
	Advance fixed.Int26_6
	Ascent  fixed.Int26_6 // how far the image's top is above the baseline
}

// MaxGlyphSize is the largest size Glyph draws, in pixels per em (a 4096
// px square is 64 MiB of RGBA).
const MaxGlyphSize = 4096

// ascentEm is the share of the em above the baseline.
const ascentEm = 0.88

// Set holds the art for the emoji a text needs, parsed once, and keeps
// the glyphs it drew for reuse (auto-fit tries many sizes; a keystroke
// redraws the same ones). It is safe for concurrent use.
type Set struct {
	mu    sync.Mutex
	arts  map[string]*Art
	cache map[glyphKey]Glyph
}

type glyphKey struct {
	key  string
	size fixed.Int26_6
}

// maxCached bounds the glyph cache; past it the cache starts again empty.
const maxCached = 512

// Add parses the art for key (a Cluster's Key: the SVG file Key + ".svg").
func (s *Set) Add(key string, svg []byte) error {
	a, err := Parse(svg)
	if err != nil {
		return fmt.Errorf("emoji: %s.svg: %w", key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.arts == nil {
		s.arts = map[string]*Art{}
	}
	s.arts[key] = a
	for k := range s.cache {
		if k.key == key {
			delete(s.cache, k)
		}
	}
	return nil
}

// Has reports whether the art for key was added.
func (s *Set) Has(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.arts[key]
	return ok
}

// Missing returns the keys text needs that the set does not have yet.
func (s *Set) Missing(text string) []string {
	var out []string
	for _, k := range Needed(text) {
		if !s.Has(k) {
			out = append(out, k)
		}
	}
	return out
}

// Glyph returns the emoji key drawn for a font of size pixels per em
// (rounded to 1/64 pixel), or ok=false if its art was not added.
func (s *Set) Glyph(key string, size float64) (g Glyph, ok bool) {
	if !(size > 0) || size > MaxGlyphSize {
		return Glyph{}, false
	}
	gk := glyphKey{key, fixed.Int26_6(math.Round(size * 64))}
	s.mu.Lock()
	a, ok := s.arts[key]
	if g, hit := s.cache[gk]; hit {
		s.mu.Unlock()
		return g, true
	}
	s.mu.Unlock()
	if !ok {
		return Glyph{}, false
	}
	sz := float64(gk.size) / 64
	g = Glyph{
		Image:   a.Image(sz),
		Advance: gk.size,
		Ascent:  fixed.Int26_6(math.Round(float64(float64(gk.size) * ascentEm))),
	}
	s.mu.Lock()
	if s.cache == nil || len(s.cache) >= maxCached {
		s.cache = map[glyphKey]Glyph{}
	}
	s.cache[gk] = g
	s.mu.Unlock()
	return g, true
}
