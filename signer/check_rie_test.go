package signer_test

// The check's Lambda path: the built bootstrap under the Runtime Interface Emulator, given
// the S3 ObjectCreated event S3 sends (testdata/s3), against a real S3 server (Versity Gateway).

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/memeforge/memeforge/signer"
)

func TestCheckUnderRIE(t *testing.T) {
	g := startGateway(t)
	bin := buildBootstrap(t)
	o := g.Options()
	l := startLambda(t, bin, []string{
		"MEMEFORGE_BUCKET=" + g.Bucket(), "AWS_REGION=" + o.Region,
		"MEMEFORGE_ALLOWED_ORIGINS=https://memes.example.com", "MEMEFORGE_PUBLIC_BASE_URL=https://memes.example.com",
		"MEMEFORGE_S3_ENDPOINT=" + g.Endpoint(),
		"AWS_ACCESS_KEY_ID=" + o.AccessKey, "AWS_SECRET_ACCESS_KEY=" + o.SecretKey,
		"AWS_EC2_METADATA_DISABLED=true", "HOME=" + os.TempDir(),
	})
	event, err := os.ReadFile("testdata/s3/object-created-post.json")
	if err != nil {
		t.Fatal(err)
	}
	png, err := os.ReadFile("testdata/upload.png")
	if err != nil {
		t.Fatal(err)
	}
	c, bucket := g.Client(), g.Bucket()
	put := func(key string, body []byte, ctype string) {
		t.Helper()
		if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body), ContentType: &ctype}); err != nil {
			t.Fatal(err)
		}
	}
	exists := func(key string) bool {
		_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
		return err == nil
	}
	run := func(key string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if out, err := l.Invoke(ctx, bytes.ReplaceAll(event, []byte(`"KEY"`), []byte(`"`+key+`"`))); err != nil {
			t.Fatalf("invoke: %v (%s)", err, out)
		}
	}

	t.Run("PublishesAnImage", func(t *testing.T) {
		key := "incoming/memes/2026/11/30/0123456789abcdef0123456789abcdef.png"
		put(key, png, "image/png")
		run(key)
		pub := signer.PublicKey(key)
		got, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &pub})
		if err != nil {
			t.Fatalf("not published: %v", err)
		}
		got.Body.Close()
		if aws.ToString(got.ContentType) != "image/png" || aws.ToString(got.CacheControl) != signer.PublicCacheControl {
			t.Fatalf("published with type %q, cache %q", aws.ToString(got.ContentType), aws.ToString(got.CacheControl))
		}
		if exists(key) {
			t.Fatal("holding object left behind")
		}
	})
	t.Run("DeletesAForgery", func(t *testing.T) {
		key := "incoming/memes/2026/11/30/fedcba9876543210fedcba9876543210.png"
		put(key, []byte("<html>"+strings.Repeat("x", 300)+"</html>"), "image/png")
		run(key)
		if exists(key) || exists(signer.PublicKey(key)) {
			t.Fatal("the forgery is still in the bucket")
		}
	})
	t.Run("DeletesAnImageOfAnotherType", func(t *testing.T) {
		key := "incoming/originals/2026/11/30/00000000000000000000000000000001.jpg"
		put(key, png, "image/jpeg") // a real PNG claimed as JPEG
		run(key)
		if exists(key) || exists(signer.PublicKey(key)) {
			t.Fatal("a PNG claimed as JPEG was kept")
		}
	})
	t.Run("LeavesOtherKeysAlone", func(t *testing.T) {
		key := "site/index.html"
		put(key, []byte("<!doctype html>"), "text/html")
		run(key)
		if !exists(key) {
			t.Fatal("an event outside the holding prefix deleted the object")
		}
	})
}
