package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Names of the engines Start knows, in the order the tests run them.
var Names = []string{"chromium", "firefox", "webkit"}

// Options configure one browser.
type Options struct {
	Width, Height int    // the viewport in CSS pixels; 1280x900 when zero
	DownloadDir   string // where downloads are saved; required
	ProfileDir    string // a fresh, empty folder for the profile and the engine's scratch files; required
	// InitScript runs in every new document before the page's own scripts (Chromium, Firefox). WebKit
	// classic WebDriver has no such hook: there it runs right after each Navigate and Reload, so
	// it must be idempotent and must not rely on seeing the page's first events.
	InitScript string
	Log        func(string) // receives the engine's own output and every console message; may be nil
}

// Point is a position in the viewport, in CSS pixels.
type Point struct{ X, Y float64 }

// backend is what each engine implements; Browser builds the verbs on it.
type backend interface {
	navigate(ctx context.Context, url string) error
	reload(ctx context.Context) error
	// eval evaluates a JS expression whose value is a Promise of a string.
	eval(ctx context.Context, expr string) (string, error)
	setFiles(ctx context.Context, selector string, paths []string) error
	// typeText sends key presses to the focused element; '\b' is Backspace.
	typeText(ctx context.Context, selector, text string) error
	click(ctx context.Context, at Point) error
	drag(ctx context.Context, from, to Point, steps int) error
	screenshot(ctx context.Context) ([]byte, error)
	close() error
}

// Browser is one page in one engine.
type Browser struct {
	name string
	be   backend
	opts Options

	mu     sync.Mutex
	errs   []string
	closed bool
}

// Missing reports the engine's programs that are not installed, with the Debian package of
// each ("/usr/bin/firefox-esr (apt-get install firefox-esr)"), so a test can fail naming them.
func Missing(name string) []string {
	var out []string
	for _, p := range programs[name] {
		if _, err := exec.LookPath(p.path); err != nil {
			out = append(out, fmt.Sprintf("%s (apt-get install %s)", p.path, p.pkg))
		}
	}
	return out
}

type program struct{ path, pkg string }

var programs = map[string][]program{
	"chromium": {{chromiumPath, "chromium"}},
	"firefox":  {{firefoxPath, "firefox-esr"}},
	"webkit":   {{webkitDriverPath, "webkit2gtk-driver"}, {miniBrowserPath, "webkit2gtk-driver"}, {xvfbPath, "xvfb"}},
}

// Start launches a browser of the named engine ("chromium", "firefox" or "webkit") with a fresh
// profile and opens one blank page.
func Start(ctx context.Context, name string, opts Options) (*Browser, error) {
	if opts.Width == 0 {
		opts.Width, opts.Height = 1280, 900
	}
	if opts.DownloadDir == "" || opts.ProfileDir == "" {
		return nil, errors.New("engine: Options.DownloadDir and Options.ProfileDir are required")
	}
	if m := Missing(name); len(m) > 0 {
		return nil, fmt.Errorf("engine: %s is not installed: %s", name, strings.Join(m, ", "))
	}
	b := &Browser{name: name, opts: opts}
	var err error
	switch name {
	case "chromium":
		b.be, err = startChromium(ctx, opts, b.consoleError, b.log)
	case "firefox":
		b.be, err = startFirefox(ctx, opts, b.consoleError, b.log)
	case "webkit":
		b.be, err = startWebKit(ctx, opts, b.consoleError, b.log)
	default:
		return nil, fmt.Errorf("engine: unknown engine %q (want one of %v)", name, Names)
	}
	if err != nil {
		return nil, fmt.Errorf("engine: start %s: %w", name, err)
	}
	return b, nil
}

// Name is the engine's name.
func (b *Browser) Name() string { return b.name }

func (b *Browser) log(s string) {
	if b.opts.Log != nil {
		b.opts.Log(s)
	}
}

func (b *Browser) consoleError(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.errs = append(b.errs, s)
	}
}

// ConsoleErrors returns the console errors, uncaught exceptions and unhandled rejections seen
// since the browser started.
func (b *Browser) ConsoleErrors() []string {
	if d, ok := b.be.(interface{ drain(context.Context) }); ok {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		d.drain(ctx)
		cancel()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

// Navigate loads url and waits for its load event.
func (b *Browser) Navigate(ctx context.Context, url string) error {
	if err := b.load(ctx, func() error { return b.be.navigate(ctx, url) }); err != nil {
		return fmt.Errorf("%s: navigate %s: %w", b.name, url, err)
	}
	return nil
}

// Reload reloads the page and waits for its load event.
func (b *Browser) Reload(ctx context.Context) error {
	if err := b.load(ctx, func() error { return b.be.reload(ctx) }); err != nil {
		return fmt.Errorf("%s: reload: %w", b.name, err)
	}
	return nil
}

// loadHooks is what a backend without a preload-script API (WebKit) does around each load.
type loadHooks interface {
	beforeLoad(ctx context.Context)
	afterLoad(ctx context.Context) error
}

// load runs a navigation and returns once a new document is there. WebKitWebDriver's refresh
// can answer while the old document is still shown (seen with a service worker answering an
// offline reload), so the old document is marked first and load waits for the mark to be gone.
func (b *Browser) load(ctx context.Context, navigate func() error) error {
	hooks, _ := b.be.(loadHooks)
	if hooks != nil {
		hooks.beforeLoad(ctx)
	}
	_, _ = b.be.eval(ctx, `Promise.resolve(String(window.__engineOldDocument = true))`)
	if err := navigate(); err != nil {
		return err
	}
	for {
		s, err := b.be.eval(ctx, `Promise.resolve(document.readyState === 'complete' && !window.__engineOldDocument ? 'new' : 'old')`)
		if err == nil && s == "new" {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for the new document: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if hooks != nil {
		return hooks.afterLoad(ctx)
	}
	return nil
}

// Eval evaluates the JS expression expr in the page, awaits it if it is a promise, and decodes
// its value, as JSON, into out (which may be nil to ignore it).
func (b *Browser) Eval(ctx context.Context, expr string, out any) error {
	wrapped := "Promise.resolve((() => (" + expr + "\n))()).then((v) => JSON.stringify(v === undefined ? null : v))"
	s, err := b.be.eval(ctx, wrapped)
	if err != nil {
		return fmt.Errorf("%s: evaluate %s: %w", b.name, short(expr), err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		return fmt.Errorf("%s: evaluate %s: result %s: %w", b.name, short(expr), short(s), err)
	}
	return nil
}

// SetFiles chooses files in the <input type=file> that selector finds, as a person picking them
// would: the input's change event fires. The input may be hidden.
func (b *Browser) SetFiles(ctx context.Context, selector string, paths ...string) error {
	if err := b.be.setFiles(ctx, selector, paths); err != nil {
		return fmt.Errorf("%s: set files on %s: %w", b.name, selector, err)
	}
	return nil
}

// Type focuses the element selector finds and types text key by key; '\b' presses Backspace.
func (b *Browser) Type(ctx context.Context, selector, text string) error {
	if err := b.Eval(ctx, fmt.Sprintf(`document.querySelector(%q).focus()`, selector), nil); err != nil {
		return err
	}
	if err := b.be.typeText(ctx, selector, text); err != nil {
		return fmt.Errorf("%s: type into %s: %w", b.name, selector, err)
	}
	return nil
}

// Center scrolls the element selector finds into view and returns its centre in the viewport.
func (b *Browser) Center(ctx context.Context, selector string) (Point, error) {
	var p *Point
	err := b.Eval(ctx, fmt.Sprintf(`(() => {
	  const el = document.querySelector(%q);
	  if (!el) return null;
	  el.scrollIntoView({ block: 'center', inline: 'center' });
	  const r = el.getBoundingClientRect();
	  return { X: r.x + r.width / 2, Y: r.y + r.height / 2 };
	})()`, selector), &p)
	if err == nil && p == nil {
		err = fmt.Errorf("%s: no element matches %s", b.name, selector)
	}
	if err != nil {
		return Point{}, err
	}
	return *p, nil
}

// Click clicks the middle of the element selector finds with the (emulated) mouse.
func (b *Browser) Click(ctx context.Context, selector string) error {
	p, err := b.Center(ctx, selector)
	if err != nil {
		return err
	}
	if err := b.be.click(ctx, p); err != nil {
		return fmt.Errorf("%s: click %s: %w", b.name, selector, err)
	}
	return nil
}

// Drag presses the mouse at from, moves it to to in steps, and lets go: pointer events, as
// a person dragging would make.
func (b *Browser) Drag(ctx context.Context, from, to Point, steps int) error {
	if err := b.be.drag(ctx, from, to, max(steps, 1)); err != nil {
		return fmt.Errorf("%s: drag: %w", b.name, err)
	}
	return nil
}

// Screenshot returns a PNG of the viewport.
func (b *Browser) Screenshot(ctx context.Context) ([]byte, error) {
	png, err := b.be.screenshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: screenshot: %w", b.name, err)
	}
	return png, nil
}

// Close ends the browser and every process it started. It is safe to call twice.
func (b *Browser) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	return b.be.close()
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// proc is a child process in its own process group, so Close can end it with its children.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func startProc(cmd *exec.Cmd) (*proc, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// stop sends SIGTERM to the group, then SIGKILL after grace, and waits for the process.
func (p *proc) stop(grace time.Duration) {
	if p == nil {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
	}
	// Children may outlive the leader (MiniBrowser's web processes): kill what is left.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lineWriter calls f with each complete line written to it.
type lineWriter struct {
	mu  sync.Mutex
	buf []byte
	f   func(string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := strings.IndexByte(string(w.buf), '\n')
		if i < 0 {
			break
		}
		line := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		w.f(strings.TrimRight(line, "\r"))
	}
	return len(p), nil
}

func mkdirs(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}
