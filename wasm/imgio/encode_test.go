package imgio

import (
	"bytes"
	"errors"
	"image"
	"strings"
	"testing"
)

func TestEncodeRoundTrip(t *testing.T) {
	src := photoLike(123, 77)
	tests := []struct {
		name    string
		format  string
		quality int
		maxDiff int // largest per-channel difference allowed after decoding
	}{
		{"PNGIsLossless", "png", 0, 0},
		{"PNGIgnoresQuality", "png", 500, 0},
		{"JPEGQuality95IsClose", "jpeg", 95, 40},
		{"JPEGQuality1StillDecodes", "jpeg", 1, 255},
		{"JPEGQuality100", "jpeg", 100, 24},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, src, tt.format, tt.quality); err != nil {
				t.Fatal(err)
			}
			m, info, err := Decode(buf.Bytes(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tt.format || m.Rect != src.Rect {
				t.Fatalf("decoded %s %v, want %s %v", info.Format, m.Rect, tt.format, src.Rect)
			}
			if d := maxChannelDiff(m, src); d > tt.maxDiff {
				t.Fatalf("largest channel difference %d, want <= %d", d, tt.maxDiff)
			}
		})
	}
}

// Lower JPEG quality must mean a smaller file, or the option does nothing.
func TestEncodeJPEGQualityMatters(t *testing.T) {
	src := photoLike(200, 150)
	size := func(q int) int {
		var buf bytes.Buffer
		if err := Encode(&buf, src, "jpeg", q); err != nil {
			t.Fatal(err)
		}
		return buf.Len()
	}
	if lo, hi := size(30), size(95); lo >= hi {
		t.Fatalf("quality 30 gave %d bytes, quality 95 gave %d", lo, hi)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestEncodeRejects(t *testing.T) {
	img := photoLike(16, 16)
	tests := []struct {
		name    string
		w       *bytes.Buffer
		img     image.Image
		format  string
		quality int
		want    error  // sentinel, or nil when only the text is checked
		msg     string // substring of the error text
	}{
		{"RejectsUnknownFormat", new(bytes.Buffer), img, "gif", 90, ErrUnsupported, `"gif"`},
		{"RejectsUpperCaseFormat", new(bytes.Buffer), img, "PNG", 90, ErrUnsupported, `"PNG"`},
		{"RejectsEmptyFormat", new(bytes.Buffer), img, "", 90, ErrUnsupported, `""`},
		{"RejectsQualityZero", new(bytes.Buffer), img, "jpeg", 0, nil, "quality 0 not in 1-100"},
		{"RejectsQualityOver100", new(bytes.Buffer), img, "jpeg", 101, nil, "quality 101"},
		{"RejectsNegativeQuality", new(bytes.Buffer), img, "jpeg", -5, nil, "quality -5"},
		{"RejectsNilImage", new(bytes.Buffer), nil, "png", 0, ErrEmpty, "nil image"},
		{"RejectsEmptyImage", new(bytes.Buffer), image.NewRGBA(image.Rect(0, 0, 0, 5)), "png", 0, ErrEmpty, "0x5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Encode(tt.w, tt.img, tt.format, tt.quality)
			if err == nil {
				t.Fatal("Encode succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("error %q does not wrap %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "imgio: encode") || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("error %q: want prefix \"imgio: encode\" and %q", err, tt.msg)
			}
			if tt.w.Len() != 0 {
				t.Errorf("wrote %d bytes before refusing", tt.w.Len())
			}
		})
	}
	for _, format := range []string{"png", "jpeg"} {
		t.Run("ReportsWriterError/"+format, func(t *testing.T) {
			err := Encode(failingWriter{}, img, format, 90)
			if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.HasPrefix(err.Error(), "imgio: encode "+format) {
				t.Fatalf("error %v, want the writer's error wrapped", err)
			}
		})
	}
}

func TestFormatFromPath(t *testing.T) {
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"meme.png", "png", true},
		{"MEME.PNG", "png", true},
		{"out/photo.jpg", "jpeg", true},
		{"photo.JPEG", "jpeg", true},
		{"photo.JpG", "jpeg", true},
		{`C:\memes\a.b\final.jpeg`, "jpeg", true},
		{"archive.png.jpg", "jpeg", true},
		{"meme.gif", "", false},
		{"meme.webp", "", false},
		{"meme", "", false},
		{"dir.png/meme", "", false},
		{`dir.png\meme`, "", false},
		{"", "", false},
		{".png.", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := FormatFromPath(tt.path)
			if tt.ok {
				if err != nil || got != tt.want {
					t.Fatalf("got (%q, %v), want %q", got, err, tt.want)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrUnsupported) || got != "" {
				t.Fatalf("got (%q, %v), want an ErrUnsupported error", got, err)
			}
		})
	}
}

func maxChannelDiff(a, b *image.RGBA) int {
	d := 0
	for i := range a.Pix {
		v := int(a.Pix[i]) - int(b.Pix[i])
		d = max(d, v, -v)
	}
	return d
}
