package meme

import (
	"bytes"
	"fmt"
	"testing"
)

// TestScratchReuseSamePixels: a layer cache reuses its outline buffers, path,
// emoji outline coverages, painter and (for layers over 120 px) one rasterizer bigger than the
// layer from caption to caption. Every layer must come out byte for byte as
// it does with nothing reused: captions that grow and shrink, cross the
// 24 and 120 px sizes where freetype splits curves differently, run off
// the image (cells past the layer), turn, and have labels and shadows.
func TestScratchReuseSamePixels(t *testing.T) {
	fs := fullFontSet(t)
	base := DefaultSpec().Boxes[1]
	var boxes []Box
	for i, text := range []string{
		"on the first try", "ON THE FIRST TRY 1", "x", "a much longer caption that wraps onto more lines than one",
		"مرحبا بالعالم", "TINY", "ЖУРНАЛ 你好", "WIDE WIDE WIDE WIDE WIDE WIDE",
		// Emoji: their outlines' coverage is kept per glyph, radius and clip (outlineMask); the
		// third runs off the image, so its clipped outline is another entry.
		"lol 🔥 so 😂", "lol 🔥 so 😂 much", "🔥🔥 👨‍👩‍👧 🇺🇦", "🔥 EDGE 😂",
	} {
		b := base
		b.Text = text
		switch i % 4 {
		case 1:
			b.Rotation = 17
		case 2:
			b.X, b.W = -0.3, 1.6 // runs off both sides of the image
			b.Size = 0.3
		case 3:
			b.Background, b.Shadow = "#ff0000c0", "#00000080"
		}
		boxes = append(boxes, b)
	}
	addEmojiFor(t, fs, Spec{Boxes: boxes})
	for _, size := range [][2]int{{800, 800}, {100, 60}, {30, 20}, {1600, 300}, {200, 900}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			W, H := size[0], size[1]
			var kept layerCache
			for round := range 2 {
				for i, b := range boxes {
					key := layerKey{box: b.resolve(), w: W, h: H, gen: fs.gen}
					got, err := kept.render(fs, key)
					if err != nil {
						t.Fatal(err)
					}
					var fresh layerCache
					want, err := fresh.render(fs, key)
					if err != nil {
						t.Fatal(err)
					}
					if (got.img == nil) != (want.img == nil) || got.at != want.at {
						t.Fatalf("round %d box %d: layer at %v, want %v", round, i, got.bounds(), want.bounds())
					}
					if got.img != nil && (got.img.Rect != want.img.Rect || !bytes.Equal(got.img.Pix, want.img.Pix)) {
						t.Fatalf("round %d box %d (%q): pixels differ from a render with nothing reused", round, i, b.Text)
					}
					if got.img != nil {
						kept.free = append(kept.free, got.img.Pix) // as layers does with a dropped layer
					}
				}
			}
		})
	}
}
