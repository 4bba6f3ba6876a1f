package imgio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// gpsTIFF is an EXIF body like a phone's: make, orientation and a pointer to
// a GPS IFD.
func gpsTIFF(order byteOrder, o int) []byte {
	return buildTIFF(order,
		tiffEntry{tag: 0x010f, typ: 2, count: 4, value: 0x00656f47},
		tiffEntry{tag: tagOrientation, typ: 3, count: 1, value: uint32(o)},
		tiffEntry{tag: 0x8825, typ: 4, count: 1, value: 8}, // GPS IFD (pointing at IFD0 will do)
	)
}

func jpegSegment(marker byte, body string) []byte {
	seg := []byte{0xff, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(body)+2))
	return append(seg, body...)
}

// withSegments inserts segments after a JPEG's SOI.
func withSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// jpegMarkers lists a JPEG's segment markers up to the first scan, with the
// first bytes of each APPn body so a kept segment is identified.
func jpegMarkers(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	for i := 2; i+4 <= len(b); {
		m := b[i+1]
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		name := string(rune(m))
		switch {
		case m >= 0xe0 && m <= 0xef:
			body := b[i+4 : i+2+n]
			name = "APP" + string("0123456789ABCDEF"[m-0xe0]) + ":" + string(body[:min(4, len(body))])
		case m == 0xda:
			return append(out, "SOS")
		case m == 0xdb:
			name = "DQT"
		case m == 0xc4:
			name = "DHT"
		case m == 0xc0:
			name = "SOF0"
		case m == 0xfe:
			name = "COM"
		}
		out = append(out, name)
		i += 2 + n
	}
	t.Fatal("no SOS")
	return nil
}

func pngChunk(typ, body string) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	out = append(out, typ...)
	out = append(out, body...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[4:]))
}

// withPNGChunks inserts chunks right after IHDR.
func withPNGChunks(p []byte, chunks ...[]byte) []byte {
	at := len(pngSignature) + 25
	out := append([]byte{}, p[:at]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[at:]...)
}

func pngChunks(b []byte) []string {
	var out []string
	for i := len(pngSignature); i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		out = append(out, string(b[i+4:i+8]))
		i += 12 + n
	}
	return out
}

func riffChunk(typ string, body []byte) []byte {
	out := append([]byte(typ), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	out = append(out, body...)
	if len(body)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

func riff(chunks ...[]byte) []byte {
	var body []byte
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := []byte("RIFF")
	out = binary.LittleEndian.AppendUint32(out, uint32(4+len(body)))
	out = append(out, "WEBP"...)
	return append(out, body...)
}

func webpChunks(t *testing.T, b []byte) []string {
	t.Helper()
	if got := binary.LittleEndian.Uint32(b[4:]); int(got) != len(b)-8 {
		t.Errorf("RIFF size %d, file is %d bytes", got, len(b))
	}
	var out []string
	for i := 12; i+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		out = append(out, string(b[i:i+4]))
		i += 8 + n + n&1
	}
	return out
}

// withVP8X wraps a simple (VP8 or VP8L) WebP into an extended one with
// extra chunks before and after the image data.
func withVP8X(simple []byte, w, h int, flags byte, before, after [][]byte) []byte {
	x := []byte{flags, 0, 0, 0}
	x = append(x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	chunks := [][]byte{riffChunk("VP8X", x)}
	chunks = append(chunks, before...)
	chunks = append(chunks, simple[12:])
	chunks = append(chunks, after...)
	return riff(chunks...)
}

func gifBlocks(b []byte) []string {
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (b[10]&7 + 1)
	}
	var out []string
	skip := func(j int) int {
		for b[j] != 0 {
			j += 1 + int(b[j])
		}
		return j + 1
	}
	for i < len(b) {
		switch b[i] {
		case 0x3b:
			return append(out, "trailer")
		case 0x2c:
			j := i + 10
			if b[i+9]&0x80 != 0 {
				j += 3 << (b[i+9]&7 + 1)
			}
			out = append(out, "image")
			i = skip(j + 1)
		case 0x21:
			name := map[byte]string{0xf9: "gce", 0xfe: "comment", 0x01: "text"}[b[i+1]]
			if b[i+1] == 0xff {
				name = "app:" + string(b[i+3:i+14])
			}
			out = append(out, name)
			i = skip(i + 2)
		}
	}
	return out
}

// gifExt is an extension block whose data is one sub-block per element.
func gifExt(label byte, blocks ...string) []byte {
	out := []byte{0x21, label}
	for _, b := range blocks {
		out = append(out, byte(len(b)))
		out = append(out, b...)
	}
	return append(out, 0)
}

// withGIFBlocks inserts blocks before the first image (after the header and
// global colour table).
func withGIFBlocks(g []byte, blocks ...[]byte) []byte {
	at := 13
	if g[10]&0x80 != 0 {
		at += 3 << (g[10]&7 + 1)
	}
	out := append([]byte{}, g[:at]...)
	for _, b := range blocks {
		out = append(out, b...)
	}
	return append(out, g[at:]...)
}

func TestStrip(t *testing.T) {
	small := quadrants(16, 12, red, green, blue, yellow)
	jpg := encodeJPEG(t, small, 90)
	pngFile := encodePNG(t, small)
	gifFile := encodeGIF(t, small)
	lossy, err := os.ReadFile(filepath.Join("testdata", "quadrants-lossy.webp"))
	if err != nil {
		t.Fatal(err)
	}
	lossless, err := os.ReadFile(filepath.Join("testdata", "quadrants-lossless.webp"))
	if err != nil {
		t.Fatal(err)
	}
	le, be := binary.LittleEndian, binary.BigEndian
	icc := jpegSegment(0xe2, "ICC_PROFILE\x00\x01\x01fake-profile")
	exifGPS := jpegSegment(0xe1, "Exif\x00\x00"+string(gpsTIFF(le, 6)))
	xmp := jpegSegment(0xe1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>creator</x:xmpmeta>")
	iptc := jpegSegment(0xed, "Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x05secret")
	com := jpegSegment(0xfe, "shot at home")
	mpf := jpegSegment(0xe2, "MPF\x00second image here")
	adobe := jpegSegment(0xee, "Adobe\x00\x64\x00\x00\x00\x00\x01")
	ducky := jpegSegment(0xec, "Ducky\x00")

	tests := []struct {
		name     string
		in       []byte
		want     []string // structure of the output, as the lister for the format names it
		removed  []string
		location bool
	}{
		{"JPEGPhoneMetadata", withSegments(jpg, exifGPS, xmp, icc, iptc, com, mpf),
			[]string{"APP1:Exif", "APP2:ICC_", "DQT", "SOF0", "DHT", "SOS"},
			[]string{"exif", "xmp", "iptc", "comment", "other"}, true},
		{"JPEGNoOrientationKeepsNoExif", withSegments(jpg, jpegSegment(0xe1, "Exif\x00\x00"+string(orientationTIFF(be, 1))), com),
			[]string{"DQT", "SOF0", "DHT", "SOS"}, []string{"exif", "comment"}, false},
		{"JPEGKeepsAdobeDropsDucky", withSegments(jpg, adobe, ducky),
			[]string{"APPE:Adob", "DQT", "SOF0", "DHT", "SOS"}, []string{"other"}, false},
		{"JPEGDropsTrailer", append(withSegments(jpg, com), "appended image with EXIF"...),
			[]string{"DQT", "SOF0", "DHT", "SOS"}, []string{"comment", "trailer"}, false},
		{"JPEGJFIFStaysFirst", withSegments(jpg, jpegSegment(0xe0, "JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"), exifGPS),
			[]string{"APP0:JFIF", "APP1:Exif", "DQT", "SOF0", "DHT", "SOS"}, []string{"exif"}, true},
		{"JPEGCommentAfterScan", append(append(slices.Clone(jpg[:len(jpg)-2]), com...), 0xff, 0xd9),
			[]string{"DQT", "SOF0", "DHT", "SOS"}, []string{"comment"}, false},
		{"JPEGClean", jpg, []string{"DQT", "SOF0", "DHT", "SOS"}, nil, false},
		{"PNGTextExifTime", withPNGChunks(pngFile,
			pngChunk("iCCP", "p\x00\x00x"), pngChunk("gAMA", "\x00\x00\xb1\x8f"), pngChunk("pHYs", "\x00\x00\x0b\x13\x00\x00\x0b\x13\x01"),
			pngChunk("tEXt", "Comment\x00shot at home"), pngChunk("zTXt", "Author\x00\x00x"),
			pngChunk("iTXt", "XML:com.adobe.xmp\x00\x00\x00\x00\x00<x/>"), pngChunk("eXIf", string(gpsTIFF(be, 1))),
			pngChunk("tIME", "\x07\xea\x01\x02\x03\x04\x05"), pngChunk("prVt", "private")),
			[]string{"IHDR", "iCCP", "gAMA", "pHYs", "IDAT", "IEND"},
			[]string{"text", "xmp", "exif", "time", "other"}, true},
		{"PNGDropsTrailer", append(slices.Clone(pngFile), "junk"...), []string{"IHDR", "IDAT", "IEND"}, []string{"trailer"}, false},
		{"WebPExtendedExifXMP", withVP8X(lossy, 48, 32, vp8xICC|vp8xEXIF|vp8xXMP,
			[][]byte{riffChunk("ICCP", []byte("fake-profile"))},
			[][]byte{riffChunk("EXIF", append([]byte("Exif\x00\x00"), gpsTIFF(le, 1)...)), riffChunk("XMP ", []byte("<x:xmpmeta/>"))}),
			[]string{"VP8X", "ICCP", "VP8 "}, []string{"exif", "xmp"}, true},
		{"WebPLosslessOddChunk", withVP8X(lossless, 48, 32, vp8xEXIF, nil, [][]byte{riffChunk("EXIF", []byte("odd"))}),
			[]string{"VP8X", "VP8L"}, []string{"exif"}, false},
		{"WebPSimpleDropsTrailer", append(slices.Clone(lossy), "junk"...), []string{"VP8 "}, []string{"trailer"}, false},
		{"GIFCommentsXMPLoop", withGIFBlocks(gifFile,
			gifExt(0xff, "NETSCAPE2.0", "\x01\x00\x00"), gifExt(0xfe, "made by", " someone"),
			gifExt(0xff, "XMP DataXMP", "<x:xmpmeta/>"), gifExt(0xff, "OTHERAPP1.0", "data")),
			[]string{"app:NETSCAPE2.0", "image", "trailer"}, []string{"comment", "xmp", "other"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, s, err := Strip(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			switch s.Format {
			case "jpeg":
				got = jpegMarkers(t, out)
			case "png":
				got = pngChunks(out)
			case "webp":
				got = webpChunks(t, out)
			case "gif":
				got = gifBlocks(out)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("structure %q, want %q", got, tc.want)
			}
			if !slices.Equal(s.Removed, tc.removed) {
				t.Errorf("removed %q, want %q", s.Removed, tc.removed)
			}
			if s.Location != tc.location {
				t.Errorf("location %v, want %v", s.Location, tc.location)
			}
			if len(out) > len(tc.in) {
				t.Errorf("grew from %d to %d bytes", len(tc.in), len(out))
			}
			// The same pixels, the same way up.
			m0, i0, err := Decode(tc.in, 0)
			if err != nil {
				t.Fatal(err)
			}
			m1, i1, err := Decode(out, 0)
			if err != nil {
				t.Fatalf("stripped file does not decode: %v", err)
			}
			if i0 != i1 || !bytes.Equal(m0.Pix, m1.Pix) {
				t.Errorf("decoded %+v differs from the original's %+v (or its pixels do)", i1, i0)
			}
			// Stripping is idempotent and a clean file comes back unchanged.
			again, s2, err := Strip(out)
			if err != nil || !bytes.Equal(again, out) || len(s2.Removed) != 0 {
				t.Errorf("second strip changed it (err %v, removed %q)", err, s2.Removed)
			}
		})
	}
}

func TestStripKeepsOrientationOnly(t *testing.T) {
	jpg := encodeJPEG(t, quadrants(16, 12, red, green, blue, yellow), 90)
	for _, o := range []int{2, 3, 6, 8} {
		in := withSegments(jpg, jpegSegment(0xe1, "Exif\x00\x00"+string(gpsTIFF(binary.LittleEndian, o))))
		out, _, err := Strip(in)
		if err != nil {
			t.Fatal(err)
		}
		tiff, err := jpegExif(out)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := exifOrientation(tiff); err != nil || got != o {
			t.Errorf("orientation %d (%v), want %d", got, err, o)
		}
		if exifHasGPS(tiff) || bytes.Contains(tiff, []byte("Goe")) {
			t.Errorf("orientation %d: EXIF kept more than the orientation: %q", o, tiff)
		}
	}
}

func TestStripRejects(t *testing.T) {
	jpg := encodeJPEG(t, quadrants(16, 12, red, green, blue, yellow), 90)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"Empty", nil, ErrEmpty},
		{"NotAnImage", []byte("<svg onload=alert(1)>"), ErrUnsupported},
		{"JPEGCutInScan", jpg[:len(jpg)-10], ErrCorrupt},
		{"JPEGSegmentTooLong", []byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 0}, ErrCorrupt},
		{"PNGNoIEND", pngHeader(4, 4), ErrCorrupt},
		{"PNGUnknownCritical", withPNGChunks(encodePNG(t, quadrants(4, 4, red, green, blue, yellow)), pngChunk("ABCD", "")), ErrCorrupt},
		{"WebPBadSize", []byte("RIFF\xff\xff\x00\x00WEBPVP8 "), ErrCorrupt},
		{"GIFNoTrailer", gifHeader(4, 4), ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Strip(tc.in)
			if !errors.Is(err, tc.want) || out != nil {
				t.Fatalf("got %d bytes, error %v; want %v", len(out), err, tc.want)
			}
		})
	}
}

// FuzzStrip: no panic; a result is never larger than the input, starts with
// the same signature, strips to itself again, and decodes whenever the
// input did, to the same pixels.
func FuzzStrip(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		out, s, err := Strip(data)
		if err != nil {
			if out != nil {
				t.Fatal("bytes returned with an error")
			}
			return
		}
		if len(out) > len(data)+1 { // +1: a WebP's missing final pad byte
			t.Fatalf("grew from %d to %d bytes", len(data), len(out))
		}
		again, s2, err := Strip(out)
		if err != nil || !bytes.Equal(again, out) || len(s2.Removed) != 0 {
			t.Fatalf("not idempotent: err %v, removed %q (first %q)", err, s2.Removed, s.Removed)
		}
		m0, _, err0 := Decode(data, fuzzMaxPixels)
		if err0 != nil {
			return
		}
		m1, _, err1 := Decode(out, fuzzMaxPixels)
		if err1 != nil {
			t.Fatalf("input decodes, stripped output does not: %v", err1)
		}
		if !bytes.Equal(m0.Pix, m1.Pix) {
			t.Fatal("stripped output decodes to other pixels")
		}
	})
}

func TestStripCountsFrames(t *testing.T) {
	g := encodeGIF(t, quadrants(8, 6, red, green, blue, yellow))
	// A second image block copied from the first: a two-frame GIF.
	blocks := g[:len(g)-1]
	at := 13 + 3<<(g[10]&7+1)
	two := append(append(slices.Clone(blocks), g[at:len(g)-1]...), 0x3b)
	for _, tc := range []struct {
		name string
		in   []byte
		want int
	}{{"StillJPEG", encodeJPEG(t, quadrants(8, 6, red, green, blue, yellow), 80), 1}, {"OneFrameGIF", g, 1}, {"TwoFrameGIF", two, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			_, s, err := Strip(tc.in)
			if err != nil || s.Frames != tc.want {
				t.Fatalf("frames %d (err %v), want %d", s.Frames, err, tc.want)
			}
		})
	}
}
