package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/memeforge/memeforge/internal/localstack"
)

// setControl sets a caption control as a person would leave it and fires its input event.
func (b *browser) setControl(sel, value string) {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
	  const el = document.querySelector(%q);
	  if (el.type === 'checkbox') el.checked = %q === 'true'; else el.value = %q;
	  el.dispatchEvent(new Event('input', { bubbles: true }));
	})()`, sel, value, value)))
}

// TestOtherWaysIn drops a file on the page and pastes one, the two other ways to bring an image.
func TestOtherWaysIn(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())

	t.Run("DropAFile", func(t *testing.T) {
		b := b.on(t)
		r := b.rect("#dropzone")
		x, y := r.X+r.W/2, r.Y+r.H/2
		data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{fixture("tall-300x450.png")}, DragOperationsMask: 1}
		n := b.previews()
		b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
				if _, err := cdp.Call(ctx, tg, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: x, Y: y, Data: data}); err != nil {
					return fmt.Errorf("%s: %w", typ, err)
				}
			}
			return nil
		}))
		b.waitPreview(n)
		if got := b.text("#image-info"); !strings.Contains(got, "tall-300x450.png") || !strings.Contains(got, "300 × 450") {
			b.fatalf("after the drop the image is %q", got)
		}
		if !evalT[bool](b, `document.getElementById('drop-veil').hidden`) {
			b.fatalf("the drop veil is still shown after the drop")
		}
	})

	t.Run("PasteAFile", func(t *testing.T) {
		b := b.on(t)
		data, err := os.ReadFile(fixture("small-200x150.gif"))
		if err != nil {
			t.Fatal(err)
		}
		n := b.previews()
		// A paste event carrying an image file, as the browser builds it from the clipboard.
		b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		  const bytes = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
		  const dt = new DataTransfer();
		  dt.items.add(new File([bytes], 'image.gif', { type: 'image/gif' }));
		  document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
		})()`, b64(data))))
		b.waitPreview(n)
		if got := b.text("#image-info"); !strings.Contains(got, "200 × 150") {
			b.fatalf("after the paste the image is %q", got)
		}
	})
}

// TestStyleControls changes each per-caption control and checks the preview redraws the caption.
func TestStyleControls(t *testing.T) {
	_, b := startEditing(t)
	b.typeCaption(0, "Style me")
	for _, tc := range []struct{ name, control, value string }{
		// A fixed size smaller than the box first, so alignment inside the box is visible.
		{"FixedSize", "sizeMode", "fixed"},
		{"FixedSizeValue", "sizePct", "5"},
		{"AlignLeft", "align", "left"},
		{"VerticalMiddle", "valign", "middle"},
		{"FillColour", "fill", "#ff2200"},
		{"OutlineColour", "outline", "#00aaff"},
		{"OutlineWidth", "outlinePct", "2"},
		{"FillOpacity", "fillAlpha", "40"},
		{"OutlineOpacity", "outlineAlpha", "30"},
		{"Rotation", "rotation", "12"},
		{"NotUpperCase", "upper", "false"},
		{"FallbackFont", "font", "dejavu"},
		{"BackToAutoSize", "sizeMode", "auto"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := b.on(t)
			before, after, _ := b.redraw(func() { b.setControl(fmt.Sprintf("#box-0-%s", tc.control), tc.value) })
			if msg := b.text("#image-msg"); msg != "" {
				b.fatalf("preview error: %s", msg)
			}
			if c, tot := diffCount(t, before, after, 0, 0.5); c < tot/500 {
				b.fatalf("setting %s to %s changed %d of %d pixels", tc.control, tc.value, c, tot)
			}
		})
	}
}

// TestNewestRenderWins fires a burst of edits in one go: stale renders are dropped, few previews
// are drawn, and the canvas ends showing the last edit.
func TestNewestRenderWins(t *testing.T) {
	_, b := startEditing(t)
	b.settle(300 * time.Millisecond)
	n := b.previews()
	b.do(chromedp.Evaluate[chromedp.Void](`(() => {
	  const ta = document.getElementById('box-0-text');
	  for (let i = 1; i <= 40; i++) { ta.value = 'burst ' + i; ta.dispatchEvent(new Event('input', { bubbles: true })); }
	})()`))
	b.settle(500 * time.Millisecond)
	drawn := b.previews() - n
	if drawn < 1 || drawn > 5 {
		b.fatalf("40 edits in one task drew %d previews; want the stale ones dropped (1-5)", drawn)
	}
	last := b.canvas()
	// Render the same spec again: the canvas must already show it.
	m := b.previews()
	b.do(chromedp.Evaluate[chromedp.Void](`document.getElementById('box-0-text').dispatchEvent(new Event('input', { bubbles: true }))`))
	b.waitPreview(m)
	if c, _ := diffCount(t, last, b.canvas(), 0, 1); c != 0 {
		b.fatalf("after the burst the canvas differs from the newest edit's render in %d pixels", c)
	}
}

// TestUserFont loads a TTF as a caption font, refuses files that are not fonts, and keeps the
// font across a reload.
func TestUserFont(t *testing.T) {
	_, b := startEditing(t)
	dir := t.TempDir()
	font := filepath.Join(dir, "My Font.ttf")
	data, err := os.ReadFile(filepath.Join(repoRoot, "wasm", "fonts", "DejaVuSans-Bold.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	notFont := filepath.Join(dir, "notes.ttf")
	broken := filepath.Join(dir, "broken.ttf")
	if err := os.WriteFile(font, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notFont, []byte("just some text, not a font at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, append([]byte{0, 1, 0, 0}, make([]byte, 64)...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, file, want string }{
		{"RefusesANonFont", notFont, "isn't a TrueType or OpenType font"},
		{"RefusesABrokenFont", broken, "can't be used as a font"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := b.on(t)
			if msg := b.uploadForMessage("#font-input", "#font-msg", tc.file, 20*time.Second); !strings.Contains(msg, tc.want) {
				b.fatalf("font message = %q, want %q", msg, tc.want)
			}
		})
	}
	t.Run("LoadsATTFForTheSelectedCaption", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Focus(chromedp.CSS("#box-0-text")))
		before, after, _ := b.redraw(func() {
			b.upload("#font-input", font)
			b.waitJS("the font to load", `document.getElementById('font-msg').textContent.startsWith('Loaded')`, 20*time.Second)
			if got := evalT[string](b, `document.getElementById('box-0-font').value`); got != "user-my-font" {
				b.fatalf("caption 1 font = %q, want user-my-font", got)
			}
		})
		if c, tot := diffCount(t, before, after, 0, 0.3); c < tot/500 {
			b.fatalf("the new font changed %d of %d pixels", c, tot)
		}
	})
	t.Run("KeepsTheFontAfterReload", func(t *testing.T) {
		b := b.on(t)
		b.reloadRestored()
		if msg := b.text("#image-msg"); msg != "" {
			b.fatalf("after reload: %s", msg)
		}
		opts := evalT[[]string](b, `[...document.getElementById('box-0-font').options].map((o) => o.value + '=' + o.textContent)`)
		if !strings.Contains(strings.Join(opts, "|"), "user-my-font=DejaVu Sans") {
			b.fatalf("font choices after reload: %v", opts)
		}
	})
}

// TestAccessibility checks that every control has an accessible name in Chromium's accessibility
// tree, that the keyboard alone reaches the editor's controls in order, and that focus is visible.
func TestAccessibility(t *testing.T) {
	_, b := startEditing(t)

	t.Run("EveryControlHasAName", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('details').forEach((d) => { d.open = true; })`))
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
		if err != nil {
			b.fatalf("accessibility tree: %v", err)
		}
		roles := map[string]bool{"button": true, "textbox": true, "combobox": true, "checkbox": true, "slider": true, "spinbutton": true, "link": true, "group": false}
		checked := 0
		for _, n := range tree.Nodes {
			if n.Ignored || n.Role == nil {
				continue
			}
			role := strings.Trim(string(n.Role.Value), `"`)
			if !roles[role] {
				continue
			}
			checked++
			name := ""
			if n.Name != nil {
				name = strings.Trim(string(n.Name.Value), `"`)
			}
			if strings.TrimSpace(name) == "" {
				desc, _ := chromedp.Call(ctx, dom.DescribeNode, dom.DescribeNodeParams{BackendNodeID: n.BackendDOMNodeID})
				b.fatalf("a %s has no accessible name (node %s: %v)", role, n.NodeID, desc.Node)
			}
		}
		if checked < 20 {
			b.fatalf("only %d controls in the accessibility tree; the check saw too little", checked)
		}
	})

	t.Run("KeyboardReachesTheEditor", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.scrollTo(0, 0)`))
		seen := map[string]bool{}
		var order []string
		for range 80 {
			b.do(chromedp.KeyEvent(kb.Tab))
			id := evalT[string](b, `(() => { const a = document.activeElement; return a.id || (a.classList.contains('box') ? 'box-outline-' + a.dataset.index : a.tagName + '.' + a.className); })()`)
			if !seen[id] {
				order = append(order, id)
			}
			seen[id] = true
		}
		for _, want := range []string{"box-outline-0", "box-outline-1", "box-0-text", "add-box", "download", "publish"} {
			if !seen[want] {
				b.fatalf("Tab never reached %s; reached %v", want, order)
			}
		}
	})

	t.Run("FocusIsVisible", func(t *testing.T) {
		b := b.on(t)
		b.do(chromedp.Evaluate[chromedp.Void](`document.activeElement.blur()`), chromedp.Focus(chromedp.ID("add-box")),
			chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)), chromedp.KeyEvent(kb.Tab))
		style := evalT[string](b, `(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; })()`)
		if strings.HasPrefix(style, "none") || strings.HasSuffix(style, " 0px") {
			b.fatalf("the keyboard-focused button has outline %q", style)
		}
	})
}

// TestCopyToClipboard copies the meme and reads the clipboard back as an 800x600 PNG.
func TestCopyToClipboard(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	origin := strings.TrimSuffix(s.URL(), "/")
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	for _, name := range []string{"clipboard-write", "clipboard-read"} {
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted, Origin: origin,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	}))
	b.open(s.URL())
	b.chooseImage(fixture("photo-800x600.jpg"))
	if evalT[bool](b, `document.getElementById('copy').hidden`) {
		b.fatalf("Chromium has the async clipboard, but the Copy button is hidden")
	}
	b.do(chromedp.Click(chromedp.ID("copy")))
	b.waitJS("the copy", `/Copied|Couldn't copy/.test(document.getElementById('save-msg').textContent)`, 30*time.Second)
	if msg := b.text("#save-msg"); !strings.HasPrefix(msg, "Copied") {
		b.fatalf("copy: %q", msg)
	}
	got := evalT[string](b, `(async () => {
	  const items = await navigator.clipboard.read();
	  const blob = await items[0].getType('image/png');
	  const bmp = await createImageBitmap(blob);
	  return items[0].types.join(',') + ' ' + bmp.width + 'x' + bmp.height;
	})()`)
	if !strings.Contains(got, "image/png") || !strings.HasSuffix(got, " 800x600") {
		b.fatalf("clipboard holds %q; want an 800x600 image/png", got)
	}
}

// TestServiceWorkerUpdate serves a new build (its sw.js has another version) and checks the new
// worker takes over and removes the old cache.
func TestServiceWorkerUpdate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if err := copyDir(siteDir, dir); err != nil {
		t.Fatal(err)
	}
	s := startSite(t, func(o *localstack.Options) { o.SiteDir = dir })
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())
	b.waitJS("the service worker", `navigator.serviceWorker.controller !== null`, 60*time.Second)
	// The shell's caches, named for the build; the assets cache (fonts and emoji kept on first
	// use, sw.js) is named for the assets' own hash and outlives a new build.
	caches := func() []string {
		return evalT[[]string](b, `caches.keys().then((k) => k.filter((n) => !n.startsWith('memeforge-assets-')))`)
	}
	first := caches()
	if len(first) != 1 || !regexp.MustCompile(`^memeforge-[0-9a-f]{16}$`).MatchString(first[0]) {
		b.fatalf("caches after the first visit: %v; want one memeforge-<16 hex>", first)
	}
	// A font used once: the page's fetch goes through the service worker, which keeps it.
	if !evalT[bool](b, `fetch('fonts/NotoSansArabic-Bold.ttf').then((r) => r.ok)`) {
		b.fatalf("fetching a font failed")
	}
	assets := evalT[[]string](b, `caches.keys().then((k) => k.filter((n) => n.startsWith('memeforge-assets-')))`)
	if len(assets) != 1 || !regexp.MustCompile(`^memeforge-assets-[0-9a-f]{16}$`).MatchString(assets[0]) {
		b.fatalf("assets caches after fetching a font: %v; want one memeforge-assets-<16 hex>", assets)
	}
	// A new build: same files, another version in sw.js (served uncompressed from now on).
	sw := filepath.Join(dir, "sw.js")
	src, err := os.ReadFile(sw)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.TrimPrefix(first[0], "memeforge-")
	next := strings.Repeat("f", 16)
	if err := os.WriteFile(sw, []byte(strings.Replace(string(src), old, next, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(sw + ".br")
	os.Remove(sw + ".gz")
	evalT[bool](b, `navigator.serviceWorker.getRegistration().then((r) => r.update()).then(() => true)`)
	b.waitAsync("the old cache to go", fmt.Sprintf(`caches.keys().then((k) => (k = k.filter((n) => !n.startsWith('memeforge-assets-')), k.length === 1 && k[0] === 'memeforge-%s'))`, next), 60*time.Second)
	b.do(chromedp.Reload())
	b.waitReady()
	// The new build has the same fonts and emoji: what was used before is still there.
	if !evalT[bool](b, fmt.Sprintf(`caches.open(%q).then((c) => c.match('fonts/NotoSansArabic-Bold.ttf')).then((r) => !!r)`, assets[0])) {
		b.fatalf("after the update the assets cache %s lost the font used before", assets[0])
	}
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, data, 0o644)
	})
}

// TestWorkerProtocol talks to worker.js directly, as render.js does (messages.d.ts): previews posted
// at once are each answered, in order (the page coalesces them, not the worker); a caption in
// another script with an emoji makes the worker fetch the font the module names and the emoji's
// art, each once; a refused image comes back
// with the module's error code.
func TestWorkerProtocol(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())
	data, err := os.ReadFile(fixture("photo-800x600.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		Answered []int
		Width    int
		Fonts    []string
		Emoji    []int
		Missing  []string
		Code     string
	}
	got := evalT[result](b, fmt.Sprintf(`(async () => {
	  const w = new Worker('worker.js');
	  const replies = new Map();
	  const fonts = [], emoji = [];
	  const wait = (id) => new Promise((resolve) => replies.set(id, resolve));
	  w.onmessage = (e) => {
	    if (e.data.event === 'fonts' && e.data.loading) fonts.push(e.data.loading);
	    if (e.data.event === 'emoji' && e.data.loading) emoji.push(e.data.loading);
	    if (e.data.id && replies.has(e.data.id)) replies.get(e.data.id)(e.data);
	  };
	  const bytes = Uint8Array.from(atob(%q), (c) => c.charCodeAt(0));
	  w.postMessage({ id: 1, op: 'loadImage', bytes });
	  const loaded = await wait(1);
	  if (!loaded.ok) throw new Error(loaded.error.message);
	  const box = (text) => JSON.stringify({ boxes: [{ text, x: 0.05, y: 0.05, w: 0.9, h: 0.2 }] });
	  const out = { Answered: [], Width: 0, Fonts: fonts, Emoji: emoji, Missing: [], Code: '' };
	  const pending = [];
	  for (let i = 0; i < 5; i++) {
	    const id = 100 + i;
	    pending.push(wait(id).then((m) => { if (!m.ok) throw new Error(m.error.message); out.Answered.push(i); out.Width = m.result.width; }));
	    w.postMessage({ id, op: 'preview', spec: box(i < 4 ? 'edit ' + i : 'Жук 🔥'), width: 400, height: 300, have: 0 });
	  }
	  await Promise.all(pending);
	  const last = wait(200);
	  w.postMessage({ id: 200, op: 'preview', spec: box('Жук 🔥'), width: 400, height: 300, have: 0 });
	  out.Missing = (await last).result.missing;
	  const bad = wait(300);
	  w.postMessage({ id: 300, op: 'loadImage', bytes: new TextEncoder().encode('not an image') });
	  const m = await bad;
	  out.Code = m.ok ? 'ok' : m.error.code;
	  w.terminate();
	  return out;
	})()`, b64(data)))
	if fmt.Sprint(got.Answered) != "[0 1 2 3 4]" || got.Width != 400 {
		b.fatalf("answered %v (width %d); want every preview, in order", got.Answered, got.Width)
	}
	if fmt.Sprint(got.Fonts) != "[roboto-condensed]" || fmt.Sprint(got.Emoji) != "[1]" || len(got.Missing) != 0 {
		b.fatalf("fetched fonts %q and emoji %v, missing %q; want roboto-condensed and one emoji fetched once and nothing missing", got.Fonts, got.Emoji, got.Missing)
	}
	if got.Code != "unsupported_format" {
		b.fatalf("a text file as an image: code %q, want unsupported_format", got.Code)
	}
}

// TestClickingACaptionChangesNothing presses and lets go of a caption box without moving: the box
// is selected and nothing is rendered again.
func TestClickingACaptionChangesNothing(t *testing.T) {
	_, b := startEditing(t)
	b.settle(300 * time.Millisecond)
	g := b.boxGeom(1)
	n := b.previews()
	b.do(chromedp.Click(chromedp.CSS(`.box[data-index="1"]`)))
	b.settle(500 * time.Millisecond)
	if !evalT[bool](b, `document.querySelector('.box[data-index="1"]').classList.contains('selected')`) {
		b.fatalf("the clicked caption box is not selected")
	}
	if got := b.boxGeom(1); got != g {
		b.fatalf("a click moved the box from %+v to %+v", g, got)
	}
	if drawn := b.previews() - n; drawn != 0 {
		b.fatalf("a click on a caption box drew %d previews; nothing changed", drawn)
	}
}
