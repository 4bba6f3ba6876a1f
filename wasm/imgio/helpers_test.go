package imgio

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

var (
	red    = color.RGBA{255, 0, 0, 255}
	green  = color.RGBA{0, 255, 0, 255}
	blue   = color.RGBA{0, 0, 255, 255}
	yellow = color.RGBA{255, 255, 0, 255}
)

// quadrants returns a w x h image whose four quadrants are tl, tr, bl, br:
// an image that looks different under every one of the 8 orientations.
func quadrants(w, h int, tl, tr, bl, br color.RGBA) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := tl
			switch {
			case x >= w/2 && y < h/2:
				c = tr
			case x < w/2 && y >= h/2:
				c = bl
			case x >= w/2 && y >= h/2:
				c = br
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

// quadrantColours samples the centre of each quadrant of m.
func quadrantColours(m image.Image) [4]color.RGBA {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	at := func(x, y int) color.RGBA {
		return color.RGBAModel.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
	}
	return [4]color.RGBA{at(w/4, h/4), at(3*w/4, h/4), at(w/4, 3*h/4), at(3*w/4, 3*h/4)}
}

// near reports whether two colours differ by at most tol in every channel.
func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B) && d(a.A, b.A)
}

// photoLike returns a deterministic w x h image with what makes photos
// expensive to compress: smooth gradients, mid-frequency detail and a little
// per-pixel sensor noise. Flat colour would flatter every encoder.
func photoLike(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	fw, fh := float64(w), float64(h)
	for y := 0; y < h; y++ {
		fy := float64(y) / fh
		for x := 0; x < w; x++ {
			fx := float64(x) / fw
			detail := 30 * math.Sin(fx*37+math.Sin(fy*11)*3) * math.Cos(fy*29+fx*7)
			r := 90 + 120*fx + detail
			g := 60 + 100*fy + detail*0.8
			b := 140 - 80*fx*fy + detail*0.5
			i := m.PixOffset(x, y)
			m.Pix[i+0] = clamp8(r + float64(rng.IntN(9)-4))
			m.Pix[i+1] = clamp8(g + float64(rng.IntN(9)-4))
			m.Pix[i+2] = clamp8(b + float64(rng.IntN(9)-4))
			m.Pix[i+3] = 255
		}
	}
	return m
}

func clamp8(v float64) uint8 {
	return uint8(max(0, min(255, v)))
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodeGIF(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, m, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader returns a PNG signature plus a well-formed IHDR chunk (valid
// CRC) announcing w x h, and nothing else: all DecodeConfig needs.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 0, 17)
	ihdr = append(ihdr, "IHDR"...)
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	out := []byte(pngSignature)
	out = binary.BigEndian.AppendUint32(out, 13)
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}

// jpegHeader returns SOI, a baseline SOF0 segment announcing w x h and the
// start of an SOS segment: as far as DecodeConfig reads.
func jpegHeader(w, h uint16) []byte {
	out := []byte{0xff, 0xd8, 0xff, 0xc0, 0, 11, 8}
	out = binary.BigEndian.AppendUint16(out, h)
	out = binary.BigEndian.AppendUint16(out, w)
	return append(out, 1, 1, 0x11, 0, 0xff, 0xda, 0, 8)
}

// gifHeader returns a GIF header and logical screen descriptor of w x h.
func gifHeader(w, h uint16) []byte {
	out := []byte("GIF89a")
	out = binary.LittleEndian.AppendUint16(out, w)
	out = binary.LittleEndian.AppendUint16(out, h)
	return append(out, 0, 0, 0)
}

// webpVP8XHeader returns a RIFF/WEBP file with only a VP8X chunk announcing
// a w x h canvas.
func webpVP8XHeader(w, h uint32) []byte {
	chunk := []byte("VP8X")
	chunk = binary.LittleEndian.AppendUint32(chunk, 10)
	chunk = append(chunk, 0, 0, 0, 0)
	chunk = append(chunk, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	chunk = append(chunk, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(4+len(chunk)))
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

// byteOrder is what binary.LittleEndian and binary.BigEndian both are.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffEntry is one IFD entry for buildTIFF.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    uint32 // the raw 4-byte value field
}

// buildTIFF returns a TIFF structure (the body of an EXIF segment) with one
// IFD holding entries, in the given byte order.
func buildTIFF(order byteOrder, entries ...tiffEntry) []byte {
	var out []byte
	if order.String() == binary.LittleEndian.String() {
		out = append(out, "II"...)
	} else {
		out = append(out, "MM"...)
	}
	out = order.AppendUint16(out, 42)
	out = order.AppendUint32(out, 8)
	out = order.AppendUint16(out, uint16(len(entries)))
	for _, e := range entries {
		out = order.AppendUint16(out, e.tag)
		out = order.AppendUint16(out, e.typ)
		out = order.AppendUint32(out, e.count)
		if e.typ == 3 && e.count == 1 {
			// A SHORT value is left-justified in the value field.
			out = order.AppendUint16(out, uint16(e.value))
			out = order.AppendUint16(out, 0)
		} else {
			out = order.AppendUint32(out, e.value)
		}
	}
	return order.AppendUint32(out, 0) // no next IFD
}

// orientationTIFF is a minimal EXIF body carrying orientation o.
func orientationTIFF(order byteOrder, o int) []byte {
	return buildTIFF(order,
		tiffEntry{tag: 0x010f, typ: 2, count: 4, value: 0x00656f47}, // Make "Goe"
		tiffEntry{tag: tagOrientation, typ: 3, count: 1, value: uint32(o)},
	)
}

// withAPP1 inserts an APP1 segment with the given payload right after a
// JPEG's SOI marker.
func withAPP1(jpg []byte, payload []byte) []byte {
	seg := []byte{0xff, 0xe1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// withExif adds an EXIF block carrying tiff to a JPEG.
func withExif(jpg, tiff []byte) []byte {
	return withAPP1(jpg, append([]byte("Exif\x00\x00"), tiff...))
}
