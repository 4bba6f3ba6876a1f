package signer

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
)

// expectation is one entry of testdata/apigw/expect.json.
type expectation struct {
	Status    int    `json:"status"`
	Code      string `json:"code"`
	CORS      bool   `json:"cors"`
	Preflight bool   `json:"preflight"`
	Allow     string `json:"allow"`
	Kind      string `json:"kind"`
}

func loadExpectations(t *testing.T) map[string]expectation {
	t.Helper()
	b, err := os.ReadFile("testdata/apigw/expect.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]expectation{}
	for k, v := range raw {
		if strings.HasPrefix(k, "_") {
			continue
		}
		var e expectation
		if err := json.Unmarshal(v, &e); err != nil {
			t.Fatal(err)
		}
		out[k] = e
	}
	files, _ := filepath.Glob("testdata/apigw/*.json")
	if len(files) != len(out)+1 {
		t.Fatalf("%d event files but %d expectations: keep expect.json complete", len(files)-1, len(out))
	}
	return out
}

// LoadExpectations lets bootstrap_test.go (package signer_test) hold the built Lambda to the
// same table, and the same completeness check, as the in-process handler.
var LoadExpectations = loadExpectations

// checkReply asserts a response against an expectation; shared in spirit with bootstrap_test.go.
func checkReply(t *testing.T, e expectation, status int, hdr func(string) string, body string) {
	t.Helper()
	if status != e.Status {
		t.Fatalf("status %d, want %d; body %s", status, e.Status, body)
	}
	if got := hdr("Access-Control-Allow-Origin"); (got != "") != e.CORS {
		t.Errorf("Access-Control-Allow-Origin %q, want present=%v", got, e.CORS)
	}
	if e.Preflight && hdr("Access-Control-Allow-Methods") != "OPTIONS, POST" {
		t.Errorf("preflight Allow-Methods %q", hdr("Access-Control-Allow-Methods"))
	}
	if e.Allow != "" && hdr("Allow") != e.Allow {
		t.Errorf("Allow %q, want %q", hdr("Allow"), e.Allow)
	}
	switch {
	case e.Code != "":
		var eb struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal([]byte(body), &eb); err != nil || eb.Error.Code != e.Code || eb.Error.Message == "" {
			t.Errorf("error body %s, want code %s (%v)", body, e.Code, err)
		}
		if hdr("Content-Type") != "application/json" {
			t.Errorf("Content-Type %q", hdr("Content-Type"))
		}
	case e.Status == 200:
		var r Response
		if err := json.Unmarshal([]byte(body), &r); err != nil || r.Key == "" || r.Fields["policy"] == "" || r.ExpiresAt == "" {
			t.Fatalf("success body %s (%v)", body, err)
		}
		if !strings.HasPrefix(r.Key, map[string]string{"original": "originals/", "meme": "memes/"}[e.Kind]) {
			t.Errorf("key %s for kind %s", r.Key, e.Kind)
		}
		if (r.PublicURL != "") != (e.Kind == "meme") {
			t.Errorf("publicUrl %q for kind %s", r.PublicURL, e.Kind)
		}
		if _, err := verifyPOSTForm(r.Fields, testSecret); err != nil {
			t.Errorf("form does not verify: %v", err)
		}
	case body != "":
		t.Errorf("unexpected body %q", body)
	}
}

func TestHandleAPIGatewayEvents(t *testing.T) {
	h := NewHandler(newTestSigner(t, testToken))
	for name, e := range loadExpectations(t) {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata/apigw", name))
			if err != nil {
				t.Fatal(err)
			}
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatal(err)
			}
			resp, err := h.HandleAPIGateway(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			checkReply(t, e, resp.StatusCode, func(k string) string { return resp.Headers[k] }, resp.Body)
		})
	}
}

// TestServeHTTPMatchesAPIGateway sends the same events through net/http: one request path.
func TestServeHTTPMatchesAPIGateway(t *testing.T) {
	srv := httptest.NewServer(NewHandler(newTestSigner(t, testToken)))
	defer srv.Close()
	for name, e := range loadExpectations(t) {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			b, _ := os.ReadFile(filepath.Join("testdata/apigw", name))
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatal(err)
			}
			body := ev.Body
			if ev.IsBase64Encoded {
				d, _ := base64.StdEncoding.DecodeString(body)
				body = string(d)
			}
			req, _ := http.NewRequest(ev.RequestContext.HTTP.Method, srv.URL+"/api/sign", strings.NewReader(body))
			for k, v := range ev.Headers {
				if k != "host" {
					req.Header.Set(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			rb, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			checkReply(t, e, resp.StatusCode, resp.Header.Get, string(rb))
		})
	}
}

func TestHandlerRejects(t *testing.T) {
	srv := httptest.NewServer(NewHandler(newTestSigner(t, "")))
	defer srv.Close()
	big := bytes.Repeat([]byte(" "), 5<<20)
	copy(big, `{"kind":"meme","contentType":"image/png","size":1}`)
	cases := []struct {
		name, method, body string
		status             int
		code               Code
	}{
		{"EmptyBody", "POST", "", 400, CodeBadRequest},
		{"NotAnObject", "POST", `[1,2]`, 400, CodeBadRequest},
		{"NullBody", "POST", `null`, 400, CodeBadRequest},
		{"UnknownField", "POST", `{"kind":"meme","contentType":"image/png","size":1,"key":"../../etc/passwd"}`, 400, CodeBadRequest},
		{"TrailingData", "POST", `{"kind":"meme","contentType":"image/png","size":1}{}`, 400, CodeBadRequest},
		{"SizeAsString", "POST", `{"kind":"meme","contentType":"image/png","size":"10"}`, 400, CodeBadRequest},
		{"FractionalSize", "POST", `{"kind":"meme","contentType":"image/png","size":1.5}`, 400, CodeBadRequest},
		{"ExponentSize", "POST", `{"kind":"meme","contentType":"image/png","size":1e30}`, 400, CodeBadRequest},
		{"HugeNegativeSize", "POST", `{"kind":"meme","contentType":"image/png","size":-100000000000000000000000}`, 400, CodeBadRequest},
		{"KindAsNumber", "POST", `{"kind":1,"contentType":"image/png","size":1}`, 400, CodeBadRequest},
		{"SeveralMegabytes", "POST", string(big), 413, CodeTooLarge},
		{"Put", "PUT", `{}`, 405, CodeMethodNotAllowed},
		{"Delete", "DELETE", ``, 405, CodeMethodNotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, srv.URL, strings.NewReader(c.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var eb struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&eb); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.status || eb.Error.Code != string(c.code) || eb.Error.Message == "" {
				t.Fatalf("%d %+v, want %d %s", resp.StatusCode, eb, c.status, c.code)
			}
			if c.status == 405 && resp.Header.Get("Allow") != "OPTIONS, POST" {
				t.Fatalf("Allow %q", resp.Header.Get("Allow"))
			}
		})
	}
	t.Run("SeveralMegabytesChunked", func(t *testing.T) {
		// No Content-Length: the limit must hold while reading.
		req, _ := http.NewRequest("POST", srv.URL, io.MultiReader(bytes.NewReader(big)))
		req.ContentLength = -1
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
	t.Run("SeveralMegabytesOverAPIGateway", func(t *testing.T) {
		h := NewHandler(newTestSigner(t, ""))
		for _, b64 := range []bool{false, true} {
			body := string(big)
			if b64 {
				body = base64.StdEncoding.EncodeToString(big)
			}
			ev := events.APIGatewayV2HTTPRequest{Body: body, IsBase64Encoded: b64}
			ev.RequestContext.HTTP.Method = "POST"
			resp, _ := h.HandleAPIGateway(context.Background(), ev)
			if resp.StatusCode != 413 {
				t.Fatalf("base64=%v: status %d %s", b64, resp.StatusCode, resp.Body)
			}
		}
	})
	t.Run("BadBase64OverAPIGateway", func(t *testing.T) {
		h := NewHandler(newTestSigner(t, ""))
		ev := events.APIGatewayV2HTTPRequest{Body: "%%%not base64", IsBase64Encoded: true}
		ev.RequestContext.HTTP.Method = "POST"
		resp, _ := h.HandleAPIGateway(context.Background(), ev)
		if resp.StatusCode != 400 {
			t.Fatalf("status %d %s", resp.StatusCode, resp.Body)
		}
	})
}

func TestHandlerCORS(t *testing.T) {
	srv := httptest.NewServer(NewHandler(newTestSigner(t, "")))
	defer srv.Close()
	do := func(method, origin, acrm, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL, strings.NewReader(body))
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if acrm != "" {
			req.Header.Set("Access-Control-Request-Method", acrm)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	good := `{"kind":"meme","contentType":"image/png","size":1}`
	t.Run("PreflightFromAllowedOrigin", func(t *testing.T) {
		r := do("OPTIONS", "http://127.0.0.1:8080", "POST", "")
		if r.StatusCode != 204 || r.Header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:8080" ||
			r.Header.Get("Access-Control-Allow-Headers") != "Content-Type" || r.Header.Get("Access-Control-Max-Age") == "" {
			t.Fatalf("%d %v", r.StatusCode, r.Header)
		}
	})
	t.Run("PreflightForOtherMethodGetsNoMethods", func(t *testing.T) {
		r := do("OPTIONS", "http://127.0.0.1:8080", "DELETE", "")
		if r.Header.Get("Access-Control-Allow-Methods") != "" {
			t.Fatalf("%v", r.Header)
		}
	})
	t.Run("PreflightFromOtherOriginGetsNoCORS", func(t *testing.T) {
		r := do("OPTIONS", "https://evil.example", "POST", "")
		if r.Header.Get("Access-Control-Allow-Origin") != "" || r.Header.Get("Access-Control-Allow-Methods") != "" {
			t.Fatalf("%v", r.Header)
		}
	})
	t.Run("PostFromOtherOriginGetsNoCORS", func(t *testing.T) {
		r := do("POST", "https://evil.example", "", good)
		if r.StatusCode != 200 || r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%d %v", r.StatusCode, r.Header)
		}
	})
	t.Run("NeverWildcard", func(t *testing.T) {
		for _, o := range []string{"", "null", "*", "https://memes.example.com.evil.example"} {
			if got := do("POST", o, "", good).Header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Fatalf("origin %q got Allow-Origin %q", o, got)
			}
		}
	})
	t.Run("VaryOrigin", func(t *testing.T) {
		if v := do("POST", "https://memes.example.com", "", good).Header.Get("Vary"); v != "Origin" {
			t.Fatalf("Vary %q", v)
		}
	})
}

func TestHandlerInternalErrorIsLoggedNotLeaked(t *testing.T) {
	var logs bytes.Buffer
	failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("sts: secret-internal-detail")
	})
	s, err := New(testConfig(), failing, WithLogger(captureLog(&logs)))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	NewHandler(s).ServeHTTP(rec, httptest.NewRequest("POST", "/api/sign", strings.NewReader(`{"kind":"meme","contentType":"image/png","size":1}`)))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "secret-internal-detail") ||
		!strings.Contains(rec.Body.String(), `"code":"internal"`) || !strings.Contains(rec.Body.String(), "internal error") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "secret-internal-detail") {
		t.Fatalf("internal error not logged: %q", logs.String())
	}

	t.Run("RandomnessFailure", func(t *testing.T) {
		logs.Reset()
		s := newTestSigner(t, "", WithRandom(strings.NewReader("short")), WithLogger(captureLog(&logs)))
		rec := httptest.NewRecorder()
		NewHandler(s).ServeHTTP(rec, httptest.NewRequest("POST", "/api/sign", strings.NewReader(`{"kind":"meme","contentType":"image/png","size":1}`)))
		if rec.Code != 500 || !strings.Contains(logs.String(), "signer: key id") {
			t.Fatalf("%d %s / log %q", rec.Code, rec.Body, logs.String())
		}
	})
}

// Every error code the handler can produce has a status in the one table.
func TestStatusTableCoversCodes(t *testing.T) {
	codes := []Code{CodeBadRequest, CodeMethodNotAllowed, CodeTooLarge, CodeUnsupportedType, CodeInternal}
	var got []int
	for _, c := range codes {
		s, ok := statusByCode[c]
		if !ok {
			t.Fatalf("no status for %s", c)
		}
		got = append(got, s)
	}
	sort.Ints(got)
	if want := []int{400, 405, 413, 415, 500}; !equalInts(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if s, c, _ := statusOf(errors.New("boom")); s != 500 || c != CodeInternal {
		t.Fatalf("plain error -> %d %s", s, c)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestDecodeRequestNamesUnknownField: the message names the field, found by
// walking the keys (not by reading encoding/json's error text), and names
// differing only in case are accepted as encoding/json accepts them.
func TestDecodeRequestNamesUnknownField(t *testing.T) {
	_, err := decodeRequest([]byte(`{"kind":"meme","contentType":"image/png","size":1,"key":"../x"}`))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeBadRequest || e.Message != `bad JSON: unknown field "key"` {
		t.Fatalf("got %v", err)
	}
	r, err := decodeRequest([]byte(`{"Kind":"meme","CONTENTTYPE":"image/png","size":1}`))
	if err != nil || r.Kind != "meme" || r.ContentType != "image/png" {
		t.Fatalf("got %+v, %v", r, err)
	}
}
