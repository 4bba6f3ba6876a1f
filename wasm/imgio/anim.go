package imgio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
)

// Animation limits, checked from the GIF's block structure before any frame
// is decoded.
const (
	// MaxFrames bounds the number of frames of an animation.
	MaxFrames = 2000
	// MaxAnimationPixels bounds frames x logical screen area: what showing
	// every frame costs, and (as the sum of the frames' own areas) what
	// holding the decoded frames costs.
	MaxAnimationPixels = 200_000_000
)

// Sentinel errors for animations over a limit. Their messages name the
// limit; DecodeAnimation's other errors wrap the sentinels Decode uses.
var (
	ErrTooManyFrames    = errors.New("animation over the limit of 2000 frames")
	ErrAnimationTooLong = errors.New("animation over the limit of 200 megapixels (frames x screen size)")
)

// Disposal methods as the GIF stores them (image/gif's values); anything
// else plays as DisposalNone, as browsers do.
const (
	DisposalNone       = gif.DisposalNone
	DisposalBackground = gif.DisposalBackground
	DisposalPrevious   = gif.DisposalPrevious
)

// Animation is a GIF as its paletted frames, kept as decoded (one byte a
// pixel) rather than as full RGBA composites: a 200-megapixel animation is
// 200 MB this way and would be 800 MB composed. A Composer produces the
// frames as a browser shows them, one at a time.
type Animation struct {
	// Width and Height are the logical screen's: every composed frame's size.
	Width, Height int
	// Frames are the frames as stored: their bounds are where they sit on
	// the screen and may reach past it (those parts are never shown). The
	// transparent index, if any, has a zero alpha entry in Palette.
	Frames []*image.Paletted
	// Delay is each frame's delay as stored, in hundredths of a second.
	Delay []int
	// Disposal is each frame's disposal method as stored.
	Disposal []byte
	// LoopCount is as image/gif has it: 0 plays forever, -1 once (no loop
	// extension), n > 0 plays n+1 times.
	LoopCount int
	// BackgroundIndex is the logical screen's background colour index
	// (browsers clear to transparent instead; kept for re-encoding).
	BackgroundIndex byte
	// Global is the global colour table, or nil.
	Global []byte // 3 bytes an entry, as stored
	// keyframe[i] says frame i covers the screen with no transparent pixel,
	// so composing it needs no earlier frame.
	keyframe []bool
}

// DelayMS is frame i's delay as browsers play it: delays of 0 and 1
// hundredths (the "as fast as possible" of old encoders) become 100 ms.
func (a *Animation) DelayMS(i int) int {
	d := a.Delay[i]
	if d <= 1 {
		return 100
	}
	return d * 10
}

// Plays is how many times the animation plays; 0 means forever.
func (a *Animation) Plays() int {
	switch {
	case a.LoopCount == 0:
		return 0
	case a.LoopCount < 0:
		return 1
	}
	return a.LoopCount + 1
}

// gifLayout is what the block structure of a GIF says, read without
// decompressing anything.
type gifLayout struct {
	screen  image.Rectangle
	frames  []image.Rectangle
	outside bool // some frame reaches past the screen
	end     int  // offset just past the last complete frame, or of the trailer
	trailer bool
}

// scanGIF walks data's blocks (header, colour tables, extensions, image
// descriptors, the LZW sub-blocks only skipped) and checks the limits:
// frames, pixels per frame (maxPixels) and in all (MaxAnimationPixels).
func scanGIF(data []byte, maxPixels int) (gifLayout, error) {
	var l gifLayout
	if len(data) < 13 || !(bytes.HasPrefix(data, []byte("GIF87a")) || bytes.HasPrefix(data, []byte("GIF89a"))) {
		return l, fmt.Errorf("imgio: gif: no GIF header: %w", ErrCorrupt)
	}
	w, h := int(data[6])|int(data[7])<<8, int(data[8])|int(data[9])<<8
	if w == 0 || h == 0 {
		return l, fmt.Errorf("imgio: gif: %dx%d screen: %w", w, h, ErrEmpty)
	}
	l.screen = image.Rect(0, 0, w, h)
	if w*h > maxPixels {
		return l, fmt.Errorf("imgio: gif: %dx%d is %d pixels, over the limit of %d: %w", w, h, w*h, maxPixels, ErrTooLarge)
	}
	p := 13
	if data[10]&0x80 != 0 {
		p += 3 << (data[10]&7 + 1)
	}
	// skip passes a run of sub-blocks starting at q; -1 when truncated.
	skip := func(q int) int {
		for q < len(data) {
			n := int(data[q])
			q += 1 + n
			if n == 0 {
				return q
			}
		}
		return -1
	}
	var sum int64
	l.end = -1
	for p < len(data) {
		switch data[p] {
		case 0x21: // extension
			if p+2 > len(data) {
				return l, nil
			}
			if p = skip(p + 2); p < 0 {
				return l, nil
			}
		case 0x2c: // image descriptor
			if p+11 > len(data) {
				return l, nil
			}
			d := data[p+1:]
			x, y := int(d[0])|int(d[1])<<8, int(d[2])|int(d[3])<<8
			fw, fh := int(d[4])|int(d[5])<<8, int(d[6])|int(d[7])<<8
			q := p + 10
			if d[8]&0x80 != 0 {
				q += 3 << (d[8]&7 + 1)
			}
			if q = skip(q + 1); q < 0 { // +1: the LZW minimum code size
				return l, nil
			}
			if len(l.frames) == MaxFrames {
				return l, fmt.Errorf("imgio: gif: more than %d frames: %w", MaxFrames, ErrTooManyFrames)
			}
			r := image.Rect(x, y, x+fw, y+fh)
			if fw*fh > maxPixels {
				return l, fmt.Errorf("imgio: gif: frame %d is %dx%d, over the limit of %d pixels: %w",
					len(l.frames), fw, fh, maxPixels, ErrTooLarge)
			}
			sum += int64(fw * fh)
			l.frames = append(l.frames, r)
			if n := int64(len(l.frames)) * int64(w*h); n > MaxAnimationPixels || sum > MaxAnimationPixels {
				return l, fmt.Errorf("imgio: gif: %d frames of %dx%d: %w", len(l.frames), w, h, ErrAnimationTooLong)
			}
			l.outside = l.outside || !r.In(l.screen)
			p, l.end = q, q
		case 0x3b:
			l.end, l.trailer = p, true
			return l, nil
		default:
			return l, nil // image/gif reports the unknown block
		}
	}
	return l, nil
}

// DecodeAnimation decodes every frame of a GIF after checking, from its
// block structure alone, that it is within the limits: maxPixels per frame
// and for the screen (0 or less: DefaultMaxPixels), MaxFrames frames and
// MaxAnimationPixels in all. Frames that reach past the logical screen are
// kept and clipped when composed, as browsers do; a file cut off after a
// complete frame keeps the frames it has, as browsers show them.
func DecodeAnimation(data []byte, maxPixels int) (*Animation, error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("imgio: gif: no bytes: %w", ErrEmpty)
	}
	l, err := scanGIF(data, maxPixels)
	if err != nil {
		return nil, err
	}
	if len(l.frames) == 0 {
		return nil, fmt.Errorf("imgio: gif: no complete frame: %w", ErrCorrupt)
	}
	src := data
	if !l.trailer || l.outside {
		src = bytes.Clone(data[:l.end])
		src = append(src, 0x3b)
	}
	if l.outside {
		// image/gif refuses frames past the screen. Decode each one at the
		// screen's origin on a screen as big as the biggest frame, then put
		// it back where it was: Paletted's bounds are only coordinates.
		var sw, sh int
		for _, r := range l.frames {
			sw, sh = max(sw, r.Dx()), max(sh, r.Dy())
		}
		src[6], src[7], src[8], src[9] = byte(sw), byte(sw>>8), byte(sh), byte(sh>>8)
		if err := zeroFrameOrigins(src); err != nil {
			return nil, err
		}
	}
	g, err := gif.DecodeAll(bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("imgio: gif: %w: %w", ErrCorrupt, err)
	}
	if len(g.Image) != len(l.frames) {
		return nil, fmt.Errorf("imgio: gif: decoded %d frames, found %d: %w", len(g.Image), len(l.frames), ErrCorrupt)
	}
	a := &Animation{
		Width: l.screen.Dx(), Height: l.screen.Dy(),
		Frames: g.Image, Delay: g.Delay, Disposal: g.Disposal, LoopCount: g.LoopCount, BackgroundIndex: g.BackgroundIndex,
		keyframe: make([]bool, len(g.Image)),
	}
	if data[10]&0x80 != 0 {
		a.Global = bytes.Clone(data[13 : 13+3<<(data[10]&7+1)])
	}
	for i, m := range a.Frames {
		r := l.frames[i]
		m.Rect = r
		a.keyframe[i] = l.screen.In(r) && a.Disposal[i] != DisposalPrevious && !hasTransparent(m, l.screen)
	}
	return a, nil
}

// hasTransparent reports whether m shows any transparent pixel inside s.
func hasTransparent(m *image.Paletted, s image.Rectangle) bool {
	ti := transparentIndex(m.Palette)
	if ti < 0 {
		return false
	}
	r := m.Rect.Intersect(s)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := m.PixOffset(r.Min.X, y)
		if bytes.IndexByte(m.Pix[i:i+r.Dx()], byte(ti)) >= 0 {
			return true
		}
	}
	return false
}

// transparentIndex is the index image/gif gave a zero alpha, or -1.
func transparentIndex(p color.Palette) int {
	for i, c := range p {
		if _, _, _, a := c.RGBA(); a == 0 {
			return i
		}
	}
	return -1
}

// zeroFrameOrigins sets every image descriptor's left and top to 0 in a
// GIF that scanGIF has already walked.
func zeroFrameOrigins(data []byte) error {
	p := 13
	if data[10]&0x80 != 0 {
		p += 3 << (data[10]&7 + 1)
	}
	skip := func(q int) int {
		for q < len(data) {
			n := int(data[q])
			q += 1 + n
			if n == 0 {
				return q
			}
		}
		return len(data)
	}
	for p < len(data) {
		switch data[p] {
		case 0x21:
			p = skip(p + 2)
		case 0x2c:
			clear(data[p+1 : p+5])
			q := p + 10
			if data[p+9]&0x80 != 0 {
				q += 3 << (data[p+9]&7 + 1)
			}
			p = skip(q + 1)
		default:
			return nil
		}
	}
	return nil
}

// Composer composes an Animation's frames as a browser shows them, into one
// reused RGBA buffer: frame i is frame i drawn over what frame i-1 left
// after its disposal. Playing forward costs one frame's rectangle a step;
// going back starts again from the nearest keyframe (a frame covering the
// whole screen with no transparency), or the first frame.
type Composer struct {
	a     *Animation
	cur   *image.RGBA // the screen showing frame n
	n     int         // -1: nothing composed
	saved []byte      // for DisposalPrevious: the screen under frame n before it was drawn
	pal   [256][4]uint8
}

// NewComposer returns a Composer for a.
func (a *Animation) NewComposer() *Composer {
	return &Composer{a: a, n: -1, cur: image.NewRGBA(image.Rect(0, 0, a.Width, a.Height))}
}

// Frame returns frame i as shown: premultiplied RGBA, every pixel either
// opaque or transparent black. The image belongs to the Composer and stays
// valid until its next call; the caller must not change it.
func (c *Composer) Frame(i int) *image.RGBA {
	if i < 0 || i >= len(c.a.Frames) {
		panic(fmt.Sprintf("imgio: compose frame %d of %d", i, len(c.a.Frames)))
	}
	k := i // the last keyframe at or before i, else 0
	for k > 0 && !c.a.keyframe[k] {
		k--
	}
	if c.n < k || c.n > i {
		clear(c.cur.Pix)
		c.n = k - 1
		c.saved = c.saved[:0]
	}
	for c.n < i {
		c.step()
	}
	return c.cur
}

// step disposes of frame n and draws frame n+1.
func (c *Composer) step() {
	screen := c.cur.Rect
	if c.n >= 0 {
		r := c.a.Frames[c.n].Rect.Intersect(screen)
		switch c.a.Disposal[c.n] {
		case DisposalBackground:
			// Browsers clear to transparent, not to the background colour.
			for y := r.Min.Y; y < r.Max.Y; y++ {
				i := c.cur.PixOffset(r.Min.X, y)
				clear(c.cur.Pix[i : i+4*r.Dx()])
			}
		case DisposalPrevious:
			c.copyRect(r, false)
		}
	}
	c.n++
	m := c.a.Frames[c.n]
	r := m.Rect.Intersect(screen)
	if c.a.Disposal[c.n] == DisposalPrevious {
		c.copyRect(r, true)
	}
	c.pal = [256][4]uint8{}
	ti := -1
	for i, col := range m.Palette {
		if i == 256 {
			break
		}
		cr, cg, cb, ca := col.RGBA()
		if ca == 0 && ti < 0 {
			ti = i
		}
		c.pal[i] = [4]uint8{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		si := m.PixOffset(r.Min.X, y)
		di := c.cur.PixOffset(r.Min.X, y)
		for _, v := range m.Pix[si : si+r.Dx()] {
			if int(v) != ti {
				p := &c.pal[v]
				copy(c.cur.Pix[di:di+4], p[:])
			}
			di += 4
		}
	}
}

// copyRect saves (save) or restores the screen's pixels inside r.
func (c *Composer) copyRect(r image.Rectangle, save bool) {
	n := 4 * r.Dx()
	if save {
		c.saved = c.saved[:0]
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := c.cur.PixOffset(r.Min.X, y)
		if save {
			c.saved = append(c.saved, c.cur.Pix[i:i+n]...)
		} else {
			k := (y - r.Min.Y) * n
			if k+n <= len(c.saved) {
				copy(c.cur.Pix[i:i+n], c.saved[k:k+n])
			}
		}
	}
}

// Animated reports, from the headers alone, whether data is an animation:
// a GIF with more than one frame, a PNG with an acTL chunk before its image
// data (APNG), or a WebP with an ANIM chunk. Decode opens each as its first
// frame; only GIFs play (DecodeAnimation).
func Animated(data []byte) bool {
	switch {
	case bytes.HasPrefix(data, []byte("GIF8")):
		l, _ := scanGIF(data, 1<<31-1)
		return len(l.frames) > 1
	case bytes.HasPrefix(data, []byte(pngSignature)):
		for p := len(pngSignature); p+8 <= len(data); {
			n := int(binary.BigEndian.Uint32(data[p:]))
			switch string(data[p+4 : p+8]) {
			case "acTL":
				return true
			case "IDAT", "IEND":
				return false
			}
			if n < 0 || n > len(data) {
				return false
			}
			p += 12 + n
		}
	case len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		for p := 12; p+8 <= len(data); {
			if string(data[p:p+4]) == "ANIM" {
				return true
			}
			n := int(binary.LittleEndian.Uint32(data[p+4:]))
			if n < 0 || n > len(data) {
				return false
			}
			p += 8 + n + n&1
		}
	}
	return false
}
