package imgio

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestDecodeFormats(t *testing.T) {
	q := quadrants(48, 32, red, green, blue, yellow)
	webpFile := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	halfRed := color.RGBA{128, 0, 0, 128} // premultiplied red at alpha 128
	halfBlue := color.RGBA{0, 0, 128, 128}
	halfYellow := color.RGBA{128, 128, 0, 128}
	tests := []struct {
		name   string
		data   []byte
		format string
		want   [4]color.RGBA
		tol    int
	}{
		{"DecodesPNG", encodePNG(t, q), "png", [4]color.RGBA{red, green, blue, yellow}, 0},
		{"DecodesJPEG", encodeJPEG(t, q, 95), "jpeg", [4]color.RGBA{red, green, blue, yellow}, 12},
		{"DecodesGrayJPEG", encodeJPEG(t, toGray(q), 95), "jpeg", grayQuadrants(q), 4},
		{"DecodesGIF", encodeGIF(t, q), "gif", [4]color.RGBA{red, green, blue, yellow}, 0},
		{"DecodesLossyWebP", webpFile("quadrants-lossy.webp"), "webp", [4]color.RGBA{red, green, blue, yellow}, 24},
		{"DecodesLosslessWebP", webpFile("quadrants-lossless.webp"), "webp", [4]color.RGBA{red, green, blue, yellow}, 0},
		{"DecodesWebPWithAlphaPremultiplied", webpFile("quadrants-alpha.webp"), "webp", [4]color.RGBA{red, green, halfBlue, halfYellow}, 24},
		{"DecodesPNGWithAlphaPremultiplied", encodePNG(t, &image.NRGBA{Pix: []uint8{255, 0, 0, 128}, Stride: 4, Rect: image.Rect(0, 0, 1, 1)}), "png", [4]color.RGBA{halfRed, halfRed, halfRed, halfRed}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, info, err := Decode(tt.data, 0)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if info.Format != tt.format || info.Orientation != 1 {
				t.Errorf("info = %+v, want format %q orientation 1", info, tt.format)
			}
			if m.Rect.Min != (image.Point{}) || m.Rect.Dx() != info.Width || m.Rect.Dy() != info.Height {
				t.Errorf("bounds %v disagree with info %+v", m.Rect, info)
			}
			got := quadrantColours(m)
			for i := range got {
				if !near(got[i], tt.want[i], tt.tol) {
					t.Errorf("quadrant %d = %v, want %v (±%d)", i, got[i], tt.want[i], tt.tol)
				}
			}
		})
	}
}

func toGray(m image.Image) *image.Gray {
	g := image.NewGray(m.Bounds())
	for y := m.Bounds().Min.Y; y < m.Bounds().Max.Y; y++ {
		for x := m.Bounds().Min.X; x < m.Bounds().Max.X; x++ {
			g.Set(x, y, m.At(x, y))
		}
	}
	return g
}

func grayQuadrants(m image.Image) [4]color.RGBA {
	var out [4]color.RGBA
	for i, c := range quadrantColours(m) {
		y := color.GrayModel.Convert(c).(color.Gray).Y
		out[i] = color.RGBA{y, y, y, 255}
	}
	return out
}

// A GIF's first frame can be smaller than its logical screen and offset in
// it; the result is the whole screen, transparent outside the frame.
func TestDecodeGIFFramePlacedOnScreen(t *testing.T) {
	frame := image.NewPaletted(image.Rect(2, 3, 6, 5), color.Palette{color.RGBA{}, red})
	for i := range frame.Pix {
		frame.Pix[i] = 1
	}
	var buf bytes.Buffer
	if err := encodeGIFAll(&buf, frame, 10, 8); err != nil {
		t.Fatal(err)
	}
	m, info, err := Decode(buf.Bytes(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 10 || info.Height != 8 {
		t.Fatalf("size %dx%d, want the 10x8 screen", info.Width, info.Height)
	}
	for _, p := range []struct {
		x, y int
		want color.RGBA
	}{{0, 0, color.RGBA{}}, {2, 3, red}, {5, 4, red}, {6, 4, color.RGBA{}}, {9, 7, color.RGBA{}}} {
		if got := m.RGBAAt(p.x, p.y); got != p.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", p.x, p.y, got, p.want)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	good := map[string][]byte{
		"png":  encodePNG(t, photoLike(64, 48)),
		"jpeg": encodeJPEG(t, photoLike(64, 48), 90),
		"gif":  encodeGIF(t, quadrants(64, 48, red, green, blue, yellow)),
	}
	lossy, err := os.ReadFile("testdata/quadrants-lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	good["webp"] = lossy

	type tc struct {
		name      string
		data      []byte
		maxPixels int
		want      error
		msg       string // substring of the error text
	}
	tests := []tc{
		{"RejectsNoBytes", nil, 0, ErrEmpty, "no bytes"},
		{"RejectsOversizeHeaderPNG", pngHeader(100_000, 100_000), 0, ErrTooLarge, "100000x100000"},
		{"RejectsOversizeHeaderJPEG", jpegHeader(65535, 65535), 0, ErrTooLarge, "65535x65535"},
		{"RejectsOversizeHeaderGIF", gifHeader(65535, 65535), 0, ErrTooLarge, "gif"},
		{"RejectsOversizeHeaderWebP", webpVP8XHeader(40_000, 40_000), 0, ErrTooLarge, "webp"},
		{"RejectsOverCustomLimit", good["png"], 64*48 - 1, ErrTooLarge, "limit of 3071"},
		{"RejectsZeroSizePNG", pngHeader(0, 0), 0, ErrEmpty, "0x0"},
		{"RejectsZeroWidthPNG", pngHeader(0, 10), 0, ErrEmpty, "0x0"},
		{"RejectsZeroSizeJPEG", jpegHeader(0, 0), 0, ErrEmpty, "0x0"},
		{"RejectsZeroSizeGIF", gifHeader(0, 0), 0, ErrEmpty, "0x0"},
		{"RejectsBMP", append([]byte("BM"), make([]byte, 60)...), 0, ErrUnsupported, "want JPEG, PNG, GIF or WebP"},
		{"RejectsTIFF", []byte("II*\x00\x08\x00\x00\x00"), 0, ErrUnsupported, ""},
		{"RejectsText", []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), 0, ErrUnsupported, ""},
		{"RejectsRIFFThatIsNotWebP", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), 0, ErrUnsupported, ""},
		{"RejectsPNGSignatureOnly", []byte(pngSignature), 0, ErrCorrupt, "png header"},
		{"RejectsPNGBadCRC", flip(good["png"], 29), 0, ErrCorrupt, "png"},
		{"RejectsPNGWithoutPixelData", pngHeader(64, 48), 0, ErrCorrupt, "png"},
		{"RejectsJPEGSOIOnly", []byte{0xff, 0xd8}, 0, ErrCorrupt, "jpeg header"},
		{"RejectsJPEGWithoutScan", jpegHeader(64, 48), 0, ErrCorrupt, "jpeg"},
		{"RejectsWebPHeaderOnly", webpVP8XHeader(48, 32), 0, ErrCorrupt, "webp"},
	}
	// Truncation at every interesting place, in every format.
	for _, format := range []string{"png", "jpeg", "gif", "webp"} {
		data := good[format]
		for _, frac := range []int{10, 50, 90, 99} {
			n := len(data) * frac / 100
			tests = append(tests, tc{"RejectsTruncated/" + format + "/" + strconv.Itoa(frac) + "pct", data[:n], 0, ErrCorrupt, format})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, err := Decode(tt.data, tt.maxPixels)
			if err == nil {
				t.Fatalf("Decode succeeded (%v), want %v", m.Rect, tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %q does not wrap %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "imgio: ") || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q: want prefix \"imgio: \" and text %q", err, tt.msg)
			}
			if m != nil {
				t.Errorf("returned an image with an error")
			}
		})
	}
}

// The underlying decoder's error stays reachable under ErrCorrupt, so a
// caller can log what exactly was wrong with the file.
func TestDecodeCorruptKeepsCause(t *testing.T) {
	data := encodeJPEG(t, photoLike(64, 48), 90)
	_, _, err := Decode(data[:len(data)/2], 0)
	var cause jpeg.FormatError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &cause) {
		t.Fatalf("error %v: want ErrCorrupt wrapping a jpeg.FormatError", err)
	}
}

func TestDecodeLimitIsInclusive(t *testing.T) {
	data := encodePNG(t, photoLike(64, 48))
	if _, _, err := Decode(data, 64*48); err != nil {
		t.Fatalf("image exactly at the limit refused: %v", err)
	}
}

func TestDecodePNGIsLossless(t *testing.T) {
	src := photoLike(97, 61)
	m, _, err := Decode(encodePNG(t, src), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Pix, src.Pix) {
		t.Fatal("PNG round trip changed pixels")
	}
}

func flip(b []byte, i int) []byte {
	out := append([]byte{}, b...)
	out[i] ^= 0xff
	return out
}

func encodeGIFAll(w io.Writer, frame *image.Paletted, screenW, screenH int) error {
	return gif.EncodeAll(w, &gif.GIF{
		Image:  []*image.Paletted{frame},
		Delay:  []int{0},
		Config: image.Config{ColorModel: frame.Palette, Width: screenW, Height: screenH},
	})
}
