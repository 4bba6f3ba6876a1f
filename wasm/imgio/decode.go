package imgio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"golang.org/x/image/webp"
)

// DefaultMaxPixels is the pixel limit Decode applies when maxPixels is 0 or
// negative: 50 megapixels, room for any phone photo while one RGBA copy
// (200 MB) still fits a browser tab.
const DefaultMaxPixels = 50_000_000

// Sentinel errors. Every error Decode returns wraps exactly one of them.
var (
	ErrUnsupported = errors.New("unsupported image format")
	ErrTooLarge    = errors.New("image too large")
	ErrEmpty       = errors.New("empty image")
	ErrCorrupt     = errors.New("corrupt or truncated image")
)

// TooLargeError is the ErrTooLarge Decode returns: the size the header
// announced, so a caller can tell the person without parsing the text.
type TooLargeError struct {
	Width, Height, MaxPixels int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%dx%d is %d pixels, over the limit of %d: %v",
		e.Width, e.Height, int64(e.Width)*int64(e.Height), e.MaxPixels, ErrTooLarge)
}

func (e *TooLargeError) Unwrap() error { return ErrTooLarge }

// Info describes a decoded image.
type Info struct {
	// Format is "jpeg", "png", "gif" or "webp".
	Format string
	// Width and Height are the size after EXIF orientation, i.e. the size of
	// the returned image.
	Width, Height int
	// Orientation is the EXIF orientation (1-8) that was applied; 1 when the
	// file has none, is not a JPEG, or its EXIF block is unreadable.
	Orientation int
}

// Format is an image format Decode accepts: its name (Info.Format), media
// type, file extension and the bytes a file of it starts with. The page
// reads this table from site/contract.js to check a file before sending it.
type Format struct {
	Name  string `json:"name"`
	Label string `json:"label"` // for people
	MIME  string `json:"mime"`
	Ext   string `json:"ext"`
	// Magic lists the signatures, any of which marks the format: each is a
	// set of byte strings at given offsets, all of which must be there.
	Magic [][]Bytes `json:"magic"`
}

// Bytes is a byte string expected at an offset of a file.
type Bytes struct {
	Offset int    `json:"offset"`
	Bytes  []byte `json:"bytes"`
}

// Formats is the table of accepted formats, in the order they are tried.
var Formats = []Format{
	// SOI alone: a file cut right after it is a damaged JPEG (ErrCorrupt),
	// not an unknown format.
	{"jpeg", "JPEG", "image/jpeg", "jpg", [][]Bytes{{{0, []byte("\xff\xd8")}}}},
	{"png", "PNG", "image/png", "png", [][]Bytes{{{0, []byte(pngSignature)}}}},
	{"gif", "GIF", "image/gif", "gif", [][]Bytes{{{0, []byte("GIF87a")}}, {{0, []byte("GIF89a")}}}},
	{"webp", "WebP", "image/webp", "webp", [][]Bytes{{{0, []byte("RIFF")}, {8, []byte("WEBP")}}}},
}

// Sniff returns the format data starts with, if Formats has it.
func Sniff(data []byte) (Format, bool) {
	for _, f := range Formats {
		for _, sig := range f.Magic {
			if matches(data, sig) {
				return f, true
			}
		}
	}
	return Format{}, false
}

func matches(data []byte, sig []Bytes) bool {
	for _, b := range sig {
		if len(data) < b.Offset+len(b.Bytes) || !bytes.Equal(data[b.Offset:b.Offset+len(b.Bytes)], b.Bytes) {
			return false
		}
	}
	return true
}

// codec decodes one format. Decoding goes through this table rather than
// image.Decode so that a format some other package registers globally is
// not silently accepted from untrusted input.
type codec struct {
	name   string
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var codecs = map[string]codec{
	"jpeg": {config: jpeg.DecodeConfig, decode: jpeg.Decode},
	"png":  {config: png.DecodeConfig, decode: png.Decode},
	"gif":  {config: gif.DecodeConfig, decode: gif.Decode},
	"webp": {config: webp.DecodeConfig, decode: webp.Decode},
}

const pngSignature = "\x89PNG\r\n\x1a\n"

// Decode decodes a JPEG, PNG, GIF (first frame) or WebP image into an RGBA
// image whose bounds start at (0, 0), with a JPEG's EXIF orientation applied.
//
// maxPixels bounds width*height; 0 or less means DefaultMaxPixels. The limit
// is checked from the header alone, before any pixel memory is allocated.
func Decode(data []byte, maxPixels int) (*image.RGBA, Info, error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	if len(data) == 0 {
		return nil, Info{}, fmt.Errorf("imgio: decode: no bytes: %w", ErrEmpty)
	}
	format, ok := Sniff(data)
	if !ok {
		return nil, Info{}, fmt.Errorf("imgio: decode: %w (want JPEG, PNG, GIF or WebP)", ErrUnsupported)
	}
	c := codecs[format.Name]
	c.name = format.Name

	// The png package refuses a 0x0 header as a generic format error; read
	// the IHDR size ourselves so "empty" is reported as empty.
	if c.name == "png" && len(data) >= 24 && string(data[12:16]) == "IHDR" {
		if binary.BigEndian.Uint32(data[16:20]) == 0 || binary.BigEndian.Uint32(data[20:24]) == 0 {
			return nil, Info{}, fmt.Errorf("imgio: decode png: 0x0 image: %w", ErrEmpty)
		}
	}
	cfg, err := c.config(bytes.NewReader(data))
	if err != nil {
		return nil, Info{}, fmt.Errorf("imgio: decode %s header: %w: %w", c.name, ErrCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, Info{}, fmt.Errorf("imgio: decode %s: %dx%d image: %w", c.name, cfg.Width, cfg.Height, ErrEmpty)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > int64(maxPixels) {
		return nil, Info{}, fmt.Errorf("imgio: decode %s: %w", c.name, &TooLargeError{cfg.Width, cfg.Height, maxPixels})
	}

	src, err := c.decode(bytes.NewReader(data))
	if err != nil {
		return nil, Info{}, fmt.Errorf("imgio: decode %s: %w: %w", c.name, ErrCorrupt, err)
	}
	b := src.Bounds()
	// A GIF frame may sit anywhere inside its logical screen; every other
	// format must decode to exactly the size its header announced.
	canvas := image.Rect(0, 0, cfg.Width, cfg.Height)
	if c.name == "gif" {
		if !b.In(canvas) {
			return nil, Info{}, fmt.Errorf("imgio: decode gif: frame %v outside screen %v: %w", b, canvas, ErrCorrupt)
		}
	} else if b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, Info{}, fmt.Errorf("imgio: decode %s: decoded %dx%d, header said %dx%d: %w",
			c.name, b.Dx(), b.Dy(), cfg.Width, cfg.Height, ErrCorrupt)
	}

	orientation := 1
	if c.name == "jpeg" {
		// A broken EXIF block must not make a viewable photo unusable: every
		// browser shows such a file upright-as-stored, so do the same.
		if o, err := jpegOrientation(data); err == nil {
			orientation = o
		}
	}

	var dst *image.RGBA
	if c.name == "gif" {
		dst = image.NewRGBA(canvas)
		toRGBA(dst, b, src, b.Min)
	} else {
		dst = orient(src, orientation)
	}
	info := Info{Format: c.name, Width: dst.Rect.Dx(), Height: dst.Rect.Dy(), Orientation: orientation}
	return dst, info, nil
}

// toRGBA copies src (from sp) into dst's rectangle r, using image/draw's
// fast paths where they exist and small ones of our own for the types a
// decoder returns that image/draw handles only through the generic,
// interface-per-pixel path.
func toRGBA(dst *image.RGBA, r image.Rectangle, src image.Image, sp image.Point) {
	switch s := src.(type) {
	case *image.Paletted:
		var pal [256][4]uint8
		for i, c := range s.Palette {
			if i == 256 {
				break
			}
			r, g, b, a := c.RGBA()
			pal[i] = [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			si := s.PixOffset(sp.X, sp.Y+y-r.Min.Y)
			di := dst.PixOffset(r.Min.X, y)
			for x := r.Min.X; x < r.Max.X; x++ {
				// Indexes past the palette decode as transparent black, as
				// a zero entry of pal is.
				p := pal[s.Pix[si]]
				copy(dst.Pix[di:di+4], p[:])
				si++
				di += 4
			}
		}
	case *image.NYCbCrA:
		draw.Draw(dst, r, &s.YCbCr, sp, draw.Src)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			ai := s.AOffset(sp.X, sp.Y+y-r.Min.Y)
			di := dst.PixOffset(r.Min.X, y)
			for x := r.Min.X; x < r.Max.X; x++ {
				// Premultiply exactly as color.NYCbCrA.RGBA does.
				a := uint32(s.A[ai]) * 0x101
				for k := 0; k < 3; k++ {
					c := uint32(dst.Pix[di+k]) * 0x101
					dst.Pix[di+k] = uint8((c * a / 0xffff) >> 8)
				}
				dst.Pix[di+3] = s.A[ai]
				ai++
				di += 4
			}
		}
	default:
		draw.Draw(dst, r, src, sp, draw.Src)
	}
}

// stripRows is how many source rows orient converts at a time: enough to
// amortise the per-call cost of image/draw, small enough (16 rows of a
// 8000-pixel-wide photo is 512 KB) to not matter next to the output.
const stripRows = 16

// orient returns src converted to RGBA and turned upright according to the
// EXIF orientation o. For o != 1 it converts a strip of rows at a time into a
// small buffer and scatters it into place, so the only full-size allocation
// is the result itself.
func orient(src image.Image, o int) *image.RGBA {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if o < 1 || o > 8 {
		o = 1
	}
	dw, dh := sw, sh
	if o >= 5 {
		dw, dh = sh, sw
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	if o == 1 {
		toRGBA(dst, dst.Rect, src, b.Min)
		return dst
	}

	// The destination byte offset of source pixel (sx, sy) is
	// base + sx*stepX + sy*stepY.
	stride := dst.Stride
	var base, stepX, stepY int
	switch o {
	case 2: // mirrored left-right
		base, stepX, stepY = (sw-1)*4, -4, stride
	case 3: // rotated 180
		base, stepX, stepY = (sw-1)*4+(sh-1)*stride, -4, -stride
	case 4: // mirrored top-bottom
		base, stepX, stepY = (sh-1)*stride, 4, -stride
	case 5: // transposed
		base, stepX, stepY = 0, stride, 4
	case 6: // needs a 90 degree clockwise turn
		base, stepX, stepY = (sh-1)*4, stride, -4
	case 7: // transversed
		base, stepX, stepY = (sh-1)*4+(sw-1)*stride, -stride, -4
	case 8: // needs a 90 degree anticlockwise turn
		base, stepX, stepY = (sw-1)*stride, -stride, 4
	}

	strip := image.NewRGBA(image.Rect(0, 0, sw, min(stripRows, sh)))
	for y0 := 0; y0 < sh; y0 += stripRows {
		n := min(stripRows, sh-y0)
		toRGBA(strip, image.Rect(0, 0, sw, n), src, image.Pt(b.Min.X, b.Min.Y+y0))
		for r := 0; r < n; r++ {
			row := strip.Pix[r*strip.Stride : r*strip.Stride+sw*4]
			d := base + (y0+r)*stepY
			for si := 0; si < len(row); si += 4 {
				copy(dst.Pix[d:d+4], row[si:si+4])
				d += stepX
			}
		}
	}
	return dst
}
