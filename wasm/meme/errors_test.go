package meme

import (
	"errors"
	"slices"
	"testing"

	"github.com/memeforge/memeforge/wasm/imgio"
)

// TestErrorCode drives each kind of failure through the API that reports
// it and checks the code a caller in another language would see.
func TestErrorCode(t *testing.T) {
	fb := fallbackFonts(t)
	_, _, decodeErr := imgio.Decode([]byte("plain text, not an image"), 0)
	for _, tt := range []struct {
		name string
		err  func() error
		want Code
	}{
		{"BadSpecJSON", func() error { _, err := ParseSpec([]byte(`{"boxes":[{"bogus":1}]}`)); return err }, "bad_spec"},
		{"BadSpecRange", func() error {
			_, err := ParseSpec([]byte(`{"boxes":[{"text":"a","x":0,"y":0,"w":2,"h":1}]}`))
			return err
		}, "bad_spec"},
		{"FontNotLoaded", func() error {
			r := NewRenderer(NewFontSet())
			if err := r.SetImage(testImage(10, 10)); err != nil {
				t.Fatal(err)
			}
			_, _, err := r.Final(Spec{Boxes: []Box{{Text: "a", W: 1, H: 1, Font: "nope"}}})
			return err
		}, "font_not_loaded"},
		{"BadFont", func() error { _, err := NewFontSet().Add("x", []byte("not a font"), false); return err }, "bad_font"},
		{"TruncatedFont", func() error { _, err := ParseFont(fb["dejavu"][:1000]); return err }, "bad_font"},
		{"FontTooLarge", func() error { _, err := ParseFont(make([]byte, MaxFontBytes+1)); return err }, "font_too_large"},
		{"NoImage", func() error { _, _, err := NewRenderer(NewFontSet()).Final(DefaultSpec()); return err }, "no_image"},
		{"PreviewSize", func() error {
			r := NewRenderer(NewFontSet())
			if err := r.SetImage(testImage(10, 10)); err != nil {
				t.Fatal(err)
			}
			_, _, err := r.Preview(DefaultSpec(), 0, 10)
			return err
		}, "bad_argument"},
		{"Unsupported", func() error { return decodeErr }, "unsupported_format"},
		{"Wrapped", func() error { return errors.Join(errors.New("x"), imgio.ErrCorrupt) }, "image_corrupt"},
		{"Unknown", func() error { return errors.New("something else") }, CodeInternal},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil {
				t.Fatal("no error")
			}
			if got := ErrorCode(err); got != tt.want {
				t.Fatalf("ErrorCode(%q) = %q, want %q", err, got, tt.want)
			}
		})
	}
	t.Run("CodesAreDistinctAndListed", func(t *testing.T) {
		cs := Codes()
		for i, c := range cs {
			if slices.Contains(cs[i+1:], c) {
				t.Errorf("code %q twice", c)
			}
		}
		if cs[len(cs)-1] != CodeInternal {
			t.Errorf("Codes() ends with %q, want %q", cs[len(cs)-1], CodeInternal)
		}
	})
}
