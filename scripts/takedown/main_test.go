package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/memeforge/memeforge/internal/localstack"
)

// TestTakedownLocal takes memes down from a real gateway (the local stack's S3), by share link
// and by image URL, as `make takedown URL=... LOCAL=1` does.
func TestTakedownLocal(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	g, err := localstack.StartGateway(ctx, localstack.GatewayOptions{Addr: "127.0.0.1:0", DataDir: filepath.Join(t.TempDir(), "s3")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	png, err := os.ReadFile("../../signer/testdata/upload.png")
	if err != nil {
		t.Fatal(err)
	}
	c, bucket := g.Client(), g.Bucket()
	env := map[string]string{"LOCAL": "1", "MEMEFORGE_GATEWAY_ADDR": g.Addr()}
	getenv := func(k string) string { return env[k] }
	exists := func(key string) bool {
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
		return err == nil
	}
	for name, c2 := range map[string]struct{ key, url string }{
		"ShareLink": {"memes/2026/11/30/0123456789abcdef0123456789abcdef.png", "https://d1234.cloudfront.net/m/20261130-0123456789abcdef0123456789abcdef-png"},
		"ImageURL":  {"memes/2026/11/30/fedcba9876543210fedcba9876543210.jpg", "http://127.0.0.1:8080/memes/2026/11/30/fedcba9876543210fedcba9876543210.jpg"},
	} {
		t.Run(name, func(t *testing.T) {
			key := c2.key
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(png)}); err != nil {
				t.Fatal(err)
			}
			keep := "memes/2026/11/30/00000000000000000000000000000000.png"
			c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &keep, Body: bytes.NewReader(png)})
			var out, errb bytes.Buffer
			if code := run(ctx, []string{c2.url}, getenv, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if exists(key) || !exists(keep) {
				t.Fatalf("after takedown: %s exists=%v, other meme exists=%v", key, exists(key), exists(keep))
			}
			if !strings.Contains(out.String(), key) {
				t.Errorf("output %q", out.String())
			}
		})
	}
	t.Run("RefusesOtherURLs", func(t *testing.T) {
		for _, u := range []string{"", "https://x/index.html", "https://x/originals/2026/11/30/0123456789abcdef0123456789abcdef.png", "https://x/m/../../site"} {
			var out, errb bytes.Buffer
			if code := run(ctx, []string{u}, getenv, &out, &errb); code != 2 {
				t.Errorf("%q: exit %d", u, code)
			}
		}
	})
}
