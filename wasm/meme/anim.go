package meme

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"

	"github.com/memeforge/memeforge/wasm/imgio"
)

// SetAnimation makes a's frames the image to draw on. Its first frame, as
// shown, also becomes the still image, so Preview, PreviewFrame and Final
// draw on it (a PNG or JPEG of an animation is its first frame).
func (r *Renderer) SetAnimation(a *imgio.Animation) error {
	if err := checkSize(a.Width, a.Height); err != nil {
		return fmt.Errorf("meme: animation: %w", err)
	}
	c := a.NewComposer()
	first := cloneImage(c.Frame(0))
	if err := r.SetImage(first); err != nil {
		return err
	}
	r.anim, r.comp = a, c
	return nil
}

// Animation is the animation set by SetAnimation, or nil when the image
// was set by SetImage.
func (r *Renderer) Animation() *imgio.Animation { return r.anim }

// ErrNoAnimation is returned by the animation methods before SetAnimation.
var ErrNoAnimation = errors.New("meme: no animation loaded")

// AnimationFrame renders spec over frame i of the animation, scaled to
// w x h: what a playing preview shows. Captions come from the same layer
// cache as PreviewFrame, so they are rasterized once per size, not once per
// frame. The image belongs to the Renderer until its next call.
func (r *Renderer) AnimationFrame(spec Spec, i, w, h int) (*image.RGBA, Result, error) {
	if r.anim == nil {
		return nil, Result{}, ErrNoAnimation
	}
	if i < 0 || i >= len(r.anim.Frames) {
		return nil, Result{}, fmt.Errorf("meme: frame %d: the animation has frames 0 to %d", i, len(r.anim.Frames)-1)
	}
	if err := checkSize(w, h); err != nil {
		return nil, Result{}, fmt.Errorf("meme: preview size: %w", err)
	}
	if w*h > MaxPixels {
		return nil, Result{}, fmt.Errorf("meme: preview size %dx%d is over %d pixels", w, h, MaxPixels)
	}
	if err := spec.Validate(); err != nil {
		return nil, Result{}, err
	}
	caps, res, err := r.previewLayers.layers(spec, r.fonts, w, h)
	if err != nil {
		return nil, Result{}, err
	}
	frame := r.comp.Frame(i)
	r.animOut = reuse(r.animOut, w, h)
	if frame.Rect.Dx() == w && frame.Rect.Dy() == h {
		copy(r.animOut.Pix, frame.Pix)
	} else {
		scaleRGBA(r.animOut, frame)
	}
	// PreviewFrame's own frame may share layers but never this buffer.
	paint(r.animOut, caps)
	return r.animOut, res, nil
}

// EncodeGIF renders spec over every frame at full size and writes the
// animated GIF to w (see EncodeAnimation).
func (r *Renderer) EncodeGIF(w io.Writer, spec Spec) (Result, error) {
	if r.anim == nil {
		return Result{}, ErrNoAnimation
	}
	if err := spec.Validate(); err != nil {
		return Result{}, err
	}
	caps, res, err := r.finalLayers.layers(spec, r.fonts, r.anim.Width, r.anim.Height)
	if err != nil {
		return Result{}, err
	}
	if err := encodeGIF(w, r.anim, caps); err != nil {
		return Result{}, err
	}
	return res, nil
}

// EncodeAnimation draws spec over every frame of a at full size and writes
// an animated GIF with a's delays, loop count and disposal methods: what the
// CLI does. Each output frame starts from the source frame's own palette
// and indices, so the photo outside the captions keeps its exact pixels and
// compresses as it did; caption fill and outline colours get palette
// entries of their own (unused entries are reused, then new ones added);
// only anti-aliased caption edges take the nearest palette colour, and
// nothing is dithered. When the source has a global table, the caption
// colours go into it once, so frames drawn from it need no local table. Frames cover only what changed since the frame
// before, with the transparent index for pixels that stay.
//
// GIF pixels are opaque or transparent: where a caption edge lies over a
// transparent part of a frame, it is opaque from alpha 128 and transparent
// below.
func EncodeAnimation(w io.Writer, a *imgio.Animation, spec Spec, fs *FontSet) (Result, error) {
	if err := checkSize(a.Width, a.Height); err != nil {
		return Result{}, fmt.Errorf("meme: animation: %w", err)
	}
	if err := spec.Validate(); err != nil {
		return Result{}, err
	}
	var c layerCache
	caps, res, err := c.layers(spec, fs, a.Width, a.Height)
	if err != nil {
		return Result{}, err
	}
	if err := encodeGIF(w, a, caps); err != nil {
		return Result{}, err
	}
	return res, nil
}

func cloneImage(m *image.RGBA) *image.RGBA {
	c := *m
	c.Pix = append([]byte(nil), m.Pix...)
	return &c
}

// Pixel words (see words): R in the low byte, A in the high one.
const opaque = 0xff000000

// gifEncoder turns target frames (each source frame as shown, captions on
// top) into GIF frames, keeping a simulation of what a decoder shows so far
// (shown) to decide what each frame must write.
type gifEncoder struct {
	a      *imgio.Animation
	screen image.Rectangle
	caps   []*caption
	// mask marks caption pixels (any layer alpha > 0) inside capRect.
	capRect image.Rectangle
	mask    []bool
	solids  []uint32 // opaque caption colours: fill and outline
	isSolid map[uint32]bool
	// global is the output's global colour table (pixel words) when the
	// source has one: its colours with the caption solids it lacks.
	// onGlobal[i] says frame i draws from the source's global table, so
	// its output frame starts from global and, while it needs no other
	// colour, is written without a local table.
	global   []uint32
	onGlobal []bool

	shown, target, prevTarget *image.RGBA
	// meant is, for each shown pixel, the target colour it was written
	// for: the colour itself, or for an anti-aliased caption edge the exact
	// colour its nearest palette entry stands for. A pixel a disposal puts
	// back as it was needs no rewrite, edges included.
	meant      []uint32
	saved      []uint32 // under the last frame, for DisposalPrevious
	savedMeant []uint32
	disturbed  image.Rectangle
}

func encodeGIF(w io.Writer, a *imgio.Animation, caps []*caption) error {
	e := &gifEncoder{a: a, screen: image.Rect(0, 0, a.Width, a.Height), caps: caps, isSolid: map[uint32]bool{}}
	e.prepareCaptions()
	e.shown = image.NewRGBA(e.screen)
	e.meant = make([]uint32, len(e.shown.Pix)/4)
	e.target = image.NewRGBA(e.screen)
	e.prevTarget = image.NewRGBA(e.screen)
	comp := a.NewComposer()
	g := &gif.GIF{
		Image:     make([]*image.Paletted, len(a.Frames)),
		Delay:     a.Delay,
		Disposal:  a.Disposal,
		LoopCount: a.LoopCount,
		Config:    image.Config{Width: a.Width, Height: a.Height},
	}
	if a.Global != nil {
		e.extendGlobal()
		g.Config.ColorModel = toPalette(e.global, -1)
		g.BackgroundIndex = a.BackgroundIndex
	}
	for i := range a.Frames {
		e.prevTarget, e.target = e.target, e.prevTarget
		copy(e.target.Pix, comp.Frame(i).Pix)
		e.paintCaptions()
		g.Image[i] = e.frame(i)
	}
	if err := gif.EncodeAll(w, g); err != nil {
		return fmt.Errorf("meme: encode gif: %w", err)
	}
	return nil
}

// prepareCaptions finds where captions draw and their opaque colours.
func (e *gifEncoder) prepareCaptions() {
	for _, cp := range e.caps {
		e.capRect = e.capRect.Union(cp.bounds())
	}
	e.capRect = e.capRect.Intersect(e.screen)
	if e.capRect.Empty() {
		return
	}
	e.mask = make([]bool, e.capRect.Dx()*e.capRect.Dy())
	for _, cp := range e.caps {
		if cp.img == nil {
			continue
		}
		r := cp.bounds().Intersect(e.capRect)
		pix := words(cp.img.Pix)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				v := pix[cp.img.PixOffset(x-cp.at.X, y-cp.at.Y)/4]
				if v>>24 == 0 {
					continue
				}
				e.mask[(y-e.capRect.Min.Y)*e.capRect.Dx()+x-e.capRect.Min.X] = true
				if v>>24 == 0xff && !e.isSolid[v] && len(e.solids) < 16 {
					e.isSolid[v] = true
					e.solids = append(e.solids, v)
				}
			}
		}
	}
}

// extendGlobal sets e.global and e.onGlobal. A caption solid missing
// from the source's global table takes an entry that no frame drawing from
// it uses (nor the background index), else is added at the end while the
// table has fewer than 256 entries. Image/gif writes a frame without a
// local table when its palette matches the global table's bytes, the
// transparent entry aside, so any entry a frame leaves unused can be its
// transparent index: no entry needs reserving for that.
func (e *gifEncoder) extendGlobal() {
	g := e.a.Global
	e.global = make([]uint32, len(g)/3)
	for k := range e.global {
		e.global[k] = opaque | uint32(g[3*k+2])<<16 | uint32(g[3*k+1])<<8 | uint32(g[3*k])
	}
	e.onGlobal = make([]bool, len(e.a.Frames))
	// taken: drawn with, or transparent, in some frame on the table.
	var taken, transparent [256]bool
	if int(e.a.BackgroundIndex) < len(e.global) {
		taken[e.a.BackgroundIndex] = true
	}
	for i, f := range e.a.Frames {
		if !e.drawsFromGlobal(f) {
			continue
		}
		e.onGlobal[i] = true
		var seen [256]bool
		for y := f.Rect.Min.Y; y < f.Rect.Max.Y; y++ {
			for _, v := range f.Pix[f.PixOffset(f.Rect.Min.X, y):][:f.Rect.Dx()] {
				seen[v] = true
			}
		}
		for k, c := range f.Palette {
			if _, _, _, a := c.RGBA(); a == 0 {
				seen[k], transparent[k] = true, true
			}
		}
		for k, s := range seen {
			taken[k] = taken[k] || s
		}
	}
	has := func(c uint32) bool {
		for k, v := range e.global {
			if v == c && !transparent[k] {
				taken[k] = true
				return true
			}
		}
		return false
	}
	free := 0
	for _, c := range e.solids {
		if has(c) {
			continue
		}
		for free < len(e.global) && taken[free] {
			free++
		}
		switch {
		case free < len(e.global):
			e.global[free] = c
			taken[free] = true
		case len(e.global) < 256:
			e.global = append(e.global, c)
			taken[len(e.global)-1] = true
		}
	}
}

// drawsFromGlobal says f's palette is the source's global table, as
// image/gif decodes it (with the transparent entry's alpha zeroed).
func (e *gifEncoder) drawsFromGlobal(f *image.Paletted) bool {
	g := e.a.Global
	if len(f.Palette) != len(g)/3 {
		return false
	}
	for k, c := range f.Palette {
		r, gr, b, a := c.RGBA()
		if a != 0 && (uint8(r>>8) != g[3*k] || uint8(gr>>8) != g[3*k+1] || uint8(b>>8) != g[3*k+2]) {
			return false
		}
	}
	return true
}

// toPalette is the palette of pixel words p, entry ti (if >= 0)
// transparent.
func toPalette(p []uint32, ti int) color.Palette {
	out := make(color.Palette, len(p))
	for k, c := range p {
		if k == ti {
			out[k] = color.RGBA{}
		} else {
			out[k] = color.RGBA{uint8(c), uint8(c >> 8), uint8(c >> 16), 0xff}
		}
	}
	return out
}

// paintCaptions draws the captions over the target frame and makes their
// pixels opaque or transparent, as GIF pixels are.
func (e *gifEncoder) paintCaptions() {
	if e.capRect.Empty() {
		return
	}
	paint(e.target, e.caps)
	t := words(e.target.Pix)
	r := e.capRect
	for y := r.Min.Y; y < r.Max.Y; y++ {
		m := e.mask[(y-r.Min.Y)*r.Dx():][:r.Dx()]
		row := t[y*e.screen.Dx()+r.Min.X:][:r.Dx()]
		for i, v := range row {
			if !m[i] {
				continue
			}
			a := v >> 24
			switch {
			case a == 0xff:
			case a >= 128:
				row[i] = unpremultiply(v)
			default:
				row[i] = 0
			}
		}
	}
}

func unpremultiply(v uint32) uint32 {
	a := v >> 24
	out := uint32(opaque)
	for s := 0; s < 24; s += 8 {
		c := (v >> s) & 0xff
		out |= min((c*255+a/2)/a, 255) << s
	}
	return out
}

func (e *gifEncoder) inMask(x, y int) bool {
	if !(image.Point{x, y}).In(e.capRect) {
		return false
	}
	return e.mask[(y-e.capRect.Min.Y)*e.capRect.Dx()+x-e.capRect.Min.X]
}

// Pixel plans: what a frame writes at a pixel before palette indices are
// known. A colour plan is the opaque pixel word itself.
const (
	planKeep   = 1 << 32 // transparent index: what is shown stays
	planSource = 2 << 32 // the source frame's own index (low byte)
	planApprox = 4 << 32 // an anti-aliased caption edge: nearest colour will do
)

// frame builds output frame i from e.target and updates e.shown as a
// decoder would.
func (e *gifEncoder) frame(i int) *image.Paletted {
	src := e.a.Frames[i]
	disposal := e.a.Disposal[i]
	srcRect := src.Rect.Intersect(e.screen)
	W := e.screen.Dx()
	shown, target, prev := words(e.shown.Pix), words(e.target.Pix), words(e.prevTarget.Pix)
	meant := e.meant

	// The pixels to look at: what this frame draws, and what the previous
	// frame's disposal may have changed. Everything else shows the same
	// target as before, already written.
	look := srcRect.Union(e.disturbed)
	if i == 0 {
		look = e.screen
	}
	needs := func(x, y int) bool {
		k := y*W + x
		if meant[k] == target[k] {
			return false
		}
		return i == 0 || target[k] != prev[k] || (image.Point{x, y}).In(e.disturbed)
	}
	var rect image.Rectangle
	for y := look.Min.Y; y < look.Max.Y; y++ {
		for x := look.Min.X; x < look.Max.X; x++ {
			if needs(x, y) {
				rect = rect.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	if disposal == imgio.DisposalBackground || disposal == imgio.DisposalPrevious {
		// The disposal clears or restores the frame's rectangle: it must be
		// at least the source's, or it would leave pixels the source clears.
		rect = rect.Union(srcRect)
	}
	if rect.Empty() {
		// Nothing changes, but the frame keeps its place and delay.
		rect = image.Rectangle{Min: srcRect.Min, Max: srcRect.Min.Add(image.Pt(1, 1))}
		if !rect.In(e.screen) {
			rect = image.Rect(0, 0, 1, 1)
		}
	}

	// Plan each pixel.
	srcTI := -1
	for k, c := range src.Palette {
		if _, _, _, a := c.RGBA(); a == 0 {
			srcTI = k
			break
		}
	}
	plans := make([]uint64, rect.Dx()*rect.Dy())
	var used [256]bool
	keep := false
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			k := y*W + x
			var p uint64
			caption := e.inMask(x, y)
			if (image.Point{x, y}).In(srcRect) && !caption && int(src.Pix[src.PixOffset(x, y)]) != srcTI {
				// The source's own pixel, exactly what the target holds.
				s := src.Pix[src.PixOffset(x, y)]
				p = planSource | uint64(s)
				used[s] = true
			} else if !needs(x, y) || target[k]>>24 == 0 {
				// A pixel that would turn transparent cannot be written;
				// the disposal that makes it so already did.
				p = planKeep
			} else {
				p = uint64(target[k])
				if caption && !e.isSolid[target[k]] {
					p |= planApprox
				}
			}
			if p == planKeep {
				keep = true
			}
			plans[(y-rect.Min.Y)*rect.Dx()+x-rect.Min.X] = p
		}
	}

	// The palette: the output's global table for a frame on the source's,
	// else the source frame's own, with the colours the plan needs.
	var pal [256]uint32
	n := len(src.Palette)
	if e.onGlobal != nil && e.onGlobal[i] {
		n = copy(pal[:], e.global)
		if srcTI >= 0 {
			pal[srcTI] = 0
		}
	} else {
		for k, c := range src.Palette {
			r, g, b, a := c.RGBA()
			if a == 0 {
				continue
			}
			pal[k] = opaque | (b>>8)<<16 | (g>>8)<<8 | r>>8
		}
	}
	ti := srcTI
	free := 0 // the next palette slot to try
	alloc := func() int {
		for ; free < 256; free++ {
			if !used[free] && free != ti {
				used[free] = true
				if free >= n {
					n = free + 1
				}
				return free
			}
		}
		return -1
	}
	if keep && ti < 0 {
		ti = alloc()
	}
	if ti >= 0 {
		used[ti] = true
	}
	index := map[uint32]int{}
	for k := n - 1; k >= 0; k-- {
		if k != ti && pal[k] != 0 {
			index[pal[k]] = k // the lowest index for a colour wins
		}
	}
	// Exact colours first, solids before photo colours, each found or given
	// an unused slot; nearest only when the palette is full.
	var want []uint32
	inPlan := map[uint32]bool{}
	for _, p := range plans {
		if p>>32 == 0 {
			inPlan[uint32(p)] = true
		}
	}
	for _, c := range e.solids {
		if inPlan[c] {
			want = append(want, c)
		}
	}
	for _, p := range plans {
		if p>>32 == 0 && !e.isSolid[uint32(p)] {
			want = append(want, uint32(p))
		}
	}
	for _, c := range want {
		if k, ok := index[c]; ok {
			used[k] = true
			continue
		}
	}
	for _, c := range want {
		if _, ok := index[c]; ok {
			continue
		}
		if k := alloc(); k >= 0 {
			if old, ok := index[pal[k]]; ok && old == k {
				delete(index, pal[k])
			}
			pal[k] = c
			index[c] = k
		}
	}
	near := map[uint32]int{}
	lookup := func(c uint32) byte {
		if k, ok := index[c]; ok {
			return byte(k)
		}
		if k, ok := near[c]; ok {
			return byte(k)
		}
		best, bd := 0, -1
		for k := 0; k < n; k++ {
			if k == ti || pal[k] == 0 {
				continue
			}
			d := dist(pal[k], c)
			if bd < 0 || d < bd {
				best, bd = k, d
			}
		}
		near[c] = best
		return byte(best)
	}

	out := image.NewPaletted(rect, nil)
	for k, p := range plans {
		switch {
		case p == planKeep:
			if ti >= 0 {
				out.Pix[k] = byte(ti)
			} else {
				out.Pix[k] = lookup(shown[(rect.Min.Y+k/rect.Dx())*W+rect.Min.X+k%rect.Dx()])
			}
		case p&planSource != 0:
			out.Pix[k] = byte(p)
		default:
			out.Pix[k] = lookup(uint32(p))
		}
	}
	// Entries past the last one written are left off: a shorter table
	// means narrower LZW codes, and still matches the global one.
	last := ti
	for _, v := range out.Pix {
		last = max(last, int(v))
	}
	n = max(last+1, 1)
	out.Palette = toPalette(pal[:n], ti)

	// What a decoder now shows, and what this frame's disposal leaves.
	if disposal == imgio.DisposalPrevious {
		e.saved, e.savedMeant = e.saved[:0], e.savedMeant[:0]
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			e.saved = append(e.saved, shown[y*W+rect.Min.X:][:rect.Dx()]...)
			e.savedMeant = append(e.savedMeant, meant[y*W+rect.Min.X:][:rect.Dx()]...)
		}
	}
	for k, v := range out.Pix {
		if int(v) == ti {
			continue
		}
		s := (rect.Min.Y+k/rect.Dx())*W + rect.Min.X + k%rect.Dx()
		switch c := pal[v]; {
		case plans[k] != planKeep:
			meant[s] = target[s]
		case c != shown[s]:
			// Kept without a transparent index, as the nearest colour.
			meant[s] = c
		}
		shown[s] = pal[v]
	}
	e.disturbed = image.Rectangle{}
	switch disposal {
	case imgio.DisposalBackground:
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			clear(shown[y*W+rect.Min.X:][:rect.Dx()])
			clear(meant[y*W+rect.Min.X:][:rect.Dx()])
		}
		e.disturbed = rect
	case imgio.DisposalPrevious:
		for y := rect.Min.Y; y < rect.Max.Y; y++ {
			copy(shown[y*W+rect.Min.X:][:rect.Dx()], e.saved[(y-rect.Min.Y)*rect.Dx():])
			copy(meant[y*W+rect.Min.X:][:rect.Dx()], e.savedMeant[(y-rect.Min.Y)*rect.Dx():])
		}
		e.disturbed = rect
	}
	return out
}

// dist is the squared RGB distance of two pixel words.
func dist(a, b uint32) int {
	d := 0
	for s := 0; s < 24; s += 8 {
		x := int(a>>s&0xff) - int(b>>s&0xff)
		d += x * x
	}
	return d
}
