package imgio

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var genCorpus = flag.Bool("gen_corpus", false, "rewrite the seed corpora in testdata/fuzz")

// fuzzMaxPixels keeps each fuzz iteration small; the limit logic itself is
// the same for every value.
const fuzzMaxPixels = 1 << 16

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic, must
// return either a consistent image or an error wrapping one sentinel, and
// must never return an image over the limit.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		m, info, err := Decode(data, fuzzMaxPixels)
		if err != nil {
			if m != nil {
				t.Fatal("image returned with an error")
			}
			n := 0
			for _, s := range []error{ErrUnsupported, ErrTooLarge, ErrEmpty, ErrCorrupt} {
				if errors.Is(err, s) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("error %q wraps %d sentinels, want exactly 1", err, n)
			}
			return
		}
		if m.Rect.Min.X != 0 || m.Rect.Min.Y != 0 || m.Rect.Dx() != info.Width || m.Rect.Dy() != info.Height {
			t.Fatalf("bounds %v disagree with %+v", m.Rect, info)
		}
		if info.Width <= 0 || info.Height <= 0 || info.Width*info.Height > fuzzMaxPixels {
			t.Fatalf("size %dx%d outside (0, %d] pixels", info.Width, info.Height, fuzzMaxPixels)
		}
		if info.Orientation < 1 || info.Orientation > 8 {
			t.Fatalf("orientation %d", info.Orientation)
		}
		if len(m.Pix) != 4*info.Width*info.Height {
			t.Fatalf("%d pixel bytes for %dx%d", len(m.Pix), info.Width, info.Height)
		}
	})
}

// FuzzJPEGOrientation walks arbitrary JPEG segment structures and TIFF
// bodies: no panic, and a result is either an error or an orientation 1-8.
func FuzzJPEGOrientation(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := jpegOrientation(data)
		if err == nil && (o < 1 || o > 8) {
			t.Fatalf("orientation %d without error", o)
		}
	})
}

// FuzzEXIFOrientation parses arbitrary TIFF bodies directly, so the fuzzer
// does not have to discover the JPEG framing first.
func FuzzEXIFOrientation(f *testing.F) {
	f.Fuzz(func(t *testing.T, tiff []byte) {
		o, err := exifOrientation(tiff)
		if err == nil && (o < 1 || o > 8) {
			t.Fatalf("orientation %d without error", o)
		}
	})
}

// fuzzSeeds are the committed corpora: valid files of every format, files
// carrying every kind of EXIF block, and the malformed headers the unit
// tests use.
func fuzzSeeds(t *testing.T) map[string][][]byte {
	small := quadrants(8, 6, red, green, blue, yellow)
	jpg := encodeJPEG(t, small, 80)
	le, be := binary.LittleEndian, binary.BigEndian
	var decode [][]byte
	decode = append(decode, encodePNG(t, small), jpg, encodeGIF(t, small), encodeJPEG(t, toGray(small), 80),
		withExif(jpg, orientationTIFF(le, 6)), withExif(jpg, orientationTIFF(be, 7)),
		pngHeader(100_000, 100_000), pngHeader(0, 0), jpegHeader(65535, 65535), gifHeader(0, 0),
		webpVP8XHeader(40_000, 40_000), []byte("GIF89a"), []byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	for _, name := range []string{"quadrants-lossy.webp", "quadrants-lossless.webp", "quadrants-alpha.webp"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		decode = append(decode, b)
	}
	var tiffs [][]byte
	for o := 0; o <= 9; o++ {
		tiffs = append(tiffs, orientationTIFF(le, o), orientationTIFF(be, o))
	}
	tiffs = append(tiffs, buildTIFF(le, tiffEntry{tagOrientation, 4, 1, 6}), []byte("MM\x00*\xff\xff\xff\xff"),
		[]byte("II*\x00\x08\x00\x00\x00\xff\xff"))
	var jpegs [][]byte
	for _, tf := range tiffs[:4] {
		jpegs = append(jpegs, withExif([]byte{0xff, 0xd8, 0xff, 0xd9}, tf))
	}
	jpegs = append(jpegs, fillBefore(withExif(jpg[:40], orientationTIFF(le, 3))),
		withAPP1([]byte{0xff, 0xd8, 0xff, 0xda}, []byte("http://ns.adobe.com/xap/1.0/\x00")),
		[]byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff})
	return map[string][][]byte{"FuzzDecodeAnimation": animSeeds(t), "FuzzDecode": decode, "FuzzEXIFOrientation": tiffs, "FuzzJPEGOrientation": jpegs}
}

// TestFuzzSeeds checks the committed corpora are the ones fuzzSeeds builds
// (so fixtures and corpus cannot drift apart), and rewrites them with
// -gen_corpus.
func TestFuzzSeeds(t *testing.T) {
	for target, seeds := range fuzzSeeds(t) {
		dir := filepath.Join("testdata", "fuzz", target)
		if *genCorpus {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range seeds {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			sum := sha256.Sum256(s)
			name := filepath.Join(dir, fmt.Sprintf("seed-%x", sum[:8]))
			if *genCorpus {
				if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(name)
			if err != nil || string(got) != body {
				t.Errorf("%s: missing or stale (err %v); run go test -run TestFuzzSeeds -gen_corpus", name, err)
			}
		}
	}
}
