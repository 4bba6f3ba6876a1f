package meme

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
)

// Canvas limits.
const (
	// MaxImages is how many images one canvas holds (a 2x2 grid).
	MaxImages = 4
	// MaxCanvasPixels bounds a canvas's final size: four 12 MP photos in a
	// grid would otherwise ask for 48 MP, 192 MB of RGBA in WASM memory.
	MaxCanvasPixels = 24_000_000
	// MaxCanvasSide bounds the longer side of a canvas's final size.
	MaxCanvasSide = 8192

	minAspect, maxAspect = 0.1, 10
	maxPadding           = 0.45
	// DefaultBandSize is a band caption's em size (fraction of the canvas
	// width) when the band leaves size at 0.
	DefaultBandSize = 0.06
	maxBandSize     = 0.3
	// bandMargin is the space above and below a band's text, in ems.
	bandMargin = 0.5
)

// Canvas turns a spec from captions over one image into a layout: a canvas
// of a given shape and colour holding up to MaxImages images, each in its
// own slot, with the boxes placed anywhere on the canvas.
//
// Units: Padding is in fractions of the canvas width on every side (equal
// numbers give an even border). Slots are fractions of the content area,
// the canvas less the padding (and less the band). Boxes stay fractions of
// the whole canvas, as they are of the image without a canvas.
type Canvas struct {
	// Aspect is the canvas's width over its height; 0 takes it from the
	// images: the first slot with an image shows it at its own shape.
	Aspect float64 `json:"aspect,omitempty"`
	// Background fills what no image covers; "" is white.
	Background string  `json:"background,omitempty"`
	Padding    Padding `json:"padding"`
	// Images are the slots, in the order images are given; none means one
	// slot filling the content area.
	Images []Slot `json:"images,omitempty"`
	// Band, when set, makes a caption bar: a plain strip on one side of
	// the images as tall as one box's text needs.
	Band *Band `json:"band,omitempty"`
}

// Padding is space around the images, in fractions of the canvas width.
type Padding struct {
	Top    float64 `json:"top"`
	Right  float64 `json:"right"`
	Bottom float64 `json:"bottom"`
	Left   float64 `json:"left"`
}

// Slot is where one image goes. X, Y, W, H are fractions of the content
// area. The image is cropped (Crop, fractions of the image as given, before
// rotation), rotated clockwise by Rotate degrees (0, 90, 180 or 270), then
// scaled to fill the slot (Fit "cover", cutting off what overhangs,
// centred) or to fit inside it (Fit "contain", the background showing
// around it). Nothing is baked into the image: it is all in the spec.
type Slot struct {
	X      float64 `json:"x"`
	Y      float64 `json:"y"`
	W      float64 `json:"w"`
	H      float64 `json:"h"`
	Fit    string  `json:"fit,omitempty"` // cover | contain; "" is cover
	Crop   *Rect   `json:"crop,omitempty"`
	Rotate int     `json:"rotate,omitempty"`
}

// Rect is a rectangle in fractions.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Band is a caption bar: a strip above ("top") or below ("bottom") the
// images, between them and the padding, holding boxes[Box]. The strip is as
// tall as the box's text set at Size (em, fraction of the canvas width;
// 0 is DefaultBandSize) plus half an em above and below, so the canvas
// grows as lines are added. The box's x, w, align, font and colours are
// used; its y, h, valign and size are set by the band.
type Band struct {
	Side string  `json:"side"` // top | bottom
	Box  int     `json:"box"`
	Size float64 `json:"size,omitempty"`
}

// Slots is how many images the spec takes: 1 without a canvas.
func (s Spec) Slots() int {
	if s.Canvas == nil || len(s.Canvas.Images) == 0 {
		return 1
	}
	return len(s.Canvas.Images)
}

func (c *Canvas) validate(boxes int) error {
	if c.Aspect != 0 {
		if err := checkRange(c.Aspect, minAspect, maxAspect, false); err != nil {
			return fmt.Errorf("aspect: %w (or 0 for the images' shape)", err)
		}
	}
	if _, err := parseColor(c.Background, color.NRGBA{}); err != nil {
		return fmt.Errorf("background: %w", err)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"top", c.Padding.Top}, {"right", c.Padding.Right}, {"bottom", c.Padding.Bottom}, {"left", c.Padding.Left}} {
		if err := checkRange(p.v, 0, maxPadding, false); err != nil {
			return fmt.Errorf("padding.%s: %w", p.name, err)
		}
	}
	if c.Padding.Left+c.Padding.Right > 2*maxPadding-0.1 {
		return fmt.Errorf("padding: left+right = %v leaves too little width (at most %v)", c.Padding.Left+c.Padding.Right, 2*maxPadding-0.1)
	}
	if len(c.Images) > MaxImages {
		return fmt.Errorf("images: %d slots is over the limit of %d", len(c.Images), MaxImages)
	}
	for i, s := range c.Images {
		if err := s.validate(); err != nil {
			return fmt.Errorf("images[%d].%w", i, err)
		}
	}
	if b := c.Band; b != nil {
		if err := oneOf(b.Side, "top", "bottom"); err != nil || b.Side == "" {
			return fmt.Errorf("band.side: %q is not one of top, bottom", b.Side)
		}
		if b.Box < 0 || b.Box >= boxes {
			return fmt.Errorf("band.box: %d is not a box index (the spec has %d boxes)", b.Box, boxes)
		}
		if b.Size != 0 {
			if err := checkRange(b.Size, 0, maxBandSize, true); err != nil {
				return fmt.Errorf("band.size: %w", err)
			}
		}
	}
	return nil
}

func (s Slot) validate() error {
	if err := checkRect(Rect{s.X, s.Y, s.W, s.H}); err != nil {
		return err
	}
	if err := oneOf(s.Fit, "cover", "contain"); err != nil {
		return fmt.Errorf("fit: %w", err)
	}
	if s.Crop != nil {
		if err := checkRect(*s.Crop); err != nil {
			return fmt.Errorf("crop.%w", err)
		}
	}
	switch s.Rotate {
	case 0, 90, 180, 270:
	default:
		return fmt.Errorf("rotate: %d is not one of 0, 90, 180, 270", s.Rotate)
	}
	return nil
}

// checkRect checks a rectangle of fractions lies inside the unit square
// and has an area.
func checkRect(r Rect) error {
	for _, n := range []struct {
		name   string
		v      float64
		loOpen bool
	}{{"x", r.X, false}, {"y", r.Y, false}, {"w", r.W, true}, {"h", r.H, true}} {
		if err := checkRange(n.v, 0, 1, n.loOpen); err != nil {
			return fmt.Errorf("%s: %w", n.name, err)
		}
	}
	const slack = 1e-9
	if r.X+r.W > 1+slack {
		return fmt.Errorf("w: runs past the right edge (x+w = %v > 1)", r.X+r.W)
	}
	if r.Y+r.H > 1+slack {
		return fmt.Errorf("h: runs past the bottom edge (y+h = %v > 1)", r.Y+r.H)
	}
	return nil
}

// placed is a slot resolved onto the canvas: its rectangle in fractions of
// the canvas, and what to draw there.
type placed struct {
	rect    Rect
	contain bool
	crop    Rect
	rotate  int
}

// layout is a canvas spec resolved for one set of images: the canvas shape
// and the slots on it. It is comparable: the key of the composed base.
type layout struct {
	aspect float64 // width / height
	bg     color.NRGBA
	n      int
	slots  [MaxImages]placed
}

// imageSize is an image's size as its slot shows it: cropped and rotated.
func (p placed) imageSize(img *image.RGBA) (w, h float64) {
	w = float64(img.Rect.Dx()) * p.crop.W
	h = float64(img.Rect.Dy()) * p.crop.H
	if p.rotate == 90 || p.rotate == 270 {
		w, h = h, w
	}
	return w, h
}

// bandText measures a band's text: the height in ems its lines take at
// wrap width wrap (ems), at least one line's.
type bandMeasure func(b Box, wrap float64) (float64, error)

// resolveCanvas places spec's slots and band for images imgs (entries may be
// nil), and returns the layout and the boxes as drawn (the band's box moved
// into the band). measure sets the band's text.
func resolveCanvas(spec Spec, imgs []*image.RGBA, measure bandMeasure) (layout, []Box, error) {
	c := spec.Canvas
	var lo layout
	lo.bg, _ = parseColor(c.Background, color.NRGBA{255, 255, 255, 255})
	slots := c.Images
	if len(slots) == 0 {
		slots = []Slot{{X: 0, Y: 0, W: 1, H: 1}}
	}
	lo.n = len(slots)
	for i, s := range slots {
		p := placed{rect: Rect{s.X, s.Y, s.W, s.H}, contain: s.Fit == "contain", crop: Rect{0, 0, 1, 1}, rotate: s.Rotate}
		if s.Crop != nil {
			p.crop = *s.Crop
		}
		lo.slots[i] = p
	}
	// Everything below is in canvas widths: the canvas is 1 wide and
	// 1/aspect tall.
	pad := c.Padding
	cw := float64(1 - pad.Left - pad.Right)
	band := 0.0
	boxes := spec.Boxes
	var bandSize float64
	if c.Band != nil {
		b := boxes[c.Band.Box]
		bandSize = c.Band.Size
		if bandSize == 0 {
			bandSize = DefaultBandSize
		}
		ems, err := measure(b, b.W/bandSize)
		if err != nil {
			return layout{}, nil, fmt.Errorf("meme: spec: boxes[%d]: %w", c.Band.Box, err)
		}
		band = float64(ems*bandSize) + 2*bandMargin*bandSize
	}
	var height, ch float64 // canvas and content height
	if c.Aspect > 0 {
		height = 1 / c.Aspect
		ch = height - pad.Top - pad.Bottom - band
		if ch <= 0.01*height {
			return layout{}, nil, errors.New("meme: spec: canvas: padding and band leave no room for the images")
		}
	} else {
		// The first slot with an image shows it at its own shape; with no
		// image yet, content is square.
		ca := cw
		for i := range lo.n {
			if i < len(imgs) && imgs[i] != nil {
				p := lo.slots[i]
				w, h := p.imageSize(imgs[i])
				ca = float64(w/h) * float64(p.rect.H/p.rect.W)
				break
			}
		}
		ch = cw / ca
		height = float64(ch+pad.Top+pad.Bottom) + band
	}
	lo.aspect = 1 / height
	top := pad.Top
	if c.Band != nil && c.Band.Side == "top" {
		top += band
	}
	for i := range lo.n {
		r := &lo.slots[i].rect
		*r = Rect{
			X: float64(pad.Left+float64(r.X*cw)) / 1,
			Y: float64(top+float64(r.Y*ch)) / height,
			W: float64(r.W * cw),
			H: float64(r.H*ch) / height,
		}
	}
	if c.Band != nil {
		by := pad.Top
		if c.Band.Side == "bottom" {
			by = float64(top + ch)
		}
		boxes = append([]Box(nil), spec.Boxes...)
		b := &boxes[c.Band.Box]
		b.Y = min(by/height, 1)
		b.H = min(band/height, 1-b.Y)
		b.VAlign = "middle"
		b.Size = Size(bandSize / height)
	}
	return lo, boxes, nil
}

// canvasSize is the final size of a canvas: wide enough that the sharpest
// image keeps its pixels across its slot, within MaxCanvasSide and
// MaxCanvasPixels. With no images it is 1200 px wide.
func (lo *layout) canvasSize(imgs []*image.RGBA) (int, int) {
	w := 0.0
	for i := range lo.n {
		if i < len(imgs) && imgs[i] != nil {
			iw, _ := lo.slots[i].imageSize(imgs[i])
			w = max(w, iw/lo.slots[i].rect.W)
		}
	}
	if w == 0 {
		w = 1200
	}
	h := w / lo.aspect
	if s := MaxCanvasSide / max(w, h); s < 1 {
		w, h = w*s, h*s
	}
	if p := w * h; p > MaxCanvasPixels {
		s := math.Sqrt(MaxCanvasPixels / p)
		w, h = w*s, h*s
	}
	return max(1, int(math.Round(w))), max(1, int(math.Round(h)))
}

// px is a fraction of a side of n pixels, rounded to a pixel edge.
func px(f float64, n int) int {
	return int(math.Floor(float64(f*float64(n)) + 0.5))
}

// compose draws the canvas into dst: the background, then each slot's image
// cropped, rotated and scaled into place. scratch is reused between calls.
func (lo *layout) compose(dst *image.RGBA, imgs []*image.RGBA, scratch *image.RGBA) *image.RGBA {
	W, H := dst.Rect.Dx(), dst.Rect.Dy()
	fill(dst, dst.Rect, lo.bg)
	for i := range lo.n {
		if i >= len(imgs) || imgs[i] == nil {
			continue
		}
		p, src := lo.slots[i], imgs[i]
		x0, y0 := px(p.rect.X, W), px(p.rect.Y, H)
		slot := image.Rect(x0, y0, px(float64(p.rect.X+p.rect.W), W), px(float64(p.rect.Y+p.rect.H), H)).Intersect(dst.Rect)
		if slot.Empty() {
			continue
		}
		// The crop in source pixels, at least one pixel.
		sw, sh := src.Rect.Dx(), src.Rect.Dy()
		crop := image.Rect(px(p.crop.X, sw), px(p.crop.Y, sh), px(float64(p.crop.X+p.crop.W), sw), px(float64(p.crop.Y+p.crop.H), sh))
		crop.Max.X, crop.Max.Y = max(crop.Max.X, crop.Min.X+1), max(crop.Max.Y, crop.Min.Y+1)
		crop = crop.Intersect(image.Rect(0, 0, sw, sh))
		if crop.Empty() {
			continue
		}
		turned := p.rotate == 90 || p.rotate == 270
		// Work in the rotated frame: rw x rh is the cropped image as shown.
		rw, rh := crop.Dx(), crop.Dy()
		if turned {
			rw, rh = rh, rw
		}
		sx, sy := slot.Dx(), slot.Dy()
		var show image.Rectangle // where the scaled image lands on dst
		// Within a pixel of the slot's shape the image is stretched to it,
		// not cut or bordered: a preview asked for at the canvas's shape
		// rounded to pixels shows all of the image, as without a canvas.
		if d := int64(rw)*int64(sy) - int64(rh)*int64(sx); d < int64(rw) && -d < int64(rw) && d < int64(rh) && -d < int64(rh) {
			show = slot
		} else if p.contain {
			// Fit inside: the image's shape, as large as the slot allows.
			tw, th := sx, sy
			if rw*sy > rh*sx {
				th = max(1, int((int64(sx)*int64(rh)+int64(rw)/2)/int64(rw)))
			} else {
				tw = max(1, int((int64(sy)*int64(rw)+int64(rh)/2)/int64(rh)))
			}
			at := slot.Min.Add(image.Pt((sx-tw)/2, (sy-th)/2))
			show = image.Rectangle{at, at.Add(image.Pt(tw, th))}
		} else {
			// Cover: cut the part of the image with the slot's shape,
			// centred, from the rotated frame.
			vw, vh := rw, rh
			if rw*sy > rh*sx {
				vw = max(1, int((int64(rh)*int64(sx)+int64(sy)/2)/int64(sy)))
			} else {
				vh = max(1, int((int64(rw)*int64(sy)+int64(sx)/2)/int64(sx)))
			}
			ox, oy := (rw-vw)/2, (rh-vh)/2
			// Back to source axes.
			if turned {
				ox, oy, vw, vh = oy, ox, vh, vw
			}
			crop = image.Rect(crop.Min.X+ox, crop.Min.Y+oy, crop.Min.X+ox+vw, crop.Min.Y+oy+vh)
			show = slot
		}
		view := &image.RGBA{Pix: src.Pix[src.PixOffset(src.Rect.Min.X+crop.Min.X, src.Rect.Min.Y+crop.Min.Y):], Stride: src.Stride, Rect: image.Rect(0, 0, crop.Dx(), crop.Dy())}
		tw, th := show.Dx(), show.Dy()
		if turned {
			tw, th = th, tw
		}
		if p.rotate == 0 {
			// Straight into place through a view of dst.
			out := &image.RGBA{Pix: dst.Pix[dst.PixOffset(show.Min.X, show.Min.Y):], Stride: dst.Stride, Rect: image.Rect(0, 0, tw, th)}
			if tw == view.Rect.Dx() && th == view.Rect.Dy() {
				for y := range th {
					copy(out.Pix[y*out.Stride:y*out.Stride+4*tw], view.Pix[y*view.Stride:])
				}
			} else {
				scaleRGBA(out, view)
			}
			continue
		}
		scratch = reuse(scratch, tw, th)
		if tw == view.Rect.Dx() && th == view.Rect.Dy() {
			for y := range th {
				copy(scratch.Pix[y*scratch.Stride:y*scratch.Stride+4*tw], view.Pix[y*view.Stride:])
			}
		} else {
			scaleRGBA(scratch, view)
		}
		rotateInto(dst, show.Min, scratch, p.rotate)
	}
	return scratch
}

// rotateInto copies src turned clockwise by deg (90, 180 or 270) onto dst
// with its top-left corner at at.
func rotateInto(dst *image.RGBA, at image.Point, src *image.RGBA, deg int) {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	d, s := words(dst.Pix), words(src.Pix)
	ds, ss := dst.Stride/4, src.Stride/4
	base := at.Y*ds + at.X
	for y := range sh {
		row := s[y*ss : y*ss+sw]
		for x, v := range row {
			var dx, dy int
			switch deg {
			case 90:
				dx, dy = sh-1-y, x
			case 180:
				dx, dy = sw-1-x, sh-1-y
			default: // 270
				dx, dy = y, sw-1-x
			}
			d[base+dy*ds+dx] = v
		}
	}
}

// fill paints r of dst with c (straight alpha), replacing what was there.
func fill(dst *image.RGBA, r image.Rectangle, c color.NRGBA) {
	a := uint32(c.A)
	v := (uint32(c.R)*a+127)/255 | (uint32(c.G)*a+127)/255<<8 | (uint32(c.B)*a+127)/255<<16 | a<<24
	w := words(dst.Pix)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := w[dst.PixOffset(r.Min.X, y)/4:][:r.Dx()]
		for i := range row {
			row[i] = v
		}
	}
}
