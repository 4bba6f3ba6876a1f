package signer_test

// The share page and Delete on the Lambda path: the built bootstrap under the Runtime Interface
// Emulator, answering API Gateway v2 events, against a real S3 server (Versity Gateway). The
// upload is signed by the function, posted to the gateway and published by the function's check.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/memeforge/memeforge/signer"
)

// apiEvent is the event API Gateway (HTTP API, payload 2.0) sends for one request.
func apiEvent(t *testing.T, method, path, body string) []byte {
	t.Helper()
	e := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: method + " " + path, RawPath: path,
		Headers: map[string]string{"content-type": "application/json", "origin": "https://memes.example.com"},
		Body:    body,
	}
	e.RequestContext.HTTP.Method = method
	e.RequestContext.HTTP.Path = path
	e.RequestContext.RequestID = "req-" + method
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestShareAndDeleteUnderRIE(t *testing.T) {
	g := startGateway(t)
	bin := buildBootstrap(t)
	o := g.Options()
	l := startLambda(t, bin, []string{
		"MEMEFORGE_BUCKET=" + g.Bucket(), "AWS_REGION=" + o.Region,
		"MEMEFORGE_ALLOWED_ORIGINS=https://memes.example.com", "MEMEFORGE_PUBLIC_BASE_URL=https://memes.example.com",
		"MEMEFORGE_S3_ENDPOINT=" + g.Endpoint(),
		"MEMEFORGE_DELETE_KEY=" + strings.Repeat("ab", 32),
		"AWS_ACCESS_KEY_ID=" + o.AccessKey, "AWS_SECRET_ACCESS_KEY=" + o.SecretKey,
		"AWS_EC2_METADATA_DISABLED=true", "HOME=" + os.TempDir(),
	})
	png, err := os.ReadFile("testdata/upload.png")
	if err != nil {
		t.Fatal(err)
	}
	s3event, err := os.ReadFile("testdata/s3/object-created-post.json")
	if err != nil {
		t.Fatal(err)
	}
	c, bucket := g.Client(), g.Bucket()
	publish := func(t *testing.T) signer.Response {
		t.Helper()
		resp := invoke(t, l, apiEvent(t, "POST", "/api/sign", `{"kind":"meme","contentType":"image/png","size":`+itoa(len(png))+`,"alt":"top <b>text</b>"}`))
		var r signer.Response
		if resp.StatusCode != 200 || json.Unmarshal([]byte(resp.Body), &r) != nil || r.DeleteToken == "" || r.ID == "" {
			t.Fatalf("sign: %d %s", resp.StatusCode, resp.Body)
		}
		if status, e := postForm(t, r.URL, r.Fields, "image/png", png); status != 204 {
			t.Fatalf("upload: %d %+v", status, e)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if out, err := l.Invoke(ctx, bytes.ReplaceAll(s3event, []byte(`"KEY"`), []byte(`"`+r.Key+`"`))); err != nil {
			t.Fatalf("check: %v (%s)", err, out)
		}
		if !exists(t, c, bucket, signer.PublicKey(r.Key)) {
			t.Fatal("not published")
		}
		return r
	}

	t.Run("SharePage", func(t *testing.T) {
		r := publish(t)
		resp := invoke(t, l, apiEvent(t, "GET", "/m/"+r.ID, ""))
		if resp.StatusCode != 200 || resp.Headers["Content-Security-Policy"] != signer.ShareCSP || resp.Headers["Content-Type"] != "text/html; charset=utf-8" {
			t.Fatalf("%d %v", resp.StatusCode, resp.Headers)
		}
		for _, want := range []string{
			`<meta property="og:image" content="https://memes.example.com/` + signer.PublicKey(r.Key) + `">`,
			`<meta property="og:image:width" content="160">`, `<meta property="og:image:height" content="120">`,
			`<meta property="og:image:alt" content="top &lt;b&gt;text&lt;/b&gt;">`,
			`<meta name="twitter:card" content="summary_large_image">`,
		} {
			if !strings.Contains(resp.Body, want) {
				t.Errorf("no %s in\n%s", want, resp.Body)
			}
		}
		if resp := invoke(t, l, apiEvent(t, "GET", "/m/not-an-id", "")); resp.StatusCode != 404 {
			t.Errorf("bad id: %d", resp.StatusCode)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		r := publish(t)
		other := publish(t)
		resp := invoke(t, l, apiEvent(t, "DELETE", "/api/memes/"+r.ID, `{"token":"`+other.DeleteToken+`"}`))
		if resp.StatusCode != 403 || !exists(t, c, bucket, signer.PublicKey(r.Key)) {
			t.Fatalf("wrong token: %d %s", resp.StatusCode, resp.Body)
		}
		resp = invoke(t, l, apiEvent(t, "DELETE", "/api/memes/"+r.ID, `{"token":"`+r.DeleteToken+`"}`))
		if resp.StatusCode != 204 || exists(t, c, bucket, signer.PublicKey(r.Key)) {
			t.Fatalf("right token: %d %s", resp.StatusCode, resp.Body)
		}
		if resp := invoke(t, l, apiEvent(t, "GET", "/m/"+r.ID, "")); resp.StatusCode != 404 {
			t.Fatalf("share page after delete: %d", resp.StatusCode)
		}
		if !logSays(l, "invalidate", "/m/"+r.ID) {
			t.Errorf("no invalidation logged:\n%s", l.Log())
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
