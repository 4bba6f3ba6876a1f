package e2e

import (
	"bytes"
	"context"
	"github.com/memeforge/memeforge/signer"
	"image"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"

	"github.com/memeforge/memeforge/internal/localstack"
)

type object struct {
	Key, ContentType string
	Body             []byte
}

// objects lists what the gateway holds, by key prefix, with each object's type and bytes.
func objects(t *testing.T, s *testSite) map[string][]object {
	t.Helper()
	gw := s.Gateway()
	if gw == nil {
		t.Fatal("the gateway is not running")
	}
	c := gw.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	bucket := gw.Bucket()
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket})
	if err != nil {
		t.Fatalf("list the bucket: %v", err)
	}
	out := map[string][]object{}
	for _, o := range list.Contents {
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: o.Key})
		if err != nil {
			t.Fatalf("get %s: %v", *o.Key, err)
		}
		body, err := io.ReadAll(got.Body)
		got.Body.Close()
		if err != nil {
			t.Fatalf("read %s: %v", *o.Key, err)
		}
		prefix, _, _ := strings.Cut(*o.Key, "/")
		ct := ""
		if got.ContentType != nil {
			ct = *got.ContentType
		}
		out[prefix] = append(out[prefix], object{Key: *o.Key, ContentType: ct, Body: body})
	}
	for _, v := range out {
		sort.Slice(v, func(i, j int) bool { return v[i].Key < v[j].Key })
	}
	return out
}

// publish presses Publish and waits for the outcome: the link, or the message of a failure.
func (b *browser) publish() (link, msg string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('publish-msg').textContent = ''`),
		chromedp.Click(chromedp.ID("publish")))
	b.waitJS("publishing to finish", `document.getElementById('publish-msg').textContent !== '' && !document.getElementById('publish').disabled`, 90*time.Second)
	msg = b.text("#publish-msg")
	if evalT[bool](b, `document.getElementById('publish-msg').classList.contains('is-ok')`) {
		link = evalT[string](b, `document.getElementById('publish-link').href`)
	}
	return link, msg
}

func fetchImage(t *testing.T, url string) (string, image.Point) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", url, resp.Status, body)
	}
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: the body does not decode: %v", url, err)
	}
	return resp.Header.Get("Content-Type"), img.Bounds().Size()
}

// TestPublish publishes a meme, checks both objects in the gateway and the link, then shows that
// publishing again uploads nothing new and that a changed meme uploads only the meme.
//
// The photo carries what a phone writes (GPS position, camera serial, XMP, IPTC, a comment):
// exiftool (Debian's libimage-exiftool-perl) writes it here and reads the stored original back.
func TestPublish(t *testing.T) {
	s, b := startEditing(t)
	gpsPhoto := gpsTagged(t, fixture("photo-800x600.jpg"))
	b.chooseImage(gpsPhoto)
	b.typeCaption(0, "Published from a test")
	b.settle(300 * time.Millisecond)
	source, err := os.ReadFile(gpsPhoto)
	if err != nil {
		t.Fatal(err)
	}
	if what := b.text("#publish-what"); !strings.Contains(what, "without its location and camera data") {
		t.Fatalf("the page says %q next to Publish; want what is uploaded", what)
	}

	var link string
	t.Run("UploadsOriginalAndMeme", func(t *testing.T) {
		b := b.on(t)
		b.watchProgress()
		var msg string
		link, msg = b.publish()
		if labels := strings.Join(evalT[[]string](b, `window.__labels`), "|"); !strings.Contains(labels, "Uploading the original image") || !strings.Contains(labels, "Uploading the meme") {
			b.fatalf("the progress line said %q; want both uploads named", labels)
		}
		if link == "" {
			b.fatalf("publish failed: %q", msg)
		}
		objs := checkedObjects(t, s)
		if len(objs["originals"]) != 1 || len(objs["memes"]) != 1 || len(objs) != 2 {
			b.fatalf("bucket holds %v; want one original and one meme", keys(objs))
		}
		orig, meme := objs["originals"][0], objs["memes"][0]
		if orig.ContentType != "image/jpeg" {
			b.fatalf("original %s: type %q, want image/jpeg", orig.Key, orig.ContentType)
		}
		assertStripped(t, source, orig.Body)
		if meme.ContentType != "image/jpeg" {
			b.fatalf("meme %s has type %q, want image/jpeg", meme.Key, meme.ContentType)
		}
		if img, format, err := image.Decode(bytes.NewReader(meme.Body)); err != nil || format != "jpeg" || img.Bounds().Size() != image.Pt(800, 600) {
			b.fatalf("meme %s does not decode as an 800x600 JPEG (format %q, err %v)", meme.Key, format, err)
		}
		if id, _ := signer.MemeID(meme.Key); link != s.Stack.URL()+"/m/"+id {
			b.fatalf("link = %q, want the share page %q", link, s.Stack.URL()+"/m/"+id)
		}
		if img := imageOf(t, link); img != s.Stack.URL()+"/"+meme.Key {
			b.fatalf("the share page's image is %q, want %q", img, s.Stack.URL()+"/"+meme.Key)
		}
		b.screenshot("site-1280-light-published.png")
	})

	t.Run("TheLinkServesTheMeme", func(t *testing.T) {
		b := b.on(t)
		ct, size := fetchImage(t, imageOf(t, link))
		if ct != "image/jpeg" || size != image.Pt(800, 600) {
			b.fatalf("link serves %s of %v", ct, size)
		}
	})

	t.Run("PublishingAgainUploadsNothing", func(t *testing.T) {
		b := b.on(t)
		before := objects(t, s)
		again, msg := b.publish()
		if again != link {
			b.fatalf("second publish gave %q (%q), want the same link %q", again, msg, link)
		}
		if after := checkedObjects(t, s); len(after["originals"]) != len(before["originals"]) || len(after["memes"]) != len(before["memes"]) {
			b.fatalf("publishing an unchanged meme uploaded again: %v -> %v", keys(before), keys(after))
		}
	})

	t.Run("AChangedMemeUploadsOnlyTheMeme", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.SetValue(chromedp.ID("format"), "png"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('format').dispatchEvent(new Event('input', {bubbles: true}))`))
		b.typeCaption(1, "now as a PNG")
		b.settle(300 * time.Millisecond)
		png, msg := b.publish()
		if png == "" || png == link {
			b.fatalf("publishing the changed meme gave %q (%q)", png, msg)
		}
		objs := checkedObjects(t, s)
		if len(objs["originals"]) != 1 || len(objs["memes"]) != 2 {
			b.fatalf("bucket holds %v; want the one original and two memes", keys(objs))
		}
		ct, size := fetchImage(t, imageOf(t, png))
		if ct != "image/png" || size != image.Pt(800, 600) {
			b.fatalf("the PNG meme's link serves %s of %v", ct, size)
		}
	})

	t.Run("TheLinkOpensInTheBrowser", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Navigate(link))
		if w := evalT[int](b, `document.images.length ? document.images[0].naturalWidth : 0`); w != 800 {
			b.fatalf("opening the link shows an image %d px wide, want 800", w)
		}
	})

	t.Run("OpeningTheLinkLeavesTheOfflinePageIntact", func(t *testing.T) {
		b := b.on(t)
		// Still on the meme's page (same origin): what would an offline visit get as the app?
		types := evalT[[]string](b, `(async () => {
		  const out = [];
		  for (const n of await caches.keys()) {
		    const c = await caches.open(n);
		    for (const p of ['/', '/index.html']) { const r = await c.match(location.origin + p); out.push(p + ' ' + (r ? r.headers.get('content-type') : 'missing')); }
		  }
		  return out;
		})()`)
		for _, ty := range types {
			if !strings.Contains(ty, "text/html") {
				b.fatalf("the cached page is %v; opening a meme must not replace it", types)
			}
		}
	})
}

func keys(m map[string][]object) []string {
	var out []string
	for _, v := range m {
		for _, o := range v {
			out = append(out, o.Key+" ("+o.ContentType+")")
		}
	}
	sort.Strings(out)
	return out
}

// TestPublishRecovers stops the gateway, publishes (it fails with a message and nothing is lost),
// starts the gateway again and publishes: the second press finishes the job.
func TestPublishRecovers(t *testing.T) {
	s, b := startEditing(t)
	b.typeCaption(0, "Storage is down")
	b.settle(300 * time.Millisecond)
	before := b.canvas()
	if err := s.StopGateway(); err != nil {
		t.Fatal(err)
	}

	t.Run("FailsWithAMessage", func(t *testing.T) {
		b := b.on(t)
		link, msg := b.publish()
		if link != "" {
			b.fatalf("publish with the gateway stopped gave a link %q", link)
		}
		for _, want := range []string{"Couldn't upload", "press Publish"} {
			if !strings.Contains(msg, want) {
				b.fatalf("failure message %q does not contain %q", msg, want)
			}
		}
		if !evalT[bool](b, `document.getElementById('publish-msg').classList.contains('is-error')`) {
			b.fatalf("the failure is not shown as an error")
		}
		if evalT[bool](b, `!document.getElementById('publish-result').hidden`) {
			b.fatalf("a failed publish shows a link")
		}
		b.screenshot("site-1280-light-publish-failed.png")
	})

	t.Run("NothingIsLost", func(t *testing.T) {
		b := b.on(t)
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "Storage is down" {
			b.fatalf("caption after the failure = %q", got)
		}
		g := b.boxGeom(0)
		if c, _ := diffCount(t, before, b.canvas(), 0, 1); c != 0 {
			b.fatalf("the preview changed (%d pixels) after the failed publish", c)
		}
		b.reloadRestored()
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "Storage is down" {
			b.fatalf("caption after reloading = %q", got)
		}
		if got := b.boxGeom(0); got != g {
			b.fatalf("caption box after reloading = %+v, want %+v", got, g)
		}
	})

	t.Run("SecondPublishSucceeds", func(t *testing.T) {
		b := b.on(t)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := s.StartGateway(ctx); err != nil {
			t.Fatal(err)
		}
		link, msg := b.publish()
		if link == "" {
			b.fatalf("publish after the gateway came back failed: %q", msg)
		}
		objs := checkedObjects(t, s)
		if len(objs["originals"]) != 1 || len(objs["memes"]) != 1 {
			b.fatalf("bucket holds %v; want one original and one meme", keys(objs))
		}
		if ct, size := fetchImage(t, imageOf(t, link)); ct != "image/jpeg" || size != image.Pt(800, 600) {
			b.fatalf("the link's image is %s of %v", ct, size)
		}
	})
}

// TestPublishReportsRefusal publishes to a signer whose upload limit is below the image's size:
// the refusal is not retried and its reason reaches the person.
func TestPublishReportsRefusal(t *testing.T) {
	s, b := startEditing(t, func(o *localstack.Options) { o.MaxUploadBytes = 10_000 })
	b.watchProgress() // a retry would say "trying again"
	link, msg := b.publish()
	if link != "" {
		b.fatalf("publish over the signer's limit gave a link %q", link)
	}
	if !strings.Contains(msg, "The signing service refused the") || !strings.Contains(msg, "over the limit") {
		b.fatalf("message = %q, want the signer's refusal", msg)
	}
	if labels := evalT[[]string](b, `window.__labels`); strings.Contains(strings.Join(labels, "|"), "trying again") {
		b.fatalf("a refusal was retried: progress said %q", labels)
	}
	if objs := objects(t, s); len(objs) != 0 {
		b.fatalf("a refused publish stored %v", keys(objs))
	}
}

// watchProgress records every text the publish progress line shows, in window.__labels.
func (b *browser) watchProgress() {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`window.__labels = [];
	  new MutationObserver(() => window.__labels.push(document.getElementById('publish-progress-label').textContent))
	    .observe(document.getElementById('publish-progress-label'), { childList: true, characterData: true, subtree: true });`))
}

// TestPublishOfAnImageNoLongerShown opens another image after a publish and during one: the old
// image's link, messages and progress never show for the new image, nor does its publish land in
// the new image's record, so publishing the new image uploads its own original.
func TestPublishOfAnImageNoLongerShown(t *testing.T) {
	s, b := startEditing(t)
	b.typeCaption(0, "The first image")
	b.settle(300 * time.Millisecond)
	shownForNewImage := func(b *browser) {
		b.t.Helper()
		if msg := b.text("#publish-msg"); msg != "" {
			b.fatalf("the new image shows the publish message %q", msg)
		}
		if evalT[bool](b, `!document.getElementById('publish-result').hidden`) {
			b.fatalf("the new image shows the link %q", evalT[string](b, `document.getElementById('publish-link').href`))
		}
		if evalT[bool](b, `!document.getElementById('publish-progress-wrap').hidden`) {
			b.fatalf("the new image shows publish progress %q", b.text("#publish-progress-label"))
		}
	}

	t.Run("ALinkGoesWithItsImage", func(t *testing.T) {
		b := b.on(t)
		if link, msg := b.publish(); link == "" {
			b.fatalf("publish failed: %q", msg)
		}
		b.chooseImage(fixture("tall-300x450.png"))
		shownForNewImage(b)
	})

	t.Run("APublishFinishingLateShowsNothing", func(t *testing.T) {
		b := b.on(t)
		// Hold the page's requests to the signer until the next image is open, and count the
		// uploads that finish.
		b.do(chromedp.Evaluate[chromedp.Void](`(() => {
		  window.__signHeld = new Promise((r) => { window.__releaseSign = r; });
		  const f = window.fetch;
		  window.fetch = async (...a) => { if (String(a[0]).includes('/api/sign')) await window.__signHeld; return f.apply(window, a); };
		  window.__uploads = 0;
		  const send = XMLHttpRequest.prototype.send;
		  XMLHttpRequest.prototype.send = function (...a) { this.addEventListener('loadend', () => window.__uploads++); return send.apply(this, a); };
		})()`), chromedp.Click(chromedp.ID("publish")))
		b.waitJS("the publish to ask the signer", `document.getElementById('publish-progress-label').textContent.startsWith('Asking')`, 30*time.Second)
		b.chooseImage(fixture("small-200x150.gif"))
		b.do(chromedp.Evaluate[chromedp.Void](`window.__releaseSign()`))
		b.waitJS("the old image's two uploads", `window.__uploads >= 2`, 60*time.Second)
		if objs := checkedObjects(t, s); len(objs["originals"]) != 2 || len(objs["memes"]) != 2 {
			b.fatalf("bucket holds %v; want the old image's publish finished (two originals, two memes)", keys(objs))
		}
		shownForNewImage(b)
	})

	t.Run("TheNewImageUploadsItsOwnOriginal", func(t *testing.T) {
		b := b.on(t)
		gif, err := os.ReadFile(fixture("small-200x150.gif"))
		if err != nil {
			t.Fatal(err)
		}
		if link, msg := b.publish(); link == "" {
			b.fatalf("publishing the new image failed: %q", msg)
		}
		found := false
		for _, o := range checkedObjects(t, s)["originals"] {
			found = found || bytes.Equal(o.Body, gif) // a GIF with nothing to strip is stored as it is
		}
		if !found {
			b.fatalf("the new image's original was not uploaded: its record said it already was")
		}
	})
}
