package e2e

import (
	"image"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOffline loads the page once, stops the server and switches the network off (page and
// service worker), reloads, and checks the editor comes back with the saved work, previews, downloads, and that Publish
// says it needs a connection.
func TestOffline(t *testing.T) {
	s, b := startEditing(t)
	b.typeCaption(0, "Works offline")

	// The service worker has installed (precached the app shell) and controls the page.
	b.waitJS("the service worker to control the page", `navigator.serviceWorker.controller !== null`, 60*time.Second)
	cached := evalT[[]string](b, `(async () => {
	  const names = await caches.keys();
	  const out = [];
	  for (const n of names) for (const r of await (await caches.open(n)).keys()) out.push(n + ' ' + new URL(r.url).pathname);
	  return out;
	})()`)
	for _, want := range []string{"/index.html", "/app.js", "/worker.js", "/fetch-assets.js", "/wasm_exec.js", "/memeforge.wasm", "/contract.js"} {
		found := false
		for _, c := range cached {
			found = found || strings.HasSuffix(c, " "+want)
		}
		if !found {
			b.fatalf("%s is not precached; cache holds %v", want, cached)
		}
	}
	if len(cached) > 0 && !strings.HasPrefix(cached[0], "memeforge-") {
		b.fatalf("cache name %q is not versioned memeforge-<hash>", cached[0])
	}
	// Fonts and emoji art are fetched when a caption first needs them, never precached: a Latin
	// caption needs none (Anton is in the module).
	for _, c := range cached {
		if strings.Contains(c, " /fonts/") || strings.Contains(c, " /emoji/") {
			b.fatalf("%s is cached after a Latin caption; fonts and emoji are fetched only when needed", c)
		}
	}

	// Really offline: the server is gone, whatever the browser build does with the emulation;
	// the emulation is what tells the page (navigator.onLine).
	if err := s.Stop(); err != nil {
		b.fatalf("stop the local stack: %v", err)
	}
	b.offline(true)
	if evalT[bool](b, `navigator.onLine`) {
		b.fatalf("navigator.onLine is still true after switching the network off")
	}
	// Proof that the network is really off for anything the service worker doesn't hold.
	if ok := evalT[bool](b, `fetch('not-cached-' + Date.now() + '.txt').then(() => true, () => false)`); ok {
		b.fatalf("a fetch of an uncached URL succeeded while offline")
	}

	t.Run("ReloadRestoresTheEditor", func(t *testing.T) {
		b := b.on(t)
		b.reloadRestored()
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "Works offline" {
			b.fatalf("caption after an offline reload = %q", got)
		}
		if evalT[bool](b, `document.getElementById('net-status').hidden`) {
			b.fatalf("the offline notice is not shown")
		}
	})

	t.Run("PreviewStillUpdates", func(t *testing.T) {
		b := b.on(t)
		before, after, _ := b.redraw(func() { b.typeCaption(0, "Still rendering") })
		g := b.boxGeom(0)
		if c, tot := diffCount(t, before, after, g.Y, g.Y+g.H); c < tot/200 {
			b.fatalf("offline typing changed only %d of %d pixels", c, tot)
		}
	})

	t.Run("DownloadStillWorks", func(t *testing.T) {
		b := b.on(t)
		dir := t.TempDir()
		b.allowDownloads(dir)
		b.do(chromedp.Click(chromedp.ID("download")))
		path, err := waitFile(dir, 30*time.Second)
		if err != nil {
			b.fatalf("no download offline: %v (message: %q)", err, b.text("#save-msg"))
		}
		if size, _, err := decodeFile(path); err != nil || size != image.Pt(800, 600) {
			b.fatalf("offline download %s: size %v, err %v", filepath.Base(path), size, err)
		}
	})

	t.Run("PublishSaysItNeedsAConnection", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.ID("publish")))
		b.waitJS("the publish message", `document.getElementById('publish-msg').textContent !== ''`, 30*time.Second)
		if msg := b.text("#publish-msg"); !strings.Contains(msg, "needs a connection") {
			b.fatalf("publish message offline = %q", msg)
		}
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "Still rendering" {
			b.fatalf("publishing offline lost the caption: %q", got)
		}
	})
}

// TestOfflineAfterFirstUse: fonts and emoji art are not precached, but what a caption has used
// once keeps working offline. Type Cyrillic, Arabic and emoji online (the page fetches Roboto
// Condensed, Noto Sans Arabic and the emoji's art), stop the server, go offline and reload: the
// captions come back drawn from the service worker's assets cache, pixel for pixel as before,
// with nothing listed missing.
func TestOfflineAfterFirstUse(t *testing.T) {
	s, b := startEditing(t)
	b.waitJS("the service worker to control the page", `navigator.serviceWorker.controller !== null`, 60*time.Second)
	b.typeCaption(0, "Привет мир")
	b.typeCaption(1, "مرحبا بالعالم 🔥👍🏽")
	want := []string{"emoji/1f44d-1f3fd.svg", "emoji/1f525.svg", "fonts/NotoSansArabic-Bold.ttf", "fonts/RobotoCondensed-Black.ttf"}
	b.waitAsync("the fonts and emoji in the assets cache", `caches.keys().then(async (ns) => {
	  let n = 0;
	  for (const c of ns.filter((c) => c.startsWith('memeforge-assets-'))) n += (await (await caches.open(c)).keys()).length;
	  return n >= 4;
	})`, 30*time.Second)
	if got := b.assetsCached(); !slices.Equal(got, want) {
		b.fatalf("assets cache holds %v; want %v", got, want)
	}
	b.settle(500 * time.Millisecond)
	if msg := b.text("#glyph-msg"); msg != "" {
		b.fatalf("online, the page says %q", msg)
	}
	online := b.canvas()

	if err := s.Stop(); err != nil {
		b.fatalf("stop the local stack: %v", err)
	}
	b.offline(true)
	b.reloadRestored()
	b.settle(500 * time.Millisecond)
	if msg := b.text("#glyph-msg"); msg != "" {
		b.fatalf("offline after a reload, the page says %q", msg)
	}
	offline := b.canvas()
	if c, tot := diffCount(t, online, offline, 0, 1); c != 0 {
		b.fatalf("offline after a reload %d of %d pixels differ from the preview online", c, tot)
	}
}
