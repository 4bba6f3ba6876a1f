package deploy_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/memeforge/memeforge/internal/localstack"
)

func lookPath(name string) (string, error) { return exec.LookPath(name) }

// TestSyncSiteAgainstGateway runs sync-site.sh with the real AWS CLI against Versity Gateway and
// reads the objects back with the SDK: what was stored, with which headers, and what a re-run does.
func TestSyncSiteAgainstGateway(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	g, err := localstack.StartGateway(ctx, localstack.GatewayOptions{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), Bucket: "memeforge-deploy-test",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	opts := g.Options()
	client := g.Client()

	site := t.TempDir()
	writeFixtureSite(t, site)
	writeFile(t, filepath.Join(site, "config.json"), []byte(`{"signPath":"/api/sign"}`+"\n"))

	env := isolatedEnv(t,
		"AWS="+awsCLI,
		"ENDPOINT_URL="+g.Endpoint(),
		"AWS_REGION="+opts.Region,
		"AWS_ACCESS_KEY_ID="+opts.AccessKey,
		"AWS_SECRET_ACCESS_KEY="+opts.SecretKey,
	)
	sync := func(t *testing.T) result {
		t.Helper()
		r := run(t, env, script(t, "sync-site.sh"), site, g.Bucket())
		if r.code != 0 {
			t.Fatalf("sync-site.sh exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
		}
		return r
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
	all, none := fmt.Sprintf("uploaded %d of %d", n, n), fmt.Sprintf("uploaded 0 of %d", n)
	first := sync(t)
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
		if !strings.Contains(first.stdout, all+" objects") {
			t.Errorf("first run summary:\n%s", first.stdout)
		}
	})
	t.Run("RecordsTheManifestOutsideTheServedPrefix", func(t *testing.T) {
		got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(g.Bucket()), Key: aws.String("deploy/site-manifest.tsv")})
		if err != nil {
			t.Fatal(err)
		}
		defer got.Body.Close()
		b, _ := io.ReadAll(got.Body)
		if n := strings.Count(string(b), "\n"); n != len(objects) {
			t.Fatalf("manifest has %d lines for %d objects:\n%s", n, len(objects), b)
		}
	})
	t.Run("SecondRunUploadsNothing", func(t *testing.T) {
		time.Sleep(1100 * time.Millisecond) // a re-upload would now show a later LastModified
		r := sync(t)
		if !strings.Contains(r.stdout, none+" objects") || strings.Contains(r.stdout, "upload site/") {
			t.Fatalf("second run:\n%s", r.stdout)
		}
		if strings.Contains(r.stdout, "invalidat") {
			t.Fatalf("second run wants an invalidation:\n%s", r.stdout)
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
		r := sync(t)
		var uploads []string
		for _, l := range strings.Split(r.stdout, "\n") {
			if k, ok := strings.CutPrefix(l, "sync-site: upload "); ok {
				uploads = append(uploads, k)
			}
		}
		if strings.Join(uploads, " ") != "site/sw.js site/sw.js.br site/sw.js.gz" {
			t.Fatalf("uploaded %q, want sw.js and its siblings\n%s", uploads, r.stdout)
		}
		if !strings.Contains(r.stdout, "not invalidating /sw.js*\n") {
			t.Fatalf("would invalidate something other than /sw.js*:\n%s", r.stdout)
		}
		after := stored(t)
		if !bytes.Equal(after["site/sw.js"].body, []byte(updated)) {
			t.Fatal("new sw.js not stored")
		}
		if after["site/sw.js"].headers != (headers{jsType, noCache, ""}) {
			t.Fatalf("sw.js headers after update %+v", after["site/sw.js"].headers)
		}
	})
	t.Run("AnInterruptedRunIsRepaired", func(t *testing.T) {
		// Losing the manifest (a run that died before recording it) means upload everything once more.
		if _, err := client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(g.Bucket()), Key: aws.String("deploy/site-manifest.tsv")}); err != nil {
			t.Fatal(err)
		}
		if r := sync(t); !strings.Contains(r.stdout, all+" objects") {
			t.Fatalf("after losing the manifest:\n%s", r.stdout)
		}
		if r := sync(t); !strings.Contains(r.stdout, none+" objects") {
			t.Fatalf("run after the repair:\n%s", r.stdout)
		}
	})
}
