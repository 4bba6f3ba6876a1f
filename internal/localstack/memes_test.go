package localstack

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/memeforge/memeforge/internal/headers"
	"github.com/memeforge/memeforge/signer"
)

func exists(t *testing.T, st *Stack, key string) bool {
	t.Helper()
	gw := st.Gateway()
	b := gw.Bucket()
	_, err := gw.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &b, Key: &key})
	return err == nil
}

func deleteMeme(t *testing.T, st *Stack, id string, body any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodDelete, st.URL()+signer.MemesAPIPrefix+id, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var eb struct {
		Error struct{ Code string } `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&eb)
	return resp.StatusCode, eb.Error.Code
}

// metaTag finds <meta property|name="name" content="..."> and returns content as written.
func metaTag(page, name string) string {
	m := regexp.MustCompile(`<meta (?:property|name)="` + regexp.QuoteMeta(name) + `" content="([^"]*)">`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

func TestShareAndDelete(t *testing.T) {
	site, data := testSite(t), filepath.Join(t.TempDir(), "s3")
	st := startTestStack(t, site, data)
	png, err := os.ReadFile("../../signer/testdata/upload.png")
	if err != nil {
		t.Fatal(err)
	}
	alt := `<script>alert("x")</script> & "one does not simply"`
	altJSON, _ := json.Marshal(alt)
	publish := func(t *testing.T) (meme, orig signer.Response) {
		t.Helper()
		// One at a time: Versity's posix backend can answer an upload "ExistingObjectIsDirectory"
		// while the check's delete of another upload prunes the holding folders (seen once here).
		orig = signUpload(t, st, "original", png)
		waitChecked(t, st, orig.Key)
		meme = signUploadWith(t, st, "meme", png, `,"alt":`+string(altJSON))
		for _, r := range []signer.Response{orig, meme} {
			if s := waitChecked(t, st, r.Key); s != "public" {
				t.Fatalf("%s: %s", r.Key, s)
			}
			if len(r.DeleteToken) != 43 {
				t.Fatalf("delete token %q", r.DeleteToken)
			}
		}
		return meme, orig
	}

	t.Run("SiteHasSecurityHeaders", func(t *testing.T) {
		resp, _ := get(t, st.URL()+"/")
		for k, v := range headers.Site(st.GatewayEndpoint()) {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' "+st.GatewayEndpoint()+";") ||
			!strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval' '"+headers.BootScriptHash+"';") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
	})
	t.Run("KeyIsMadeAndKept", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(data), DeleteKeyFile))
		if fi, _ := os.Stat(filepath.Join(filepath.Dir(data), DeleteKeyFile)); err != nil || len(strings.TrimSpace(string(b))) != 64 || fi.Mode().Perm() != 0o600 {
			t.Fatalf("delete key file: %v %q", err, b)
		}
	})
	t.Run("SharePage", func(t *testing.T) {
		meme, _ := publish(t)
		if meme.ShareURL != st.URL()+"/m/"+meme.ID {
			t.Fatalf("shareUrl %q, id %q", meme.ShareURL, meme.ID)
		}
		resp, b := get(t, meme.ShareURL)
		page := string(b)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if csp := resp.Header.Get("Content-Security-Policy"); csp != signer.ShareCSP || !strings.HasPrefix(csp, "default-src 'none'; img-src 'self';") || strings.Contains(csp, "script") {
			t.Errorf("CSP %q", csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("headers %v", resp.Header)
		}
		want := map[string]string{
			"og:image":          meme.PublicURL,
			"og:image:width":    "160", // testdata/upload.png
			"og:image:height":   "120",
			"og:image:type":     "image/png",
			"og:url":            meme.ShareURL,
			"twitter:card":      "summary_large_image",
			"twitter:image":     meme.PublicURL,
			"og:image:alt":      "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;one does not simply&#34;",
			"twitter:image:alt": "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;one does not simply&#34;",
		}
		for k, v := range want {
			if got := metaTag(page, k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		if strings.Contains(page, "<script") || !strings.Contains(page, `<img src="/`+signer.PublicKey(meme.Key)+`"`) || !strings.Contains(page, `<a href="/">`) {
			t.Errorf("page:\n%s", page)
		}
		if resp, b := get(t, st.URL()+"/m/20261130-0123456789abcdef0123456789abcdef-png"); resp.StatusCode != 404 || strings.Contains(string(b), "og:image") || resp.Header.Get("Content-Security-Policy") != signer.ShareCSP {
			t.Errorf("missing meme: %d %v", resp.StatusCode, resp.Header)
		}
		for _, bad := range []string{"x", "..%2findex.html", "20261130-0123456789ABCDEF0123456789abcdef-png", "20261130-0123456789abcdef0123456789abcdef-html", "%3Cscript%3E"} {
			if resp, b := get(t, st.URL()+"/m/"+bad); resp.StatusCode != 404 || strings.Contains(string(b), "script") {
				t.Errorf("/m/%s: %d", bad, resp.StatusCode)
			}
		}
	})
	t.Run("DeleteWithWrongTokenIsRefused", func(t *testing.T) {
		meme, orig := publish(t)
		other, _ := publish(t)
		for name, body := range map[string]any{
			"another meme's token": signer.DeleteRequest{Token: other.DeleteToken},
			"no token":             map[string]string{},
			"garbage":              map[string]string{"token": "x"},
			"right meme, wrong original": map[string]any{"token": meme.DeleteToken,
				"original": map[string]string{"key": orig.Key, "token": meme.DeleteToken}},
		} {
			if status, code := deleteMeme(t, st, meme.ID, body); status != 403 || code != "forbidden" {
				t.Errorf("%s: %d %s", name, status, code)
			}
		}
		if !exists(t, st, signer.PublicKey(meme.Key)) || !exists(t, st, signer.PublicKey(orig.Key)) {
			t.Fatal("a refused delete deleted something")
		}
		if resp, _ := get(t, meme.PublicURL); resp.StatusCode != 200 {
			t.Fatalf("meme after refused delete: %d", resp.StatusCode)
		}
	})
	t.Run("DeleteWithTokenRemovesMemeAndOriginal", func(t *testing.T) {
		meme, orig := publish(t)
		status, code := deleteMeme(t, st, meme.ID, map[string]any{"token": meme.DeleteToken,
			"original": map[string]string{"key": orig.Key, "token": orig.DeleteToken}})
		if status != 204 {
			t.Fatalf("delete: %d %s", status, code)
		}
		if exists(t, st, signer.PublicKey(meme.Key)) || exists(t, st, signer.PublicKey(orig.Key)) {
			t.Fatal("still in the bucket after delete")
		}
		if resp, _ := get(t, meme.PublicURL); resp.StatusCode != 404 {
			t.Fatalf("image after delete: %d", resp.StatusCode)
		}
		if resp, _ := get(t, meme.ShareURL); resp.StatusCode != 404 {
			t.Fatalf("share page after delete: %d", resp.StatusCode)
		}
		if status, code := deleteMeme(t, st, meme.ID, map[string]string{"token": meme.DeleteToken}); status != 404 {
			t.Fatalf("second delete: %d %s", status, code)
		}
	})
	t.Run("DeleteOtherMethodsAndIDs", func(t *testing.T) {
		if resp, _ := get(t, st.URL()+signer.MemesAPIPrefix+"20261130-0123456789abcdef0123456789abcdef-png"); resp.StatusCode != 405 {
			t.Errorf("GET: %d", resp.StatusCode)
		}
		if status, _ := deleteMeme(t, st, "nope", map[string]string{"token": strings.Repeat("a", 43)}); status != 404 {
			t.Errorf("bad id: %d", status)
		}
	})
}
