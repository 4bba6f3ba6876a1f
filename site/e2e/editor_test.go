package e2e

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// diffCount counts pixels whose colour differs by more than a small tolerance between a and b,
// in rows [y0, y1) (fractions of the height).
func diffCount(t *testing.T, a, b image.Image, y0, y1 float64) (changed, total int) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("canvas size changed: %v vs %v", a.Bounds(), b.Bounds())
	}
	r := a.Bounds()
	h := float64(r.Dy())
	ys, ye := r.Min.Y+int(math.Floor(y0*h)), r.Min.Y+int(math.Ceil(y1*h))
	ys, ye = max(ys, r.Min.Y), min(ye, r.Max.Y)
	for y := ys; y < ye; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			d := absDiff(r1, r2) + absDiff(g1, g2) + absDiff(b1, b2)
			if d > 3*24*257 {
				changed++
			}
			total++
		}
	}
	return changed, total
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

type boxGeom struct {
	X, Y, W, H float64 // fractions, from the overlay's style
}

func (b *browser) boxGeom(i int) boxGeom {
	b.t.Helper()
	return evalT[boxGeom](b, fmt.Sprintf(`(() => {
	  const s = document.querySelector('.box[data-index="%d"]').style;
	  return { X: parseFloat(s.left) / 100, Y: parseFloat(s.top) / 100, W: parseFloat(s.width) / 100, H: parseFloat(s.height) / 100 };
	})()`, i))
}

type rect struct{ X, Y, W, H float64 }

func (b *browser) rect(sel string) rect {
	b.t.Helper()
	return evalT[rect](b, fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return { X: r.x, Y: r.y, W: r.width, H: r.height }; })()`, sel))
}

// TestEditor walks the editing flow in one page: choose an image, type captions and see the
// preview's pixels change, drag and resize a caption and see it move, move one with the keyboard,
// have characters Anton lacks drawn by the fallback fonts (and the rest listed), and find it all
// again after a reload.
func TestEditor(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())

	t.Run("LoadsPageWithDropzone", func(t *testing.T) {
		b := b.on(t)
		if got := evalT[bool](b, `!document.getElementById('dropzone').hidden && document.getElementById('stage').hidden`); !got {
			b.fatalf("a fresh page should show the dropzone and no stage")
		}
		if got := b.text("h1"); got != "Make a meme" {
			b.fatalf("heading = %q", got)
		}
	})

	t.Run("ChoosingAnImageShowsItWithTwoCaptions", func(t *testing.T) {
		b := b.on(t)
		b.chooseImage(fixture("photo-800x600.jpg"))
		if n := evalT[int](b, `document.querySelectorAll('#box-list textarea').length`); n != 2 {
			b.fatalf("captions = %d, want 2", n)
		}
		if n := evalT[int](b, `document.querySelectorAll('#overlay .box').length`); n != 2 {
			b.fatalf("caption outlines = %d, want 2", n)
		}
		if got := b.text("#image-info"); !strings.Contains(got, "800 × 600") {
			b.fatalf("image info = %q, want the size 800 × 600", got)
		}
		b.settle(300 * time.Millisecond)
		img := b.canvas()
		if sz := img.Bounds().Size(); sz.X < 400 || sz.X*3 != sz.Y*4 {
			b.fatalf("preview canvas is %v; want a 4:3 preview at least 400 px wide", sz)
		}
	})

	t.Run("TypingChangesThePreviewPixels", func(t *testing.T) {
		b := b.on(t)
		before, after, drawn := b.redraw(func() { b.typeCaption(0, "Hello e2e") })
		geom := b.boxGeom(0)
		changed, total := diffCount(t, before, after, geom.Y, geom.Y+geom.H)
		if changed < total/200 {
			b.fatalf("typing changed %d of %d pixels in the caption's band; want the caption redrawn", changed, total)
		}
		// Nothing but the caption's band may change.
		if c, tot := diffCount(t, before, after, geom.Y+geom.H+0.02, 1); c > tot/1000 {
			b.fatalf("typing in caption 1 changed %d of %d pixels outside its box", c, tot)
		}
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "Hello e2e" {
			b.fatalf("caption text = %q", got)
		}
		// One preview per keystroke at most; stale ones are dropped, but some must be drawn.
		if drawn < 1 || drawn > len("Hello e2e")+2 {
			b.fatalf("drew %d previews for %d keystrokes", drawn, len("Hello e2e"))
		}
	})

	t.Run("DraggingACaptionMovesIt", func(t *testing.T) {
		b := b.on(t)
		b.settle(300 * time.Millisecond)
		before := b.canvas()
		g0 := b.boxGeom(0)
		canvas := b.rect("#preview")
		box := b.rect(`.box[data-index="0"]`)
		fromX, fromY := box.X+box.W/2, box.Y+box.H/2
		dy := canvas.H * 0.35
		b.do(chromedp.DragAndDropXY(fromX, fromY, fromX, fromY+dy, 12))
		b.settle(400 * time.Millisecond)
		g1 := b.boxGeom(0)
		if math.Abs(g1.Y-(g0.Y+0.35)) > 0.02 || math.Abs(g1.X-g0.X) > 0.005 {
			b.fatalf("box moved from %+v to %+v; want y +0.35", g0, g1)
		}
		after := b.canvas()
		oldC, oldT := diffCount(t, before, after, g0.Y, g0.Y+g0.H)
		newC, newT := diffCount(t, before, after, g1.Y, g1.Y+g1.H)
		if oldC < oldT/200 || newC < newT/200 {
			b.fatalf("after the drag %d/%d pixels changed where the caption was and %d/%d where it went; want both", oldC, oldT, newC, newT)
		}
		if c, tot := diffCount(t, before, after, g1.Y+g1.H+0.02, 1); c > tot/1000 {
			b.fatalf("the drag changed %d of %d pixels below the caption", c, tot)
		}
	})

	t.Run("DraggingTheCornerResizes", func(t *testing.T) {
		b := b.on(t)
		g0 := b.boxGeom(0)
		b.do(chromedp.Click(chromedp.CSS(`.box[data-index="0"]`)))
		h := b.rect(`.box[data-index="0"] .handle`)
		canvas := b.rect("#preview")
		x, y := h.X+h.W/2, h.Y+h.H/2
		b.do(chromedp.DragAndDropXY(x, y, x-canvas.W*0.2, y+canvas.H*0.1, 10))
		b.settle(300 * time.Millisecond)
		g1 := b.boxGeom(0)
		if math.Abs(g1.W-(g0.W-0.2)) > 0.02 || math.Abs(g1.H-(g0.H+0.1)) > 0.02 || g1.X != g0.X || g1.Y != g0.Y {
			b.fatalf("resize went from %+v to %+v; want w -0.2, h +0.1, same corner", g0, g1)
		}
	})

	t.Run("KeyboardMovesAndResizes", func(t *testing.T) {
		b := b.on(t)
		g0 := b.boxGeom(1)
		b.do(chromedp.Focus(chromedp.CSS(`.box[data-index="1"]`)),
			chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp))
		g1 := b.boxGeom(1)
		if math.Abs(g1.Y-(g0.Y-0.03)) > 0.001 {
			b.fatalf("3 x ArrowUp moved the box from y=%v to y=%v; want -0.03", g0.Y, g1.Y)
		}
		b.do(chromedp.KeyEvent(kb.ArrowLeft, chromedp.KeyModifiers(chromedp.ModifierShift)))
		if g2 := b.boxGeom(1); math.Abs(g2.W-(g1.W-0.01)) > 0.001 {
			b.fatalf("Shift+ArrowLeft changed w from %v to %v; want -0.01", g1.W, g2.W)
		}
		b.do(chromedp.KeyEvent(kb.Enter))
		if id := evalT[string](b, `document.activeElement.id`); id != "box-1-text" {
			b.fatalf("Enter on a caption box focused %q; want its text field", id)
		}
	})

	t.Run("AddAndRemoveCaptions", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.ID("add-box")))
		if n := evalT[int](b, `document.querySelectorAll('#overlay .box').length`); n != 3 {
			b.fatalf("after Add caption there are %d boxes", n)
		}
		b.do(chromedp.Click(chromedp.CSS(`#box-list li:nth-child(3) [data-act="remove"]`)))
		if n := evalT[int](b, `document.querySelectorAll('#overlay .box').length`); n != 2 {
			b.fatalf("after Remove there are %d boxes", n)
		}
	})

	t.Run("FallbackFontsDrawOtherScriptsAndTheRestIsListed", func(t *testing.T) {
		b := b.on(t)
		n := b.previews()
		b.typeCaption(1, "Привет 你好 𓀀")
		b.waitPreview(n)
		b.waitJS("the missing-glyph message", `document.getElementById('glyph-msg').textContent.includes('U+13000')`, 60*time.Second)
		msg := b.text("#glyph-msg")
		for _, r := range "Привет你好" {
			if strings.ContainsRune(msg, r) {
				b.fatalf("glyph message %q lists %q, which a fallback font draws", msg, r)
			}
		}
		b.typeCaption(1, "Bottom again")
		b.waitJS("the glyph message to clear", `document.getElementById('glyph-msg').textContent === ''`, 30*time.Second)
	})

	// Every preview above was sent as only the part that changed since the frame before, patched
	// onto the canvas: after all those edits the canvas must equal one whole render of the same spec.
	t.Run("PartialRedrawsAddUpToAWholeRender", func(t *testing.T) {
		b := b.on(t)
		b.settle(300 * time.Millisecond)
		data, err := os.ReadFile(fixture("photo-800x600.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		type result struct{ Partial, Previews, Width, Height, Differ int }
		got := evalT[result](b, fmt.Sprintf(`(async () => {
		  const ps = window.__mf.previews, last = ps.at(-1);
		  const w = new Worker('worker.js');
		  const replies = new Map();
		  const call = (id, msg) => new Promise((resolve) => { replies.set(id, resolve); w.postMessage({ id, ...msg }); });
		  w.onmessage = (e) => { if (e.data.id && replies.has(e.data.id)) replies.get(e.data.id)(e.data); };
		  const bytes = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
		  const loaded = await call(1, { op: 'loadImage', bytes });
		  if (!loaded.ok) throw new Error(loaded.error);
		  const m = await call(2, { op: 'preview', spec: last.spec, width: last.width, height: last.height });
		  w.terminate();
		  if (!m.ok) throw new Error(m.error);
		  const c = document.getElementById('preview');
		  const shown = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		  const whole = m.result.pixels;
		  let differ = shown.length === whole.length ? 0 : -1;
		  for (let i = 0; differ >= 0 && i < whole.length; i++) if (shown[i] !== whole[i]) differ++;
		  return { Partial: ps.filter((p) => p.changed < p.width * p.height).length, Previews: ps.length,
		    Width: m.result.width, Height: m.result.height, Differ: differ };
		})()`, b64(data)))
		if got.Differ != 0 {
			b.fatalf("the canvas differs from a whole render of its spec (%dx%d) in %d bytes (-1: size)", got.Width, got.Height, got.Differ)
		}
		if got.Partial < got.Previews/2 {
			b.fatalf("only %d of %d previews were partial; edits to one caption should send only its part", got.Partial, got.Previews)
		}
	})

	t.Run("WorkSurvivesAReload", func(t *testing.T) {
		b := b.on(t)
		want := b.boxGeom(0)
		b.reloadRestored()
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "Hello e2e" {
			b.fatalf("after reload caption 1 = %q", got)
		}
		if got := evalT[string](b, `document.getElementById('box-1-text').value`); got != "Bottom again" {
			b.fatalf("after reload caption 2 = %q", got)
		}
		if got := b.boxGeom(0); got != want {
			b.fatalf("after reload box 1 is %+v, was %+v", got, want)
		}
	})
}

// TestRejectsBadFiles checks the messages for files that are not images or are too big, and that
// the other accepted formats open.
func TestRejectsBadFiles(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())

	big := filepath.Join(t.TempDir(), "huge.png")
	data := make([]byte, 16<<20)
	copy(data, "\x89PNG\r\n\x1a\n")
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// A PNG whose header claims 20000 x 20000 pixels: refused from the header, not decoded.
	huge := filepath.Join(t.TempDir(), "huge-pixels.png")
	if err := os.WriteFile(huge, pngHeader(20000, 20000), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(fixture("photo-800x600.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "truncated.jpg")
	if err := os.WriteFile(truncated, src[:len(src)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"NotAnImage", fixture("not-an-image.jpg"), "isn't an image memeforge can open"},
		{"OverTheSizeLimit", big, "the limit is 15 MB"},
		{"OverThePixelLimit", huge, "is 20000 × 20000 pixels (400 megapixels); memeforge opens images up to 50 megapixels"},
		{"Truncated", truncated, "looks damaged or incomplete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := b.on(t)
			if msg := b.uploadForMessage("#file-input", "#image-msg", tc.file, 10*time.Second); !strings.Contains(msg, tc.want) {
				b.fatalf("message = %q, want it to contain %q", msg, tc.want)
			}
			if evalT[bool](b, `!document.getElementById('stage').hidden`) {
				b.fatalf("a rejected file must not open the editor")
			}
		})
	}
	for _, tc := range []struct{ name, file, size string }{
		{"OpensPNG", "tall-300x450.png", "300 × 450"},
		{"OpensGIF", "small-200x150.gif", "200 × 150"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := b.on(t)
			b.chooseImage(fixture(tc.file))
			if got := b.text("#image-info"); !strings.Contains(got, tc.size) {
				b.fatalf("image info = %q, want %s", got, tc.size)
			}
		})
	}
}

// TestDownload renders the final image in both formats and checks the saved file decodes at the
// source's full size.
func TestDownload(t *testing.T) {
	_, b := startEditing(t)
	for _, format := range []string{"png", "jpeg"} {
		t.Run(strings.ToUpper(format), func(t *testing.T) {
			b := b.on(t)
			dir := t.TempDir()
			b.allowDownloads(dir)
			b.do(chromedp.SetValue(chromedp.ID("format"), format),
				chromedp.Evaluate[chromedp.Void](`document.getElementById('format').dispatchEvent(new Event('input', {bubbles: true}))`),
				chromedp.Click(chromedp.ID("download")))
			path, err := waitFile(dir, 30*time.Second)
			if err != nil {
				b.fatalf("no download in %s: %v (message: %q)", dir, err, b.text("#save-msg"))
			}
			size, got, err := decodeFile(path)
			if err != nil {
				b.fatalf("downloaded %s does not decode: %v", filepath.Base(path), err)
			}
			if got != format || size != image.Pt(800, 600) {
				b.fatalf("downloaded %s is a %s of %v; want a %s of 800x600", filepath.Base(path), got, size, format)
			}
		})
	}
}

func (b *browser) allowDownloads(dir string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		b.fatalf("setDownloadBehavior: %v", err)
	}
}

// pngHeader is the start of a PNG file of w x h pixels: signature and IHDR, no pixel data.
func pngHeader(w, h uint32) []byte {
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, uint32(len(ihdr)-4))
	out = append(out, ihdr...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(ihdr))
}
