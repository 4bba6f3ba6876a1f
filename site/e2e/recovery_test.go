package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

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
