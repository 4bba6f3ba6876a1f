package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestRestoredCanvasGetsAWholeFrame: a 2D canvas whose context was lost (a GPU reset) comes back
// blank, with a contextrestored event. The page patches only what changed into its canvas, so
// from then on it must draw a whole frame; otherwise typing in one caption paints that caption's
// band and the rest of the preview stays blank until the image or its size changes.
func TestRestoredCanvasGetsAWholeFrame(t *testing.T) {
	_, b := startEditing(t)
	const reset = `{
	  const c = document.getElementById('preview');
	  c.getContext('2d').clearRect(0, 0, c.width, c.height); // what a restored context holds
	  c.dispatchEvent(new Event('contextrestored'));
	}`
	for _, tc := range []struct {
		name string
		js   string // edits the top caption and resets the canvas
	}{
		{"ThenTyping", reset + `
		  const ta = document.getElementById('box-0-text');
		  ta.value = 'after the reset'; ta.dispatchEvent(new Event('input', { bubbles: true }));`},
		// The answer to a request sent before the reset is only a patch for the old canvas.
		{"WhileAPreviewIsOnItsWay", `
		  const ta = document.getElementById('box-0-text');
		  ta.value = 'before the reset'; ta.dispatchEvent(new Event('input', { bubbles: true }));` + reset},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := b.on(t)
			b.settle(300 * time.Millisecond)
			want := b.canvas()
			n := b.previews()
			b.do(chromedp.Evaluate[chromedp.Void](`{` + tc.js + `}`))
			b.waitPreview(n)
			b.settle(500 * time.Millisecond)
			// The edit is in the top caption: the lower half must be as it was before the reset.
			if c, tot := diffCount(t, want, b.canvas(), 0.5, 1); c != 0 {
				b.fatalf("after the context came back %d of %d pixels of the lower half differ from before", c, tot)
			}
		})
	}
}
