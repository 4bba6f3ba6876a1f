package meme

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/memeforge/memeforge/wasm/emoji"
)

// Colour emoji in captions. Shaping makes each emoji cluster (UTS #51:
// single emoji, skin tones, flags, keycaps, ZWJ sequences) a run of its own,
// one em wide (shape.go); drawing rasterizes its Twemoji art at the
// caption's final pixel size, never a scaled bitmap, and composites it after
// the text fill (rasterize). The art comes from the page or the CLI through
// FontSet.AddEmoji; EmojiNeeded says which files a spec still needs.

// maxEmojiKey bounds a key's length: the longest Twemoji name (a kiss with
// two skin tones) is 54 bytes.
const maxEmojiKey = 128

// AddEmoji parses the Twemoji SVG for key (an emoji.Cluster's Key, the
// file's name without ".svg", as EmojiNeeded lists them) and draws that
// emoji with it from now on. Adding a key again replaces its art.
func (fs *FontSet) AddEmoji(key string, svg []byte) error {
	if !validEmojiKey(key) {
		return Kind(ErrBadArgument, fmt.Errorf("meme: emoji key %q: want lower-case hex code points joined by '-'", key))
	}
	if len(svg) == 0 {
		return Kind(ErrBadEmoji, errors.New("meme: emoji "+key+": no bytes"))
	}
	if err := fs.emoji.Add(key, svg); err != nil {
		return Kind(ErrBadEmoji, fmt.Errorf("meme: %w", err))
	}
	fs.gen++
	return nil
}

// HasEmoji reports whether the art for key was added.
func (fs *FontSet) HasEmoji(key string) bool { return fs.emoji.Has(key) }

func validEmojiKey(key string) bool {
	if key == "" || len(key) > maxEmojiKey || key[0] == '-' || key[len(key)-1] == '-' {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c == '-') || (c == '-' && key[i-1] == '-') {
			return false
		}
	}
	return true
}

// EmojiNeeded lists the emoji keys spec's captions use whose art fs does not
// hold yet, each once, in order of first use: the page fetches
// emoji/<key>.svg for each and adds it with AddEmoji before rendering (an
// emoji without art is drawn as a box and reported in Result.Missing).
func EmojiNeeded(spec Spec, fs *FontSet) []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range spec.Boxes {
		for _, k := range emoji.Needed(b.resolve().text) {
			if !seen[k] && !fs.emoji.Has(k) {
				out = append(out, k)
			}
			seen[k] = true
		}
	}
	return out
}

// emojiPlace is one emoji of a laid-out caption, in output pixels: the top
// left corner of its square (turned with the box), its side, and the turn.
type emojiPlace struct {
	key      string
	x, y     float64
	size     float64
	sin, cos float64
}

// sprite is an emoji drawn for one caption: premultiplied pixels whose
// coordinates plus at are output pixels.
type sprite struct {
	img *image.RGBA
	at  image.Point
}

func (s sprite) bounds() image.Rectangle { return s.img.Rect.Add(s.at) }

// sprites draws the emoji of a caption sized for a W x H output. Upright
// ones come from the set's glyph cache (drawn once per key and size, so a
// keystroke that keeps the size reuses them) at the nearest whole pixel,
// as browsers place colour glyphs; turned ones are drawn in place.
func sprites(set *emoji.Set, places []emojiPlace, W, H int) []sprite {
	var out []sprite
	for _, p := range places {
		if p.sin == 0 && p.cos == 1 {
			g, ok := set.Glyph(p.key, p.size)
			if !ok {
				continue
			}
			at := image.Pt(int(clampPx(math.Round(p.x))), int(clampPx(math.Round(p.y))))
			out = append(out, sprite{img: g.Image, at: at})
			continue
		}
		a, ok := set.Art(p.key)
		if !ok || p.size > emoji.MaxGlyphSize {
			continue
		}
		// The turned square's bounding box, on the output.
		x0, y0, x1, y1 := p.x, p.y, p.x, p.y
		for _, c := range [3][2]float64{{1, 0}, {0, 1}, {1, 1}} {
			px := p.x + float64(c[0]*p.cos*p.size) - float64(c[1]*p.sin*p.size)
			py := p.y + float64(c[0]*p.sin*p.size) + float64(c[1]*p.cos*p.size)
			x0, x1 = min(x0, px), max(x1, px)
			y0, y1 = min(y0, py), max(y1, py)
		}
		r := image.Rect(int(clampPx(math.Floor(x0))), int(clampPx(math.Floor(y0))),
			int(clampPx(math.Ceil(x1))), int(clampPx(math.Ceil(y1)))).Intersect(image.Rect(0, 0, W, H))
		if r.Empty() {
			continue
		}
		img := image.NewRGBA(r)
		a.DrawRotated(img, p.x, p.y, p.size, p.sin, p.cos)
		out = append(out, sprite{img: img})
	}
	return out
}

// clampPx keeps a pixel coordinate inside int range on every platform (a
// float outside it converts to an implementation-specific value).
func clampPx(v float64) float64 { return min(max(v, -1<<24), 1<<24) }

// outlineSprite paints, in colour p's colour, the emoji's silhouette grown
// by r pixels onto layer (whose origin is at org on the output): the
// caption's outline drawn around the emoji as the stroke goes around a
// letter (a round join all the way, r being half the stroke width).
//
// The silhouette is the art's pixels at least half opaque; each pixel's
// coverage falls from 1 to 0 over the pixel at distance r from it, with
// distances exact (integer squared distances, one square root each), so
// the result is the same on every platform. Inside the silhouette the
// outline colour lies under the art, which the art's antialiased edge
// blends into, as the text fill's edge blends into its stroke. The
// coverage is the costly part and the same at every keystroke while the
// emoji keeps its size: sc keeps it (outlineMask).
func outlineSprite(layer *image.RGBA, org image.Point, s sprite, r float64, p *spanPainter, sc *drawScratch) {
	if !(r > 0) {
		return
	}
	R := int(math.Ceil(r + 1))
	out := s.img.Rect.Inset(-R).Add(s.at).Intersect(layer.Rect.Add(org))
	if out.Empty() {
		return
	}
	mask := sc.outlineMask(s, r, out)
	ow := out.Dx()
	// The outline colour at each coverage, premultiplied, as one pixel word.
	var colour [256]uint32
	for a := range uint32(256) {
		var c [4]uint32
		for k := range c {
			c[k] = (p.c[k]*a + 127) / 255
		}
		colour[a] = c[0] | c[1]<<8 | c[2]<<16 | c[3]<<24
	}
	lw := words(layer.Pix)
	for oy := out.Min.Y; oy < out.Max.Y; oy++ {
		lrow := lw[layer.PixOffset(out.Min.X-org.X, oy-org.Y)/4:][:ow]
		mrow := mask[(oy-out.Min.Y)*ow:][:ow]
		for i, m := range mrow {
			if m == 0 {
				continue
			}
			sv := colour[m-1]
			if d, sa := lrow[i], sv>>24; d == 0 || sa == 255 {
				lrow[i] = sv
			} else {
				lrow[i] = blend(sv, d, 255-sa)
			}
		}
	}
}

// outlineKey names one outline's coverage: the sprite's pixels (the emoji
// set's cached glyph for its key and size), the radius, and the area
// painted, relative to the sprite (a layer that clips it sees less of it).
type outlineKey struct {
	img *image.RGBA
	r   float64
	out image.Rectangle
}

// maxOutlines bounds the outline coverages a layer cache keeps (a caption's
// emoji at the sizes it was drawn at lately); past it the map starts again.
const maxOutlines = 64

// outlineMask is the coverage of the outline of sprite s grown by r over
// out (on the output), a row after another: 0 where nothing is painted,
// else 1 + the alpha (0..255) to paint the outline colour with.
func (sc *drawScratch) outlineMask(s sprite, r float64, out image.Rectangle) []uint16 {
	key := outlineKey{s.img, r, out.Sub(s.at)}
	if m, ok := sc.outlines[key]; ok {
		return m
	}
	R := int(math.Ceil(r + 1))
	src := s.img
	sr := src.Rect
	sh := sr.Dy()
	// g: per source row, the horizontal distance from each output column to
	// the nearest silhouette pixel of that row (big when none is within R).
	const far = 1 << 20
	ow := out.Dx()
	g := make([]int32, sh*ow)
	alpha := func(x, y int) bool { return src.Pix[src.PixOffset(x, y)+3] >= 128 }
	for y := 0; y < sh; y++ {
		row := g[y*ow : (y+1)*ow]
		last := -far
		for i := range ow {
			x := out.Min.X + i - s.at.X // source column
			if x >= sr.Min.X && x < sr.Max.X && alpha(x, sr.Min.Y+y) {
				last = i
			}
			row[i] = int32(min(i-last, far))
		}
		last = far + ow
		for i := ow - 1; i >= 0; i-- {
			x := out.Min.X + i - s.at.X
			if x >= sr.Min.X && x < sr.Max.X && alpha(x, sr.Min.Y+y) {
				last = i
			}
			row[i] = min(row[i], int32(min(last-i, far)))
		}
	}
	mask := make([]uint16, ow*out.Dy())
	for oy := out.Min.Y; oy < out.Max.Y; oy++ {
		y := oy - s.at.Y - sr.Min.Y // source row of this output row
		lo, hi := max(y-R, 0), min(y+R, sh-1)
		if lo > hi {
			continue
		}
		mrow := mask[(oy-out.Min.Y)*ow:][:ow]
		for i := range ow {
			// The nearest silhouette pixel, rows searched outward from this one: none d rows
			// away can beat a squared distance already at most d*d (inside the silhouette, 0).
			best := int64(far) * far
			for d := 0; d <= R && int64(d)*int64(d) < best; d++ {
				for _, yy := range [2]int{y - d, y + d} {
					if yy < lo || yy > hi {
						continue
					}
					if dx := int64(g[yy*ow+i]); dx <= int64(R) {
						best = min(best, dx*dx+int64(d)*int64(d))
					}
				}
			}
			cov := float64(r+1) - math.Sqrt(float64(best))
			if cov <= 0 {
				continue
			}
			a := uint16(255)
			if cov < 1 {
				a = uint16(math.Round(float64(cov * 255)))
			}
			mrow[i] = a + 1
		}
	}
	if sc.outlines == nil || len(sc.outlines) >= maxOutlines {
		sc.outlines = map[outlineKey][]uint16{}
	}
	sc.outlines[key] = mask
	return mask
}
