package e2e

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/memeforge/memeforge/signer"
)

// cspRecorder keeps every Content-Security-Policy violation a document reports. DevTools adds it
// to each new document before the page's own scripts, and no page CSP can block it.
const cspRecorder = `(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
})();`

// imageOf reads a share page's og:image (the meme's image URL).
func imageOf(t *testing.T, shareURL string) string {
	t.Helper()
	resp, err := http.Get(shareURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`<meta property="og:image" content="([^"]+)">`).FindSubmatch(b)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("share page %s: %d, no og:image", shareURL, resp.StatusCode)
	}
	return string(m[1])
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestShareAndDelete: publish, then the share page carries the meme's tags and passes its CSP
// (as the editor passes the site's, uploads included), then Delete in My memes removes the meme
// and its original, and the link stops serving.
func TestShareAndDelete(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder})
		return err
	}))
	b.open(s.URL())
	if csp := evalT[[]string](b, `window.__csp`); len(csp) != 0 {
		b.fatalf("the editor's own load broke its CSP: %q", csp)
	}
	b.chooseImage(fixture("photo-800x600.jpg"))
	caption := `<b>"Share" & me</b>`
	b.typeCaption(0, caption)
	b.settle(300 * time.Millisecond)

	link, msg := b.publish()
	if link == "" {
		b.fatalf("publish failed: %q", msg)
	}
	objs := checkedObjects(t, s)
	if len(objs["memes"]) != 1 || len(objs["originals"]) != 1 {
		b.fatalf("bucket holds %v", keys(objs))
	}
	memeKey := objs["memes"][0].Key
	id, _ := signer.MemeID(memeKey)
	if want := s.Stack.URL() + "/m/" + id; link != want {
		b.fatalf("Publish shows %q, want the share link %q", link, want)
	}
	if csp := evalT[[]string](b, `window.__csp`); len(csp) != 0 {
		b.fatalf("the editor broke its CSP while publishing: %q", csp)
	}
	b.waitJS("My memes to list it", `document.querySelectorAll('#mine-list li').length === 1 && document.querySelector('#mine-list a').href === `+"`"+`${location.origin}/m/`+id+"`", 10*time.Second)

	t.Run("SharePageHasTheTagsAndPassesItsCSP", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(link))
		b.waitJS("the meme to show", `document.images.length > 0 && document.images[0].complete && document.images[0].naturalWidth > 0`, 30*time.Second)
		tag := func(name string) string {
			return evalT[string](b, `(document.querySelector('meta[property="`+name+`"], meta[name="`+name+`"]') || {content: ''}).content`)
		}
		want := map[string]string{
			"og:image": s.Stack.URL() + "/" + memeKey, "og:image:width": "800", "og:image:height": "600",
			"og:image:type": "image/jpeg", "og:url": link, "twitter:card": "summary_large_image",
			"og:image:alt": caption + " / Bottom text", "twitter:image:alt": caption + " / Bottom text",
		}
		for k, v := range want {
			if got := tag(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		if w := evalT[int](b, `document.images[0].naturalWidth`); w != 800 {
			t.Errorf("the share page shows an image %d px wide", w)
		}
		if n := evalT[int](b, `document.querySelectorAll('script, b').length`); n != 0 {
			t.Errorf("the caption became markup: %d script/b elements", n)
		}
		if href := evalT[string](b, `[...document.links].map((a) => a.getAttribute('href')).join(' ')`); href != "/" {
			t.Errorf("links %q, want the make-your-own link /", href)
		}
		if csp := evalT[[]string](b, `window.__csp`); len(csp) != 0 {
			b.fatalf("the share page broke its CSP: %q", csp)
		}
	})

	t.Run("DeleteTakesTheLinkDown", func(t *testing.T) {
		b := b.on(t)
		b.open(s.URL())
		b.waitJS("My memes", `document.querySelectorAll('#mine-list .mine-delete').length === 1`, 10*time.Second)
		b.do(chromedp.Click("#mine-list .mine-delete"))
		b.waitJS("the confirming second press", `document.querySelector('#mine-list .mine-delete').textContent.includes('?')`, 5*time.Second)
		b.do(chromedp.Click("#mine-list .mine-delete"))
		b.waitJS("the delete", `document.querySelectorAll('#mine-list li').length === 0`, 30*time.Second)
		if msg := b.text("#mine-msg"); !strings.Contains(msg, "Deleted") {
			b.fatalf("My memes says %q", msg)
		}
		if objs := objects(t, s); len(objs["memes"]) != 0 || len(objs["originals"]) != 0 {
			b.fatalf("after Delete the bucket holds %v", keys(objs))
		}
		if c := status(t, link); c != 404 {
			b.fatalf("the share link answers %d after Delete", c)
		}
		if c := status(t, s.Stack.URL()+"/"+memeKey); c != 404 {
			b.fatalf("the image answers %d after Delete", c)
		}
		if csp := evalT[[]string](b, `window.__csp`); len(csp) != 0 {
			b.fatalf("the editor broke its CSP: %q", csp)
		}
	})
}
