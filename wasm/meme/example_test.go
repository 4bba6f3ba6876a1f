package meme_test

import (
	"fmt"
	"image"

	"github.com/memeforge/memeforge/wasm/meme"
)

// A spec comes from the page as JSON, strictly parsed and validated.
func ExampleParseSpec() {
	spec, err := meme.ParseSpec([]byte(`{"boxes":[{"text":"one does not simply","x":0.05,"y":0.02,"w":0.9,"h":0.2}]}`))
	fmt.Println(len(spec.Boxes), spec.Boxes[0].Text, err)

	_, err = meme.ParseSpec([]byte(`{"boxes":[{"text":"x","w":2}]}`))
	fmt.Println(err != nil)
	// Output:
	// 1 one does not simply <nil>
	// true
}

// Draw captions an image in place; Result says what did not fit or had no glyph.
func ExampleDraw() {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	spec := meme.DefaultSpec()
	spec.Boxes[0].Text = "top text"
	spec.Boxes[1].Text = "bottom text"
	res, err := meme.Draw(img, spec, meme.NewFontSet())
	fmt.Println(res.Missing, res.Overflow, err)
	// Output:
	// [] [] <nil>
}

// Missing lists the characters no loaded font covers, before anything is drawn: the page uses it to
// fetch a fallback font or tell the user.
func ExampleMissing() {
	spec := meme.DefaultSpec()
	spec.Boxes[0].Text = "HELLO 世界"
	missing, err := meme.Missing(spec, meme.NewFontSet())
	fmt.Println(missing, err)
	// Output:
	// [世 界] <nil>
}

// A Renderer keeps what a keystroke does not change, for the browser's preview.
func ExampleRenderer() {
	r := meme.NewRenderer(meme.NewFontSet())
	if err := r.SetImage(image.NewRGBA(image.Rect(0, 0, 1600, 1200))); err != nil {
		fmt.Println(err)
		return
	}
	spec := meme.DefaultSpec()
	spec.Boxes[0].Text = "preview"
	preview, _, err := r.Preview(spec, 800, 600)
	fmt.Println(preview.Bounds().Size(), err)
	// Output:
	// (800,600) <nil>
}
