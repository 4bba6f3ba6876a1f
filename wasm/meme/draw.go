package meme

import (
	"image"
	"image/color"
	"math"
	"unsafe"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"

	"github.com/memeforge/memeforge/wasm/emoji"
)

// caption is one box rasterized at one output size: a premultiplied layer
// (nil when nothing is visible) and where its origin goes on the output.
type caption struct {
	img      *image.RGBA
	at       image.Point
	overflow bool
	missing  []string
	id       uint64 // unique in its layerCache
}

// bounds is where the caption's layer lands on the output; empty when it
// has none (or c is nil).
func (c *caption) bounds() image.Rectangle {
	if c == nil || c.img == nil {
		return image.Rectangle{}
	}
	return c.img.Rect.Add(c.at)
}

// flatness is how far, in pixels, a flattened curve may stray from the true
// one. Flattening here rather than in gg keeps a 4000 px glyph's curves to a
// few segments each instead of one per pixel of length.
const flatness = 0.1

// glyphPath is a glyph outline transformed to layer pixels and flattened:
// contours of x,y pairs. label marks the one path that is a label's
// background rectangle rather than a glyph (it comes first).
type glyphPath struct {
	contours [][]float64
	label    bool
}

// A label's background reaches this far past the text's ink, in ems.
const labelPadX, labelPadY = 0.3, 0.2

// shadowOffset is how far a drop shadow falls, down and right, in ems.
const shadowOffset = 0.06

// pitch is baseline-to-baseline distance in ems: as far apart as the box
// font's capitals and descenders need, more if the text's ink (accents,
// marks, other scripts) reaches further; the same for every line.
func pitch(chain []*Font, st *shapedText) float64 {
	f0 := chain[0]
	top, bot := f0.capHeight, f0.descent
	for p, sp := range st.paras {
		t, bb := st.Ink(p, 0, len(sp.text))
		top, bot = max(top, t), max(bot, bb)
	}
	return top + bot
}

// drawScratch is memory one layerCache reuses from caption to caption:
// flattened outlines, the freetype path and rasterizer (whose cell list
// otherwise regrows for every caption) and the painter. A keystroke's
// garbage brings the next collection closer, and in WASM a collection
// marks every parsed font and the heap it leaves behind is never returned.
type drawScratch struct {
	pts   []float64   // flattened contour points, for all glyphs
	conts [][]float64 // contours: slices of pts
	paths []glyphPath
	path  raster.Path
	ras   *raster.Rasterizer
	rasW  int
	rasH  int
	paint spanPainter
	// outlines: the coverage of the outlines drawn around emoji lately (outlineMask)
	outlines map[outlineKey][]uint16
}

// rasterizer returns a cleared non-zero-winding rasterizer for a w x h
// layer. One bigger than the layer gives the same spans inside it: rows
// are independent, a cell right of the layer only moves where a span
// that the painter clips ends, and a layer's cells left of or above it
// are dropped by both. Only freetype's curve splitting depends on the
// size (finer from 24 and from 120 pixels, as FreeType's does), so the
// kept rasterizer serves only layers over 120 pixels on some side, as
// it is; smaller ones get their own.
func (sc *drawScratch) rasterizer(w, h int) *raster.Rasterizer {
	if w <= 120 && h <= 120 {
		r := raster.NewRasterizer(w, h)
		r.UseNonZeroWinding = true
		return r
	}
	// Slack across, where a caption grows a letter at a time; little down,
	// as Rasterize and Clear walk every row for every glyph, and a new one
	// when this layer is much shorter than the kept one.
	if sc.ras == nil || w > sc.rasW || h > sc.rasH || sc.rasH > 2*h+64 {
		sc.rasW, sc.rasH = max(w+w/4, 121), h+h/16+1
		sc.ras = raster.NewRasterizer(sc.rasW, sc.rasH)
		sc.ras.UseNonZeroWinding = true
	}
	sc.ras.Clear()
	return sc.ras
}

// layoutCaption shapes and lays out b for a W x H output and returns the
// glyph outlines and where the emoji go, in output pixels. The outlines
// live in sc until its next use.
func layoutCaption(fs *FontSet, b resolved, W, H int, sc *drawScratch) (paths []glyphPath, places []emojiPlace, lay Layout, miss []string, err error) {
	sc.pts, sc.conts, paths = sc.pts[:0], sc.conts[:0], sc.paths[:0]
	defer func() { sc.paths = paths[:0] }()
	chain, err := fs.chain(b.font)
	if err != nil {
		return nil, nil, Layout{}, nil, err
	}
	st, miss := fs.shaped(chain, b.text)
	aspect := float64(W) / float64(H)
	bw, bh := b.w*aspect, b.h
	lay = LayoutText(st, LayoutParams{
		Width: bw, Height: bh, Size: b.size, MinSize: b.minSize,
		Pitch: pitch(chain, st), Align: b.align, VAlign: b.valign,
	})
	// Box-local units (image heights, origin at the box's top-left) to
	// pixels: rotate about the box centre, then scale by the height.
	sin, cos := 0.0, 1.0
	if b.rotation != 0 {
		sin, cos = math.Sincos(b.rotation * math.Pi / 180)
	}
	unit := float64(H)
	cx, cy := (b.x*aspect+bw/2)*unit, (b.y+bh/2)*unit
	hs := unit * lay.Size
	if b.background.A > 0 && len(lay.Lines) > 0 {
		// A label: a rectangle behind the lines' extent, a little wider
		// and taller than their ink, turned with the text.
		first, last := lay.Lines[0], lay.Lines[len(lay.Lines)-1]
		x0, x1 := math.Inf(1), math.Inf(-1)
		for _, ln := range lay.Lines {
			x0, x1 = min(x0, ln.X), max(x1, ln.X+ln.Width)
		}
		px, py := labelPadX*lay.Size, labelPadY*lay.Size
		y0, y1 := first.Y-first.Top*lay.Size-py, last.Y+last.Bottom*lay.Size+py
		x0, x1 = x0-px, x1+px
		var c []float64
		for _, pt := range [4][2]float64{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}} {
			lx, ly := pt[0]-bw/2, pt[1]-bh/2
			c = append(c, cx+float64(lx*cos-ly*sin)*unit, cy+float64(lx*sin+ly*cos)*unit)
		}
		paths = append(paths, glyphPath{contours: [][]float64{c}, label: true})
	}
	for _, line := range lay.Lines {
		st.line(line.Para, line.From, line.To, func(r *shapedRun, g *glyph, x, y float64) {
			lx, ly := line.X+x*lay.Size-bw/2, line.Y+y*lay.Size-bh/2
			if r.emoji != "" {
				// The square's top-left corner: the pen, an ascent up.
				ly -= float64(emoji.AscentEm * lay.Size)
			}
			ox := cx + (lx*cos-ly*sin)*unit
			oy := cy + (lx*sin+ly*cos)*unit
			if r.emoji != "" {
				places = append(places, emojiPlace{key: r.emoji, x: ox, y: oy, size: hs, sin: sin, cos: cos})
				return
			}
			a, bb, c, d := hs*cos, -hs*sin, hs*sin, hs*cos
			tf := func(ex, ey float64) (float64, float64) {
				return ox + float64(ex*a) + float64(ey*bb), oy + float64(ex*c) + float64(ey*d)
			}
			paths = append(paths, sc.flatten(g, tf))
		})
	}
	return paths, places, lay, miss, nil
}

// flatten turns a glyph's segments into closed polylines under tf, kept
// in sc's buffers.
func (sc *drawScratch) flatten(g *glyph, tf func(x, y float64) (float64, float64)) glyphPath {
	var gp glyphPath
	c0 := len(sc.conts)
	cur := sc.pts // cur[start:] is the contour being built
	start := len(cur)
	var px, py float64
	pts := g.pts
	end := func() {
		if len(cur) > start {
			sc.conts = append(sc.conts, cur[start:len(cur):len(cur)])
		}
		start = len(cur)
	}
	for _, op := range g.ops {
		switch op {
		case 'M':
			end()
			px, py = tf(pts[0], pts[1])
			cur = append(cur, px, py)
			pts = pts[2:]
		case 'L':
			px, py = tf(pts[0], pts[1])
			cur = append(cur, px, py)
			pts = pts[2:]
		case 'Q':
			x1, y1 := tf(pts[0], pts[1])
			x2, y2 := tf(pts[2], pts[3])
			n := segments(math.Hypot(px-2*x1+x2, py-2*y1+y2) / 4)
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				cur = append(cur,
					float64(u*u*px)+float64(2*u*t*x1)+float64(t*t*x2),
					float64(u*u*py)+float64(2*u*t*y1)+float64(t*t*y2))
			}
			px, py = x2, y2
			pts = pts[4:]
		case 'C':
			x1, y1 := tf(pts[0], pts[1])
			x2, y2 := tf(pts[2], pts[3])
			x3, y3 := tf(pts[4], pts[5])
			dev := max(math.Hypot(px-2*x1+x2, py-2*y1+y2), math.Hypot(x1-2*x2+x3, y1-2*y2+y3)) * 3 / 4
			n := segments(dev)
			for i := 1; i <= n; i++ {
				t := float64(i) / float64(n)
				u := 1 - t
				a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
				cur = append(cur,
					float64(a*px)+float64(b*x1)+float64(c*x2)+float64(d*x3),
					float64(a*py)+float64(b*y1)+float64(c*y2)+float64(d*y3))
			}
			px, py = x3, y3
			pts = pts[6:]
		}
	}
	end()
	sc.pts = cur
	if len(sc.conts) > c0 {
		gp.contours = sc.conts[c0:len(sc.conts):len(sc.conts)]
	}
	return gp
}

// segments is how many lines a curve that strays dev pixels from its chord
// needs to stay within flatness (the error falls with the square of n).
func segments(dev float64) int {
	n := int(math.Ceil(math.Sqrt(dev / flatness)))
	return min(max(n, 1), 64)
}

// bounds is the pixel rectangle the paths cover, grown by pad.
func bounds(paths []glyphPath, pad float64) image.Rectangle {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range paths {
		for _, c := range p.contours {
			for i := 0; i < len(c); i += 2 {
				x0, x1 = min(x0, c[i]), max(x1, c[i])
				y0, y1 = min(y0, c[i+1]), max(y1, c[i+1])
			}
		}
	}
	if x0 > x1 {
		return image.Rectangle{}
	}
	// Clamp before converting: a float outside int range converts to an
	// implementation-specific value, which would differ between platforms.
	const lim = 1 << 24
	cl := func(v float64) int { return int(min(max(v, -lim), lim)) }
	return image.Rect(cl(math.Floor(x0-pad)), cl(math.Floor(y0-pad)), cl(math.Ceil(x1+pad)), cl(math.Ceil(y1+pad)))
}

// rasterize strokes each glyph (round joins) in the outline colour, then
// fills each glyph, into a layer covering r (already clipped to the output),
// then composites the emoji over the text.
//
// The outline goes around emoji too, as a silhouette grown by the stroke's
// half width and drawn with the other strokes, under every fill. Side by
// side on photos, Twemoji's flat art without it loses its edge wherever
// the photo has the same colours (the yellow of 👍 on sand or skin, 🇺🇦 on
// sky) and looks pasted beside letters that have one; with it an emoji
// reads as part of the caption. Art goes down last, so no letter's stroke
// (nor the emoji's own) covers any of it.
// Glyph by glyph keeps the rasterizer's cell list short; one path for a
// whole caption spends its time searching that list. All strokes go down
// before any fill so no outline covers a neighbouring letter.
//
// This is golang/freetype's rasterizer and stroker, the engine under gg,
// driven directly: the paths are already flattened here, gg would only copy
// them, and gg's import of its text and image-transform code costs the
// WASM module about 100 KB compressed, which the 1 MB budget cannot spare.
//
// A label's rectangle (paths[0] when it has one) goes down first, then a
// shadow (the silhouette shifted by shadow pixels), then the outline and
// the fill, then the emoji art.
func rasterize(layer *image.RGBA, r image.Rectangle, paths []glyphPath, sps []sprite, b resolved, H int, shadow float64, sc *drawScratch) {
	ras := sc.rasterizer(layer.Rect.Dx(), layer.Rect.Dy())
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	fx := func(x, y float64) fixed.Point26_6 {
		return fixed.Point26_6{X: fixed.Int26_6(math.Round((x - ox) * 64)), Y: fixed.Int26_6(math.Round((y - oy) * 64))}
	}
	path := sc.path
	defer func() { sc.path = path }()
	build := func(p glyphPath) {
		path.Clear()
		for _, c := range p.contours {
			start := fx(c[0], c[1])
			path.Start(start)
			for i := 2; i < len(c); i += 2 {
				path.Add1(fx(c[i], c[i+1]))
			}
			path.Add1(start)
		}
	}
	paint := &sc.paint
	paint.img = layer
	defer func() { paint.img = nil }()
	if len(paths) > 0 && paths[0].label {
		paint.setColor(b.background)
		build(paths[0])
		ras.Clear()
		ras.AddPath(path)
		ras.Rasterize(paint)
		paths = paths[1:]
	}
	width := fixed.Int26_6(math.Round(2 * b.outlineWidth * float64(H) * 64))
	stroke := width > 0 && b.outline.A > 0
	if b.shadow.A > 0 && shadow > 0 {
		// The text's silhouette (outline included), moved down and right.
		paint.setColor(b.shadow)
		ox, oy = ox-shadow, oy-shadow
		for _, p := range paths {
			build(p)
			ras.Clear()
			if stroke {
				ras.AddStroke(path, width, raster.RoundCapper, raster.RoundJoiner)
			}
			ras.AddPath(path)
			ras.Rasterize(paint)
		}
		ox, oy = ox+shadow, oy+shadow
	}
	if stroke {
		paint.setColor(b.outline)
		for _, p := range paths {
			build(p)
			ras.Clear()
			ras.AddStroke(path, width, raster.RoundCapper, raster.RoundJoiner)
			ras.Rasterize(paint)
		}
		for _, s := range sps {
			outlineSprite(layer, r.Min, s, b.outlineWidth*float64(H), paint, sc)
		}
	}
	if b.fill.A > 0 {
		paint.setColor(b.fill)
		for _, p := range paths {
			build(p)
			ras.Clear()
			ras.AddPath(path)
			ras.Rasterize(paint)
		}
	}
	for _, s := range sps {
		over(layer, s.img, s.at.Sub(r.Min), layer.Rect)
	}
}

// spanPainter paints a solid colour over a layer, a pixel word at a time,
// with a straight copy where the colour is opaque and coverage full.
type spanPainter struct {
	img   *image.RGBA
	c     [4]uint32 // premultiplied, 0-255
	cword uint32
	// byCov is the colour scaled by each coverage, as a pixel word: most
	// spans are one edge pixel, so scaling per span cost more than the
	// pixels.
	byCov [256]uint32
}

func (p *spanPainter) setColor(c color.NRGBA) {
	a := uint32(c.A)
	p.c = [4]uint32{(uint32(c.R)*a + 127) / 255, (uint32(c.G)*a + 127) / 255, (uint32(c.B)*a + 127) / 255, a}
	p.cword = p.c[0] | p.c[1]<<8 | p.c[2]<<16 | p.c[3]<<24
	for cov := range uint32(256) {
		var w uint32
		for k := range p.c {
			w |= (p.c[k]*cov + 127) / 255 << (8 * k)
		}
		p.byCov[cov] = w
	}
}

func (p *spanPainter) Paint(ss []raster.Span, done bool) {
	w, h := p.img.Rect.Dx(), p.img.Rect.Dy()
	pix := words(p.img.Pix)
	cword, solid := p.cword, p.c[3] == 255
	for _, s := range ss {
		if s.Y < 0 || s.Y >= h {
			continue
		}
		x0, x1 := max(s.X0, 0), min(s.X1, w)
		if x0 >= x1 {
			continue
		}
		row := pix[s.Y*w+x0 : s.Y*w+x1]
		cov := s.Alpha >> 8 // 0-255
		if cov == 255 && solid {
			if len(row) >= 32 {
				fillWords(row, cword)
				continue
			}
			// Most runs are short: a call costs more than they do in
			// WASM, where every Go call saves and restores its frame.
			for i := range row {
				row[i] = cword
			}
			continue
		}
		s := p.byCov[cov&0xff]
		k := 255 - s>>24
		for i, d := range row {
			if d == 0 {
				row[i] = s // an empty layer pixel: most of an outline lands on them
				continue
			}
			row[i] = blend(s, d, k)
		}
	}
}

// fillWords sets every word of row to v by doubling copies (one
// memory.copy each in WASM): faster than a store per pixel for the long
// runs inside big glyphs.
func fillWords(row []uint32, v uint32) {
	if len(row) == 0 {
		return
	}
	row[0] = v
	for n := 1; n < len(row); n *= 2 {
		copy(row[n:], row[:n])
	}
}

// over composites the premultiplied layer src (origin at 0,0) onto dst
// with its origin at at. A caption layer is mostly transparent and its
// text mostly opaque, so those two cases are skipped and copied; only
// antialiased edges are blended. image/draw's Over blends every pixel.
// Only dst's pixels inside clip are touched.
func over(dst, src *image.RGBA, at image.Point, clip image.Rectangle) {
	r := src.Rect.Add(at).Intersect(dst.Rect).Intersect(clip)
	if r.Empty() {
		return
	}
	dw, sw := words(dst.Pix), words(src.Pix)
	n := r.Dx()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d := dw[dst.PixOffset(r.Min.X, y)/4:][:n]
		s := sw[src.PixOffset(r.Min.X-at.X, y-at.Y)/4:][:n]
		for i, v := range s {
			a := v >> 24
			switch a {
			case 0:
				continue
			case 255:
				d[i] = v
				continue
			}
			d[i] = blend(v, d[i], 255-a)
		}
	}
}

// blend is premultiplied source-over for one pixel word: s + d*k/255 in
// each channel, each product rounded as (x+127)/255, where k is 255 minus
// s's alpha. Two channels share a multiply (red with blue, green with
// alpha, 16 bits apart) and the division is the exact shift form of
// (x+127)/255 for x up to 255*255, so no lane carries into the next. The
// sum cannot carry either: s's channels are at most its alpha and the
// scaled d's at most k.
func blend(s, d, k uint32) uint32 {
	rb := (d&0x00ff00ff)*k + 0x00800080
	rb = (rb + (rb>>8)&0x00ff00ff) >> 8 & 0x00ff00ff
	ga := (d>>8&0x00ff00ff)*k + 0x00800080
	ga = (ga + (ga>>8)&0x00ff00ff) & 0xff00ff00
	return s + (rb | ga)
}

// words views RGBA bytes as one little-endian uint32 per pixel (alpha in
// the top byte). Go's WASM target does not merge byte loads, so this is
// what makes a pixel one load there instead of four; every GOARCH this
// module targets (amd64, arm64, wasm) is little-endian.
func words(pix []byte) []uint32 {
	if len(pix) < 4 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&pix[0])), len(pix)/4)
}
