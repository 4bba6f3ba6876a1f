package e2e

import (
	"context"
	"fmt"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	scene "github.com/memeforge/memeforge/site/e2e/fixture"
)

// BenchmarkBrowser prints the browser figures for `make bench` as `name value unit` lines. It is a
// measurement, not a check (no time is asserted); each part measures its own repetitions, so run
// it once:
//
//	go test -count=1 -run '^$' -bench '^BenchmarkBrowser$' -benchtime 1x ./site/e2e | grep '^browser_'
//
// All times are measured inside the page with performance.now (the memeforge:* events app.js
// sends through site/instrument.js, switched on by the recorder): keystroke = from the input event's timestamp to the animation frame after the canvas
// was drawn.
func BenchmarkBrowser(tb *testing.B) {
	s := startSite(tb)
	emit := func(name string, v float64, unit string) { fmt.Printf("%s %.1f %s\n", name, v, unit) }

	tb.Run("Keystroke", func(t *testing.B) {
		// A window wide enough that the preview of the 800x600 image is drawn at 800x600.
		b := newBrowser(t, 1400, 1000)
		b.open(s.URL())
		b.chooseImage(fixture("photo-800x600.jpg"))
		b.settle(300 * time.Millisecond)
		size := b.canvas().Bounds().Size()
		b.do(chromedp.Focus(chromedp.CSS("#box-0-text")),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('box-0-text').select()`))
		text := "memes are made one keystroke at a time, quickly!!!"[:50]
		start := b.previews()
		// Type at a steady 8 keys a second and don't poll the page meanwhile: polling runs script
		// on the page's main thread and delays the very message being timed. Each render finishes
		// well inside the gap, so every keystroke gets its own preview (checked below).
		for _, r := range text {
			b.do(chromedp.KeyEvent(string(r)))
			time.Sleep(125 * time.Millisecond)
		}
		b.settle(300 * time.Millisecond)
		type rec struct{ Start, Sent, Received, Drawn, Frame, RenderMs float64 }
		recs := evalT[[]rec](b, fmt.Sprintf(`window.__mf.previews.slice(%d)`, start))
		if len(recs) != len(text) {
			b.fatalf("got %d previews for %d keystrokes; want one each", len(recs), len(text))
		}
		var frame, drawn, render, toSend, roundTrip, draw []float64
		for _, r := range recs {
			frame = append(frame, r.Frame-r.Start)
			drawn = append(drawn, r.Drawn-r.Start)
			render = append(render, r.RenderMs)
			toSend = append(toSend, r.Sent-r.Start)
			roundTrip = append(roundTrip, r.Received-r.Sent)
			draw = append(draw, r.Drawn-r.Received)
		}
		t.Logf("preview %v, %d keystrokes", size, len(recs))
		// Where the time goes, p50: input event to request posted, posted to answer received (the
		// worker's render and both hops), answer to canvas drawn.
		t.Logf("p50: event->sent %.1f ms, sent->received %.1f ms (render %.1f ms), received->drawn %.1f ms",
			pct(toSend, 50), pct(roundTrip, 50), pct(render, 50), pct(draw, 50))
		emit("browser_keystroke_to_preview_p50", pct(frame, 50), "ms")
		emit("browser_keystroke_to_preview_p95", pct(frame, 95), "ms")
		emit("browser_keystroke_to_canvas_drawn_p50", pct(drawn, 50), "ms")
		emit("browser_keystroke_to_canvas_drawn_p95", pct(drawn, 95), "ms")
		emit("browser_preview_render_in_worker_p50", pct(render, 50), "ms")
		emit("browser_preview_render_in_worker_p95", pct(render, 95), "ms")
	})

	// Issue 14: keystroke -> preview for a four-panel meme (four 1600x1200 photos, a 2x2 canvas)
	// against a one-image meme of the same photo, with the window sized so the preview is 800 and
	// 1600 px wide. Keys are 250 ms apart so a slow render is still one preview per key.
	tb.Run("KeystrokeFourPanel", func(t *testing.B) {
		photo := filepath.Join(t.TempDir(), "photo-1600x1200.jpg")
		f, err := os.Create(photo)
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, scene.Scene(1600, 1200), &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		for _, px := range []int{800, 1600} {
			// The preview box is the column's width (at most about 1000 CSS px) by 72 % of the
			// window's height: a 4:3 meme 800 px wide needs a window 834 px tall; 1600 px is the
			// same window at device pixel ratio 2.
			for _, kind := range []string{"one", "four"} {
				b := newBrowser(t, 1400, 834)
				b.do(chromedp.EmulateViewport(1400, 834, chromedp.EmulateScale(float64(px)/800)))
				b.open(s.URL())
				if kind == "one" {
					b.chooseImage(photo)
				} else {
					b.openGallery("#templates-start")
					n := b.previews()
					b.do(chromedp.Click(chromedp.CSS(`#gallery [data-template="four-panel"]`)))
					b.waitJS("a file input per slot", `!!document.getElementById('gallery-slot-3')`, 5*time.Second)
					for i := range 4 {
						b.upload(fmt.Sprintf("#gallery-slot-%d", i), photo)
					}
					b.waitJS("the images read", `!document.getElementById('gallery-use').disabled`, 10*time.Second)
					b.do(chromedp.Click(chromedp.CSS("#gallery-use")))
					b.waitPreview(n)
					b.typeCaption(1, "second panel")
				}
				b.settle(500 * time.Millisecond)
				size := b.canvas().Bounds().Size()
				b.do(chromedp.Focus(chromedp.CSS("#box-0-text")),
					chromedp.Evaluate[chromedp.Void](`document.getElementById('box-0-text').select()`))
				start := b.previews()
				text := "four panels, one caption"
				for _, r := range text {
					b.do(chromedp.KeyEvent(string(r)))
					time.Sleep(250 * time.Millisecond)
				}
				b.settle(500 * time.Millisecond)
				type rec struct{ Start, Frame, RenderMs float64 }
				recs := evalT[[]rec](b, fmt.Sprintf(`window.__mf.previews.slice(%d)`, start))
				var frame, render []float64
				for _, r := range recs {
					frame = append(frame, r.Frame-r.Start)
					render = append(render, r.RenderMs)
				}
				t.Logf("%s image(s), preview %v, %d previews for %d keystrokes", kind, size, len(recs), len(text))
				emit(fmt.Sprintf("browser_keystroke_to_preview_%s_image_%dpx_p50", kind, px), pct(frame, 50), "ms")
				emit(fmt.Sprintf("browser_preview_render_%s_image_%dpx_p50", kind, px), pct(render, 50), "ms")
			}
		}
	})

	tb.Run("ColdLoad", func(t *testing.B) {
		b := newBrowser(t, 1400, 1000)
		// Fresh profile: nothing cached, no service worker yet.
		b.open(s.URL())
		emit("browser_cold_load_to_renderer_ready", evalT[float64](b, `window.__mf.readyAt`), "ms")
		b.chooseImage(fixture("photo-800x600.jpg"))
		b.settle(500 * time.Millisecond)
		b.waitJS("the service worker", `navigator.serviceWorker.controller !== null`, 60*time.Second)
		// Cold again but with the work saved: drop the HTTP cache, the service worker and its
		// caches (keeping IndexedDB), then reload and time navigation -> first preview on screen.
		evalT[bool](b, `(async () => {
		  for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
		  for (const n of await caches.keys()) await caches.delete(n);
		  return true;
		})()`)
		b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.ClearBrowserCache, cdp.Empty{})
			return err
		}))
		b.do(chromedp.Reload())
		b.waitReady()
		b.waitPreview(0)
		emit("browser_cold_load_to_first_preview", evalT[float64](b, `window.__mf.previews[0].frame`), "ms")
		// Warm: the service worker is back (registered again by the cold load); reload from it.
		b.waitJS("the service worker", `navigator.serviceWorker.controller !== null`, 60*time.Second)
		b.do(chromedp.Reload())
		b.waitReady()
		b.waitPreview(0)
		emit("browser_warm_load_to_first_preview", evalT[float64](b, `window.__mf.previews[0].frame`), "ms")
	})

	tb.Run("Final4000x3000", func(t *testing.B) {
		path := filepath.Join(t.TempDir(), "photo-4000x3000.jpg")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, scene.Scene(4000, 3000), &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		b := newBrowser(t, 1400, 1000)
		b.open(s.URL())
		b.chooseImage(path)
		emit("browser_load_image_4000x3000", evalT[float64](b, `window.__mf.images.at(-1).loadMs`), "ms")
		b.typeCaption(0, "Twelve megapixels")
		dir := t.TempDir()
		b.allowDownloads(dir)
		type fin struct {
			Format                      string
			Width, Height               int
			RenderMs, EncodeMs, TotalMs float64
		}
		for _, format := range []string{"jpeg", "png"} {
			b.do(chromedp.SetValue(chromedp.ID("format"), format),
				chromedp.Evaluate[chromedp.Void](`document.getElementById('format').dispatchEvent(new Event('input', {bubbles: true}))`))
			var render, encode, total []float64
			for i := range 3 {
				// A new caption each time, so no run reuses the last one's rasterized caption.
				b.typeCaption(1, fmt.Sprintf("of caption %s %d", format, i))
				b.settle(300 * time.Millisecond)
				n := evalT[int](b, `window.__mf.finals.length`)
				b.do(chromedp.Click(chromedp.ID("download")))
				b.waitJS("the final render", fmt.Sprintf(`window.__mf.finals.length > %d`, n), 120*time.Second)
				r := evalT[fin](b, `window.__mf.finals.at(-1)`)
				if r.Width != 4000 || r.Height != 3000 {
					b.fatalf("final render is %dx%d", r.Width, r.Height)
				}
				render, encode, total = append(render, r.RenderMs), append(encode, r.EncodeMs), append(total, r.TotalMs)
			}
			emit("browser_final_4000x3000_"+format+"_render", pct(render, 50), "ms")
			emit("browser_final_4000x3000_"+format+"_encode", pct(encode, 50), "ms")
			emit("browser_final_4000x3000_"+format+"_total", pct(total, 50), "ms")
		}
	})
}

// pct is the p-th percentile (nearest rank) of v.
func pct(v []float64, p float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
