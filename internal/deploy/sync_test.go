package deploy_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/memeforge/memeforge/internal/deploy"
	"github.com/memeforge/memeforge/internal/localstack"
)

// startGateway starts Versity Gateway with an empty bucket and returns it with the S3 Storage on it.
func startGateway(t *testing.T, ctx context.Context) (*localstack.Gateway, *deploy.S3) {
	t.Helper()
	g, err := localstack.StartGateway(ctx, localstack.GatewayOptions{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), Bucket: "memeforge-deploy-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	return g, &deploy.S3{API: g.Client()}
}

// TestSyncAgainstGateway syncs a site with the SDK into Versity Gateway and reads the objects back:
// what was stored, with which headers, and what a re-run does. CloudFront is the Recorder.
func TestSyncAgainstGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	g, storage := startGateway(t, ctx)
	client := g.Client()

	site := t.TempDir()
	writeFixtureSite(t, site)
	writeFile(t, filepath.Join(site, "config.json"), []byte(`{"signPath":"/api/sign"}`+"\n"))

	opts := deploy.SyncOptions{Bucket: g.Bucket(), Prefix: "site/", Distribution: "E123"}
	sync := func(t *testing.T) (deploy.SyncResult, []deploy.Invalidation) {
		t.Helper()
		objs, err := deploy.PlanSite(site, g.Bucket(), "site/", nil)
		if err != nil {
			t.Fatal(err)
		}
		cdn := &deploy.Recorder{}
		res, err := deploy.Sync(ctx, storage, cdn, opts, objs, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, deploy.Find[deploy.Invalidation](cdn.Calls(), "cloudfront", "CreateInvalidation")
	}
	// stored lists every object under site/ with its headers, bytes and modification time.
	type object struct {
		headers
		body     []byte
		modified time.Time
	}
	stored := func(t *testing.T) map[string]object {
		t.Helper()
		list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(g.Bucket()), Prefix: aws.String("site/")})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]object{}
		for _, o := range list.Contents {
			got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(g.Bucket()), Key: o.Key})
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(got.Body)
			got.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			out[*o.Key] = object{
				headers:  headers{aws.ToString(got.ContentType), aws.ToString(got.CacheControl), aws.ToString(got.ContentEncoding)},
				body:     body,
				modified: aws.ToTime(got.LastModified),
			}
		}
		return out
	}

	n := len(wantObjects(true))
	first, _ := sync(t)
	objects := stored(t)

	t.Run("StoresEachFileWithItsHeaders", func(t *testing.T) {
		got := map[string]headers{}
		for k, o := range objects {
			got[k] = o.headers
		}
		compareObjects(t, got, wantObjects(true))
	})
	t.Run("StoresTheBytesOfTheRightVariant", func(t *testing.T) {
		for key, o := range objects {
			local, err := os.ReadFile(filepath.Join(site, strings.TrimPrefix(key, "site/")))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(o.body, local) {
				t.Errorf("%s: stored %d bytes differ from the local %d", key, len(o.body), len(local))
			}
		}
		if len(first.Uploaded) != n || first.Total != n {
			t.Errorf("first run uploaded %d of %d, want %d of %d", len(first.Uploaded), first.Total, n, n)
		}
	})
	t.Run("RecordsTheManifestOutsideTheServedPrefix", func(t *testing.T) {
		b, err := storage.GetObject(ctx, deploy.ObjectRef{Bucket: g.Bucket(), Key: deploy.DefaultManifestKey})
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "\n"); n != len(objects) {
			t.Fatalf("manifest has %d lines for %d objects:\n%s", n, len(objects), b)
		}
	})
	t.Run("SecondRunUploadsNothing", func(t *testing.T) {
		time.Sleep(1100 * time.Millisecond) // a re-upload would now show a later LastModified
		res, inv := sync(t)
		if len(res.Uploaded) != 0 || len(inv) != 0 {
			t.Fatalf("second run uploaded %q, invalidated %+v", res.Uploaded, inv)
		}
		for key, o := range stored(t) {
			if !o.modified.Equal(objects[key].modified) {
				t.Errorf("%s rewritten (%s -> %s)", key, objects[key].modified, o.modified)
			}
		}
	})
	t.Run("ASameSizeChangeUploadsOnlyThatFile", func(t *testing.T) {
		// A new service worker version has the same length: sizes and build times can't tell.
		sw := filepath.Join(site, "sw.js")
		old, _ := os.ReadFile(sw)
		updated := strings.Replace(string(old), "0123456789abcdef", "fedcba9876543210", 1)
		if len(updated) != len(old) || updated == string(old) {
			t.Fatal("fixture sw.js has no version to change")
		}
		writeFile(t, sw, []byte(updated))
		writeSiblings(t, sw)
		res, inv := sync(t)
		if want := []string{"site/sw.js", "site/sw.js.br", "site/sw.js.gz"}; !slices.Equal(res.Uploaded, want) {
			t.Fatalf("uploaded %q, want %q", res.Uploaded, want)
		}
		if len(inv) != 1 || inv[0].Distribution != "E123" || !slices.Equal(inv[0].Paths, []string{"/sw.js*"}) {
			t.Fatalf("invalidated %+v, want /sw.js* in E123", inv)
		}
		after := stored(t)
		if !bytes.Equal(after["site/sw.js"].body, []byte(updated)) {
			t.Fatal("new sw.js not stored")
		}
		if after["site/sw.js"].headers != (headers{jsType, deploy.NoCache, ""}) {
			t.Fatalf("sw.js headers after update %+v", after["site/sw.js"].headers)
		}
	})
	t.Run("AHeaderChangeUploadsThatFile", func(t *testing.T) {
		// Same bytes, a different Cache-Control (a rule changed): only the manifest can tell.
		objs, err := deploy.PlanSite(site, g.Bucket(), "site/", nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range objs {
			if objs[i].Key == "site/icon.png" {
				objs[i].CacheControl = deploy.Immutable
			}
		}
		res, err := deploy.Sync(ctx, storage, &deploy.Recorder{}, opts, objs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Uploaded, []string{"site/icon.png"}) {
			t.Fatalf("uploaded %q", res.Uploaded)
		}
		if got := stored(t)["site/icon.png"].Cache; got != deploy.Immutable {
			t.Fatalf("icon.png Cache-Control %q", got)
		}
		sync(t) // back to the rule
	})
	t.Run("AnInterruptedRunIsRepaired", func(t *testing.T) {
		// Losing the manifest (a run that died before recording it) means upload everything once more.
		if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(g.Bucket()), Key: aws.String(deploy.DefaultManifestKey)}); err != nil {
			t.Fatal(err)
		}
		if res, _ := sync(t); len(res.Uploaded) != n {
			t.Fatalf("after losing the manifest uploaded %d of %d", len(res.Uploaded), n)
		}
		if res, _ := sync(t); len(res.Uploaded) != 0 {
			t.Fatalf("run after the repair uploaded %q", res.Uploaded)
		}
	})
}

// TestStorageAgainstGateway holds the rest of the S3 Storage to a real S3 server: the answers a deploy
// branches on and the deletes a destroy makes.
func TestStorageAgainstGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	g, storage := startGateway(t, ctx)
	bucket := g.Bucket()

	if st, err := storage.HeadBucket(ctx, bucket); err != nil || st != deploy.BucketExists {
		t.Fatalf("HeadBucket(existing) = %v, %v", st, err)
	}
	if st, err := storage.HeadBucket(ctx, "memeforge-nobody-has-this"); err != nil || st != deploy.BucketMissing {
		t.Fatalf("HeadBucket(missing) = %v, %v", st, err)
	}
	ref := deploy.ObjectRef{Bucket: bucket, Key: "memeforge/signer-0123456789abcdef.zip"}
	if ok, err := storage.HeadObject(ctx, ref); err != nil || ok {
		t.Fatalf("HeadObject(missing) = %v, %v", ok, err)
	}
	if _, err := storage.GetObject(ctx, ref); !isNotFound(err) {
		t.Fatalf("GetObject(missing) error %v, want ErrNotFound", err)
	}
	for _, key := range []string{ref.Key, "memeforge/signer-fedcba9876543210.zip", "other/signer-0123456789abcdef.zip"} {
		body := []byte("zip " + key)
		if err := storage.PutObject(ctx, deploy.Object{Bucket: bucket, Key: key, Body: body, MD5: md5Hex(body)}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("RefusesBytesThatArriveDifferent", func(t *testing.T) {
		err := storage.PutObject(ctx, deploy.Object{Bucket: bucket, Key: "x", Body: []byte("a"), MD5: md5Hex([]byte("b"))})
		if err == nil {
			t.Fatal("a wrong MD5 was accepted")
		}
	})
	if ok, err := storage.HeadObject(ctx, ref); err != nil || !ok {
		t.Fatalf("HeadObject(present) = %v, %v", ok, err)
	}
	t.Run("DeletesOnlyUnderThePrefix", func(t *testing.T) {
		n, err := storage.DeleteObjects(ctx, deploy.Prefix{Bucket: bucket, Prefix: "memeforge/"})
		if err != nil || n != 2 {
			t.Fatalf("DeleteObjects = %d, %v; want 2", n, err)
		}
		left, err := storage.ListObjects(ctx, deploy.Prefix{Bucket: bucket})
		if err != nil || len(left) != 1 || left[0].Key != "other/signer-0123456789abcdef.zip" {
			t.Fatalf("left %+v, %v", left, err)
		}
	})
	t.Run("EmptiesAndDeletesTheBucket", func(t *testing.T) {
		if _, err := storage.DeleteObjects(ctx, deploy.Prefix{Bucket: bucket}); err != nil {
			t.Fatal(err)
		}
		if err := storage.DeleteBucket(ctx, bucket); err != nil {
			t.Fatal(err)
		}
		if st, err := storage.HeadBucket(ctx, bucket); err != nil || st != deploy.BucketMissing {
			t.Fatalf("HeadBucket after delete = %v, %v", st, err)
		}
	})
}
