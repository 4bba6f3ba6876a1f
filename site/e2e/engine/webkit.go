package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const (
	webkitDriverPath = "/usr/bin/WebKitWebDriver"
	miniBrowserPath  = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
	xvfbPath         = "/usr/bin/Xvfb"
)

// webkit speaks W3C WebDriver (HTTP + JSON) to WebKitWebDriver, which starts MiniBrowser in
// automation mode on a private Xvfb display. WebKitGTK's MiniBrowser has no headless mode.
type webkit struct {
	xvfb, driver *proc
	base         string // http://127.0.0.1:port/session/id
	client       *http.Client
	initScript   string
	consoleErr   func(string)
}

// webkitCollector keeps the page's console errors, uncaught errors and unhandled rejections
// in window.__engineErrors until drain reads them. WebKitWebDriver has no log API, and the
// MiniBrowser setting that prints console messages to stdout is not applied to the web views
// it makes for automation, so the collector is installed after each load: errors raised while
// a page loads, before it is installed, are not seen in WebKit.
const webkitCollector = `if (!window.__engineErrors) {
  window.__engineErrors = [];
  const push = (s) => window.__engineErrors.push(s);
  const str = (v) => v instanceof Error ? v.name + ': ' + v.message + ' ' + (v.stack || '') : String(v);
  const orig = console.error;
  console.error = function (...args) { push('console.error: ' + args.map(str).join(' ')); return orig.apply(this, args); };
  addEventListener('error', (e) => { if (e instanceof ErrorEvent) push('uncaught: ' + (e.error ? str(e.error) : e.message)); });
  addEventListener('unhandledrejection', (e) => push('unhandled rejection: ' + str(e.reason)));
}`

const w3cElementKey = "element-6066-11e4-a52e-4f735466cecf"

func startWebKit(ctx context.Context, o Options, consoleErr, log func(string)) (_ backend, err error) {
	w := &webkit{client: &http.Client{}, initScript: o.InitScript, consoleErr: consoleErr}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	display, err := w.startXvfb(ctx, log)
	if err != nil {
		return nil, err
	}

	// A private HOME: MiniBrowser's data, caches and downloads stay in the profile folder, and
	// WebKitGTK saves downloads to the XDG download directory when the browser picks no place.
	home := filepath.Join(o.ProfileDir, "webkit-home")
	config := filepath.Join(home, ".config")
	if err := mkdirs(config, o.DownloadDir); err != nil {
		return nil, err
	}
	dirs := fmt.Sprintf("XDG_DOWNLOAD_DIR=%q\n", o.DownloadDir)
	if err := os.WriteFile(filepath.Join(config, "user-dirs.dirs"), []byte(dirs), 0o644); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(webkitDriverPath, "--host=127.0.0.1", "--port="+strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "DISPLAY=:"+display, "HOME="+home, "XDG_CONFIG_HOME="+config,
		"XDG_DATA_HOME="+filepath.Join(home, ".local/share"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"WAYLAND_DISPLAY=", "GDK_BACKEND=x11", "NO_AT_BRIDGE=1")
	// MiniBrowser inherits the driver's output; with enable-write-console-messages-to-stdout it
	// prints each console message there (see the package doc).
	out := &lineWriter{f: func(s string) { log("webkit: " + s) }}
	cmd.Stdout, cmd.Stderr = out, out
	if w.driver, err = startProc(cmd); err != nil {
		return nil, err
	}
	root := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitHTTP(ctx, w.client, root+"/status", w.driver); err != nil {
		return nil, fmt.Errorf("WebKitWebDriver: %w", err)
	}

	var sess struct{ SessionID string }
	if err := w.do(ctx, http.MethodPost, root+"/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName": "MiniBrowser",
		"webkitgtk:browserOptions": map[string]any{
			"binary": miniBrowserPath,
			"args":   []string{"--automation"},
		},
	}}}, &sess); err != nil {
		return nil, err
	}
	w.base = root + "/session/" + sess.SessionID
	if err := w.do(ctx, http.MethodPost, w.base+"/timeouts", map[string]any{"script": 120_000, "pageLoad": 120_000}, nil); err != nil {
		return nil, err
	}
	// The window's outer size includes MiniBrowser's toolbar: set it, measure the viewport, and
	// grow the window by the difference.
	size := map[string]any{"width": o.Width, "height": o.Height}
	if err := w.do(ctx, http.MethodPost, w.base+"/window/rect", size, nil); err != nil {
		return nil, err
	}
	vp, err := w.eval(ctx, `Promise.resolve(JSON.stringify([innerWidth, innerHeight]))`)
	if err != nil {
		return nil, err
	}
	var inner [2]int
	if json.Unmarshal([]byte(vp), &inner) == nil && (inner[0] != o.Width || inner[1] != o.Height) {
		size = map[string]any{"width": 2*o.Width - inner[0], "height": 2*o.Height - inner[1]}
		if err := w.do(ctx, http.MethodPost, w.base+"/window/rect", size, nil); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// afterLoad installs the collector and runs the init script in the page just loaded.
func (w *webkit) afterLoad(ctx context.Context) error {
	_, err := w.eval(ctx, "(() => {\n"+webkitCollector+"\n"+w.initScript+"\n; return '';\n})()")
	return err
}

// drain moves the errors the collector holds to the browser's list.
func (w *webkit) drain(ctx context.Context) {
	s, err := w.eval(ctx, `JSON.stringify((window.__engineErrors || []).splice(0))`)
	if err != nil {
		return
	}
	var errs []string
	_ = json.Unmarshal([]byte(s), &errs)
	for _, e := range errs {
		w.consoleErr(e)
	}
}

// startXvfb starts Xvfb on a display it chooses itself (-displayfd) and returns its number.
func (w *webkit) startXvfb(ctx context.Context, log func(string)) (string, error) {
	r, wr, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	cmd := exec.Command(xvfbPath, "-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1920x1200x24")
	cmd.ExtraFiles = []*os.File{wr}
	cmd.Stderr = &lineWriter{f: func(s string) { log("xvfb: " + s) }}
	w.xvfb, err = startProc(cmd)
	wr.Close()
	if err != nil {
		return "", err
	}
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case d := <-got:
		if d == "" {
			return "", errors.New("Xvfb exited without a display")
		}
		return d, nil
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for Xvfb: %w", ctx.Err())
	}
}

func waitHTTP(ctx context.Context, c *http.Client, url string, p *proc) error {
	for {
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-p.done:
			return errors.New("exited before it listened")
		case <-ctx.Done():
			return fmt.Errorf("not listening: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// do sends one WebDriver command and decodes its "value" into out (nil: ignore it).
func (w *webkit) do(ctx context.Context, method, url string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("%s %s: %s: %s", method, url, resp.Status, short(string(data)))
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error, Message string }
		_ = json.Unmarshal(r.Value, &e)
		return fmt.Errorf("%s: %s", e.Error, e.Message)
	}
	if out != nil {
		return json.Unmarshal(r.Value, out)
	}
	return nil
}

func (w *webkit) navigate(ctx context.Context, url string) error {
	return w.do(ctx, http.MethodPost, w.base+"/url", map[string]any{"url": url}, nil)
}

func (w *webkit) reload(ctx context.Context) error {
	return w.do(ctx, http.MethodPost, w.base+"/refresh", map[string]any{}, nil)
}

func (w *webkit) beforeLoad(ctx context.Context) { w.drain(ctx) }

func (w *webkit) eval(ctx context.Context, expr string) (string, error) {
	script := `const done = arguments[arguments.length - 1];
(async () => (` + expr + `))().then((v) => done({ ok: v }), (e) => done({ err: String(e && e.stack || e) }));`
	var r struct {
		Ok  *string
		Err string
	}
	if err := w.do(ctx, http.MethodPost, w.base+"/execute/async", map[string]any{"script": script, "args": []any{}}, &r); err != nil {
		return "", err
	}
	if r.Ok == nil {
		return "", fmt.Errorf("exception: %s", r.Err)
	}
	return *r.Ok, nil
}

func (w *webkit) element(ctx context.Context, selector string) (string, error) {
	var el map[string]string
	if err := w.do(ctx, http.MethodPost, w.base+"/element", map[string]any{"using": "css selector", "value": selector}, &el); err != nil {
		return "", err
	}
	if el[w3cElementKey] == "" {
		return "", fmt.Errorf("no element id in %v", el)
	}
	return el[w3cElementKey], nil
}

func (w *webkit) setFiles(ctx context.Context, selector string, paths []string) error {
	id, err := w.element(ctx, selector)
	if err != nil {
		return err
	}
	return w.do(ctx, http.MethodPost, w.base+"/element/"+id+"/value", map[string]any{"text": strings.Join(paths, "\n")}, nil)
}

func (w *webkit) typeText(ctx context.Context, _ string, text string) error {
	return w.actions(ctx, keyActions(text))
}

func (w *webkit) actions(ctx context.Context, sources ...map[string]any) error {
	err := w.do(ctx, http.MethodPost, w.base+"/actions", map[string]any{"actions": sources}, nil)
	if rerr := w.do(ctx, http.MethodDelete, w.base+"/actions", nil, nil); err == nil {
		err = rerr
	}
	return err
}

func (w *webkit) click(ctx context.Context, at Point) error {
	return w.actions(ctx, pointerActions(at, at, 0))
}

func (w *webkit) drag(ctx context.Context, from, to Point, steps int) error {
	return w.actions(ctx, pointerActions(from, to, steps))
}

func (w *webkit) screenshot(ctx context.Context) ([]byte, error) {
	var s string
	if err := w.do(ctx, http.MethodGet, w.base+"/screenshot", nil, &s); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s)
}

func (w *webkit) close() error {
	if w.base != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = w.do(ctx, http.MethodDelete, w.base, nil, nil)
		cancel()
	}
	w.driver.stop(3 * time.Second)
	w.xvfb.stop(3 * time.Second)
	return nil
}
