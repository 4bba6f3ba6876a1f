package engine

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

const firefoxPath = "/usr/bin/firefox-esr"

// firefox speaks WebDriver BiDi to Firefox's built-in remote agent: JSON commands with an id
// over one WebSocket, answered by id, with events in between.
type firefox struct {
	p       *proc
	conn    *websocket.Conn
	context string // the browsing context (tab) the tests drive

	mu      sync.Mutex
	nextID  int64
	waiting map[int64]chan bidiReply
	readErr error
	onEvent func(method string, params json.RawMessage)
}

type bidiReply struct {
	Type    string          `json:"type"` // "success", "error" or "event"
	ID      *int64          `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// firefoxPrefs are written to the fresh profile's user.js: downloads go to the download folder
// without asking, and nothing calls home. The remote agent sets its own automation prefs.
func firefoxPrefs(downloadDir string) string {
	dir, _ := json.Marshal(downloadDir)
	return strings.Join([]string{
		`user_pref("browser.download.folderList", 2);`,
		`user_pref("browser.download.dir", ` + string(dir) + `);`,
		`user_pref("browser.download.useDownloadDir", true);`,
		`user_pref("browser.download.always_ask_before_handling_new_types", false);`,
		`user_pref("browser.download.start_downloads_in_tmp_dir", false);`,
		`user_pref("browser.download.alwaysOpenPanel", false);`,
		`user_pref("browser.shell.checkDefaultBrowser", false);`,
		`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
		`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
		`user_pref("app.update.disabledForTesting", true);`,
		`user_pref("browser.aboutwelcome.enabled", false);`,
		"",
	}, "\n")
}

func startFirefox(ctx context.Context, o Options, consoleErr, log func(string)) (_ backend, err error) {
	profile := filepath.Join(o.ProfileDir, "firefox")
	if err := mkdirs(profile, o.DownloadDir); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(firefoxPrefs(o.DownloadDir)), 0o644); err != nil {
		return nil, err
	}
	// Port 0: Firefox picks a free port and says which on stderr.
	cmd := exec.Command(firefoxPath, "--headless", "--no-remote", "--remote-debugging-port", "0", "--profile", profile, "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = &lineWriter{f: func(s string) { log("firefox: " + s) }}
	p, err := startProc(cmd)
	if err != nil {
		return nil, err
	}
	f := &firefox{p: p, waiting: map[int64]chan bidiReply{}}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	wsURL := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			log("firefox: " + line)
			if rest, ok := strings.CutPrefix(line, "WebDriver BiDi listening on "); ok {
				select {
				case wsURL <- strings.TrimSpace(rest):
				default:
				}
			}
		}
	}()
	var url string
	select {
	case url = <-wsURL:
	case <-p.done:
		return nil, errors.New("firefox exited before its remote agent listened")
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the remote agent: %w", ctx.Err())
	}
	if !strings.HasPrefix(url, "ws://127.0.0.1:") {
		return nil, fmt.Errorf("remote agent listens on %s, want 127.0.0.1", url)
	}
	f.conn, _, err = websocket.Dial(ctx, url+"/session", nil)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", url, err)
	}
	f.conn.SetReadLimit(256 << 20) // screenshots and evaluated data URLs are big
	f.onEvent = func(method string, params json.RawMessage) {
		if method != "log.entryAdded" {
			return
		}
		var e struct {
			Type, Level, Text, Method string
			Source                    struct{ Context string }
		}
		if json.Unmarshal(params, &e) != nil {
			return
		}
		msg := fmt.Sprintf("%s %s: %s", e.Type, e.Level, e.Text)
		log("console: " + msg)
		if e.Level == "error" {
			consoleErr(msg)
		}
	}
	go f.readLoop()

	if err := f.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		return nil, err
	}
	var tree struct {
		Contexts []struct{ Context string }
	}
	if err := f.call(ctx, "browsingContext.getTree", map[string]any{"maxDepth": 0}, &tree); err != nil {
		return nil, err
	}
	if len(tree.Contexts) == 0 {
		return nil, errors.New("no browsing context")
	}
	f.context = tree.Contexts[0].Context
	if err := f.call(ctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		return nil, err
	}
	if err := f.call(ctx, "browsingContext.setViewport", map[string]any{
		"context": f.context, "viewport": map[string]any{"width": o.Width, "height": o.Height},
	}, nil); err != nil {
		return nil, err
	}
	if o.InitScript != "" {
		if err := f.call(ctx, "script.addPreloadScript", map[string]any{
			"functionDeclaration": "() => {\n" + o.InitScript + "\n}",
		}, nil); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *firefox) readLoop() {
	for {
		_, data, err := f.conn.Read(context.Background())
		if err != nil {
			f.mu.Lock()
			f.readErr = err
			for id, ch := range f.waiting {
				close(ch)
				delete(f.waiting, id)
			}
			f.mu.Unlock()
			return
		}
		var r bidiReply
		if json.Unmarshal(data, &r) != nil {
			continue
		}
		if r.Type == "event" {
			f.onEvent(r.Method, r.Params)
			continue
		}
		if r.ID == nil {
			continue
		}
		f.mu.Lock()
		ch := f.waiting[*r.ID]
		delete(f.waiting, *r.ID)
		f.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends one command and decodes its result into out (nil: ignore it).
func (f *firefox) call(ctx context.Context, method string, params any, out any) error {
	f.mu.Lock()
	if f.readErr != nil {
		f.mu.Unlock()
		return fmt.Errorf("%s: connection closed: %w", method, f.readErr)
	}
	f.nextID++
	id := f.nextID
	ch := make(chan bidiReply, 1)
	f.waiting[id] = ch
	f.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := f.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: connection closed", method)
		}
		if r.Type == "error" {
			return fmt.Errorf("%s: %s: %s", method, r.Error, r.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-ctx.Done():
		f.mu.Lock()
		delete(f.waiting, id)
		f.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (f *firefox) navigate(ctx context.Context, url string) error {
	return f.call(ctx, "browsingContext.navigate", map[string]any{"context": f.context, "url": url, "wait": "complete"}, nil)
}

func (f *firefox) reload(ctx context.Context) error {
	return f.call(ctx, "browsingContext.reload", map[string]any{"context": f.context, "wait": "complete"}, nil)
}

// evaluate runs expr and returns BiDi's serialized value of its result.
func (f *firefox) evaluate(ctx context.Context, expr string, await bool) (json.RawMessage, error) {
	var r struct {
		Type             string
		Result           json.RawMessage
		ExceptionDetails struct {
			Text string
		}
	}
	if err := f.call(ctx, "script.evaluate", map[string]any{
		"expression": expr, "target": map[string]any{"context": f.context},
		"awaitPromise": await, "resultOwnership": "none",
	}, &r); err != nil {
		return nil, err
	}
	if r.Type == "exception" {
		return nil, fmt.Errorf("exception: %s", r.ExceptionDetails.Text)
	}
	return r.Result, nil
}

func (f *firefox) eval(ctx context.Context, expr string) (string, error) {
	raw, err := f.evaluate(ctx, expr, true)
	if err != nil {
		return "", err
	}
	var v struct {
		Type  string
		Value string
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Type != "string" {
		return "", fmt.Errorf("want a string, got %s", short(string(raw)))
	}
	return v.Value, nil
}

func (f *firefox) setFiles(ctx context.Context, selector string, paths []string) error {
	raw, err := f.evaluate(ctx, fmt.Sprintf(`document.querySelector(%q)`, selector), false)
	if err != nil {
		return err
	}
	var node struct {
		Type     string
		SharedID string `json:"sharedId"`
	}
	if err := json.Unmarshal(raw, &node); err != nil || node.Type != "node" || node.SharedID == "" {
		return fmt.Errorf("no element matches %s", selector)
	}
	return f.call(ctx, "input.setFiles", map[string]any{
		"context": f.context, "element": map[string]any{"sharedId": node.SharedID}, "files": paths,
	}, nil)
}

func (f *firefox) actions(ctx context.Context, sources ...map[string]any) error {
	err := f.call(ctx, "input.performActions", map[string]any{"context": f.context, "actions": sources}, nil)
	if rerr := f.call(ctx, "input.releaseActions", map[string]any{"context": f.context}, nil); err == nil {
		err = rerr
	}
	return err
}

func (f *firefox) typeText(ctx context.Context, _ string, text string) error {
	return f.actions(ctx, keyActions(text))
}

func (f *firefox) click(ctx context.Context, at Point) error {
	return f.actions(ctx, pointerActions(at, at, 0))
}

func (f *firefox) drag(ctx context.Context, from, to Point, steps int) error {
	return f.actions(ctx, pointerActions(from, to, steps))
}

func (f *firefox) screenshot(ctx context.Context) ([]byte, error) {
	var r struct{ Data string }
	if err := f.call(ctx, "browsingContext.captureScreenshot", map[string]any{"context": f.context}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

func (f *firefox) close() error {
	if f.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		_ = f.call(ctx, "browser.close", map[string]any{}, nil)
		cancel()
		_ = f.conn.CloseNow()
	}
	f.p.stop(5 * time.Second)
	return nil
}

// keyActions is a W3C/BiDi key input source typing text; '\b' is Backspace (U+E003).
func keyActions(text string) map[string]any {
	var acts []map[string]any
	for _, r := range text {
		v := string(r)
		if r == '\b' {
			v = "\uE003"
		}
		acts = append(acts, map[string]any{"type": "keyDown", "value": v}, map[string]any{"type": "keyUp", "value": v})
	}
	return map[string]any{"type": "key", "id": "keyboard", "actions": acts}
}

// pointerActions is a W3C/BiDi mouse input source: press at from, move to to in steps (none:
// a click), let go.
func pointerActions(from, to Point, steps int) map[string]any {
	move := func(p Point, ms int) map[string]any {
		return map[string]any{"type": "pointerMove", "x": int(math.Round(p.X)), "y": int(math.Round(p.Y)), "origin": "viewport", "duration": ms}
	}
	acts := []map[string]any{move(from, 0), {"type": "pointerDown", "button": 0}}
	for i := 1; i <= steps; i++ {
		t := float64(i) / float64(steps)
		acts = append(acts, move(Point{from.X + (to.X-from.X)*t, from.Y + (to.Y-from.Y)*t}, 16))
	}
	acts = append(acts, map[string]any{"type": "pointerUp", "button": 0})
	return map[string]any{"type": "pointer", "id": "mouse", "parameters": map[string]any{"pointerType": "mouse"}, "actions": acts}
}
