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

	"github.com/memeforge/memeforge/internal/testgif"
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

	// Keystroke -> preview for captions in other scripts beside a Latin one, at 800 px (device
	// pixel ratio 1) and 1600 px (ratio 2, a 1600x1200 photo), typed the same way as above. Each
	// caption's fonts and emoji art are fetched before the timing starts (it is typed once first),
	// so what is timed is the render, as a person typing on meets it.
	tb.Run("KeystrokeScripts", func(t *testing.B) {
		big := filepath.Join(t.TempDir(), "photo-1600x1200.jpg")
		f, err := os.Create(big)
		if err != nil {
			t.Fatal(err)
		}
		if err := jpeg.Encode(f, scene.Scene(1600, 1200), &jpeg.Options{Quality: 85}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		captions := []struct{ name, text string }{
			{"latin", "memes are made one keystroke at a time, quickly!!!"},
			{"arabic", "الميمات تصنع ضغطة مفتاح واحدة في كل مرة بسرعة كبيرة"},
			{"emoji", "lol 🔥 so 😂 much 👍 wow 🎉 yes 🙌 ok 💯 go 🚀 hi 😎"},
		}
		for _, px := range []int{800, 1600} {
			b := newBrowser(t, 1400, 1000)
			photo := fixture("photo-800x600.jpg")
			if px == 1600 {
				b.do(chromedp.EmulateViewport(1400, 1000, chromedp.EmulateScale(2)))
				photo = big
			}
			b.open(s.URL())
			b.chooseImage(photo)
			for _, c := range captions {
				b.typeCaption(0, c.text) // fetches what it needs
				b.settle(500 * time.Millisecond)
				if w := b.canvas().Bounds().Dx(); w != px {
					b.fatalf("preview is %d px wide; want %d", w, px)
				}
				b.do(chromedp.Focus(chromedp.CSS("#box-0-text")),
					chromedp.Evaluate[chromedp.Void](`document.getElementById('box-0-text').select()`))
				start := b.previews()
				for _, r := range c.text {
					b.do(chromedp.KeyEvent(string(r)))
					time.Sleep(125 * time.Millisecond)
				}
				b.settle(300 * time.Millisecond)
				type rec struct{ Start, Frame float64 }
				recs := evalT[[]rec](b, fmt.Sprintf(`window.__mf.previews.slice(%d)`, start))
				var frame []float64
				for _, r := range recs {
					frame = append(frame, r.Frame-r.Start)
				}
				t.Logf("%s at %d px: %d previews for %d keystrokes", c.name, px, len(recs), len([]rune(c.text)))
				name := fmt.Sprintf("browser_keystroke_to_preview_%s_%d", c.name, px)
				emit(name+"_p50", pct(frame, 50), "ms")
				emit(name+"_p95", pct(frame, 95), "ms")
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
		// Where the cold load's time went, on the page's clock (app.js's 'renderer' event: the
		// worker's start steps), then the first preview's own steps.
		type steps struct{ Response, Imports, Compiled, Started, Ready float64 }
		st := evalT[steps](b, `window.__mf.renderer`)
		type first struct{ Start, Sent, Received, Frame, RenderMs float64 }
		fp := evalT[first](b, `window.__mf.previews[0]`)
		t.Logf("cold load: module response %.0f ms, worker imports %.0f, compiled %.0f, Go started %.0f, page told %.0f; first preview asked %.0f, sent %.0f, received %.0f (render %.0f), on screen %.0f",
			st.Response, st.Imports, st.Compiled, st.Started, st.Ready, fp.Start, fp.Sent, fp.Received, fp.RenderMs, fp.Frame)
		t.Logf("cold load: page %s", evalT[string](b, `(() => {
		  const n = performance.getEntriesByType('navigation')[0];
		  const r = (name) => { const e = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/' + name)); return e ? Math.round(e.startTime) + '-' + Math.round(e.responseEnd) : '?'; };
		  return 'html ' + Math.round(n.requestStart) + '-' + Math.round(n.responseEnd) + ', domInteractive ' + Math.round(n.domInteractive) +
		    ', boot.js ' + r('boot.js') + ', worker.js ' + r('worker.js') + ', app.js ' + r('app.js') + ', app.css ' + r('app.css');
		})()`))
		emit("browser_first_preview_bytes", float64(firstPreviewBytes(b)), "bytes")
		// Warm: the service worker is back (registered again by the cold load); reload from it.
		b.waitJS("the service worker", `navigator.serviceWorker.controller !== null`, 60*time.Second)
		b.do(chromedp.Reload())
		b.waitReady()
		b.waitPreview(0)
		emit("browser_warm_load_to_first_preview", evalT[float64](b, `window.__mf.previews[0].frame`), "ms")
	})

	tb.Run("AnimatedGIF", func(t *testing.B) { benchGIF(t, s, emit) })

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

// benchGIF measures an animated GIF shaped like a real one (testgif.Real, 100 frames of 584x214):
// from choosing it to its first frame drawn (and to the second, when it moves), how many frames a
// second play, a caption keystroke while playing until the frame showing it is drawn, the final
// captioned GIF (render and encode in the worker), and the worker's WASM memory afterwards.
func benchGIF(t *testing.B, s *testSite, emit func(string, float64, string)) {
	path := writeTemp(t, "real-584x214.gif", testgif.Real(100, 584, 214))
	type frameRec struct {
		Frame       int
		Start       *float64
		Sent, Drawn float64
		RenderMs    float64
	}
	type animRec struct {
		StartedAt, LoadMs float64
		FramesBefore      int
	}
	drop := func(b *browser) (animRec, []frameRec) {
		b.chooseGIF(path)
		b.waitJS("the second frame", `window.__mf.frames.slice(window.__mf.animations.at(-1).framesBefore).some((f) => f.frame > 0)`, 30*time.Second)
		a := evalT[animRec](b, `window.__mf.animations.at(-1)`)
		return a, evalT[[]frameRec](b, fmt.Sprintf(`window.__mf.frames.slice(%d)`, a.FramesBefore))
	}
	// Dropped the moment the page says it is ready, on a fresh profile: it competes with the page's
	// own start (the service worker precaching the shell, the renderer warming up).
	{
		b := newBrowser(t, 1400, 1000)
		b.open(s.URL())
		a, fs := drop(b)
		emit("browser_gif_drop_to_first_frame_at_ready", fs[0].Drawn-a.StartedAt, "ms")
	}
	// As a person drops one: the page has been open for a moment (the time it takes to pick a file).
	b := newBrowser(t, 1400, 1000)
	b.open(s.URL())
	b.waitJS("the service worker", `navigator.serviceWorker.controller !== null`, 60*time.Second)
	b.settle(1000 * time.Millisecond)
	a, fs := drop(b)
	emit("browser_gif_load_100x584x214", a.LoadMs, "ms")
	emit("browser_gif_drop_to_first_frame", fs[0].Drawn-a.StartedAt, "ms")
	emit("browser_gif_first_frame_render", fs[0].RenderMs, "ms")
	emit("browser_gif_load_to_first_frame_sent", fs[0].Sent-a.StartedAt-a.LoadMs, "ms")
	for _, f := range fs {
		if f.Frame > 0 {
			emit("browser_gif_drop_to_second_frame", f.Drawn-a.StartedAt, "ms")
			break
		}
	}

	// Playback: frames drawn a second over 3 s (the GIF asks for 25), and the render of each.
	n := b.framesDrawn()
	time.Sleep(3 * time.Second)
	fs = evalT[[]frameRec](b, fmt.Sprintf(`window.__mf.frames.slice(%d)`, n))
	var render []float64
	for _, f := range fs {
		render = append(render, f.RenderMs)
	}
	emit("browser_gif_playback_fps", float64(len(fs))/3, "frames/s")
	emit("browser_gif_frame_render_p50", pct(render, 50), "ms")

	// Keystrokes while playing, 8 a second, without polling the page meanwhile.
	b.do(chromedp.Focus(chromedp.CSS("#box-0-text")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('box-0-text').select()`))
	n = b.framesDrawn()
	for _, r := range "caption while it plays" {
		b.do(chromedp.KeyEvent(string(r)))
		time.Sleep(125 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	fs = evalT[[]frameRec](b, fmt.Sprintf(`window.__mf.frames.slice(%d)`, n))
	var shown []float64
	for _, f := range fs {
		if f.Start != nil {
			shown = append(shown, f.Drawn-*f.Start)
		}
	}
	if len(shown) == 0 {
		b.fatalf("no frame drawn for a keystroke")
	}
	emit("browser_gif_keystroke_to_frame_p50", pct(shown, 50), "ms")
	emit("browser_gif_keystroke_to_frame_p95", pct(shown, 95), "ms")

	dir := t.TempDir()
	b.allowDownloads(dir)
	type fin struct {
		Format             string
		Size               int
		TotalMs, WasmBytes float64
	}
	var total []float64
	var last fin
	for i := range 3 {
		b.typeCaption(1, fmt.Sprintf("final %d", i))
		k := evalT[int](b, `window.__mf.finals.length`)
		b.do(chromedp.Click(chromedp.ID("download")))
		b.waitJS("the final GIF", fmt.Sprintf(`window.__mf.finals.length > %d`, k), 120*time.Second)
		last = evalT[fin](b, `window.__mf.finals.at(-1)`)
		if last.Format != "gif" {
			b.fatalf("the final render was a %s", last.Format)
		}
		total = append(total, last.TotalMs)
	}
	emit("browser_gif_final_100x584x214_total", pct(total, 50), "ms")
	emit("browser_gif_final_size_ratio", float64(last.Size)/float64(fileSize(t, path)), "x")
	emit("browser_gif_worker_wasm_memory", last.WasmBytes/(1<<20), "MiB")
}

func fileSize(t testing.TB, path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// pct is the p-th percentile (nearest rank) of v.
func pct(v []float64, p float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// workerFiles are what worker.js fetches itself (importScripts, its dynamic imports, the module):
// the page cannot read a worker's resource timing, so they are listed here.
var workerFiles = []string{"worker.js", "wasm_exec.js", "memeforge.wasm", "contract.js", "fetch-assets.js"}

// firstPreviewBytes is what the browser fetched before the first preview of a Latin meme on a cold
// load (the page, its scripts and styles, the worker and the module), counted as the brotli
// files the local stack serves for them (dist/site/*.br; the file itself when it has none): the
// page's own resource timing names what it loaded, workerFiles the worker's part. Images (the
// chosen photo is read from disk, the icon is decoration) and the service worker's later
// precaching are not counted.
func firstPreviewBytes(b *browser) int64 {
	b.t.Helper()
	names := evalT[[]string](b, `(() => {
	  const first = window.__mf.previews[0].frame;
	  return performance.getEntriesByType('resource').filter((e) => e.responseEnd <= first)
	    .map((e) => new URL(e.name)).filter((u) => u.origin === location.origin).map((u) => u.pathname.slice(1) || 'index.html');
	})()`)
	names = append(append(names, "index.html"), workerFiles...)
	slices.Sort(names)
	var total int64
	for _, n := range slices.Compact(names) {
		switch filepath.Ext(n) {
		case ".html", ".js", ".css", ".wasm", ".json":
		default:
			continue
		}
		p := filepath.Join(siteDir, filepath.FromSlash(n))
		st, err := os.Stat(p + ".br")
		if err != nil {
			if st, err = os.Stat(p); err != nil {
				b.fatalf("the page loaded %s, which is not in %s: %v", n, siteDir, err)
			}
		}
		b.t.Logf("first preview: %s %d bytes", n, st.Size())
		total += st.Size()
	}
	return total
}
