package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// imageKeys lists the keys of the images kept in IndexedDB (storage.js), the meme's current ones
// and the ones its undo list can go back to.
const imageKeys = `new Promise((resolve) => {
  const req = indexedDB.open('memeforge');
  req.onsuccess = () => {
    const db = req.result;
    const get = db.transaction('images').objectStore('images').getAllKeys();
    get.onsuccess = () => { db.close(); resolve(get.result.map(String)); };
    get.onerror = () => { db.close(); resolve([]); };
  };
  req.onerror = () => resolve([]);
})`

func (b *browser) imageKeys() []string {
	b.t.Helper()
	return evalT[[]string](b, imageKeys)
}

// waitImageKeys waits until storage holds n images.
func (b *browser) waitImageKeys(n int) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		keys := b.imageKeys()
		if len(keys) == n {
			return
		}
		if time.Now().After(deadline) {
			b.fatalf("storage keeps %d images %v; want %d", len(keys), keys, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// squares is a PNG of w x h pixels, coloured blocks: a third photo that looks like neither fixture.
func squares(t *testing.T, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(40 + 160*((x/40)%2)), uint8(200 - 150*((y/40)%2)), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return writeTemp(t, "squares-640x400.png", buf.Bytes())
}

// dropOn drops a file on the element matched by sel, as a file manager does.
func (b *browser) dropOn(sel, file string) {
	b.t.Helper()
	r := b.rect(sel)
	x, y := r.X+r.W/2, r.Y+r.H/2
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{file}, DragOperationsMask: 1}
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
			if _, err := cdp.Call(ctx, tg, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: x, Y: y, Data: data}); err != nil {
				return fmt.Errorf("%s: %w", typ, err)
			}
		}
		return nil
	}))
}

// replaced waits for the page to say an image was replaced (or why not) and the preview to settle.
func (b *browser) replaced(n int, do func()) string {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('image-msg').textContent = ''; document.getElementById('slot-msg').textContent = ''`))
	do()
	b.waitJS("the replacement", `document.getElementById('image-msg').textContent !== '' || document.getElementById('slot-msg').textContent !== ''`, 30*time.Second)
	msg := b.text("#slot-msg")
	if strings.HasPrefix(msg, "Replaced") {
		b.waitPreview(n)
	} else {
		msg = b.text("#image-msg")
	}
	b.settle(400 * time.Millisecond)
	return msg
}

// undoTo presses Ctrl+Z (or Ctrl+Shift+Z) and waits until the image info names want.
func (b *browser) undoTo(redo bool, want string) image.Image {
	b.t.Helper()
	mods := chromedp.ModifierCtrl
	if redo {
		mods |= chromedp.ModifierShift
	}
	n := b.previews()
	b.do(chromedp.KeyEvent("z", chromedp.KeyModifiers(mods)))
	b.waitJS("the image "+want, fmt.Sprintf(`document.getElementById('image-info').textContent.includes(%q)`, want), 30*time.Second)
	b.waitPreview(n)
	b.settle(400 * time.Millisecond)
	return b.canvas()
}

// TestReplaceImageIsAnUndoStep replaces the photo of a meme three ways (its Replace button, a drop
// on its card, a paste while the card has the focus) and checks that undo brings each earlier photo
// back, pixel for pixel, that redo brings the new one again, that both steps survive a reload, that
// storage keeps only the images the undo list can reach, that a bad file changes nothing, and that
// deleting the meme deletes its images.
func TestReplaceImageIsAnUndoStep(t *testing.T) {
	_, b := startEditing(t)
	b.typeCaption(0, "same caption")
	b.settle(400 * time.Millisecond)
	photo := b.canvas()
	third := squares(t, 640, 400)

	var tall image.Image
	t.Run("ReplaceWithTheButton", func(t *testing.T) {
		b := b.on(t)
		if msg := b.replaced(b.previews(), func() { b.upload("#slot-0-file", fixture("tall-300x450.png")) }); !strings.HasPrefix(msg, "Replaced") {
			b.fatalf("replacing: %q", msg)
		}
		if got := b.text("#image-info"); !strings.Contains(got, "tall-300x450.png") {
			b.fatalf("after the replacement the image is %q", got)
		}
		tall = b.canvas()
		if tall.Bounds().Size() == photo.Bounds().Size() && meanDiff(tall, photo) < 1 {
			b.fatalf("the preview did not change")
		}
		if got := evalT[string](b, `document.getElementById('box-0-text').value`); got != "same caption" {
			b.fatalf("the caption is %q after the replacement", got)
		}
	})

	t.Run("UndoBringsTheOldImageBack", func(t *testing.T) {
		b := b.on(t)
		got := b.undoTo(false, "photo-800x600.jpg")
		if d := meanDiff(got, photo); d != 0 {
			b.fatalf("after undo the preview (%v) differs from the first one (%v) by %.3f per channel", got.Bounds().Size(), photo.Bounds().Size(), d)
		}
		got = b.undoTo(true, "tall-300x450.png")
		if d := meanDiff(got, tall); d != 0 {
			b.fatalf("after redo the preview differs from the replaced one by %.3f per channel", d)
		}
	})

	var squared image.Image
	t.Run("DropAndPasteOnTheCard", func(t *testing.T) {
		b := b.on(t)
		if msg := b.replaced(b.previews(), func() { b.dropOn(".slot-card[data-slot='0']", third) }); !strings.HasPrefix(msg, "Replaced") {
			b.fatalf("dropping on the card: %q", msg)
		}
		if got := b.text("#image-info"); !strings.Contains(got, "squares-640x400.png") {
			b.fatalf("after the drop the image is %q", got)
		}
		squared = b.canvas()
		if n := evalT[int](b, `document.querySelectorAll('#meme-list .meme-item').length`); n != 1 {
			b.fatalf("a drop on the card made a new meme: %d memes listed", n)
		}
		// A paste with the card focused replaces, and is undone like the rest.
		data, err := os.ReadFile(fixture("photo-800x600.jpg"))
		if err != nil {
			t.Fatal(err)
		}
		msg := b.replaced(b.previews(), func() {
			b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			  document.getElementById('slot-0-replace').focus();
			  const bytes = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
			  const dt = new DataTransfer();
			  dt.items.add(new File([bytes], 'pasted.jpg', { type: 'image/jpeg' }));
			  document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
			})()`, b64(data))))
		})
		if !strings.HasPrefix(msg, "Replaced") {
			b.fatalf("pasting on the card: %q", msg)
		}
		if got := b.text("#image-info"); !strings.Contains(got, "pasted.jpg") {
			b.fatalf("after the paste the image is %q", got)
		}
		b.undoTo(false, "squares-640x400.png")
		b.waitImageKeys(4)
	})

	t.Run("BadFileChangesNothing", func(t *testing.T) {
		b := b.on(t)
		before := b.canvas()
		msg := b.replaced(b.previews(), func() { b.upload("#slot-0-file", fixture("not-an-image.jpg")) })
		if !strings.Contains(msg, "not-an-image.jpg") || strings.HasPrefix(msg, "Replaced") {
			b.fatalf("a text file as the image says %q", msg)
		}
		if d := meanDiff(b.canvas(), before); d != 0 {
			b.fatalf("a refused file changed the preview by %.3f", d)
		}
		if got := b.text("#image-info"); !strings.Contains(got, "squares-640x400.png") {
			b.fatalf("after a refused file the image is %q", got)
		}
		// A JPEG's first bytes and then nothing a decoder can read: the renderer refuses it.
		broken := writeTemp(t, "broken.jpg", append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, bytes.Repeat([]byte{7}, 500)...))
		undoable := evalT[bool](b, `!document.getElementById('undo').disabled && document.getElementById('redo').disabled === false`)
		msg = b.replaced(b.previews(), func() { b.upload("#slot-0-file", broken) })
		if !strings.Contains(msg, "broken.jpg") || strings.HasPrefix(msg, "Replaced") {
			b.fatalf("a broken JPEG as the image says %q", msg)
		}
		time.Sleep(500 * time.Millisecond)
		if got := b.text("#image-msg"); got != msg {
			b.fatalf("the message about the broken JPEG went from %q to %q", msg, got)
		}
		if d := meanDiff(b.canvas(), before); d != 0 {
			b.fatalf("a broken JPEG changed the preview by %.3f", d)
		}
		if got := evalT[bool](b, `!document.getElementById('undo').disabled && document.getElementById('redo').disabled === false`); got != undoable {
			b.fatalf("a broken JPEG changed what undo and redo offer")
		}
	})

	t.Run("ReloadKeepsBothSteps", func(t *testing.T) {
		b := b.on(t)
		b.reloadRestored()
		b.settle(400 * time.Millisecond)
		if got := b.text("#image-info"); !strings.Contains(got, "squares-640x400.png") {
			b.fatalf("after the reload the image is %q", got)
		}
		if d := meanDiff(b.canvas(), squared); d != 0 {
			b.fatalf("after the reload the preview differs by %.3f", d)
		}
		if d := meanDiff(b.undoTo(false, "tall-300x450.png"), tall); d != 0 {
			b.fatalf("undo after the reload: the preview differs from the tall image's by %.3f", d)
		}
		if d := meanDiff(b.undoTo(false, "photo-800x600.jpg"), photo); d != 0 {
			b.fatalf("second undo after the reload: the preview differs from the first one by %.3f", d)
		}
		b.undoTo(true, "tall-300x450.png")
		b.undoTo(true, "squares-640x400.png")
		b.undoTo(true, "pasted.jpg")
		b.undoTo(false, "squares-640x400.png")
	})

	t.Run("StorageKeepsWhatUndoCanReach", func(t *testing.T) {
		b := b.on(t)
		b.undoTo(false, "tall-300x450.png")
		// An edit now drops the steps undone: the squares are no longer reachable.
		time.Sleep(1100 * time.Millisecond)
		b.typeCaption(0, "a new branch")
		b.settle(400 * time.Millisecond)
		b.waitImageKeys(2)
		if evalT[bool](b, `!document.getElementById('redo').disabled`) {
			b.fatalf("redo is still offered after a new edit")
		}
	})

	t.Run("DeletingTheMemeDeletesItsImages", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Click(chromedp.CSS(`#meme-list .meme-delete`)))
		b.waitJS("the empty page", `document.body.classList.contains('empty')`, 10*time.Second)
		b.waitImageKeys(0)
	})
}

// cropOf is the first image slot's crop in the spec of the newest preview.
func (b *browser) cropOf() (c struct{ X, Y, W, H float64 }, ok bool) {
	b.t.Helper()
	var spec struct {
		Canvas *struct {
			Images []struct {
				Crop *struct{ X, Y, W, H float64 } `json:"crop"`
			} `json:"images"`
		} `json:"canvas"`
	}
	if err := json.Unmarshal([]byte(b.lastSpec()), &spec); err != nil {
		b.fatalf("spec: %v", err)
	}
	if spec.Canvas == nil || len(spec.Canvas.Images) == 0 || spec.Canvas.Images[0].Crop == nil {
		return c, false
	}
	cr := spec.Canvas.Images[0].Crop
	return struct{ X, Y, W, H float64 }{cr.X, cr.Y, cr.W, cr.H}, true
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func (b *browser) openCrop(button string) rect {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(button)))
	b.waitJS("the crop mode", `!document.getElementById('crop-view').hidden && document.querySelector('.crop-frame').getBoundingClientRect().width > 10`, 10*time.Second)
	return b.rect(".crop-frame")
}

// cropScreens writes screenshots of the crop mode, light and dark.
func (b *browser) cropScreens(width int) {
	b.t.Helper()
	for _, scheme := range []string{"light", "dark"} {
		b.colorScheme(scheme)
		b.screenshot(fmt.Sprintf("crop-%d-%s.png", width, scheme))
		if w := evalT[int](b, `document.documentElement.scrollWidth`); w > width {
			b.fatalf("in crop mode the page is %d px wide in a %d px window", w, width)
		}
	}
	b.colorScheme("light")
}

// TestCropByDragging crops the photo in the crop mode with the mouse (a corner dragged) and the
// keyboard (two edges moved with arrow keys), checks the fractions in the spec, the crop numbers
// following the rectangle, one undo step for the whole crop, Escape and the download against the
// CLI; then a touch drag on a 360 px wide phone screen. It writes screenshots of the crop mode.
func TestCropByDragging(t *testing.T) {
	cli := buildCLI(t)
	s, b := startEditing(t)
	b.typeCaption(0, "crop me")
	b.settle(400 * time.Millisecond)
	uncropped := b.canvas()

	t.Run("MouseAndKeyboard", func(t *testing.T) {
		b := b.on(t)
		b.openCrop("#crop-start")
		if got := evalT[string](b, `document.activeElement.className`); !strings.Contains(got, "crop-rect") {
			b.fatalf("the crop mode opened with the focus on %q; want the crop area", got)
		}
		f := b.rect(".crop-frame")
		// The bottom-right corner, from the image's corner to three quarters across, half way down.
		b.do(chromedp.DragAndDropXY(f.X+f.W-1, f.Y+f.H-1, f.X+f.W*0.75-1, f.Y+f.H*0.5-1, 12))
		// The top edge down by ten key presses of 1 %, the left edge right by one of 10 %.
		b.do(chromedp.Focus(chromedp.CSS(".crop-n")))
		for range 10 {
			b.do(chromedp.KeyEvent(kb.ArrowDown))
		}
		b.do(chromedp.Focus(chromedp.CSS(".crop-w")), chromedp.KeyEvent(kb.ArrowRight, chromedp.KeyModifiers(chromedp.ModifierShift)))
		// The numbers follow the rectangle before anything is applied.
		fields := evalT[[]string](b, `['top', 'right', 'bottom', 'left'].map((s) => document.getElementById('slot-0-crop-' + s).value)`)
		if fields[0] != "10" || fields[3] != "10" || !strings.HasPrefix(fields[1], "25") || !strings.HasPrefix(fields[2], "50") {
			b.fatalf("while cropping the numbers say %v; want 10, 25, 50, 10", fields)
		}
		if got := evalT[string](b, `document.querySelector('.crop-n').getAttribute('aria-valuetext')`); got != "10 % cut from the top" {
			b.fatalf("the top edge tells screen readers %q", got)
		}
		if _, ok := b.cropOf(); ok {
			b.fatalf("the spec has a crop before Apply: %s", b.lastSpec())
		}
		b.cropScreens(1280)
		n := b.previews()
		b.do(chromedp.KeyEvent(kb.Enter))
		b.waitJS("the crop mode to close", `document.getElementById('crop-view').hidden`, 5*time.Second)
		b.waitPreview(n)
		b.settle(400 * time.Millisecond)
		c, ok := b.cropOf()
		if !ok || c.X != 0.1 || c.Y != 0.1 || !near(c.W, 0.65, 0.005) || !near(c.H, 0.4, 0.005) {
			b.fatalf("the crop is %+v (%v); want x 0.1, y 0.1, w 0.65, h 0.4", c, ok)
		}
		if got := evalT[string](b, `document.activeElement.id`); got != "crop-start" {
			b.fatalf("after Apply the focus is on %q; want the Crop button", got)
		}
		cropped := b.canvas()
		// 0.65 x 0.4 of 800 x 600: 520 x 240, shown at that shape.
		if sz := cropped.Bounds().Size(); !near(float64(sz.X)/float64(sz.Y), 520.0/240, 0.02) {
			b.fatalf("the cropped preview is %v; want the shape of 520 x 240", sz)
		}

		// One crop, one step.
		_, undone, _ := b.redraw(func() { b.key("z", chromedp.ModifierCtrl) })
		if _, ok := b.cropOf(); ok {
			b.fatalf("undo left a crop: %s", b.lastSpec())
		}
		if d := meanDiff(undone, uncropped); d != 0 {
			b.fatalf("after undoing the crop the preview differs from before it by %.3f", d)
		}
		_, redone, _ := b.redraw(func() { b.key("z", chromedp.ModifierCtrl|chromedp.ModifierShift) })
		if c2, ok := b.cropOf(); !ok || c2 != c {
			b.fatalf("redo gives the crop %+v; want %+v", c2, c)
		}
		if d := meanDiff(redone, cropped); d != 0 {
			b.fatalf("after redo the preview differs from the cropped one by %.3f", d)
		}
		b.compareWithCLI(runCLI(t, cli, b.lastSpec(), fixture("photo-800x600.jpg")))
	})

	t.Run("EscapeCancels", func(t *testing.T) {
		b := b.on(t)
		before := b.lastSpec()
		f := b.openCrop("#slot-0-crop")
		// A new frame drawn outside the old one, then Escape.
		b.do(chromedp.DragAndDropXY(f.X+f.W*0.02, f.Y+f.H*0.95, f.X+f.W*0.3, f.Y+f.H*0.6, 8))
		if got := evalT[string](b, `document.getElementById('slot-0-crop-top').value`); got == "10" {
			b.fatalf("drawing a new frame did not move the numbers")
		}
		b.do(chromedp.KeyEvent(kb.Escape))
		b.waitJS("the crop mode to close", `document.getElementById('crop-view').hidden`, 5*time.Second)
		b.settle(300 * time.Millisecond)
		if got := b.lastSpec(); got != before {
			b.fatalf("Escape changed the spec:\n%s\nwas\n%s", got, before)
		}
		if got := evalT[string](b, `document.getElementById('slot-0-crop-top').value`); got != "10" {
			b.fatalf("after Escape the top number says %s; want 10", got)
		}
		if got := evalT[string](b, `document.activeElement.id`); got != "slot-0-crop" {
			b.fatalf("after Escape the focus is on %q; want the card's Crop button", got)
		}
	})

	t.Run("BadNumbersSayWhy", func(t *testing.T) {
		b := b.on(t)
		before := b.lastSpec()
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelector('.slot-card details').open = true`))
		b.setInput("#slot-0-crop-bottom", "90")
		if msg := b.text(".slot-card [data-s='crop-msg']"); !strings.Contains(msg, "at most 95 %") {
			b.fatalf("90 %% off the bottom (10 %% off the top) says %q", msg)
		}
		b.settle(300 * time.Millisecond)
		if got := b.lastSpec(); got != before {
			b.fatalf("a refused number changed the spec")
		}
		b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('slot-0-crop-bottom').blur()`))
		if got := evalT[string](b, `document.getElementById('slot-0-crop-bottom').value`); !strings.HasPrefix(got, "50") {
			b.fatalf("after leaving the refused field it says %s; want the crop's 50", got)
		}
	})

	t.Run("TouchOnAPhone", func(t *testing.T) {
		p := newBrowser(t, 360, 780).on(t)
		p.do(chromedp.EmulateViewport(360, 780, chromedp.EmulateTouch))
		p.open(s.URL())
		p.chooseImage(fixture("photo-800x600.jpg"))
		p.openCrop("#crop-start")
		f := p.rect(".crop-frame")
		if f.W > 360 || f.X < 0 {
			p.fatalf("the crop frame %+v does not fit a 360 px screen", f)
		}
		// A finger drags the right edge's handle a third of the way in.
		e := p.rect(".crop-e")
		x0, y0 := e.X+e.W/2, e.Y+e.H/2
		p.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			touch := func(typ input.DispatchTouchEventType, x float64) error {
				pts := []*input.TouchPoint{{X: x, Y: y0, ID: ptrf(1)}}
				if typ == input.DispatchTouchEventTypeTouchEnd {
					pts = []*input.TouchPoint{}
				}
				_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts})
				return err
			}
			if err := touch(input.DispatchTouchEventTypeTouchStart, x0); err != nil {
				return err
			}
			for i := 1; i <= 10; i++ {
				if err := touch(input.DispatchTouchEventTypeTouchMove, x0-f.W/3*float64(i)/10); err != nil {
					return err
				}
			}
			return touch(input.DispatchTouchEventTypeTouchEnd, 0)
		}))
		time.Sleep(300 * time.Millisecond) // a tap right after the drag is taken as part of its gesture
		p.cropScreens(360)
		p.do(chromedp.EmulateViewport(360, 780, chromedp.EmulateTouch)) // the screenshots turned touch off
		n := p.previews()
		a := p.rect(".crop-apply")
		p.do(chromedp.TapXY(a.X+a.W/2, a.Y+a.H/2))
		p.waitJS("the crop mode to close", `document.getElementById('crop-view').hidden`, 5*time.Second)
		p.waitPreview(n)
		p.settle(400 * time.Millisecond)
		c, ok := p.cropOf()
		if !ok || c.X != 0 || c.Y != 0 || c.H != 1 || !near(c.W, 2.0/3, 0.01) {
			p.fatalf("after the touch drag the crop is %+v (%v); want w 2/3", c, ok)
		}
	})
}

func ptrf(v float64) *float64 { return &v }

// halfDiff is meanDiff over the top (top true) or bottom half of two images of one size, less a
// few rows about the middle (the gap between the panels).
func halfDiff(a, b image.Image, top bool) float64 {
	r := a.Bounds()
	half := image.Rect(r.Min.X, r.Min.Y+r.Dy()/2+4, r.Max.X, r.Max.Y)
	if top {
		half = image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+r.Dy()/2-4)
	}
	type sub interface {
		SubImage(image.Rectangle) image.Image
	}
	return meanDiff(a.(sub).SubImage(half), b.(sub).SubImage(half))
}

// TestReplaceAPanel replaces each image of a two-panel meme (stacked): the other panel stays as it was, and
// undo brings the replaced one back.
func TestReplaceAPanel(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())
	b.startTwoPanel()
	b.settle(400 * time.Millisecond)
	both := b.canvas()
	third := squares(t, 640, 400)
	for _, slot := range []int{1, 0} {
		if msg := b.replaced(b.previews(), func() { b.upload(fmt.Sprintf("#slot-%d-file", slot), third) }); !strings.HasPrefix(msg, "Replaced") {
			b.fatalf("replacing image %d: %q", slot+1, msg)
		}
		got := b.canvas()
		if slot == 1 {
			if d := halfDiff(got, both, true); d != 0 {
				b.fatalf("replacing image 2 changed the other panel by %.3f per channel", d)
			}
			if d := halfDiff(got, both, false); d < 5 {
				b.fatalf("replacing image 2 left its panel nearly as it was (%.3f)", d)
			}
		} else if c := colours(got, got.Bounds().Dy()/2+4); c < 100 {
			// The canvas takes the first image's shape, so the meme's size changes; the second
			// panel must still show its picture, not the background.
			b.fatalf("after replacing image 1 the second panel has %d colours: its image is gone", c)
		}
		n := b.previews()
		b.key("z", chromedp.ModifierCtrl)
		b.waitPreview(n)
		b.settle(400 * time.Millisecond)
		if d := meanDiff(b.canvas(), both); d != 0 {
			b.fatalf("undoing the replacement of image %d: the preview differs by %.3f", slot+1, d)
		}
	}
}

// colours counts the distinct colours from row y0 down.
func colours(img image.Image, y0 int) int {
	seen := map[color.RGBA]bool{}
	r := img.Bounds()
	for y := r.Min.Y + y0; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			seen[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	return len(seen)
}
