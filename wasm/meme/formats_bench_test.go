package meme

import (
	"fmt"
	"image"
	"testing"
)

// BenchmarkPreviewKeystrokeFormats is BenchmarkPreviewKeystroke for a
// four-panel meme beside a one-image meme, at 800 and 1600 px square: one
// caption's text changes every frame, the caller holding the last frame.
// The composed canvas is cached, so a keystroke should cost about the same.
func BenchmarkPreviewKeystrokeFormats(b *testing.B) {
	one := DefaultSpec()
	one.Boxes[0].Text = "when the code compiles"
	one.Boxes[1].Text = "on the first try"
	four := tmplSpec("four-panel", "monday", "tuesday", "wednesday", "on the first try")
	for _, side := range []int{800, 1600} {
		for _, c := range []struct {
			name string
			spec Spec
			imgs []*image.RGBA
		}{
			{"one-image", one, []*image.RGBA{testImage(side, side)}},
			{"four-panel", four, []*image.RGBA{testImage(side/2, side/2), testImage(side/2, side/2), testImage(side/2, side/2), testImage(side/2, side/2)}},
		} {
			b.Run(fmt.Sprintf("%s/%d", c.name, side), func(b *testing.B) {
				r := NewRenderer(fullFontSet(b))
				if err := r.SetImages(c.imgs); err != nil {
					b.Fatal(err)
				}
				spec := c.spec
				spec.Boxes = append([]Box(nil), c.spec.Boxes...)
				last := len(spec.Boxes) - 1
				f, _, err := r.PreviewFrame(spec, side, side, 0)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					spec.Boxes[last].Text = fmt.Sprintf("on the first try %d", i)
					if f, _, err = r.PreviewFrame(spec, side, side, f.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
