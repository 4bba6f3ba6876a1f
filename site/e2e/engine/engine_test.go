package engine

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testPage = `<!doctype html><meta charset="utf-8">
<input id="t"><input id="f" type="file" hidden><button id="b" style="position:absolute;left:100px;top:100px;width:80px;height:40px">b</button>
<div id="d" style="position:absolute;left:300px;top:300px;width:50px;height:50px;background:red;touch-action:none"></div>
<script>
window.clicks = 0; window.files = []; window.moves = [];
document.getElementById('b').addEventListener('click', () => window.clicks++);
document.getElementById('f').addEventListener('change', (e) => { window.files = [...e.target.files].map((f) => f.name + ':' + f.size); });
const d = document.getElementById('d');
d.addEventListener('pointerdown', (e) => { d.setPointerCapture(e.pointerId); window.moves.push('down'); });
d.addEventListener('pointermove', (e) => { if (e.buttons) window.moves.push(Math.round(e.clientX)); });
d.addEventListener('pointerup', () => window.moves.push('up'));
</script>`

// TestVerbs runs every verb once in each engine against a small page. The errors on /err come a
// second after the load: WebKit's collector is installed only once the page has loaded (see doc.go).
func TestVerbs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/err" {
			w.Write([]byte(`<!doctype html><script>setTimeout(() => { console.error('boom from the page'); throw new Error('uncaught in a timer'); }, 1000);</script>`))
			return
		}
		w.Write([]byte(testPage))
	}))
	defer srv.Close()
	upload := filepath.Join(t.TempDir(), "photo.bin")
	if err := os.WriteFile(upload, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			if m := Missing(name); len(m) > 0 {
				t.Fatalf("%s is not installed: %v", name, m)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			var logs []string
			b, err := Start(ctx, name, Options{DownloadDir: t.TempDir(), ProfileDir: t.TempDir(),
				InitScript: `window.__init = (window.__init || 0) + 1;`, Log: func(s string) { logs = append(logs, s) }})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if t.Failed() {
					t.Log(strings.Join(logs, "\n"))
				}
				b.Close()
			}()
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(b.Navigate(ctx, srv.URL+"/"))
			var got struct {
				Init  int
				Sum   int
				Inner []int
			}
			must(b.Eval(ctx, `new Promise((r) => setTimeout(() => r({ Init: window.__init, Sum: 1 + 2, Inner: [innerWidth, innerHeight] }), 10))`, &got))
			if got.Init != 1 || got.Sum != 3 || got.Inner[0] != 1280 || got.Inner[1] != 900 {
				t.Errorf("eval = %+v; want the init script run once, 3, a 1280x900 viewport", got)
			}
			must(b.Type(ctx, "#t", "Hi Привет\b!"))
			var text string
			must(b.Eval(ctx, `document.getElementById('t').value`, &text))
			if text != "Hi Приве!" {
				t.Errorf("typed %q", text)
			}
			must(b.Click(ctx, "#b"))
			must(b.SetFiles(ctx, "#f", upload))
			var files []string
			var clicks int
			must(b.Eval(ctx, `window.clicks`, &clicks))
			must(b.Eval(ctx, `window.files`, &files))
			if clicks != 1 || len(files) != 1 || files[0] != "photo.bin:5" {
				t.Errorf("clicks %d, files %v", clicks, files)
			}
			must(b.Drag(ctx, Point{325, 325}, Point{425, 325}, 5))
			var moves []any
			must(b.Eval(ctx, `window.moves`, &moves))
			if len(moves) < 4 || moves[0] != "down" || moves[len(moves)-1] != "up" || moves[len(moves)-2] != float64(425) {
				t.Errorf("pointer events %v; want down, moves to x=425, up", moves)
			}
			shot, err := b.Screenshot(ctx)
			must(err)
			if img, err := png.Decode(bytes.NewReader(shot)); err != nil || img.Bounds().Dx() < 1000 {
				t.Errorf("screenshot: %v", err)
			}
			if e := b.ConsoleErrors(); len(e) != 0 {
				t.Errorf("console errors on a clean page: %v", e)
			}
			must(b.Reload(ctx))
			must(b.Eval(ctx, `window.__init`, &got.Init))
			if got.Init != 1 {
				t.Errorf("after reload the init script ran %d times", got.Init)
			}
			must(b.Navigate(ctx, srv.URL+"/err"))
			deadline := time.Now().Add(10 * time.Second)
			for len(b.ConsoleErrors()) < 2 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			e := strings.Join(b.ConsoleErrors(), "\n")
			if !strings.Contains(e, "boom from the page") || !strings.Contains(e, "uncaught in a timer") {
				t.Errorf("console errors = %q; want the console.error and the uncaught error", e)
			}
		})
	}
}
