package e2e

import (
	"fmt"
	"image"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	xdraw "golang.org/x/image/draw"
)

// TestTemplates picks templates from the gallery as a person does (a blank two-panel format with
// two of their own images, and a starter with its own picture), types, and checks the preview and
// the download against the CLI's output for the same spec; then undo and redo across text, drag,
// style and crop, a reload that keeps the list of memes and the undo history, and the templates
// offline once seen.
func TestTemplates(t *testing.T) {
	cli := buildCLI(t)
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())
	b.waitJS("the service worker to control the page", `navigator.serviceWorker.controller !== null`, 60*time.Second)

	t.Run("GalleryOpensWithFormatsAndStarters", func(t *testing.T) {
		b := b.on(t)
		b.openGallery("#templates-start")
		names := evalT[[]string](b, `[...document.querySelectorAll('#gallery [data-template]')].map((e) => e.dataset.template)`)
		for _, want := range []string{"classic", "caption-bar", "two-panel", "four-panel", "labels", "cat-stare"} {
			if !strings.Contains(","+strings.Join(names, ",")+",", ","+want+",") {
				b.fatalf("gallery lists %v; want %s", names, want)
			}
		}
		if got := evalT[string](b, `document.activeElement && document.activeElement.dataset.template || ''`); got != names[0] {
			b.fatalf("focus is on %q when the gallery opens; want the first template %q", got, names[0])
		}
		b.waitJS("every thumbnail", `[...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth > 0)`, 20*time.Second)
		for _, w := range []int{1280, 360} {
			for _, scheme := range []string{"light", "dark"} {
				b.do(chromedp.EmulateViewport(int64(w), 900))
				b.colorScheme(scheme)
				b.screenshot(fmt.Sprintf("gallery-%d-%s.png", w, scheme))
			}
		}
		b.colorScheme("light")
		b.do(chromedp.EmulateViewport(1280, 900))
		b.do(chromedp.KeyEvent(kb.Escape))
		b.waitJS("the gallery to close on Escape", `!document.getElementById('gallery').open`, 5*time.Second)
	})

	var twoPanelSpec string
	t.Run("TwoPanelWithTwoImagesMatchesTheCLI", func(t *testing.T) {
		b := b.on(t)
		b.startTwoPanel()
		b.typeCaption(0, "when the tests pass")
		b.typeCaption(1, "on the first run")
		b.settle(500 * time.Millisecond)
		twoPanelSpec = b.lastSpec()
		if !strings.Contains(twoPanelSpec, `"canvas"`) {
			b.fatalf("the previewed spec has no canvas: %s", twoPanelSpec)
		}
		b.screenshot("two-panel-editor-1280.png")
		want := runCLI(t, cli, twoPanelSpec, fixture("photo-800x600.jpg"), fixture("tall-300x450.png"))
		b.compareWithCLI(want)
	})

	t.Run("PublishesEveryOriginal", func(t *testing.T) {
		b := b.on(t)
		if link, msg := b.publish(); link == "" {
			b.fatalf("publishing the two-panel meme: %s", msg)
		}
		if objs := checkedObjects(t, s); len(objs["originals"]) != 2 || len(objs["memes"]) != 1 {
			b.fatalf("bucket holds %v; want two originals and one meme", keys(objs))
		}
	})

	t.Run("UndoRedoAcrossTextDragStyleAndCrop", func(t *testing.T) {
		b := b.on(t)
		text := func() string { return evalT[string](b, `document.getElementById('box-0-text').value`) }
		// Text: a word typed is one step.
		before := text()
		b.typeCaption(0, "typed words")
		b.settle(300 * time.Millisecond)
		b.key("z", chromedp.ModifierCtrl)
		if got := text(); got != before {
			b.fatalf("after undoing the typing the caption is %q; want %q", got, before)
		}
		b.key("z", chromedp.ModifierCtrl|chromedp.ModifierShift)
		if got := text(); got != "typed words" {
			b.fatalf("after redo the caption is %q", got)
		}
		time.Sleep(1100 * time.Millisecond) // a new gesture, not more of the same
		// Drag: one drag is one step.
		g0 := b.boxGeom(1)
		box := b.rect(`.box[data-index="1"]`)
		canvas := b.rect("#preview")
		b.do(chromedp.DragAndDropXY(box.X+box.W/2, box.Y+box.H/2, box.X+box.W/2, box.Y+box.H/2-canvas.H*0.3, 8))
		b.settle(300 * time.Millisecond)
		if g1 := b.boxGeom(1); g1.Y > g0.Y-0.2 {
			b.fatalf("the drag did not move caption 2: %+v -> %+v", g0, g1)
		}
		b.do(chromedp.Click(chromedp.CSS("#undo")))
		if g := b.boxGeom(1); g != g0 {
			b.fatalf("after undoing the drag caption 2 is at %+v; want %+v", g, g0)
		}
		b.do(chromedp.Click(chromedp.CSS("#redo")))
		if g := b.boxGeom(1); g.Y > g0.Y-0.2 {
			b.fatalf("redo did not move caption 2 again: %+v", g)
		}
		// Style: the fill colour.
		b.setInput("#box-0-fill", "#ff0000")
		b.key("z", chromedp.ModifierCtrl)
		if got := evalT[string](b, `document.getElementById('box-0-fill').value`); got != "#ffffff" {
			b.fatalf("after undoing the colour the fill is %s", got)
		}
		b.key("y", chromedp.ModifierCtrl)
		if got := evalT[string](b, `document.getElementById('box-0-fill').value`); got != "#ff0000" {
			b.fatalf("after redo (Ctrl+Y) the fill is %s", got)
		}
		// Crop: 20 % off the top of the first image, then undo and redo it.
		time.Sleep(1100 * time.Millisecond)
		b.settle(300 * time.Millisecond)
		uncropped := b.canvas()
		b.setInput("#slot-0-crop-top", "20")
		b.settle(400 * time.Millisecond)
		if !strings.Contains(b.lastSpec(), `"crop":{"x":0,"y":0.2,"w":1,"h":0.8}`) {
			b.fatalf("the crop is not in the spec: %s", b.lastSpec())
		}
		_, undone, _ := b.redraw(func() { b.key("z", chromedp.ModifierCtrl) })
		if got := evalT[string](b, `document.getElementById('slot-0-crop-top').value`); got != "0" {
			b.fatalf("after undoing the crop the field says %s", got)
		}
		if d := meanDiff(uncropped, undone); d > 0.01 {
			b.fatalf("after undoing the crop the preview differs from before it by %.3f per channel", d)
		}
		b.key("z", chromedp.ModifierCtrl|chromedp.ModifierShift)
		b.settle(300 * time.Millisecond)
		if !strings.Contains(b.lastSpec(), `"y":0.2`) {
			b.fatalf("redo did not crop again: %s", b.lastSpec())
		}
		// A quarter turn is a step too.
		b.do(chromedp.Click(chromedp.CSS("#slot-1-rotate-right")))
		b.settle(300 * time.Millisecond)
		if !strings.Contains(b.lastSpec(), `"rotate":90`) {
			b.fatalf("the turn is not in the spec: %s", b.lastSpec())
		}
		b.do(chromedp.Click(chromedp.CSS("#undo")))
		b.settle(300 * time.Millisecond)
		if strings.Contains(b.lastSpec(), `"rotate":90`) {
			b.fatalf("undo did not take the turn back: %s", b.lastSpec())
		}
	})

	t.Run("StarterMatchesTheCLI", func(t *testing.T) {
		b := b.on(t)
		b.openGallery("#templates")
		n := b.previews()
		b.do(chromedp.Click(chromedp.CSS(`#gallery [data-template="cat-stare"]`)))
		b.waitJS("the starter", `!document.getElementById('gallery').open && document.getElementById('image-info').textContent.includes('cat-stare')`, 30*time.Second)
		b.waitPreview(n)
		b.typeCaption(1, "I saw the diff")
		b.settle(500 * time.Millisecond)
		want := runCLI(t, cli, b.lastSpec(), filepath.Join(repoRoot, "templates", "cat-stare", "1.jpg"))
		b.compareWithCLI(want)
	})

	t.Run("ReloadKeepsTheMemesAndTheHistory", func(t *testing.T) {
		b := b.on(t)
		if n := evalT[int](b, `document.querySelectorAll('#meme-list .meme-item').length`); n != 2 {
			b.fatalf("the list holds %d memes; want 2", n)
		}
		b.typeCaption(0, "before the reload")
		b.settle(300 * time.Millisecond)
		time.Sleep(1100 * time.Millisecond)
		b.typeCaption(0, "after one more edit")
		b.reloadRestored()
		if n := evalT[int](b, `document.querySelectorAll('#meme-list .meme-item').length`); n != 2 {
			b.fatalf("after the reload the list holds %d memes; want 2", n)
		}
		b.key("z", chromedp.ModifierCtrl)
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "before the reload" {
			b.fatalf("undo after the reload gives %q; want %q", got, "before the reload")
		}
		// Switch to the two-panel meme and back: each keeps its own captions.
		n := b.previews()
		b.do(chromedp.Click(chromedp.CSS(`#meme-list .meme-open:not([aria-current])`)))
		b.waitJS("the other meme", `document.getElementById('box-0-text').value === 'typed words'`, 20*time.Second)
		b.waitPreview(n)
		if got := b.lastSpecAfterSettle(); !strings.Contains(got, `"canvas"`) {
			b.fatalf("the two-panel meme lost its canvas: %s", got)
		}
		// Delete the starter: one meme is left, the one shown.
		b.do(chromedp.Click(chromedp.CSS(`#meme-list .meme-item:not(:has([aria-current])) .meme-delete`)))
		b.waitJS("one meme left", `document.querySelectorAll('#meme-list .meme-item').length === 1`, 10*time.Second)
	})

	t.Run("TemplatesWorkOfflineOnceSeen", func(t *testing.T) {
		b := b.on(t)
		cached := evalT[[]string](b, `caches.open('memeforge.templates').then((c) => c.keys()).then((ks) => ks.map((r) => new URL(r.url).pathname))`)
		if !contains(cached, "/templates/cat-stare/1.jpg") || !contains(cached, "/templates/index.json") {
			b.fatalf("the templates cache holds %v", cached)
		}
		if err := s.Stop(); err != nil {
			b.fatalf("stop the local stack: %v", err)
		}
		b.offline(true)
		b.openGallery("#templates")
		n := b.previews()
		b.do(chromedp.Click(chromedp.CSS(`#gallery [data-template="cat-stare"]`)))
		b.waitJS("the starter, offline", `!document.getElementById('gallery').open && document.getElementById('image-info').textContent.includes('cat-stare')`, 30*time.Second)
		b.waitPreview(n)
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// key presses key with modifiers, as a keyboard does.
func (b *browser) key(key string, mods chromedp.Modifier) {
	b.t.Helper()
	b.do(chromedp.KeyEvent(key, chromedp.KeyModifiers(mods)))
	b.settle(200 * time.Millisecond)
}

// setInput sets a control's value and fires input, as picking a colour or typing a number does.
func (b *browser) setInput(sel, value string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.focus(); el.value = %q; el.dispatchEvent(new Event('input', { bubbles: true })); })()`, sel, value)))
	b.settle(200 * time.Millisecond)
}

func (b *browser) openGallery(button string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(button)))
	b.waitJS("the gallery", `document.getElementById('gallery') && document.getElementById('gallery').open && !!document.querySelector('#gallery [data-template]')`, 20*time.Second)
}

// lastSpec is the spec of the newest preview drawn.
func (b *browser) lastSpec() string {
	b.t.Helper()
	return evalT[string](b, `window.__mf.previews.at(-1).spec`)
}

func (b *browser) lastSpecAfterSettle() string {
	b.settle(300 * time.Millisecond)
	return b.lastSpec()
}

// compareWithCLI downloads the meme as PNG and checks it, and the preview, against the CLI's image.
func (b *browser) compareWithCLI(want image.Image) {
	b.t.Helper()
	dir := b.t.TempDir()
	b.allowDownloads(dir)
	b.do(chromedp.SetValue(chromedp.ID("format"), "png"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('format').dispatchEvent(new Event('input', {bubbles: true}))`),
		chromedp.Click(chromedp.ID("download")))
	path, err := waitFile(dir, 60*time.Second)
	if err != nil {
		b.fatalf("no download: %v (message: %q)", err, b.text("#save-msg"))
	}
	got := decodePNG(b.t, path)
	if got.Bounds().Size() != want.Bounds().Size() {
		b.fatalf("the download is %v, the CLI's image %v", got.Bounds().Size(), want.Bounds().Size())
	}
	if d := meanDiff(got, want); d > 0.5 {
		b.fatalf("the download differs from the CLI's image by %.3f per channel on average", d)
	}
	b.t.Logf("download %v matches the CLI (mean difference %.4f)", got.Bounds().Size(), meanDiff(got, want))
	// The preview is the same meme at a smaller size: the CLI's image scaled to it.
	prev := b.canvas()
	scaled := image.NewRGBA(prev.Bounds())
	xdraw.ApproxBiLinear.Scale(scaled, scaled.Rect, want, want.Bounds(), draw.Src, nil)
	if d := meanDiff(prev, scaled); d > 3 { // measured 0.6 (two panels at 428x648) and 0 (a starter shown at full size)
		b.fatalf("the preview (%v) differs from the CLI's image scaled to it by %.2f per channel", prev.Bounds().Size(), d)
	} else {
		b.t.Logf("preview %v vs the CLI's image scaled: mean difference %.2f", prev.Bounds().Size(), d)
	}
}

// meanDiff is the mean absolute difference per RGB channel (0-255) of two images of one size.
func meanDiff(a, b image.Image) float64 {
	r := a.Bounds()
	if r.Size() != b.Bounds().Size() {
		return 255
	}
	var sum, n float64
	bo := b.Bounds().Min
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x-r.Min.X+bo.X, y-r.Min.Y+bo.Y).RGBA()
			for _, d := range []int{int(r1>>8) - int(r2>>8), int(g1>>8) - int(g2>>8), int(b1>>8) - int(b2>>8)} {
				if d < 0 {
					d = -d
				}
				sum += float64(d)
			}
			n += 3
		}
	}
	return sum / n
}

func decodePNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// buildCLI builds wasm/cmd/meme, the renderer's native face.
func buildCLI(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "meme")
	cmd := exec.Command("go", "build", "-o", out, "./wasm/cmd/meme")
	cmd.Dir = repoRoot
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./wasm/cmd/meme: %v\n%s", err, b)
	}
	return out
}

// runCLI renders spec over the images with the CLI and returns its PNG, decoded.
func runCLI(t *testing.T, cli, spec string, images ...string) image.Image {
	t.Helper()
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cli.png")
	args := []string{"-spec", specPath, "-out", out}
	for _, in := range images {
		args = append(args, "-in", in)
	}
	cmd := exec.Command(cli, args...)
	cmd.Dir = repoRoot // finds node_modules/@twemoji/svg as the page's worker does emoji/
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("meme %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return decodePNG(t, out)
}

// startTwoPanel makes a two-panel meme from the gallery with the 800x600 photo above the tall
// 300x450 PNG, and waits for its first preview.
func (b *browser) startTwoPanel() {
	b.t.Helper()
	b.openGallery("#templates-start")
	n := b.previews()
	b.do(chromedp.Click(chromedp.CSS(`#gallery [data-template="two-panel"]`)))
	b.waitJS("a file input per slot", `!!document.getElementById('gallery-slot-1')`, 5*time.Second)
	b.upload("#gallery-slot-0", fixture("photo-800x600.jpg"))
	b.upload("#gallery-slot-1", fixture("tall-300x450.png"))
	b.waitJS("both images read", `!document.getElementById('gallery-use').disabled`, 10*time.Second)
	b.do(chromedp.Click(chromedp.CSS("#gallery-use")))
	b.waitJS("the meme", `document.documentElement.dataset.image === 'loaded' && !document.getElementById('gallery').open`, 30*time.Second)
	b.waitPreview(n)
}
