package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// front puts a server between the browser and the stack's site server, to answer as a broken or
// misconfigured host would: serve answers a request itself (true) or passes it on; modify changes
// the stack's answers. Either may be nil.
func front(t *testing.T, s *testSite, serve func(http.ResponseWriter, *http.Request) bool, modify func(*http.Response) error) string {
	t.Helper()
	target, err := url.Parse(s.Stack.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = modify
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if serve != nil && serve(w, r) {
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

// TestSavingRetriesAfterAFailedOpen fails the page's first IndexedDB open, as a database blocked by
// an older tab would: the work done afterwards is still saved and comes back after a reload.
func TestSavingRetriesAfterAFailedOpen(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	// Once per tab: the reload below opens the database as usual.
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `(() => {
		  window.__failedOpens = 0;
		  if (sessionStorage.getItem('failed-once')) return;
		  const open = IDBFactory.prototype.open;
		  IDBFactory.prototype.open = function (...args) {
		    if (sessionStorage.getItem('failed-once') || args[0] !== 'memeforge') return open.apply(this, args);
		    sessionStorage.setItem('failed-once', '1');
		    window.__failedOpens++;
		    const req = { error: new DOMException('the database is busy (a test)', 'UnknownError') };
		    setTimeout(() => req.onerror && req.onerror(new Event('error')), 0);
		    return req;
		  };
		})();`})
		return err
	}))
	b.open(s.URL())
	if n := evalT[int](b, `window.__failedOpens`); n != 1 {
		b.fatalf("the page's first open was not failed (%d failures): the test proves nothing", n)
	}
	b.chooseImage(fixture("photo-800x600.jpg"))
	b.typeCaption(0, "Saved after all")
	b.reloadRestored()
	if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "Saved after all" {
		b.fatalf("caption after the reload = %q", got)
	}
	if msg := b.text("#image-msg"); msg != "" {
		b.fatalf("image message after the reload: %q", msg)
	}
}

// TestBrokenServerGetsTheCachedApp has the server answer the page with 503 after a first visit:
// the service worker serves the cached app instead, and the server's answer only when nothing is
// cached.
func TestBrokenServerGetsTheCachedApp(t *testing.T) {
	s := startSite(t)
	var broken atomic.Bool
	var refused atomic.Int32
	u := front(t, s, func(w http.ResponseWriter, r *http.Request) bool {
		if !broken.Load() || (r.URL.Path != "/" && r.URL.Path != "/index.html") {
			return false
		}
		refused.Add(1)
		http.Error(w, "the server is broken (a test)", http.StatusServiceUnavailable)
		return true
	}, nil)
	b := newBrowser(t, 1280, 900)
	b.open(u)
	b.waitJS("the service worker to control the page", `navigator.serviceWorker.controller !== null`, 60*time.Second)
	broken.Store(true)

	t.Run("ReloadShowsTheCachedApp", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Reload())
		b.waitReady()
		if refused.Load() == 0 {
			b.fatalf("the page was never asked of the server: the network-first path was not taken")
		}
	})

	t.Run("WithNothingCachedTheServersAnswerShows", func(t *testing.T) {
		b := b.on(t)
		evalT[bool](b, `(async () => {
		  for (const n of await caches.keys()) {
		    const c = await caches.open(n);
		    for (const p of ['/', '/index.html']) await c.delete(location.origin + p);
		  }
		  return true;
		})()`)
		b.do(chromedp.Reload())
		b.waitJS("the server's error page", `document.body && document.body.textContent.includes('the server is broken (a test)')`, 30*time.Second)
	})
}

// TestWasmServedAsAnotherType serves memeforge.wasm as application/octet-stream, as some hosts
// do: the renderer still starts (compiled from the bytes) and previews.
func TestWasmServedAsAnotherType(t *testing.T) {
	s := startSite(t)
	var relabelled atomic.Int32
	u := front(t, s, nil, func(resp *http.Response) error {
		if strings.HasSuffix(resp.Request.URL.Path, ".wasm") {
			resp.Header.Set("Content-Type", "application/octet-stream")
			relabelled.Add(1)
		}
		return nil
	})
	b := newBrowser(t, 1280, 900)
	b.open(u)
	if relabelled.Load() == 0 {
		b.fatalf("memeforge.wasm never passed through the front server")
	}
	if ct := evalT[string](b, `fetch('memeforge.wasm').then((r) => r.headers.get('content-type'))`); ct != "application/octet-stream" {
		b.fatalf("the page gets memeforge.wasm as %q; the test needs it mislabelled", ct)
	}
	b.chooseImage(fixture("photo-800x600.jpg"))
}
