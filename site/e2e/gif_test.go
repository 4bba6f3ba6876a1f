package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/memeforge/memeforge/internal/testgif"
)

// The animated GIF the tests drop: shaped like a real one (a full first frame, then small moving
// sub-rectangles with transparency), small enough that the preview is drawn at its own size, so
// the canvas can be compared with the frame pixel for pixel.
const (
	gifFrames = 10
	gifW      = 240
	gifH      = 120
)

// writeTemp writes data to name in a fresh temporary folder and returns its path.
func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// composeFrames returns every frame of g as a viewer shows it (disposal none or unspecified, as
// testgif.Real writes: each frame drawn over the last, transparent pixels keeping what was there).
func composeFrames(t *testing.T, g *gif.GIF) []*image.RGBA {
	t.Helper()
	screen := image.NewRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	var out []*image.RGBA
	for i, m := range g.Image {
		if g.Disposal[i] > gif.DisposalNone {
			t.Fatalf("composeFrames handles disposal none only; frame %d has %d", i, g.Disposal[i])
		}
		draw.Draw(screen, m.Bounds(), m, m.Bounds().Min, draw.Over)
		out = append(out, image.NewRGBA(screen.Bounds()))
		copy(out[i].Pix, screen.Pix)
	}
	return out
}

// maxDiff is the largest channel difference between two images of the same size, and how many
// pixels differ by more than tol.
func maxDiff(a, b image.Image, tol uint32) (worst uint32, over int) {
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x-r.Min.X+b.Bounds().Min.X, y-r.Min.Y+b.Bounds().Min.Y).RGBA()
			d := max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) >> 8
			worst = max(worst, d)
			if d > tol {
				over++
			}
		}
	}
	return worst, over
}

// framesDrawn is how many animation frames the page has drawn (site/instrument.js 'frame').
func (b *browser) framesDrawn() int { return evalT[int](b, `window.__mf.frames.length`) }

// waitPlaying waits until the page has drawn at least n different frames after the first `after`
// frame events: the animation plays on its own.
func (b *browser) waitPlaying(after, n int) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf("%d different frames to be drawn", n),
		fmt.Sprintf(`new Set(window.__mf.frames.slice(%d).map((f) => f.frame)).size >= %d`, after, n), 30*time.Second)
}

// chooseGIF picks an animated GIF and waits until its first frame is drawn.
func (b *browser) chooseGIF(path string) {
	b.t.Helper()
	a := evalT[int](b, `window.__mf.animations.length`)
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('image-msg').textContent = ''`))
	b.upload("#file-input", path)
	b.waitJS("the GIF to load", fmt.Sprintf(`window.__mf.animations.length > %d || document.getElementById('image-msg').textContent !== ''`, a), 30*time.Second)
	if msg := b.text("#image-msg"); msg != "" {
		b.fatalf("choosing %s: %s", filepath.Base(path), msg)
	}
	// Every frame drawn from the animation event on is the new GIF's (the player drops late frames
	// of the one before).
	b.waitJS("the first frame", `window.__mf.frames.length > window.__mf.animations.at(-1).framesBefore`, 30*time.Second)
}

// reducedMotion emulates the system asking for reduced motion (or not).
func (b *browser) reducedMotion(on bool) {
	b.t.Helper()
	v := "no-preference"
	if on {
		v = "reduce"
	}
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: v}},
		})
		return err
	}))
}

// apng returns a PNG with an acTL chunk after IHDR: an animated PNG as far as its headers say.
func apng(t *testing.T) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	chunk := []byte("acTL")
	chunk = binary.BigEndian.AppendUint32(chunk, 2) // frames
	chunk = binary.BigEndian.AppendUint32(chunk, 0) // plays forever
	ac := binary.BigEndian.AppendUint32(nil, 8)
	ac = append(ac, chunk...)
	ac = binary.BigEndian.AppendUint32(ac, crc32.ChecksumIEEE(chunk))
	const afterIHDR = 8 + 25
	return slices.Concat(data[:afterIHDR], ac, data[afterIHDR:])
}

// tooManyFrames is a GIF of 2001 one-pixel frames: one over the renderer's frame limit.
func tooManyFrames(t *testing.T) []byte {
	t.Helper()
	p := color.Palette{color.Black, color.White}
	g := &gif.GIF{Config: image.Config{ColorModel: p, Width: 1, Height: 1}}
	for i := 0; i < 2001; i++ {
		m := image.NewPaletted(image.Rect(0, 0, 1, 1), p)
		m.Pix[0] = uint8(i % 2)
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 2)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestAnimatedGIF drops an animated GIF and checks, in Chromium, that it plays on its own, that
// typing shows on the frames that follow, that pause stops it and the scrubber shows the chosen
// frame exactly, that Download gives an animated GIF with the source's frames and delays, that
// Publish stores image/gif and the link serves it, that a GIF over the frame limit is refused in
// words naming the limit, that an animated PNG is said to use its first frame, that the GIF is
// back and playing after an offline reload, and that reduced motion starts it paused.
func TestAnimatedGIF(t *testing.T) {
	src := testgif.Real(gifFrames, gifW, gifH)
	g, err := gif.DecodeAll(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	want := composeFrames(t, g)
	path := writeTemp(t, "dancing.gif", src)

	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())
	b.chooseGIF(path)

	t.Run("Plays", func(t *testing.T) {
		b := b.on(t)
		if evalT[bool](b, `document.getElementById('anim-controls').hidden`) {
			b.fatalf("the animation controls are hidden for an animated GIF")
		}
		if got := b.text("#anim-toggle"); got != "Pause" {
			b.fatalf("the play button says %q while playing; want Pause", got)
		}
		b.waitPlaying(0, 4)
		// The canvas changes with nobody touching the page.
		a := b.canvas()
		changed := false
		for i := 0; i < 20 && !changed; i++ {
			time.Sleep(60 * time.Millisecond)
			_, over := maxDiff(a, b.canvas(), 8)
			changed = over > 0
		}
		if !changed {
			b.fatalf("the canvas did not change over 1.2 s of playback")
		}
		if got := evalT[string](b, `document.getElementById('anim-scrub').max`); got != fmt.Sprint(gifFrames-1) {
			b.fatalf("scrubber max = %s, want %d", got, gifFrames-1)
		}
		// The GIF's own timing: 40 ms a frame. Frames are dropped when the worker is busy, so only
		// bound the pace from above: no frame comes sooner than its delay allows (2 ms slack).
		gaps := evalT[[]float64](b, `(() => { const f = window.__mf.frames.filter((x) => x.start === null); const out = [];
		  for (let i = 1; i < f.length; i++) { const n = (f[i].frame - f[i-1].frame + 10) % 10; if (n > 0) out.push((f[i].sent - f[i-1].sent) / n); }
		  return out; })()`)
		if len(gaps) > 3 {
			slices.Sort(gaps)
			if med := gaps[len(gaps)/2]; med < 30 {
				b.fatalf("frames follow each other every %.0f ms per frame (median); the GIF says 40", med)
			}
		}
	})

	t.Run("TypingShowsOnTheNextFrames", func(t *testing.T) {
		b := b.on(t)
		n := b.framesDrawn()
		before := b.canvas()
		b.typeCaption(0, "PLAYING")
		b.waitJS("a frame with the new caption", fmt.Sprintf(`window.__mf.frames.slice(%d).some((f) => f.spec.includes('"PLAYING"'))`, n), 10*time.Second)
		first := evalT[int](b, fmt.Sprintf(`window.__mf.frames.findIndex((f, i) => i >= %d && f.spec.includes('"PLAYING"'))`, n))
		b.waitJS("more frames", fmt.Sprintf(`window.__mf.frames.length > %d`, first+3), 10*time.Second)
		if stale := evalT[int](b, fmt.Sprintf(`window.__mf.frames.slice(%d).filter((f) => !f.spec.includes('"PLAYING"')).length`, first)); stale > 0 {
			b.fatalf("%d frames drawn after the new caption showed still had the old one", stale)
		}
		g := b.boxGeom(0)
		if c, tot := diffCount(t, before, b.canvas(), g.Y, g.Y+g.H); c < tot/100 {
			b.fatalf("the top caption's rows changed in only %d of %d pixels after typing", c, tot)
		}
		if evalT[string](b, `document.getElementById('anim-toggle').textContent`) != "Pause" {
			b.fatalf("typing stopped the animation")
		}
	})

	t.Run("PauseAndScrub", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.ID("anim-toggle")))
		if got := b.text("#anim-toggle"); got != "Play" {
			b.fatalf("after pausing the button says %q; want Play", got)
		}
		if st := b.text("#anim-status"); !strings.HasPrefix(st, "Frame ") || !strings.HasSuffix(st, fmt.Sprintf(" of %d", gifFrames)) {
			b.fatalf("the status says %q after pausing; want the frame", st)
		}
		time.Sleep(200 * time.Millisecond)
		n := b.framesDrawn()
		a := b.canvas()
		time.Sleep(500 * time.Millisecond)
		if _, over := maxDiff(a, b.canvas(), 0); over > 0 || b.framesDrawn() != n {
			b.fatalf("paused, the canvas still changed (%d pixels, %d frames drawn)", over, b.framesDrawn()-n)
		}

		// No captions, so the canvas is the frame itself; then frame 6 with the keyboard.
		b.typeCaption(0, "")
		b.typeCaption(1, "")
		b.do(chromedp.Focus(chromedp.CSS("#anim-scrub")), chromedp.KeyEvent(kb.Home))
		for i := 0; i < 5; i++ {
			b.do(chromedp.KeyEvent(kb.ArrowRight))
		}
		if st := b.text("#anim-status"); st != fmt.Sprintf("Frame 6 of %d", gifFrames) {
			b.fatalf("after Home and five right arrows the status says %q", st)
		}
		if vt := evalT[string](b, `document.getElementById('anim-scrub').getAttribute('aria-valuetext')`); vt != fmt.Sprintf("Frame 6 of %d", gifFrames) {
			b.fatalf("the scrubber's aria-valuetext is %q", vt)
		}
		if lbl := evalT[string](b, `document.getElementById('anim-scrub').labels[0].textContent`); lbl == "" {
			b.fatalf("the scrubber has no label")
		}
		b.waitJS("frame 6 without captions", `(() => { const f = window.__mf.frames.at(-1); return f.frame === 5 && !/"text":"[^"]/.test(f.spec); })()`, 10*time.Second)
		time.Sleep(100 * time.Millisecond)
		got := b.canvas()
		if got.Bounds().Size() != image.Pt(gifW, gifH) {
			b.fatalf("the canvas is %v; the test needs it at the GIF's own %dx%d", got.Bounds().Size(), gifW, gifH)
		}
		if worst, over := maxDiff(got, want[5], 2); over > 0 {
			b.fatalf("the canvas differs from frame 6 in %d pixels (by up to %d)", over, worst)
		}
		if _, over := maxDiff(got, want[4], 2); over == 0 {
			b.fatalf("frame 5 and 6 look alike; the comparison proves nothing")
		}
		b.do(chromedp.Click(chromedp.ID("anim-toggle")))
		n = b.framesDrawn()
		b.waitPlaying(n, 3)
	})

	t.Run("DownloadGivesAnAnimatedGIF", func(t *testing.T) {
		b := b.on(t)
		b.typeCaption(0, "DOWNLOADED")
		if !evalT[bool](b, `document.getElementById('format').closest('label').hidden`) {
			b.fatalf("the JPEG/PNG choice is offered for an animated GIF")
		}
		dir := t.TempDir()
		b.allowDownloads(dir)
		b.do(chromedp.Click(chromedp.ID("download")))
		p, err := waitFile(dir, 60*time.Second)
		if err != nil {
			b.fatalf("no download: %v (message %q)", err, b.text("#save-msg"))
		}
		if !strings.HasSuffix(p, ".gif") {
			b.fatalf("downloaded %s; want a .gif", filepath.Base(p))
		}
		data, _ := os.ReadFile(p)
		out, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			b.fatalf("the download does not decode as a GIF: %v", err)
		}
		if len(out.Image) != gifFrames || !slices.Equal(out.Delay, g.Delay) {
			b.fatalf("the download has %d frames, delays %v; the source %d, %v", len(out.Image), out.Delay, gifFrames, g.Delay)
		}
		if evalT[string](b, `window.__mf.finals.at(-1).format`) != "gif" {
			b.fatalf("the final render was not a GIF")
		}
	})

	t.Run("PublishStoresAGIF", func(t *testing.T) {
		b := b.on(t)
		link, msg := b.publish()
		if link == "" {
			b.fatalf("publish failed: %q", msg)
		}
		objs := checkedObjects(t, s)
		if len(objs["memes"]) != 1 || len(objs["originals"]) != 1 {
			b.fatalf("bucket holds %v; want one meme and one original", keys(objs))
		}
		for _, o := range []object{objs["memes"][0], objs["originals"][0]} {
			if o.ContentType != "image/gif" {
				b.fatalf("%s is stored as %q; want image/gif", o.Key, o.ContentType)
			}
			st, err := gif.DecodeAll(bytes.NewReader(o.Body))
			if err != nil || len(st.Image) != gifFrames {
				b.fatalf("%s: not a %d-frame GIF (err %v)", o.Key, gifFrames, err)
			}
		}
		if !bytes.Equal(objs["originals"][0].Body, src) {
			// testgif's file has no comments or application blocks but the loop extension; the strip
			// step may rewrite only metadata, so the frames must be the same.
			orig, _ := gif.DecodeAll(bytes.NewReader(objs["originals"][0].Body))
			for i := range orig.Image {
				if !bytes.Equal(orig.Image[i].Pix, g.Image[i].Pix) {
					b.fatalf("the stored original's frame %d differs from the source's", i+1)
				}
			}
		}
		img := imageOf(t, link) // the link is the share page; its og:image the meme
		resp, err := http.Get(img)
		if err != nil {
			b.fatalf("GET %s: %v", img, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/gif" {
			b.fatalf("GET %s: %s, type %q", img, resp.Status, resp.Header.Get("Content-Type"))
		}
		if st, err := gif.DecodeAll(bytes.NewReader(body)); err != nil || len(st.Image) != gifFrames {
			b.fatalf("the link serves no %d-frame GIF (err %v)", gifFrames, err)
		}
	})

	t.Run("TooManyFramesNamesTheLimit", func(t *testing.T) {
		b := b.on(t)
		msg := b.uploadForMessage("#file-input", "#image-msg", writeTemp(t, "long.gif", tooManyFrames(t)), 60*time.Second)
		if !strings.Contains(msg, "2,000 frames") || !strings.Contains(msg, "long.gif") {
			b.fatalf("a 2001-frame GIF got %q; want the 2,000-frame limit named", msg)
		}
		// The GIF before it is still there and playing.
		b.waitPlaying(b.framesDrawn(), 3)
	})

	t.Run("AnimatedPNGUsesItsFirstFrame", func(t *testing.T) {
		b := b.on(t)
		b.chooseImage(writeTemp(t, "moving.png", apng(t)))
		if note := b.text("#anim-note"); !strings.Contains(note, "only its first frame") {
			b.fatalf("an animated PNG got the note %q", note)
		}
		if !evalT[bool](b, `document.getElementById('anim-controls').hidden`) {
			b.fatalf("the animation controls show for a still image")
		}
		b.chooseGIF(path)
		if note := b.text("#anim-note"); note != "" {
			b.fatalf("the first-frame note stayed for a GIF: %q", note)
		}
		b.waitPlaying(b.framesDrawn(), 3)
	})

	t.Run("OfflineReloadKeepsTheGIF", func(t *testing.T) {
		b := b.on(t)
		b.typeCaption(0, "OFFLINE")
		b.waitJS("the service worker to control the page", `navigator.serviceWorker.controller !== null`, 60*time.Second)
		b.waitAsync("the work to be saved", savedDocMatches, 10*time.Second)
		if err := s.Stop(); err != nil {
			b.fatalf("stop the local stack: %v", err)
		}
		b.offline(true)
		b.do(chromedp.Reload())
		b.offline(true)
		b.waitReady()
		b.waitJS("the restored image", `document.documentElement.dataset.image === 'loaded'`, 30*time.Second)
		b.waitPlaying(0, 4)
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "OFFLINE" {
			b.fatalf("caption after an offline reload = %q", got)
		}
		if evalT[bool](b, `document.getElementById('anim-controls').hidden`) {
			b.fatalf("no animation controls after the reload")
		}
	})

	t.Run("ReducedMotionStartsPaused", func(t *testing.T) {
		b := b.on(t)
		b.reducedMotion(true)
		b.chooseGIF(path)
		n := evalT[int](b, `window.__mf.animations.at(-1).framesBefore`)
		if got := b.text("#anim-toggle"); got != "Play" {
			b.fatalf("with reduced motion the button says %q; want Play (paused)", got)
		}
		time.Sleep(500 * time.Millisecond)
		if k := evalT[int](b, fmt.Sprintf(`new Set(window.__mf.frames.slice(%d).map((f) => f.frame)).size`, n)); k != 1 {
			b.fatalf("with reduced motion %d different frames were drawn", k)
		}
	})
}
