package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/memeforge/memeforge/internal/localstack"
)

// chromiumPath is Debian's chromium; MEMEFORGE_CHROMIUM points the tests at another build (e.g. an
// older one unpacked with dpkg -x) to check that the DevTools calls work there too.
var chromiumPath = "/usr/bin/chromium"

var (
	repoRoot  string
	siteDir   string
	outputDir string // test-output/ at the repo root, for screenshots
)

// TestMain refuses to run against a missing or unbuilt site: the tests exercise exactly what
// `make build` produces, so without it they fail (never skip) and say what to run.
func TestMain(m *testing.M) {
	root, err := localstack.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "site/e2e: cannot find the repository root:", err)
		os.Exit(1)
	}
	repoRoot = root
	siteDir = filepath.Join(root, "dist", "site")
	if d := os.Getenv("MEMEFORGE_SITE_DIR"); d != "" { // another build of the site, e.g. while developing
		siteDir = d
	}
	outputDir = filepath.Join(root, "test-output")
	for _, f := range []string{"index.html", "app.js", "worker.js", "sw.js", "memeforge.wasm", "wasm_exec.js",
		"fonts/DejaVuSans-Bold.ttf", "fonts/DroidSansFallbackFull.ttf"} {
		if _, err := os.Stat(filepath.Join(siteDir, f)); err != nil {
			fmt.Fprintf(os.Stderr, "site/e2e: %s is missing from %s: run make build\n", f, siteDir)
			os.Exit(1)
		}
	}
	sw, _ := os.ReadFile(filepath.Join(siteDir, "sw.js"))
	if bytes.Contains(sw, []byte("__BUILD_VERSION__")) {
		fmt.Fprintf(os.Stderr, "site/e2e: %s/sw.js has no build version: run make build\n", siteDir)
		os.Exit(1)
	}
	if p := os.Getenv("MEMEFORGE_CHROMIUM"); p != "" {
		chromiumPath = p
	}
	if _, err := exec.LookPath(chromiumPath); err != nil {
		fmt.Fprintf(os.Stderr, "site/e2e: %s not found: install Debian's chromium (apt-get install chromium)\n", chromiumPath)
		os.Exit(1)
	}
	if err := os.MkdirAll(outputDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "site/e2e:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func fixture(name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return p
}

// browser is one headless Chromium with its own fresh profile, so service workers, caches and
// IndexedDB never leak between tests.
type browser struct {
	t   testing.TB
	ctx context.Context
	*pageLog
}

// pageLog keeps what the page printed, to show when a test fails.
type pageLog struct {
	mu     sync.Mutex
	logs   []string
	closed bool
	netOff bool // the network is switched off (see offline)
}

// on returns the same browser reporting failures to t (a subtest).
func (b *browser) on(t testing.TB) *browser {
	return &browser{t: t, ctx: b.ctx, pageLog: b.pageLog}
}

// recorder switches the page's instrumentation on (site/instrument.js) and collects its events from
// the first script on.
const recorder = `(() => {
  window.memeforgeInstrument = true;
  window.__mf = { previews: [], finals: [], images: [], frames: [], animations: [] };
  document.addEventListener('memeforge:frame', (e) => window.__mf.frames.push(e.detail));
  document.addEventListener('memeforge:animation', (e) => window.__mf.animations.push({ ...e.detail, framesBefore: window.__mf.frames.length }));
  document.addEventListener('memeforge:image', (e) => window.__mf.images.push(e.detail));
  document.addEventListener('memeforge:ready', (e) => { window.__mf.readyAt = e.detail.at; });
  document.addEventListener('memeforge:renderer', (e) => { window.__mf.renderer = e.detail; });
  document.addEventListener('memeforge:preview', (e) => window.__mf.previews.push(e.detail));
  document.addEventListener('memeforge:final', (e) => window.__mf.finals.push(e.detail));
})();`

func newBrowser(t testing.TB, width, height int) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &browser{t: t, ctx: ctx, pageLog: &pageLog{}}
	t.Cleanup(func() {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	go func() {
		for msg, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			b.log("console: " + msg.String())
		}
	}()
	b.do(
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: recorder})
			return err
		}),
		chromedp.EmulateViewport(int64(width), int64(height)),
	)
	return b
}

func (b *browser) log(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.logs = append(b.logs, s)
	}
}

// dumpLogs prints what the page logged; called when a test fails.
func (b *browser) dumpLogs() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, l := range b.logs {
		b.t.Log(l)
	}
}

func (b *browser) fatalf(format string, args ...any) {
	b.t.Helper()
	b.dumpLogs()
	b.t.Fatalf(format, args...)
}

// do runs actions with a deadline and fails the test on error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatalf("browser: %v", err)
	}
}

func evalT[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fatalf("evaluate %q: %v", trim(expr), err)
	}
	return v
}

// waitJS waits until expr is truthy in the page.
func (b *browser) waitJS(what, expr string, timeout time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!("+expr+")", chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.fatalf("waiting for %s: %v", what, err)
	}
}

// waitAsync waits until the promise expr resolves to true.
func (b *browser) waitAsync(what, expr string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for !evalT[bool](b, expr) {
		if time.Now().After(deadline) {
			b.fatalf("waiting for %s: timed out after %v", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func b64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

func trim(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// open loads the page and waits until the renderer has started and saved work is restored.
func (b *browser) open(url string) {
	b.t.Helper()
	b.do(chromedp.Navigate(url))
	b.waitReady()
}

func (b *browser) waitReady() {
	b.t.Helper()
	b.waitJS("the page to be ready", `document.documentElement.dataset.ready === 'true' || document.documentElement.dataset.renderer === 'failed'`, 60*time.Second)
	if r := evalT[string](b, `document.documentElement.dataset.renderer || ''`); r != "ready" {
		b.fatalf("renderer did not start: %s", b.text("#image-msg"))
	}
}

// savedDocMatches is true once the document saved in IndexedDB (see storage.js) holds what the
// editor shows: every caption's text, font and place.
const savedDocMatches = `new Promise((resolve) => {
  const req = indexedDB.open('memeforge');
  req.onerror = () => resolve(false);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('kv')) { db.close(); resolve(false); return; }
    const get = db.transaction('kv').objectStore('kv').get('doc');
    get.onerror = () => { db.close(); resolve(false); };
    get.onsuccess = () => {
      db.close();
      const d = get.result;
      const shown = document.querySelectorAll('#overlay .box');
      resolve(!!d && d.spec.boxes.length === shown.length && d.spec.boxes.every((bx, i) => {
        const s = shown[i].style;
        const near = (css, v) => Math.abs(parseFloat(css) / 100 - v) < 1e-9;
        return bx.text === document.getElementById('box-' + i + '-text').value &&
          bx.font === document.getElementById('box-' + i + '-font').value &&
          near(s.left, bx.x) && near(s.top, bx.y) && near(s.width, bx.w) && near(s.height, bx.h);
      }));
    };
  };
})`

// reloadRestored waits until the work is saved, reloads the page and waits until the saved image
// is back and previewed.
func (b *browser) reloadRestored() {
	b.t.Helper()
	b.waitAsync("the work to be saved", savedDocMatches, 10*time.Second)
	b.do(chromedp.Reload())
	b.mu.Lock()
	off := b.netOff
	b.mu.Unlock()
	if off {
		// Chromium 150 forgets the navigator.onLine override when the page reloads (156 keeps
		// it); a device that is offline stays offline, so say it again.
		b.offline(true)
	}
	b.waitReady()
	b.waitJS("the restored image", `document.documentElement.dataset.image === 'loaded'`, 30*time.Second)
	b.waitPreview(0)
}

func (b *browser) previews() int { return evalT[int](b, `window.__mf.previews.length`) }

// waitPreview waits until more than n previews have been drawn.
func (b *browser) waitPreview(n int) {
	b.t.Helper()
	b.waitJS(fmt.Sprintf("preview #%d", n+1), fmt.Sprintf(`window.__mf.previews.length > %d`, n), 30*time.Second)
}

// settle waits until no new preview has been drawn for quiet, so the canvas shows the newest spec.
func (b *browser) settle(quiet time.Duration) {
	b.t.Helper()
	last, since := b.previews(), time.Now()
	deadline := time.Now().Add(30 * time.Second)
	for time.Since(since) < quiet {
		if time.Now().After(deadline) {
			b.fatalf("previews never settled")
		}
		time.Sleep(50 * time.Millisecond)
		if n := b.previews(); n != last {
			last, since = n, time.Now()
		}
	}
}

// startEditing starts the local stack and a 1280x900 browser, opens the page and chooses the
// 800x600 photo: where most tests begin.
func startEditing(t *testing.T, opts ...func(*localstack.Options)) (*testSite, *browser) {
	t.Helper()
	s := startSite(t, opts...)
	b := newBrowser(t, 1280, 900)
	b.open(s.URL())
	b.chooseImage(fixture("photo-800x600.jpg"))
	return s, b
}

// redraw waits for the preview to settle, makes the edit, waits for the previews it causes to
// settle, and returns the canvas before and after and how many previews were drawn meanwhile.
func (b *browser) redraw(edit func()) (before, after image.Image, drawn int) {
	b.t.Helper()
	b.settle(300 * time.Millisecond)
	before = b.canvas()
	n := b.previews()
	edit()
	b.waitPreview(n)
	b.settle(300 * time.Millisecond)
	return before, b.canvas(), b.previews() - n
}

// uploadForMessage clears the message element msg, chooses file in the input, and returns the
// message the page then shows.
func (b *browser) uploadForMessage(input, msg, file string, timeout time.Duration) string {
	b.t.Helper()
	b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).textContent = ''`, msg)))
	b.upload(input, file)
	b.waitJS("a message in "+msg, fmt.Sprintf(`document.querySelector(%q).textContent !== ''`, msg), timeout)
	return b.text(msg)
}

func (b *browser) upload(sel, path string) {
	b.t.Helper()
	b.do(chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path}))
}

// chooseImage picks a file in the image input and waits for its first preview.
func (b *browser) chooseImage(path string) {
	b.t.Helper()
	n := b.previews()
	b.upload("#file-input", path)
	b.waitJS("the image to load", `document.documentElement.dataset.image === 'loaded' || document.getElementById('image-msg').textContent !== ''`, 30*time.Second)
	if msg := b.text("#image-msg"); msg != "" {
		b.fatalf("choosing %s: %s", filepath.Base(path), msg)
	}
	b.waitPreview(n)
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return evalT[string](b, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, sel))
}

// canvas returns the preview canvas's pixels.
func (b *browser) canvas() image.Image {
	b.t.Helper()
	url := evalT[string](b, `document.getElementById('preview').toDataURL('image/png')`)
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(url, "data:image/png;base64,"))
	if err != nil {
		b.fatalf("canvas data URL: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		b.fatalf("canvas PNG: %v", err)
	}
	return img
}

// typeCaption replaces caption i's text (from 0) by typing it, key by key, as a person would.
func (b *browser) typeCaption(i int, text string) {
	b.t.Helper()
	sel := chromedp.CSS(fmt.Sprintf(`#box-%d-text`, i))
	b.do(chromedp.Focus(sel), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#box-%d-text').select()`, i)),
		chromedp.KeyEvent("\b"), chromedp.SendKeys(sel, text))
}

// screenshot writes a full-page PNG into test-output/.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	// Grow the window to the whole page and take a plain screenshot of it: Chromium's
	// capture-beyond-viewport mode (FullScreenshot) sometimes paints a canvas far below the fold as
	// one flat colour. Then give the window its size back.
	w := evalT[int](b, `window.innerWidth`)
	h := evalT[int](b, `window.innerHeight`)
	full := evalT[int](b, `Math.ceil(document.documentElement.scrollHeight)`)
	b.do(chromedp.EmulateViewport(int64(w), int64(full)),
		chromedp.Evaluate[chromedp.Void](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 100))))`, chromedp.EvalAwaitPromise))
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	b.do(chromedp.EmulateViewport(int64(w), int64(h)))
	if err != nil {
		b.fatalf("screenshot: %v", err)
	}
	p := filepath.Join(outputDir, name)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.fatalf("screenshot: %v", err)
	}
	return p
}

func (b *browser) colorScheme(scheme string) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
}

// offline switches the page's network (and its service worker's) off or on.
//
// The DevTools calls for this changed shape between the Chromium builds Debian ships (148 on
// some machines, 150 and 156 on others), so the params are written as raw JSON that each build
// accepts, and each step falls back to the older form when a build refuses the newer one:
//   - Network.emulateNetworkConditionsByRule: builds up to about 149 require a top-level
//     "offline" and know no emulateOfflineServiceWorker or per-rule "offline"; later builds take
//     all three. One call with every field works on both (Chromium ignores fields it doesn't
//     know); if a build refuses it, the old form, then the deprecated emulateNetworkConditions.
//   - Network.overrideNetworkState (navigator.onLine) has kept its shape.
//
// Tests that must be sure nothing reaches the network also stop the server (see TestOffline):
// whether a build's service worker obeys the emulation is the build's business.
func (b *browser) offline(off bool) {
	b.t.Helper()
	b.mu.Lock()
	b.netOff = off
	b.mu.Unlock()
	b.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		return emulateOffline(ctx, tg, off)
	}))
}

// cdpCall sends one DevTools command with raw JSON params.
func cdpCall(ctx context.Context, s cdp.Session, method string, params map[string]any) error {
	var res map[string]any
	if err := s.Call(ctx, method, params, &res); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

func emulateOffline(ctx context.Context, s cdp.Session, off bool) error {
	if err := cdpCall(ctx, s, "Network.enable", map[string]any{}); err != nil {
		return err
	}
	unthrottled := func(extra map[string]any) map[string]any {
		c := map[string]any{"urlPattern": "", "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	rules := func(extra map[string]any) []any {
		if !off {
			return []any{}
		}
		return []any{unthrottled(extra)}
	}
	attempts := []struct {
		method string
		params map[string]any
	}{
		{"Network.emulateNetworkConditionsByRule", map[string]any{
			"offline": off, "emulateOfflineServiceWorker": off,
			"matchedNetworkConditions": rules(map[string]any{"offline": off}),
		}},
		{"Network.emulateNetworkConditionsByRule", map[string]any{
			"offline": off, "matchedNetworkConditions": rules(nil),
		}},
		{"Network.emulateNetworkConditions", unthrottled(map[string]any{"offline": off})},
	}
	if os.Getenv("MEMEFORGE_E2E_OLD_CDP") != "" { // exercise the fallbacks on a new build
		attempts = attempts[1:]
	}
	var errs []error
	applied := false
	for _, a := range attempts {
		p := a.params
		if a.method == "Network.emulateNetworkConditions" {
			delete(p, "urlPattern")
		}
		err := cdpCall(ctx, s, a.method, p)
		if err == nil {
			applied = true
			break
		}
		errs = append(errs, err)
	}
	if !applied {
		return fmt.Errorf("no network emulation this Chromium accepts: %w", errors.Join(errs...))
	}
	return cdpCall(ctx, s, "Network.overrideNetworkState", map[string]any{
		"offline": off, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1,
	})
}

// decodeFile decodes an image file and returns its size.
func decodeFile(path string) (image.Point, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Point{}, "", err
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		return image.Point{}, "", err
	}
	return img.Bounds().Size(), format, nil
}

var errTimeout = errors.New("timed out")

// waitFile waits for a finished file (no .crdownload) to appear in dir.
func waitFile(dir string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".crdownload") && !e.IsDir() {
				return filepath.Join(dir, e.Name()), nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", errTimeout
}
