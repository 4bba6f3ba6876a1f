package e2e

import (
	"fmt"
	"testing"
	"time"
)

// previewRec is what the page records of each preview it draws (app.js's 'preview' instrument
// event): calls is how many module calls the worker made for it (worker.js counts every call into
// the memeforge global).
type previewRec struct {
	Spec    string
	Calls   int
	Missing []string
}

// TestOneModuleCallPerKeystroke types a Latin caption key by key: with nothing to fetch, each
// preview is one module call (renderPreview fits, renders and says what is missing at once),
// not the four (fontsNeeded, emojiNeeded, size, renderPreview) a keystroke once cost.
func TestOneModuleCallPerKeystroke(t *testing.T) {
	_, b := startEditing(t)
	b.settle(300 * time.Millisecond)
	n := b.previews()
	b.typeCaption(0, "one call a key")
	b.waitDrawn("one call a key")
	b.settle(300 * time.Millisecond)
	recs := evalT[[]previewRec](b, fmt.Sprintf(`window.__mf.previews.slice(%d)`, n))
	if len(recs) == 0 {
		b.fatalf("typing drew no preview")
	}
	for i, r := range recs {
		if r.Calls != 1 {
			b.fatalf("preview %d of %d after a keystroke made %d module calls; want 1 (spec %s)", i+1, len(recs), r.Calls, r.Spec)
		}
	}
}

// TestFontNeededLaterIsFetched types Latin, then Arabic in the other caption: the Arabic font is
// not needed at first, so nothing is fetched then; the keystroke that first needs it fetches it
// (the render says so), renders again and draws the letters, not boxes.
func TestFontNeededLaterIsFetched(t *testing.T) {
	_, b := startEditing(t)
	b.settle(300 * time.Millisecond)
	b.typeCaption(0, "Latin first")
	b.waitDrawn("Latin first")
	b.settle(300 * time.Millisecond)
	n := b.previews()
	const arabic = "مرحبا بالعالم"
	b.typeCaption(1, arabic)
	b.waitDrawn(arabic)
	b.settle(300 * time.Millisecond)
	recs := evalT[[]previewRec](b, fmt.Sprintf(`window.__mf.previews.slice(%d)`, n))
	fetched := false
	for _, r := range recs {
		// A render, the font added, the render again: three calls, and only once.
		if r.Calls > 1 {
			if fetched {
				b.fatalf("the Arabic font was fetched by more than one preview: %+v", recs)
			}
			fetched = true
		}
	}
	if !fetched {
		b.fatalf("no preview fetched the Arabic font: %+v", recs)
	}
	if last := recs[len(recs)-1]; len(last.Missing) != 0 {
		b.fatalf("the last preview lists %q as missing; want none", last.Missing)
	}
	if msg := b.text("#glyph-msg"); msg != "" {
		b.fatalf("the Arabic font was fetched, yet the page says %q", msg)
	}
}
