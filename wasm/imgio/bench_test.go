package imgio

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"sync"
	"testing"
)

// The 12-megapixel frame every benchmark encodes, built once (generating it
// takes longer than some of the encodes) and only read afterwards.
var photo4000x3000 = sync.OnceValue(func() *image.RGBA { return photoLike(4000, 3000) })

func benchImage(b *testing.B) *image.RGBA {
	b.Helper()
	return photo4000x3000()
}

func benchEncode(b *testing.B, format string, quality int) {
	m := benchImage(b)
	var buf bytes.Buffer
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, m, format, quality); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "output-bytes")
}

// BenchmarkEncodePNG4000x3000 is a 12 MP final render saved as PNG with the
// level Encode uses (PNGCompression).
func BenchmarkEncodePNG4000x3000(b *testing.B) { benchEncode(b, "png", 0) }

// BenchmarkEncodeJPEG4000x3000 is the same frame saved as JPEG at quality 90.
func BenchmarkEncodeJPEG4000x3000(b *testing.B) { benchEncode(b, "jpeg", 90) }

// BenchmarkEncodePNGLevels is the measurement behind PNGCompression: time and
// size of the 12 MP frame at each zlib level.
func BenchmarkEncodePNGLevels(b *testing.B) {
	m := benchImage(b)
	for _, lv := range []struct {
		name  string
		level png.CompressionLevel
	}{{"Default", png.DefaultCompression}, {"BestSpeed", png.BestSpeed}, {"NoCompression", png.NoCompression}} {
		b.Run(lv.name, func(b *testing.B) {
			enc := png.Encoder{CompressionLevel: lv.level}
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := enc.Encode(&buf, m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "output-bytes")
		})
	}
}

// BenchmarkDecodeJPEG4000x3000 decodes a 12 MP phone-style JPEG, upright
// and with orientation 6 (portrait shot), the common case.
func BenchmarkDecodeJPEG4000x3000(b *testing.B) {
	var buf bytes.Buffer
	if err := Encode(&buf, benchImage(b), "jpeg", 90); err != nil {
		b.Fatal(err)
	}
	for _, o := range []int{1, 6} {
		data := withExif(buf.Bytes(), orientationTIFF(binary.BigEndian, o))
		b.Run("Orientation"+string(rune('0'+o)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Decode(data, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
