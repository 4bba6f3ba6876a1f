package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScreenshots opens the page as a person would, at a desktop width and a phone width, light
// and dark, empty, with a meme, and with captions in Arabic, Hindi and emoji, and writes full-page screenshots into test-output/ to look at.
// It fails if the page scrolls sideways (nothing may be wider than the screen).
func TestScreenshots(t *testing.T) {
	s := startSite(t)
	for _, vp := range []struct {
		name          string
		width, height int
	}{
		{"1280", 1280, 900},
		{"360", 360, 780},
	} {
		for _, scheme := range []string{"light", "dark"} {
			t.Run(fmt.Sprintf("%s-%s", vp.name, scheme), func(t *testing.T) {
				b := newBrowser(t, vp.width, vp.height)
				b.colorScheme(scheme)
				b.open(s.URL())
				b.screenshot(fmt.Sprintf("site-%s-%s-empty.png", vp.name, scheme))
				b.chooseImage(fixture("photo-800x600.jpg"))
				b.typeCaption(0, "When the tests pass")
				b.typeCaption(1, "on the first try")
				b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('#box-list details').open = true; document.activeElement.blur()`))
				b.settle(400 * time.Millisecond)
				b.screenshot(fmt.Sprintf("site-%s-%s-meme.png", vp.name, scheme))
				if w := evalT[int](b, `document.documentElement.scrollWidth`); w > vp.width {
					b.fatalf("the page is %d px wide in a %d px window: it scrolls sideways", w, vp.width)
				}
				// Other scripts and colour emoji, with the outline around both: the fonts and the
				// emoji art are fetched first, so wait for the message to clear.
				b.typeCaption(0, "مرحبا بالعالم 🔥😂")
				b.pickCaption(1, "👍🏽 नमस्ते 👨‍👩‍👧 🇺🇦")
				b.waitDrawn("👍🏽 नमस्ते 👨‍👩‍👧 🇺🇦")
				b.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`))
				b.settle(600 * time.Millisecond)
				if msg := b.text("#glyph-msg"); msg != "" {
					b.fatalf("the page says %q", msg)
				}
				b.screenshot(fmt.Sprintf("site-%s-%s-scripts.png", vp.name, scheme))
			})
		}
	}
}
