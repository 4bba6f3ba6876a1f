package meme

import (
	"errors"
	"fmt"
	"image"
	"math"
	"strings"

	"github.com/memeforge/memeforge/wasm/emoji"
	"github.com/memeforge/memeforge/wasm/fonts"
	"github.com/memeforge/memeforge/wasm/imgio"
)

// Bounds on an output (preview or final), in pixels. Decoding refuses
// bigger images first; these keep Preview's arguments honest.
const (
	MaxSide   = 1 << 15
	MaxPixels = 50_000_000
)

// Result says what a render could not do perfectly.
type Result struct {
	// Missing lists characters no loaded font covers, and emoji (whole
	// clusters, e.g. "👍🏽") whose art is not loaded, each once, in order of
	// first appearance. They are drawn as the box font's .notdef box.
	Missing []string `json:"missing"`
	// Overflow lists the indexes of boxes whose text does not fit even at
	// its minimum (or fixed) size; the text is drawn anyway, past the box.
	Overflow []int `json:"overflow"`
}

// Renderer draws specs over one image and keeps what a keystroke does not
// change: the image scaled to the preview size, and each caption's layer
// keyed by the resolved box and output size. Changing one caption then costs
// one layer's rasterization plus a copy and a blend per layer.
//
// Images returned by Preview and Final belong to the Renderer and stay valid
// until its next call; buffers are reused because WASM memory never shrinks.
// A Renderer is not safe for concurrent use.
type Renderer struct {
	fonts *FontSet
	imgs  []*image.RGBA // by slot; nil where none is set
	src   *image.RGBA   // imgs[0]: the image of a spec without a canvas
	gen   uint64        // counts SetImages calls

	base    *image.RGBA // src scaled, or the canvas composed, at the preview size
	baseKey baseKey
	scratch *image.RGBA // a rotated slot's image before it is turned
	preview *image.RGBA
	final   *image.RGBA
	// finalShown is the layers painted on final over the source image
	// set at generation finalGen; nil when final holds anything else.
	// Only their ids and bounds: holding the layers would keep a 12 MP
	// final's layer buffers alive past their use.
	finalShown []shownLayer
	finalGen   uint64
	band       bandCache

	previewLayers, finalLayers layerCache

	// The preview frame as it stands: its number and the layers painted on
	// it, in box order. shown is nil when preview holds nothing reusable.
	frame uint64
	shown []*caption

	// Set by SetAnimation: the frames, their composer and the buffer
	// AnimationFrame draws into.
	anim    *imgio.Animation
	comp    *imgio.Composer
	animOut *image.RGBA
}

// Frame is a preview with what a caller that keeps the previous one needs
// to update it: the frame's number and the part of the image that changed.
type Frame struct {
	// Image is the whole preview. It belongs to the Renderer and stays
	// valid until its next call.
	Image *image.RGBA
	// ID numbers the frames of one Renderer from 1.
	ID uint64
	// Changed is the part of Image that differs from the frame the caller
	// said it has: all of it unless that was the previous frame; empty when
	// nothing changed.
	Changed image.Rectangle
}

// NewRenderer returns a Renderer drawing with fs.
func NewRenderer(fs *FontSet) *Renderer {
	return &Renderer{fonts: fs}
}

// Fonts is the set the Renderer draws with. Adding a font to it invalidates
// cached layers automatically.
func (r *Renderer) Fonts() *FontSet { return r.fonts }

// SetImage makes img (upright, as imgio.Decode returns it) the image to draw
// on, the only one. The Renderer keeps img and never writes to it.
func (r *Renderer) SetImage(img *image.RGBA) error {
	return r.SetImages([]*image.RGBA{img})
}

// SetImages sets the images of a canvas's slots, in slot order (a spec
// without a canvas draws on the first). Entries may be nil for slots not
// filled yet, which show the background; at least one must be set. The
// Renderer keeps the images and never writes to them.
func (r *Renderer) SetImages(imgs []*image.RGBA) error {
	if len(imgs) == 0 || len(imgs) > MaxImages {
		return Kind(ErrBadArgument, fmt.Errorf("meme: images: %d images, want 1 to %d", len(imgs), MaxImages))
	}
	out := make([]*image.RGBA, len(imgs))
	some := false
	for i, img := range imgs {
		if img == nil {
			continue
		}
		if err := checkSize(img.Rect.Dx(), img.Rect.Dy()); err != nil {
			if len(imgs) == 1 {
				return Kind(imgio.ErrTooLarge, fmt.Errorf("meme: image: %w", err))
			}
			return Kind(imgio.ErrTooLarge, fmt.Errorf("meme: image %d: %w", i, err))
		}
		if img.Rect.Min != (image.Point{}) {
			img = &image.RGBA{Pix: img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y):], Stride: img.Stride, Rect: image.Rectangle{Max: img.Rect.Size()}}
		}
		out[i], some = img, true
	}
	if !some {
		return Kind(ErrBadArgument, errors.New("meme: images: none set"))
	}
	r.imgs, r.src = out, out[0]
	r.anim, r.comp = nil, nil
	r.gen++
	r.base = nil
	r.shown = nil
	return nil
}

// SetImageAt sets the image of one slot (from 0), keeping the others.
func (r *Renderer) SetImageAt(slot int, img *image.RGBA) error {
	if slot < 0 || slot >= MaxImages {
		return Kind(ErrBadArgument, fmt.Errorf("meme: image slot %d: want 0 to %d", slot, MaxImages-1))
	}
	imgs := append([]*image.RGBA(nil), r.imgs...)
	for len(imgs) <= slot {
		imgs = append(imgs, nil)
	}
	imgs[slot] = img
	return r.SetImages(imgs)
}

// Images are the images by slot, as set.
func (r *Renderer) Images() []*image.RGBA { return r.imgs }

// baseKey says what r.base holds: the source scaled (lo zero), or a canvas.
type baseKey struct {
	canvas bool
	lo     layout
	w, h   int
	gen    uint64
}

// bandCache remembers the last band measured: typing elsewhere does not
// shape the band's text again.
type bandCache struct {
	box  resolved
	wrap float64
	gen  int
	ems  float64
	ok   bool
}

// measureBand is the height in ems of b's text wrapped at wrap ems: its
// lines times their pitch, one line's when it is empty.
func (r *Renderer) measureBand(b Box, wrap float64) (float64, error) {
	rb := b.resolve()
	c := &r.band
	if c.ok && c.box == rb && c.wrap == wrap && c.gen == r.fonts.gen {
		return c.ems, nil
	}
	chain, err := r.fonts.chain(rb.font)
	if err != nil {
		return 0, err
	}
	st, _ := r.fonts.shaped(chain, rb.text)
	p := pitch(chain, st)
	lay := LayoutText(st, LayoutParams{Width: wrap, Height: 1e9, Size: 1, Pitch: p, Align: rb.align, VAlign: "top"})
	// Whole lines, not the ink: typing a letter with an ascender must not
	// make the canvas jump by a pixel.
	// The font's own line height unless the text's ink needs more (marks
	// stacked above, another script).
	ems := max(p, chain[0].ascent+chain[0].descent) * float64(max(1, len(lay.Lines)))
	*c = bandCache{box: rb, wrap: wrap, gen: r.fonts.gen, ems: ems, ok: true}
	return ems, nil
}

// plan resolves spec for the images set: the boxes as drawn and, for a
// spec with a canvas, its layout.
func (r *Renderer) plan(spec Spec) (Spec, layout, error) {
	if r.src == nil && len(r.imgs) == 0 {
		return Spec{}, layout{}, ErrNoImage
	}
	if err := spec.Validate(); err != nil {
		return Spec{}, layout{}, err
	}
	if spec.Canvas == nil {
		if r.src == nil {
			return Spec{}, layout{}, ErrNoImage
		}
		return spec, layout{}, nil
	}
	lo, boxes, err := resolveCanvas(spec, r.imgs, r.measureBand)
	if err != nil {
		return Spec{}, layout{}, err
	}
	return Spec{Canvas: spec.Canvas, Boxes: boxes}, lo, nil
}

// Size is the size Final renders spec at: the image's without a canvas;
// with one, its shape at the resolution of its sharpest image. A preview
// asked for at another shape is stretched.
func (r *Renderer) Size(spec Spec) (w, h int, err error) {
	sp, lo, err := r.plan(spec)
	if err != nil {
		return 0, 0, err
	}
	if sp.Canvas == nil {
		return r.src.Rect.Dx(), r.src.Rect.Dy(), nil
	}
	w, h = lo.canvasSize(r.imgs)
	return w, h, nil
}

// setBase makes r.base what key says, at the preview size.
func (r *Renderer) setBase(key baseKey, w, h int) {
	if r.base != nil && r.baseKey == key {
		return
	}
	r.shown = nil
	r.baseKey = key
	if !key.canvas {
		r.base = scaleTo(r.base, r.src, w, h)
		return
	}
	for _, img := range r.imgs {
		if r.base == img {
			r.base = nil // scaleTo handed back an image as it was: never draw on it
		}
	}
	r.base = reuse(r.base, w, h)
	r.scratch = key.lo.compose(r.base, r.imgs, r.scratch)
}

func checkSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%dx%d has no pixels", w, h)
	}
	if w > MaxSide || h > MaxSide {
		return fmt.Errorf("%dx%d is over the %d pixel side limit", w, h, MaxSide)
	}
	return nil
}

// Preview renders spec over the image scaled to w x h.
func (r *Renderer) Preview(spec Spec, w, h int) (*image.RGBA, Result, error) {
	f, res, err := r.PreviewFrame(spec, w, h, 0)
	return f.Image, res, err
}

// PreviewFrame is Preview for a caller that keeps the frame it was given
// last (have; 0 for none): when that is this Renderer's previous frame,
// only the part that changes is redrawn, and Changed says which part to
// copy. Typing in one caption then costs that caption's area, not a
// whole-image copy and a blend of every caption.
func (r *Renderer) PreviewFrame(spec Spec, w, h int, have uint64) (Frame, Result, error) {
	if r.src == nil && len(r.imgs) == 0 {
		return Frame{}, Result{}, ErrNoImage
	}
	if err := checkSize(w, h); err != nil {
		return Frame{}, Result{}, Kind(ErrBadArgument, fmt.Errorf("meme: preview size: %w", err))
	}
	if w*h > MaxPixels {
		return Frame{}, Result{}, Kind(ErrBadArgument, fmt.Errorf("meme: preview size %dx%d is over %d pixels", w, h, MaxPixels))
	}
	spec, lo, err := r.plan(spec)
	if err != nil {
		return Frame{}, Result{}, err
	}
	caps, res, err := r.previewLayers.layers(spec, r.fonts, w, h)
	if err != nil {
		return Frame{}, Result{}, err
	}
	// Typing changes captions, not this: the base stays until the images,
	// the canvas or the size change.
	r.setBase(baseKey{canvas: spec.Canvas != nil, lo: lo, w: w, h: h, gen: r.gen}, w, h)
	if r.preview == nil || r.preview.Rect.Dx() != w || r.preview.Rect.Dy() != h {
		r.preview = reuse(r.preview, w, h)
		r.shown = nil
	}
	// Repaint what changed since the frame r.preview holds, all of it when
	// it holds none; the caller gets all of it unless it has that frame.
	repaint := r.preview.Rect
	prev := r.shown
	if prev != nil {
		repaint = changed(prev, caps)
	}
	// Until the repaint is done r.preview matches no frame: if it stopped
	// half way (a panic the face turns into a rejection), the next preview
	// repaints and sends everything.
	r.shown = nil
	if !repaint.Empty() {
		restore(r.preview, r.base, repaint)
		for _, cp := range caps {
			if cp.img != nil {
				over(r.preview, cp.img, cp.at, repaint)
			}
		}
	}
	out := repaint
	if prev == nil || have == 0 || have != r.frame {
		out = r.preview.Rect
	}
	r.shown = caps
	r.frame++
	return Frame{Image: r.preview, ID: r.frame, Changed: out}, res, nil
}

// changed is the bounding box of every layer that is not the same at the
// same place in the stack in both frames. Pixels outside it are covered by
// the same layers in the same order, so they are already right.
func changed(prev, next []*caption) image.Rectangle {
	var d image.Rectangle
	for i := range max(len(prev), len(next)) {
		var p, n *caption
		if i < len(prev) {
			p = prev[i]
		}
		if i < len(next) {
			n = next[i]
		}
		if p != n {
			d = d.Union(p.bounds()).Union(n.bounds())
		}
	}
	return d
}

// shownLayer is a caption layer as painted: which one and where.
type shownLayer struct {
	id uint64
	b  image.Rectangle
}

func shownLayers(caps []*caption) []shownLayer {
	out := make([]shownLayer, len(caps))
	for i, cp := range caps {
		out[i] = shownLayer{cp.id, cp.bounds()}
	}
	return out
}

// changedRects is where the layers that are not the same at the same
// place in both stacks were or now are, one rectangle per layer: unlike
// changed, two captions at the top and bottom of a photo do not make the
// whole photo between them.
func changedRects(prev []shownLayer, next []*caption) []image.Rectangle {
	var out []image.Rectangle
	for i := range max(len(prev), len(next)) {
		var p shownLayer
		var n *caption
		if i < len(prev) {
			p = prev[i]
		}
		if i < len(next) {
			n = next[i]
		}
		if n != nil && p.id == n.id {
			continue
		}
		for _, b := range []image.Rectangle{p.b, n.bounds()} {
			if !b.Empty() {
				out = append(out, b)
			}
		}
	}
	// Overlapping rectangles become their union, so no pixel is put back
	// and painted twice (a caption edited in place covers about the same
	// rectangle before and after).
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(out); i++ {
			for j := i + 1; j < len(out); j++ {
				if out[i].Overlaps(out[j]) {
					out[i] = out[i].Union(out[j])
					out = append(out[:j], out[j+1:]...)
					merged = true
					j--
				}
			}
		}
	}
	return out
}

// restore copies src's pixels inside r over dst's; both are the same size
// with their origin at 0,0.
func restore(dst, src *image.RGBA, r image.Rectangle) {
	if r == dst.Rect && dst.Stride == src.Stride {
		copy(dst.Pix, src.Pix)
		return
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := dst.PixOffset(r.Min.X, y)
		copy(dst.Pix[i:i+4*r.Dx()], src.Pix[src.PixOffset(r.Min.X, y):])
	}
}

// Final renders spec over the image at its full resolution.
func (r *Renderer) Final(spec Spec) (*image.RGBA, Result, error) {
	spec, lo, err := r.plan(spec)
	if err != nil {
		return nil, Result{}, err
	}
	if spec.Canvas == nil {
		w, h := r.src.Rect.Dx(), r.src.Rect.Dy()
		caps, res, err := r.finalLayers.layers(spec, r.fonts, w, h)
		if err != nil {
			return nil, Result{}, err
		}
		prev := r.finalShown
		r.finalShown = nil // until the repaint below is done
		if r.final == nil || r.final.Rect.Dx() != w || r.final.Rect.Dy() != h || r.finalGen != r.gen {
			prev = nil
		}
		r.final = reuse(r.final, w, h)
		if prev == nil {
			restore(r.final, r.src, r.final.Rect)
			paint(r.final, caps)
		} else {
			// A 12 MP final is a 48 MB copy: put back only what the
			// layers that changed covered, then paint every layer there.
			for _, rect := range changedRects(prev, caps) {
				restore(r.final, r.src, rect)
				for _, cp := range caps {
					if cp.img != nil {
						over(r.final, cp.img, cp.at, rect)
					}
				}
			}
		}
		r.finalShown, r.finalGen = shownLayers(caps), r.gen
		return r.final, res, nil
	}
	w, h := lo.canvasSize(r.imgs)
	caps, res, err := r.finalLayers.layers(spec, r.fonts, w, h)
	if err != nil {
		return nil, Result{}, err
	}
	r.finalShown = nil
	r.final = reuse(r.final, w, h)
	r.scratch = lo.compose(r.final, r.imgs, r.scratch)
	paint(r.final, caps)
	return r.final, res, nil
}

// Draw renders spec onto dst in place at dst's resolution: what the CLI
// uses. It gives the same pixels as Renderer.Final on the same image.
func Draw(dst *image.RGBA, spec Spec, fs *FontSet) (Result, error) {
	if err := checkSize(dst.Rect.Dx(), dst.Rect.Dy()); err != nil {
		return Result{}, fmt.Errorf("meme: image: %w", err)
	}
	if err := spec.Validate(); err != nil {
		return Result{}, err
	}
	if spec.Canvas != nil {
		return Result{}, errors.New("meme: Draw: a spec with a canvas makes a new image; use a Renderer")
	}
	if dst.Rect.Min != (image.Point{}) {
		dst = &image.RGBA{Pix: dst.Pix, Stride: dst.Stride, Rect: image.Rectangle{Max: dst.Rect.Size()}}
	}
	var c layerCache
	caps, res, err := c.layers(spec, fs, dst.Rect.Dx(), dst.Rect.Dy())
	if err != nil {
		return Result{}, err
	}
	paint(dst, caps)
	return res, nil
}

// Missing lists the characters of spec that no font in fs covers, each
// once: what the browser checks before deciding to fetch the fallbacks.
func Missing(spec Spec, fs *FontSet) ([]string, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	var ms []string
	for i, b := range spec.Boxes {
		rb := b.resolve()
		chain, err := fs.chain(rb.font)
		if err != nil {
			return nil, fmt.Errorf("meme: spec: boxes[%d].font: %w", i, err)
		}
		ms = missing(chain, &fs.emoji, ms, rb.text)
	}
	if ms == nil {
		ms = []string{}
	}
	return ms, nil
}

// scaleTo resizes src into dst (reused when it is the right size); when
// src is already w x h it is returned as it is.
func scaleTo(dst, src *image.RGBA, w, h int) *image.RGBA {
	if src.Rect.Dx() == w && src.Rect.Dy() == h {
		return src
	}
	if dst == src {
		dst = nil
	}
	dst = reuse(dst, w, h)
	scaleRGBA(dst, src)
	return dst
}

// reuse returns img if it is w x h, else a new image, reusing img's memory
// when it is big enough.
func reuse(img *image.RGBA, w, h int) *image.RGBA {
	n := 4 * w * h
	if img != nil && img.Rect.Dx() == w && img.Rect.Dy() == h {
		return img
	}
	var pix []byte
	if img != nil && cap(img.Pix) >= n {
		pix = img.Pix[:n]
	} else {
		pix = make([]byte, n)
	}
	return &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// layerKey identifies a caption layer: the same resolved box at the same
// output size with the same fonts rasterizes to the same pixels.
type layerKey struct {
	box  resolved
	w, h int
	gen  int
}

// layerCache holds the layers of the last frame. Layers the next frame does
// not use are dropped and their memory reused for new ones.
type layerCache struct {
	cached  map[layerKey]*caption
	free    [][]byte
	scratch drawScratch
	ids     uint64 // the last caption's id
}

// layers returns spec's caption layers for a W x H output in box order,
// rasterizing those the last call did not have, and what the render could
// not do perfectly.
func (c *layerCache) layers(spec Spec, fs *FontSet, W, H int) ([]*caption, Result, error) {
	next := make(map[layerKey]*caption, len(spec.Boxes))
	caps := make([]*caption, 0, len(spec.Boxes))
	var res Result
	missing := []string{}
	for i, b := range spec.Boxes {
		key := layerKey{box: b.resolve(), w: W, h: H, gen: fs.gen}
		cp, ok := next[key]
		if !ok {
			cp, ok = c.cached[key]
		}
		if !ok {
			var err error
			if cp, err = c.render(fs, key); err != nil {
				return nil, Result{}, fmt.Errorf("meme: spec: boxes[%d]: %w", i, err)
			}
		}
		next[key] = cp
		if cp.overflow {
			res.Overflow = append(res.Overflow, i)
		}
		for _, r := range cp.missing {
			dup := false
			for _, m := range missing {
				dup = dup || m == r
			}
			if !dup {
				missing = append(missing, r)
			}
		}
		caps = append(caps, cp)
	}
	for k, cp := range c.cached {
		if _, kept := next[k]; !kept && cp.img != nil {
			c.free = append(c.free, cp.img.Pix)
		}
	}
	c.cached = next
	res.Missing = missing
	return caps, res, nil
}

// paint composites the layers onto all of dst, in order.
func paint(dst *image.RGBA, caps []*caption) {
	for _, cp := range caps {
		if cp.img != nil {
			over(dst, cp.img, cp.at, dst.Rect)
		}
	}
}

func (c *layerCache) render(fs *FontSet, key layerKey) (*caption, error) {
	b, W, H := key.box, key.w, key.h
	paths, places, lay, missing, err := layoutCaption(fs, b, W, H, &c.scratch)
	if err != nil {
		return nil, err
	}
	c.ids++
	cp := &caption{overflow: lay.Overflow, missing: missing, id: c.ids}
	pad := b.outlineWidth*float64(H) + 2
	r := image.Rectangle{}
	if b.fill.A > 0 || (b.outline.A > 0 && b.outlineWidth > 0) || b.background.A > 0 || b.shadow.A > 0 {
		r = bounds(paths, pad)
	}
	shadow := 0.0
	if b.shadow.A > 0 && !r.Empty() {
		shadow = shadowOffset * lay.Size * float64(H)
		r = r.Union(r.Add(image.Pt(int(math.Ceil(shadow)), int(math.Ceil(shadow)))))
	}
	// Emoji are pictures: drawn whatever the text's colours.
	sps := sprites(&fs.emoji, places, W, H)
	for _, s := range sps {
		r = r.Union(s.bounds().Inset(-int(math.Ceil(pad))))
	}
	r = r.Intersect(image.Rect(0, 0, W, H))
	if r.Empty() {
		return cp, nil
	}
	cp.img = c.alloc(r.Dx(), r.Dy())
	cp.at = r.Min
	rasterize(cp.img, r, paths, sps, b, H, shadow, &c.scratch)
	return cp, nil
}

// alloc returns a cleared w x h layer, from freed memory when some fits.
func (c *layerCache) alloc(w, h int) *image.RGBA {
	n := 4 * w * h
	best := -1
	for i, p := range c.free {
		if cap(p) >= n && (best < 0 || cap(p) < cap(c.free[best])) {
			best = i
		}
	}
	var pix []byte
	if best >= 0 {
		pix = c.free[best][:n]
		clear(pix)
		c.free = append(c.free[:best], c.free[best+1:]...)
	} else {
		pix = make([]byte, n)
	}
	// Keep a few spare buffers, not every one ever freed.
	if len(c.free) > 4 {
		c.free = c.free[len(c.free)-4:]
	}
	return &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// StraightAlpha writes img's pixels as straight-alpha RGBA (what a canvas
// ImageData holds) into dst, reusing its memory, and returns it. Opaque
// pixels, the common case, are copied as they are.
func StraightAlpha(dst []byte, img *image.RGBA) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	n := 4 * w * h
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	for y := 0; y < h; y++ {
		row := dst[4*w*y : 4*w*(y+1)]
		copy(row, img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):])
		for i := 3; i < len(row); i += 4 {
			a := uint32(row[i])
			if a == 255 || a == 0 {
				continue
			}
			for c := i - 3; c < i; c++ {
				row[c] = uint8(min((uint32(row[c])*255+a/2)/a, 255))
			}
		}
	}
	return dst
}

// FontsNeeded lists the bundled fonts (fonts.Bundled) that spec needs and
// fs does not hold yet, in Bundled order: those its boxes name, and for
// each character no font of its box's chain covers, the first fallback
// that does. The browser fetches exactly these before rendering; what
// no bundled font covers is left to Result.Missing.
func FontsNeeded(spec Spec, fs *FontSet) ([]string, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	need := map[string]bool{}
	for i, b := range spec.Boxes {
		rb := b.resolve()
		var chain []*Font
		named := "" // a bundled font the box names that is not loaded yet
		if _, ok := fs.Font(rb.font); ok {
			chain, _ = fs.chain(rb.font)
		} else if bf, ok := fonts.Lookup(strings.ToLower(rb.font)); ok {
			named, need[bf.Name] = bf.Name, true
			for _, n := range fs.fallbacks {
				chain = append(chain, fs.named[n])
			}
		} else {
			_, err := fs.chain(rb.font)
			return nil, fmt.Errorf("meme: spec: boxes[%d].font: %w", i, err)
		}
		covered := func(r rune) bool {
			for _, f := range chain {
				if f.Has(r) {
					return true
				}
			}
			return named != "" && fonts.Covers(named, r)
		}
		// Emoji are drawn from their art (EmojiNeeded), never from a font.
		cs := emoji.Clusters(rb.text)
		for i, r := range rb.text {
			for len(cs) > 0 && cs[0].End <= i {
				cs = cs[1:]
			}
			if len(cs) > 0 && cs[0].Start <= i {
				continue
			}
			if r == '\n' || ignorable(r) || covered(r) {
				continue
			}
			for _, f := range fonts.Bundled {
				if _, loaded := fs.Font(f.Name); f.Fallback && !loaded && fonts.Covers(f.Name, r) {
					need[f.Name] = true
					break
				}
			}
		}
	}
	var out []string
	for _, f := range fonts.Bundled {
		if need[f.Name] {
			out = append(out, f.Name)
		}
	}
	return out, nil
}
