package emoji

import (
	"image"
	"math"

	"github.com/golang/freetype/raster"
	"golang.org/x/image/math/fixed"
)

// Draw composites the art over dst (source-over, premultiplied) in the
// square whose top-left corner is (x, y) and whose side is size pixels. The
// picture is clipped to that square, as a browser clips an SVG to its
// viewport, and to dst's bounds.
//
// Only integer arithmetic touches pixels, and geometry is rounded to 1/64
// pixel before golang/freetype's rasterizer sees it, so the same call gives
// the same bytes natively and in WebAssembly.
func (a *Art) Draw(dst *image.RGBA, x, y, size float64) {
	if !(size > 0) || math.IsInf(size, 0) || math.IsNaN(x) || math.IsNaN(y) {
		return
	}
	box := image.Rect(int(math.Floor(x)), int(math.Floor(y)), int(math.Ceil(x+size)), int(math.Ceil(y+size))).Intersect(dst.Rect)
	if box.Empty() {
		return
	}
	s := size / math.Max(a.w, a.h)
	// The viewBox centred in the square (preserveAspectRatio xMidYMid meet),
	// in pixels relative to box.Min.
	ox := x + (size-float64(a.w*s))/2 - float64(a.minX*s) - float64(box.Min.X)
	oy := y + (size-float64(a.h*s))/2 - float64(a.minY*s) - float64(box.Min.Y)
	d := &drawer{
		s: s, ox: ox, oy: oy,
		ras: raster.NewRasterizer(box.Dx(), box.Dy()),
		p: painter{
			pix:    dst.Pix[dst.PixOffset(box.Min.X, box.Min.Y):],
			stride: dst.Stride, w: box.Dx(), h: box.Dy(),
		},
	}
	var maskOf *clipPart // the clip d.mask holds
	for i := range a.shapes {
		sh := &a.shapes[i]
		if sh.rgba[3] == 0 {
			continue
		}
		d.p.mask = nil
		if sh.clip != nil {
			if len(sh.clip) == 0 {
				continue // clipped to nothing
			}
			if maskOf != &sh.clip[0] {
				d.clipMask(sh.clip)
				maskOf = &sh.clip[0]
			}
			d.p.mask = d.mask
		}
		d.p.c = sh.rgba
		d.ras.Clear()
		if sh.stroke != nil {
			d.addStroke(sh.o, sh.stroke)
		} else {
			d.ras.UseNonZeroWinding = !sh.evenOdd
			d.add(d.ras, sh.o, false)
		}
		d.ras.Rasterize(&d.p)
	}
}

type drawer struct {
	s, ox, oy float64
	ras       *raster.Rasterizer
	p         painter
	mask      []uint16
	path      raster.Path
}

func (d *drawer) fix(p pt) fixed.Point26_6 {
	return fixed.Point26_6{
		X: fixed.Int26_6(math.Round(float64(float64(p.x*d.s)+d.ox) * 64)),
		Y: fixed.Int26_6(math.Round(float64(float64(p.y*d.s)+d.oy) * 64)),
	}
}

// add feeds an outline to a rasterizer or path, closing every subpath
// (filling closes them; freetype's rasterizer does not). flat turns curves
// into lines, for freetype's stroker, which has no cubics.
func (d *drawer) add(dst raster.Adder, o outline, flat bool) {
	var start, cur fixed.Point26_6
	open := false
	closeSub := func() {
		if open && cur != start && !flat {
			dst.Add1(start)
		}
		open = false
	}
	for _, sg := range o {
		switch sg.op {
		case 'M':
			closeSub()
			start = d.fix(sg.p[0])
			cur = start
			dst.Start(start)
			open = true
		case 'L':
			cur = d.fix(sg.p[0])
			dst.Add1(cur)
		case 'Q':
			b, c := d.fix(sg.p[0]), d.fix(sg.p[1])
			if flat {
				flatten(dst, cur, b, b, c, true)
			} else {
				dst.Add2(b, c)
			}
			cur = c
		case 'C':
			b, c, e := d.fix(sg.p[0]), d.fix(sg.p[1]), d.fix(sg.p[2])
			if flat {
				flatten(dst, cur, b, c, e, false)
			} else {
				dst.Add3(b, c, e)
			}
			cur = e
		case 'Z':
			if open && cur != start {
				dst.Add1(start)
				cur = start
			}
			if !flat {
				open = false
			}
		}
	}
	closeSub()
}

// flatten adds a quadratic (quad) or cubic Bézier from a as line segments,
// in integer arithmetic so every platform splits it the same way.
func flatten(dst raster.Adder, a, b, c, e fixed.Point26_6, quad bool) {
	// Enough segments that the chord error stays under about 1/8 pixel.
	dev := max(abs(a.X-2*b.X+c.X)+abs(a.Y-2*b.Y+c.Y), abs(b.X-2*c.X+e.X)+abs(b.Y-2*c.Y+e.Y))
	n := 1
	for int64(dev) > int64(n*n)*8 && n < 64 {
		n *= 2
	}
	for i := 1; i <= n; i++ {
		t, u := int64(i), int64(n-i)
		nn := int64(n)
		var x, y int64
		if quad {
			x = (u*u*int64(a.X) + 2*u*t*int64(b.X) + t*t*int64(e.X)) / (nn * nn)
			y = (u*u*int64(a.Y) + 2*u*t*int64(b.Y) + t*t*int64(e.Y)) / (nn * nn)
		} else {
			x = (u*u*u*int64(a.X) + 3*u*u*t*int64(b.X) + 3*u*t*t*int64(c.X) + t*t*t*int64(e.X)) / (nn * nn * nn)
			y = (u*u*u*int64(a.Y) + 3*u*u*t*int64(b.Y) + 3*u*t*t*int64(c.Y) + t*t*t*int64(e.Y)) / (nn * nn * nn)
		}
		dst.Add1(fixed.Point26_6{X: fixed.Int26_6(x), Y: fixed.Int26_6(y)})
	}
}

func abs(v fixed.Int26_6) fixed.Int26_6 {
	if v < 0 {
		return -v
	}
	return v
}

func (d *drawer) addStroke(o outline, st *strokeStyle) {
	w := fixed.Int26_6(math.Round(float64(st.width*d.s) * 64))
	if w <= 0 {
		return
	}
	// Each subpath is stroked on its own: freetype's stroker takes one at a time.
	d.ras.UseNonZeroWinding = true
	cp := raster.ButtCapper
	switch st.cap {
	case 'r':
		cp = raster.RoundCapper
	case 's':
		cp = raster.SquareCapper
	}
	jn := raster.BevelJoiner // freetype has no miter joins; a bevel is the closest
	if st.join == 'r' {
		jn = raster.RoundJoiner
	}
	start := 0
	for i := 1; i <= len(o); i++ {
		if i < len(o) && o[i].op != 'M' {
			continue
		}
		d.path.Clear()
		d.add(&d.path, o[start:i], true)
		if len(d.path) > 4 { // more than a lone Start
			d.ras.AddStroke(d.path, w, cp, jn)
		}
		start = i
	}
}

// clipMask rasterizes a clip's coverage (the union of its parts) into d.mask.
func (d *drawer) clipMask(parts []clipPart) {
	n := d.p.w * d.p.h
	if cap(d.mask) < n {
		d.mask = make([]uint16, n)
	}
	d.mask = d.mask[:n]
	clear(d.mask)
	mp := &maskPainter{mask: d.mask, w: d.p.w, h: d.p.h}
	for _, p := range parts {
		d.ras.Clear()
		d.ras.UseNonZeroWinding = !p.evenOdd
		d.add(d.ras, p.o, false)
		d.ras.Rasterize(mp)
	}
}

type maskPainter struct {
	mask []uint16
	w, h int
}

func (m *maskPainter) Paint(ss []raster.Span, done bool) {
	for _, s := range ss {
		if s.Y < 0 || s.Y >= m.h {
			continue
		}
		row := m.mask[s.Y*m.w : (s.Y+1)*m.w]
		for x := max(s.X0, 0); x < min(s.X1, m.w); x++ {
			row[x] = uint16(min(uint32(row[x])+s.Alpha, 0xffff))
		}
	}
}

// painter composites one premultiplied colour through span coverage (and
// an optional clip mask) over an RGBA region.
type painter struct {
	pix    []uint8 // from the region's top-left pixel
	stride int
	w, h   int
	c      [4]uint32 // premultiplied, 0-255
	mask   []uint16  // w*h clip coverage, or nil
}

func (p *painter) Paint(ss []raster.Span, done bool) {
	for _, s := range ss {
		if s.Y < 0 || s.Y >= p.h {
			continue
		}
		x0, x1 := max(s.X0, 0), min(s.X1, p.w)
		row := p.pix[s.Y*p.stride:]
		var mrow []uint16
		if p.mask != nil {
			mrow = p.mask[s.Y*p.w : (s.Y+1)*p.w]
		}
		for x := x0; x < x1; x++ {
			a := s.Alpha
			if mrow != nil {
				a = a * uint32(mrow[x]) / 0xffff
			}
			cov := (a*255 + 0x7fff) / 0xffff
			if cov == 0 {
				continue
			}
			px := row[4*x : 4*x+4 : 4*x+4]
			if cov == 255 && p.c[3] == 255 {
				px[0], px[1], px[2], px[3] = uint8(p.c[0]), uint8(p.c[1]), uint8(p.c[2]), 255
				continue
			}
			sa := (p.c[3]*cov + 127) / 255
			k := 255 - sa
			px[0] = uint8((p.c[0]*cov+127)/255 + (uint32(px[0])*k+127)/255)
			px[1] = uint8((p.c[1]*cov+127)/255 + (uint32(px[1])*k+127)/255)
			px[2] = uint8((p.c[2]*cov+127)/255 + (uint32(px[2])*k+127)/255)
			px[3] = uint8(sa + (uint32(px[3])*k+127)/255)
		}
	}
}

// Image draws the art alone into a new size×size premultiplied image
// (size rounded up to whole pixels).
func (a *Art) Image(size float64) *image.RGBA {
	n := int(math.Ceil(size))
	img := image.NewRGBA(image.Rect(0, 0, max(n, 0), max(n, 0)))
	a.Draw(img, 0, 0, size)
	return img
}
