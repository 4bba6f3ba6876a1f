package localstack

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/memeforge/memeforge/signer"
)

// testSite writes a tiny built site: index.html, app.js with a .gz sibling.
func testSite(t testing.TB) string {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "site")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A file beside the site folder that must never be served.
	if err := os.WriteFile(filepath.Join(parent, "secret.txt"), []byte("module secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	js := []byte(strings.Repeat("console.log('memeforge');\n", 50))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(js)
	zw.Close()
	for name, b := range map[string][]byte{
		"index.html": []byte("<!doctype html><title>memeforge</title>"),
		"app.js":     js,
		"app.js.gz":  gz.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func startTestStack(t testing.TB, site, data string) *Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, err := Start(ctx, Options{SiteDir: site, DataDir: data, Addr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() })
	return st
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// Transport without transparent gzip, so Content-Encoding is visible.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func signUpload(t testing.TB, st *Stack, kind string, file []byte) signer.Response {
	t.Helper()
	return signUploadWith(t, st, kind, file, "")
}

// signUploadWith is signUpload with more JSON fields in the request (`,"alt":"..."`).
func signUploadWith(t testing.TB, st *Stack, kind string, file []byte, more string) signer.Response {
	t.Helper()
	body := `{"kind":"` + kind + `","contentType":"image/png","size":` + itoa(len(file)) + more + `}`
	req, _ := http.NewRequest(http.MethodPost, st.URL()+"/api/sign", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", st.URL())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r signer.Response
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&r) != nil {
		t.Fatalf("sign: %d", resp.StatusCode)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != st.URL() {
		t.Fatalf("sign CORS header %q", resp.Header.Get("Access-Control-Allow-Origin"))
	}
	var uresp *http.Response
	var ub []byte
	// Versity's posix backend answers 409 ExistingObjectIsDirectory when the upload lands in a day
	// folder the check is emptying at that moment (local only); the page retries it, and so do we.
	for try := 0; ; try++ {
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		for k, v := range r.Fields {
			mw.WriteField(k, v)
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="m.png"`)
		h.Set("Content-Type", "image/png")
		p, _ := mw.CreatePart(h)
		p.Write(file)
		mw.Close()
		up, _ := http.NewRequest(http.MethodPost, r.URL, &form)
		up.Header.Set("Content-Type", mw.FormDataContentType())
		up.Header.Set("Origin", st.URL())
		var err error
		uresp, err = http.DefaultClient.Do(up)
		if err != nil {
			t.Fatal(err)
		}
		ub, _ = io.ReadAll(uresp.Body)
		uresp.Body.Close()
		if uresp.StatusCode != http.StatusConflict || !bytes.Contains(ub, []byte("<Code>ExistingObjectIsDirectory</Code>")) || try >= 5 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if uresp.StatusCode != http.StatusNoContent || uresp.Header.Get("Access-Control-Allow-Origin") != st.URL() {
		t.Fatalf("upload: %d, CORS %q: %s", uresp.StatusCode, uresp.Header.Get("Access-Control-Allow-Origin"), ub)
	}
	return r
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestStartRequiresBuiltSite(t *testing.T) {
	_, err := Start(context.Background(), Options{SiteDir: filepath.Join(t.TempDir(), "site"), DataDir: t.TempDir(), Addr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "run make build") {
		t.Fatalf("err = %v", err)
	}
}

func TestStack(t *testing.T) {
	site, data := testSite(t), filepath.Join(t.TempDir(), "s3")
	st := startTestStack(t, site, data)
	png, err := os.ReadFile("../../signer/testdata/upload.png")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("ServesIndex", func(t *testing.T) {
		resp, b := get(t, st.URL()+"/")
		if resp.StatusCode != 200 || !strings.Contains(string(b), "memeforge") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	})
	t.Run("ServesPrecompressedWhenAccepted", func(t *testing.T) {
		resp, b := get(t, st.URL()+"/app.js", "Accept-Encoding", "br, gzip")
		if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
			t.Fatalf("%v", resp.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		if !strings.HasPrefix(string(plain), "console.log") {
			t.Fatalf("%q", plain)
		}
	})
	t.Run("ServesPlainOtherwise", func(t *testing.T) {
		resp, b := get(t, st.URL()+"/app.js", "Accept-Encoding", "gzip;q=0")
		if resp.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(string(b), "console.log") {
			t.Fatalf("%v %q", resp.Header, b[:20])
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, p := range []string{"/nope.js", "/api/other", "/originals/x.png", "/memes/../index.html"} {
			if resp, _ := get(t, st.URL()+p); resp.StatusCode != 404 && resp.StatusCode != http.StatusTemporaryRedirect {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
		}
		// Nothing outside the site folder, however the path is spelled.
		for _, p := range []string{"/../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt"} {
			resp, b := get(t, st.URL()+p)
			if resp.StatusCode == 200 || strings.Contains(string(b), "module ") {
				t.Errorf("%s: %d %q", p, resp.StatusCode, b)
			}
		}
	})
	var meme signer.Response
	t.Run("SignsUploadsAndServesMemes", func(t *testing.T) {
		meme = signUpload(t, st, "meme", png)
		if meme.PublicURL != st.URL()+"/"+signer.PublicKey(meme.Key) {
			t.Fatalf("publicUrl %s", meme.PublicURL)
		}
		if s := waitChecked(t, st, meme.Key); s != "public" { // events_test.go
			t.Fatalf("the check says %q", s)
		}
		resp, b := get(t, meme.PublicURL)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(b, png) {
			t.Fatalf("%d %q %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
		}
		resp, b = get(t, meme.PublicURL, "Range", "bytes=0-7")
		if resp.StatusCode != 206 || !bytes.Equal(b, png[:8]) {
			t.Fatalf("range: %d %d bytes", resp.StatusCode, len(b))
		}
		if resp, _ := get(t, st.URL()+"/memes/2026/01/01/missing.png"); resp.StatusCode != 404 {
			t.Fatalf("missing meme: %d", resp.StatusCode)
		}
	})
	t.Run("DoesNotServeOriginals", func(t *testing.T) {
		orig := signUpload(t, st, "original", png)
		waitChecked(t, st, orig.Key)
		if resp, _ := get(t, st.URL()+"/"+signer.PublicKey(orig.Key)); resp.StatusCode != 404 {
			t.Fatalf("original served: %d", resp.StatusCode)
		}
	})
	t.Run("GatewayAnswersBrowserPreflight", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, meme.URL, nil)
		req.Header.Set("Origin", st.URL())
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != st.URL() {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("SecondStartOnSameDataSaysAlreadyRunning", func(t *testing.T) {
		_, err := Start(context.Background(), Options{SiteDir: site, DataDir: data, Addr: "127.0.0.1:0", GatewayAddr: "127.0.0.1:0"})
		if !errors.Is(err, ErrAlreadyRunning) || !strings.Contains(err.Error(), st.URL()) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("SecondStartOnSameAddressSaysInUse", func(t *testing.T) {
		_, err := Start(context.Background(), Options{SiteDir: site, DataDir: t.TempDir() + "/s3", Addr: strings.TrimPrefix(st.URL(), "http://"), GatewayAddr: "127.0.0.1:0"})
		if err == nil || !strings.Contains(err.Error(), "MEMEFORGE_ADDR") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("GatewayStopAndRestartKeepsData", func(t *testing.T) {
		if err := st.StopGateway(); err != nil {
			t.Fatal(err)
		}
		if resp, _ := get(t, meme.PublicURL); resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("meme while gateway is down: %d", resp.StatusCode)
		}
		if err := st.StartGateway(context.Background()); err != nil {
			t.Fatal(err)
		}
		if resp, b := get(t, meme.PublicURL); resp.StatusCode != 200 || !bytes.Equal(b, png) {
			t.Fatalf("meme after restart: %d", resp.StatusCode)
		}
	})
	t.Run("StopEndsEverything", func(t *testing.T) {
		gw := st.Gateway()
		if err := st.Stop(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-gw.Exited():
		default:
			t.Fatal("gateway still running after Stop")
		}
		for _, addr := range []string{strings.TrimPrefix(st.URL(), "http://"), gw.Addr()} {
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				t.Fatalf("%s still accepts connections", addr)
			}
		}
		// The data folder is free again: a new stack starts on it.
		st2 := startTestStack(t, site, data)
		if resp, _ := get(t, st2.URL()+"/"+signer.PublicKey(meme.Key)); resp.StatusCode != 200 {
			t.Fatalf("meme after full restart: %d", resp.StatusCode)
		}
	})
}
