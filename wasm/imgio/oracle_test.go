//go:build !(js && wasm)

package imgio

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/memeforge/memeforge/internal/testgif"
)

// decodeInChromium decodes every frame of a GIF with Chromium's own decoder
// (WebCodecs ImageDecoder, which composes frames as the browser shows them)
// and returns each frame as straight RGBA bytes.
const decodeInChromium = `(async (b64) => {
  const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dec = new ImageDecoder({ data, type: "image/gif", premultiplyAlpha: "none", colorSpaceConversion: "none" });
  await dec.tracks.ready;
  const n = dec.tracks.selectedTrack.frameCount;
  const out = [];
  for (let i = 0; i < n; i++) {
    const { image } = await dec.decode({ frameIndex: i });
    const w = image.displayWidth, h = image.displayHeight;
    const buf = new Uint8Array(w * h * 4);
    await image.copyTo(buf, { format: "RGBA" });
    image.close();
    out.push({ w, h, px: btoa(String.fromCharCode.apply(null, Array.from(buf))) });
  }
  return out;
})`

// TestComposeMatchesChromium is the outside oracle for composition: every
// frame of every test GIF as Chromium decodes it must equal the Composer's,
// pixel for pixel (transparent pixels compared as transparent only).
func TestComposeMatchesChromium(t *testing.T) {
	chromium := "/usr/bin/chromium"
	if _, err := exec.LookPath(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not installed")
		}
		t.Skip("no chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	// WebCodecs needs a secure context: loopback http is one, about:blank is not.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>gif oracle</title>"))
	}))
	defer srv.Close()
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	for _, c := range append(testgif.Cases(), testgif.Case{Name: "real", Data: testgif.Real(12, 96, 40)}) {
		t.Run(c.Name, func(t *testing.T) {
			js := decodeInChromium + `("` + base64.StdEncoding.EncodeToString(c.Data) + `")`
			frames, err := chromedp.Run(ctx, chromedp.Evaluate[[]struct {
				W, H int
				Px   string
			}](js, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			a, err := DecodeAnimation(c.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(frames) != len(a.Frames) {
				t.Fatalf("Chromium has %d frames, we have %d", len(frames), len(a.Frames))
			}
			comp := a.NewComposer()
			for i, f := range frames {
				if f.W != a.Width || f.H != a.Height {
					t.Fatalf("frame %d: Chromium %dx%d, we %dx%d", i, f.W, f.H, a.Width, a.Height)
				}
				want, _ := base64.StdEncoding.DecodeString(f.Px)
				got := comp.Frame(i).Pix
				for k := 0; k < len(got); k += 4 {
					if want[k+3] == 0 && got[k+3] == 0 {
						continue
					}
					if string(want[k:k+4]) != string(got[k:k+4]) {
						t.Fatalf("frame %d pixel %d,%d: Chromium %v, we %v", i, k/4%a.Width, k/4/a.Width, want[k:k+4], got[k:k+4])
					}
				}
			}
		})
	}
}
