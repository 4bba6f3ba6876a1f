package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/memeforge/memeforge/internal/testgif"
	"github.com/memeforge/memeforge/site/e2e/engine"
)

// TestEngines walks what a newcomer does in each engine — Chromium, Firefox and WebKit — on a
// fresh profile and a fresh local stack: choose a photo, type in Latin and Cyrillic and see the
// preview change, drag a caption, download and decode the meme at the photo's size, publish and
// open the link, reload and find the work again, stop the server and reload offline (the Cyrillic
// caption still drawn with its font, fetched on first use, not precached), with no
// console error anywhere. The rest of the suite is Chromium-only; this is what must hold in all
// three. A missing engine fails, naming its Debian package.
func TestEngines(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			if m := engine.Missing(name); len(m) > 0 {
				t.Fatalf("%s is not installed: %s", name, strings.Join(m, ", "))
			}
			start := time.Now()
			defer func() { t.Logf("%s took %v", name, time.Since(start).Round(100*time.Millisecond)) }()
			s := startSite(t)
			e := startEngine(t, name)
			e.open(s.URL())

			// Each step builds on the ones before: once one fails, the rest fail at once
			// instead of each waiting out its own timeout.
			passed := true
			step := func(what string, f func(t *testing.T)) {
				t.Run(what, func(t *testing.T) {
					if !passed {
						t.Fatal("not run: a step before it failed")
					}
					f(t)
				})
				passed = passed && !t.Failed()
			}
			step("Newcomer", func(t *testing.T) {
				e := e.on(t)
				e.chooseImage(fixture("photo-800x600.jpg"))

				for i, text := range []string{"Hello e2e", "Привет мир"} {
					before, after := e.redraw(func() { e.typeCaption(i, text) })
					if got := e.value(fmt.Sprintf("#box-%d-text", i)); got != text {
						e.fatalf("caption %d = %q after typing %q", i, got, text)
					}
					g := e.boxGeom(i)
					if c, tot := diffCount(t, before, after, g.Y, g.Y+g.H); c < tot/200 {
						e.fatalf("typing %q changed %d of %d pixels in the caption's band; want it drawn", text, c, tot)
					}
				}
				if msg := e.text("#glyph-msg"); msg != "" {
					e.fatalf("every character has a font, yet the page says %q", msg)
				}

				g0 := e.boxGeom(0)
				canvas := e.rect("#preview")
				from := e.center(`.box[data-index="0"]`)
				before, after := e.redraw(func() {
					e.must(e.b.Drag(e.ctx(), from, engine.Point{X: from.X, Y: from.Y + canvas.H*0.35}, 12))
				})
				g1 := e.boxGeom(0)
				if math.Abs(g1.Y-(g0.Y+0.35)) > 0.02 || math.Abs(g1.X-g0.X) > 0.005 {
					e.fatalf("the drag moved caption 1 from %+v to %+v; want y +0.35", g0, g1)
				}
				if c, tot := diffCount(t, before, after, g1.Y, g1.Y+g1.H); c < tot/200 {
					e.fatalf("after the drag only %d of %d pixels changed where the caption went", c, tot)
				}

				e.must(e.b.Click(e.ctx(), "#download"))
				path := e.waitDownload()
				if size, format, err := decodeFile(path); err != nil || format != "jpeg" || size != image.Pt(800, 600) {
					e.fatalf("download %s: a %q of %v (%v); want an 800x600 JPEG", filepath.Base(path), format, size, err)
				}
				e.screenshot("engines-" + name + "-newcomer.png")
				// The inline boot script ran (the CSP allowed it by its hash) and its module reached
				// the worker; otherwise the page still works, only later, so only this shows it.
				if got := engineEval[string](e, `document.documentElement.dataset.module`); got != "page" {
					e.fatalf("the renderer's module came from %q; want the page (boot.js inline, allowed by the CSP's hash)", got)
				}
			})

			step("PublishAndOpenTheLink", func(t *testing.T) {
				e := e.on(t)
				e.must(e.b.Eval(e.ctx(), `document.getElementById('publish-msg').textContent = ''`, nil))
				e.must(e.b.Click(e.ctx(), "#publish"))
				e.waitJS("publishing to finish", `document.getElementById('publish-msg').textContent !== '' && !document.getElementById('publish').disabled`, 90*time.Second)
				link := e.evalString(`document.getElementById('publish-msg').classList.contains('is-ok') ? document.getElementById('publish-link').href : ''`)
				if link == "" {
					e.fatalf("publish failed: %q", e.text("#publish-msg"))
				}
				objs := objects(t, s)
				if len(objs["originals"]) != 1 || len(objs["memes"]) != 1 {
					e.fatalf("bucket holds %v; want one original and one meme", keys(objs))
				}
				source, err := os.ReadFile(fixture("photo-800x600.jpg"))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(objs["originals"][0].Body, source) {
					e.fatalf("the uploaded original is not the chosen photo")
				}
				served := get(t, imageOf(t, link)) // the link is the share page; its og:image the meme
				if !bytes.Equal(served, objs["memes"][0].Body) {
					e.fatalf("the link serves %d bytes, not the %d bytes of the published meme", len(served), len(objs["memes"][0].Body))
				}
				if img, format, err := image.Decode(bytes.NewReader(served)); err != nil || format != "jpeg" || img.Bounds().Size() != image.Pt(800, 600) {
					e.fatalf("the link's image is a %q (%v); want an 800x600 JPEG", format, err)
				}
				e.must(e.b.Navigate(e.ctx(), link))
				e.waitJS("the meme to show", `document.images.length > 0 && document.images[0].complete && document.images[0].naturalWidth > 0`, 30*time.Second)
				if w := e.evalInt(`document.images[0].naturalWidth`); w != 800 {
					e.fatalf("opening the link shows an image %d px wide, want 800", w)
				}
				e.open(s.URL()) // back to the editor, which restores the work
				e.waitJS("the restored image", `document.documentElement.dataset.image === 'loaded'`, 30*time.Second)
			})

			step("ReloadRestoresTheWork", func(t *testing.T) {
				e := e.on(t)
				e.reloadRestored()
				for i, want := range []string{"Hello e2e", "Привет мир"} {
					if got := e.value(fmt.Sprintf("#box-%d-text", i)); got != want {
						e.fatalf("after reload caption %d = %q, want %q", i, got, want)
					}
				}
			})

			step("OfflineReload", func(t *testing.T) {
				e := e.on(t)
				e.waitJS("the service worker to control the page", `navigator.serviceWorker.controller !== null`, 60*time.Second)
				if err := s.Stop(); err != nil {
					e.fatalf("stop the local stack: %v", err)
				}
				if ok := e.evalBool(`fetch('not-cached-' + Date.now() + '.txt').then(() => true, () => false)`); ok {
					e.fatalf("a fetch of an uncached URL succeeded with the server stopped")
				}
				// The Cyrillic caption's font (Roboto Condensed) is not precached: it was fetched
				// when the caption first needed it and kept by the service worker, so offline it
				// draws as it did online.
				e.settle(300 * time.Millisecond)
				online := e.canvas()
				e.reloadRestored()
				e.settle(300 * time.Millisecond)
				if msg := e.text("#glyph-msg"); msg != "" {
					e.fatalf("offline the page says %q", msg)
				}
				g1 := e.boxGeom(1)
				if c, tot := diffCount(t, online, e.canvas(), g1.Y, g1.Y+g1.H); c != 0 {
					e.fatalf("offline the Cyrillic caption's band differs in %d of %d pixels from online", c, tot)
				}
				before, after := e.redraw(func() { e.typeCaption(0, "Offline too") })
				g := e.boxGeom(0)
				if c, tot := diffCount(t, before, after, g.Y, g.Y+g.H); c < tot/200 {
					e.fatalf("offline typing changed only %d of %d pixels", c, tot)
				}
			})

			step("AnimatedGIFPlays", func(t *testing.T) {
				e := e.on(t)
				path := writeTemp(t, "dancing.gif", testgif.Real(gifFrames, gifW, gifH))
				e.must(e.b.SetFiles(e.ctx(), "#file-input", path))
				e.waitJS("the GIF to play", `window.__mf.animations.length > 0 && new Set(window.__mf.frames.slice(window.__mf.animations.at(-1).framesBefore).map((f) => f.frame)).size >= 4`, 30*time.Second)
				if msg := e.text("#image-msg"); msg != "" {
					e.fatalf("choosing a GIF: %s", msg)
				}
				a := e.canvas()
				changed := false
				for i := 0; i < 20 && !changed; i++ {
					time.Sleep(60 * time.Millisecond)
					_, over := maxDiff(a, e.canvas(), 8)
					changed = over > 0
				}
				if !changed {
					e.fatalf("the canvas did not change over 1.2 s of playback")
				}
			})

			t.Run("NoConsoleErrors", func(t *testing.T) {
				if errs := e.b.ConsoleErrors(); len(errs) > 0 {
					t.Fatalf("%s logged %d console errors:\n%s", name, len(errs), strings.Join(errs, "\n"))
				}
			})
		})
	}
}

// engineBrowser is one engine's page as the cross-engine tests use it: each verb fails the test.
type engineBrowser struct {
	t        testing.TB
	b        *engine.Browser
	name     string
	downDir  string
	seenDown map[string]bool
	logs     *syncBuffer
}

func startEngine(t *testing.T, name string) *engineBrowser {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dl := t.TempDir()
	b, err := engine.Start(ctx, name, engine.Options{Width: 1280, Height: 900, DownloadDir: dl, ProfileDir: t.TempDir(),
		InitScript: recorder, Log: func(s string) { fmt.Fprintln(logs, s) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.Close()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, logs.String())
		}
	})
	return &engineBrowser{t: t, b: b, name: name, downDir: dl, seenDown: map[string]bool{}, logs: logs}
}

func (e *engineBrowser) on(t testing.TB) *engineBrowser {
	c := *e
	c.t = t
	return &c
}

func (e *engineBrowser) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

func (e *engineBrowser) fatalf(format string, args ...any) {
	e.t.Helper()
	e.t.Fatalf(e.name+": "+format, args...)
}

func (e *engineBrowser) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func engineEval[T any](e *engineBrowser, expr string) T {
	e.t.Helper()
	var v T
	e.must(e.b.Eval(e.ctx(), expr, &v))
	return v
}

func (e *engineBrowser) evalString(expr string) string {
	e.t.Helper()
	return engineEval[string](e, expr)
}
func (e *engineBrowser) evalInt(expr string) int   { e.t.Helper(); return engineEval[int](e, expr) }
func (e *engineBrowser) evalBool(expr string) bool { e.t.Helper(); return engineEval[bool](e, expr) }

func (e *engineBrowser) text(sel string) string {
	e.t.Helper()
	return e.evalString(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, sel))
}

func (e *engineBrowser) value(sel string) string {
	e.t.Helper()
	return e.evalString(fmt.Sprintf(`document.querySelector(%q).value`, sel))
}

// waitJS polls until expr is truthy.
func (e *engineBrowser) waitJS(what, expr string, timeout time.Duration) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for !e.evalBool("!!(" + expr + ")") {
		if time.Now().After(deadline) {
			e.fatalf("waiting for %s: timed out after %v", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (e *engineBrowser) open(url string) {
	e.t.Helper()
	e.must(e.b.Navigate(e.ctx(), url))
	e.waitReady()
}

func (e *engineBrowser) waitReady() {
	e.t.Helper()
	e.waitJS("the page to be ready", `document.documentElement.dataset.ready === 'true' || document.documentElement.dataset.renderer === 'failed'`, 60*time.Second)
	if r := e.evalString(`document.documentElement.dataset.renderer || ''`); r != "ready" {
		e.fatalf("renderer did not start: %s", e.text("#image-msg"))
	}
}

func (e *engineBrowser) previews() int {
	e.t.Helper()
	return e.evalInt(`window.__mf ? window.__mf.previews.length : 0`)
}

// settle waits until no preview has been drawn for quiet.
func (e *engineBrowser) settle(quiet time.Duration) {
	e.t.Helper()
	last, since := e.previews(), time.Now()
	deadline := time.Now().Add(30 * time.Second)
	for time.Since(since) < quiet {
		if time.Now().After(deadline) {
			e.fatalf("previews never settled")
		}
		time.Sleep(50 * time.Millisecond)
		if n := e.previews(); n != last {
			last, since = n, time.Now()
		}
	}
}

// redraw settles, makes the edit, waits for at least one new preview and for them to settle,
// and returns the canvas before and after.
func (e *engineBrowser) redraw(edit func()) (before, after image.Image) {
	e.t.Helper()
	e.settle(300 * time.Millisecond)
	before = e.canvas()
	n := e.previews()
	edit()
	e.waitJS("a new preview", fmt.Sprintf(`window.__mf.previews.length > %d`, n), 30*time.Second)
	e.settle(400 * time.Millisecond)
	return before, e.canvas()
}

func (e *engineBrowser) chooseImage(path string) {
	e.t.Helper()
	n := e.previews()
	e.must(e.b.SetFiles(e.ctx(), "#file-input", path))
	e.waitJS("the image to load", `document.documentElement.dataset.image === 'loaded' || document.getElementById('image-msg').textContent !== ''`, 30*time.Second)
	if msg := e.text("#image-msg"); msg != "" {
		e.fatalf("choosing %s: %s", filepath.Base(path), msg)
	}
	e.waitJS("the first preview", fmt.Sprintf(`window.__mf.previews.length > %d`, n), 30*time.Second)
}

// typeCaption replaces caption i's text by typing, key by key.
func (e *engineBrowser) typeCaption(i int, text string) {
	e.t.Helper()
	sel := fmt.Sprintf("#box-%d-text", i)
	e.must(e.b.Eval(e.ctx(), fmt.Sprintf(`document.querySelector(%q).select()`, sel), nil))
	e.must(e.b.Type(e.ctx(), sel, "\b"+text))
}

func (e *engineBrowser) canvas() image.Image {
	e.t.Helper()
	url := e.evalString(`document.getElementById('preview').toDataURL('image/png')`)
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(url, "data:image/png;base64,"))
	if err != nil {
		e.fatalf("canvas data URL: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		e.fatalf("canvas PNG: %v", err)
	}
	return img
}

func (e *engineBrowser) boxGeom(i int) boxGeom {
	e.t.Helper()
	return engineEval[boxGeom](e, fmt.Sprintf(`(() => {
	  const s = document.querySelector('.box[data-index="%d"]').style;
	  return { X: parseFloat(s.left) / 100, Y: parseFloat(s.top) / 100, W: parseFloat(s.width) / 100, H: parseFloat(s.height) / 100 };
	})()`, i))
}

func (e *engineBrowser) rect(sel string) rect {
	e.t.Helper()
	return engineEval[rect](e, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return { X: r.x, Y: r.y, W: r.width, H: r.height }; })()`, sel))
}

func (e *engineBrowser) center(sel string) engine.Point {
	e.t.Helper()
	p, err := e.b.Center(e.ctx(), sel)
	e.must(err)
	return p
}

// reloadRestored waits until the work is saved, reloads, and waits until the editor shows the
// same preview again (the canvas, pixel for pixel within a small tolerance).
func (e *engineBrowser) reloadRestored() {
	e.t.Helper()
	e.waitJS("the work to be saved", savedDocMatches, 10*time.Second)
	e.waitDrawn()
	e.settle(300 * time.Millisecond)
	want := e.canvas()
	e.must(e.b.Reload(e.ctx()))
	e.waitReady()
	e.waitJS("the restored image", `document.documentElement.dataset.image === 'loaded'`, 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := e.canvas()
		if got.Bounds() == want.Bounds() {
			if c, _ := diffCount(e.t.(*testing.T), want, got, 0, 1); c == 0 {
				return
			}
		}
		if time.Now().After(deadline) {
			e.fatalf("after the reload the preview never came back as it was")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitDrawn waits until the preview canvas holds a preview: it has another size than a canvas
// never drawn on (300x150). The image's "loaded" mark comes before its first preview.
func (e *engineBrowser) waitDrawn() {
	e.t.Helper()
	e.waitJS("a preview on the canvas", `(() => { const c = document.getElementById('preview'); return c.width !== 300 || c.height !== 150; })()`, 30*time.Second)
}

// waitDownload waits for a new, complete file in the download folder that decodes as an image.
func (e *engineBrowser) waitDownload() string {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(e.downDir)
		for _, d := range entries {
			n := d.Name()
			if d.IsDir() || e.seenDown[n] || strings.HasSuffix(n, ".crdownload") || strings.HasSuffix(n, ".part") || strings.HasSuffix(n, ".wkdownload") {
				continue
			}
			p := filepath.Join(e.downDir, n)
			if _, _, err := decodeFile(p); err == nil {
				e.seenDown[n] = true
				return p
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	e.fatalf("no download in %s after 60 s (message: %q)", e.downDir, e.text("#save-msg"))
	return ""
}

func (e *engineBrowser) screenshot(name string) {
	e.t.Helper()
	png, err := e.b.Screenshot(e.ctx())
	e.must(err)
	e.must(os.WriteFile(filepath.Join(outputDir, name), png, 0o644))
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v", url, resp.Status, err)
	}
	return body
}
