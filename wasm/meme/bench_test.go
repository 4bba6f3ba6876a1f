package meme

import (
	"fmt"
	"testing"
)

// BenchmarkPreviewKeystroke is typing in the browser: an 800x800 preview
// with two captions where one caption's text changes every frame, asked
// for as the page does, holding the previous frame.
func BenchmarkPreviewKeystroke(b *testing.B) {
	r := NewRenderer(fullFontSet(b))
	if err := r.SetImage(testImage(800, 800)); err != nil {
		b.Fatal(err)
	}
	spec := DefaultSpec()
	spec.Boxes[0].Text = "when the code compiles"
	spec.Boxes[1].Text = "on the first try"
	f, _, err := r.PreviewFrame(spec, 800, 800, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		spec.Boxes[1].Text = fmt.Sprintf("on the first try %d", i)
		if f, _, err = r.PreviewFrame(spec, 800, 800, f.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreviewCold is a preview with nothing cached but the fonts: a
// new image of the same size and both captions new.
func BenchmarkPreviewCold(b *testing.B) {
	fs := fullFontSet(b)
	src := testImage(1600, 1600)
	spec := DefaultSpec()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := NewRenderer(fs)
		r.SetImage(src)
		spec.Boxes[0].Text = fmt.Sprintf("when the code compiles %d", i)
		spec.Boxes[1].Text = fmt.Sprintf("on the first try %d", i)
		if _, _, err := r.Preview(spec, 800, 800); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinal4000x3000 is the full-resolution render of a 12 MP photo
// with two new captions (encoding is measured separately, in imgio).
func BenchmarkFinal4000x3000(b *testing.B) {
	r := NewRenderer(fullFontSet(b))
	if err := r.SetImage(testImage(4000, 3000)); err != nil {
		b.Fatal(err)
	}
	spec := DefaultSpec()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		spec.Boxes[0].Text = fmt.Sprintf("when the code compiles %d", i)
		spec.Boxes[1].Text = fmt.Sprintf("on the first try %d", i)
		if _, _, err := r.Final(spec); err != nil {
			b.Fatal(err)
		}
	}
}
