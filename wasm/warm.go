package main

import (
	"fmt"
	"image"

	"github.com/memeforge/memeforge/wasm/meme"
)

// warmUp renders n small previews, each with new caption text, on a
// Renderer of its own over a generated image, and converts each changed
// part to straight alpha as the browser face does. The page calls it while
// the person is still choosing a photo: V8 runs WASM first from a quick
// baseline compile and optimizes a function only after it has run for a
// while, and until then a keystroke's render takes about twice as long.
// The face's own Renderer, and the image loaded into it, are not touched.
func warmUp(fs *meme.FontSet, n int, pix []byte) ([]byte, error) {
	const w, h = 160, 120
	img := image.NewRGBA(image.Rect(0, 0, 2*w, 2*h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	r := meme.NewRenderer(fs)
	if err := r.SetImage(img); err != nil {
		return pix, err
	}
	spec := meme.DefaultSpec()
	spec.Boxes[0].Text = "warming up"
	var have uint64
	for i := range n {
		spec.Boxes[1].Text = fmt.Sprintf("frame %d of %d", i, n)
		f, _, err := r.PreviewFrame(spec, w, h, have)
		if err != nil {
			return pix, fmt.Errorf("warm up: %w", err)
		}
		have = f.ID
		pix = meme.StraightAlpha(pix, f.Image.SubImage(f.Changed).(*image.RGBA))
	}
	return pix, nil
}
