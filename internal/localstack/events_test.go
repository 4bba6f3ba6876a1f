package localstack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/memeforge/memeforge/signer"
)

// uploadStatus asks the stack's /api/status where an upload is.
func uploadStatus(t testing.TB, st *Stack, key string) string {
	t.Helper()
	resp, err := http.Get(st.URL() + "/api/status?key=" + url.QueryEscape(key))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct{ State string }
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&s) != nil {
		t.Fatalf("status %s: HTTP %d", key, resp.StatusCode)
	}
	return s.State
}

// waitChecked polls the status until the check has decided, as the page does.
func waitChecked(t testing.TB, st *Stack, key string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if s := uploadStatus(t, st, key); s != "pending" {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still pending after 30 s", key)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// bucketKeys lists every key in the gateway's bucket.
func bucketKeys(t *testing.T, st *Stack) []string {
	t.Helper()
	gw := st.Gateway()
	b := gw.Bucket()
	out, err := gw.Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &b})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, *o.Key)
	}
	return keys
}

// TestUploadCheck drives the real path: a form signed by /api/sign, a browser-style POST to
// Versity Gateway, the gateway's S3 event to the stack's webhook, the check.
func TestUploadCheck(t *testing.T) {
	st := startTestStack(t, testSite(t), filepath.Join(t.TempDir(), "s3"))
	png, err := os.ReadFile("../../signer/testdata/upload.png")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("AForgedImageNeverBecomesPublic", func(t *testing.T) {
		forged := []byte("<html><script>alert('free hosting')</script></html>" + strings.Repeat(" ", 200))
		r := signUpload(t, st, "meme", forged)
		if !strings.HasPrefix(r.Key, signer.HoldingPrefix) {
			t.Fatalf("signed key %q is not in the holding prefix", r.Key)
		}
		// Until the check runs, the upload is only in holding, which nothing serves.
		for _, u := range []string{r.PublicURL, st.URL() + "/" + r.Key} {
			if resp, _ := get(t, u); resp.StatusCode == 200 {
				t.Fatalf("%s served the forged upload", u)
			}
		}
		if s := waitChecked(t, st, r.Key); s != "refused" {
			t.Fatalf("status %q, want refused", s)
		}
		for _, u := range []string{r.PublicURL, st.URL() + "/" + r.Key, st.URL() + "/" + signer.PublicKey(r.Key)} {
			if resp, _ := get(t, u); resp.StatusCode != 404 {
				t.Fatalf("%s answers %d after the refusal", u, resp.StatusCode)
			}
		}
		if keys := bucketKeys(t, st); slices.ContainsFunc(keys, func(k string) bool { return strings.HasSuffix(k, r.Key[strings.LastIndexByte(r.Key, '/'):]) }) {
			t.Fatalf("the forged upload is still in the bucket: %v", keys)
		}
	})

	t.Run("AnImagePassesAndIsServedStripped", func(t *testing.T) {
		// The PNG with a text chunk after IHDR: published without it.
		withText := slices.Concat(png[:33], []byte("\x00\x00\x00\x03tEXtk\x00v\x00\x00\x00\x00"), png[33:])
		r := signUpload(t, st, "meme", withText)
		if s := waitChecked(t, st, r.Key); s != "public" {
			t.Fatalf("status %q, want public", s)
		}
		resp, body := get(t, r.PublicURL)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || string(body) != string(png) {
			t.Fatalf("public link: %d %q, %d bytes (want the %d-byte PNG without its text chunk)", resp.StatusCode, resp.Header.Get("Content-Type"), len(body), len(png))
		}
		gw := st.Gateway()
		b, k := gw.Bucket(), signer.PublicKey(r.Key)
		head, err := gw.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &b, Key: &k})
		if err != nil || head.CacheControl == nil || *head.CacheControl != signer.PublicCacheControl {
			t.Fatalf("published object: %v, Cache-Control %v", err, head)
		}
		if slices.Contains(bucketKeys(t, st), r.Key) {
			t.Fatal("the holding object is still there")
		}
	})

	t.Run("StatusAnswersOnlyUploadKeys", func(t *testing.T) {
		resp, err := http.Get(st.URL() + "/api/status?key=" + url.QueryEscape("site/index.html"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Fatalf("status of a non-upload key: %d, want 400", resp.StatusCode)
		}
	})
}

// BenchmarkUploadToLive is the time from the upload's answer to the status query saying
// public, on the local stack (the gateway's event, the webhook, the check, one poll every
// 5 ms as the page's first polls are).
func BenchmarkUploadToLive(b *testing.B) {
	st := startTestStack(b, testSite(b), filepath.Join(b.TempDir(), "s3"))
	png, err := os.ReadFile("../../signer/testdata/upload.png")
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	for b.Loop() {
		r := signUpload(b, st, "meme", png)
		start := time.Now()
		for uploadStatus(b, st, r.Key) != "public" {
			time.Sleep(5 * time.Millisecond)
		}
		times = append(times, time.Since(start))
		// Let the check finish deleting the holding object: the gateway's posix backend removes
		// the emptied day folder then, and an upload into it at that moment fails with 409
		// ExistingObjectIsDirectory (a race in the local backend, not in S3).
		gw := st.Gateway()
		bucket := gw.Bucket()
		for {
			if _, err := gw.Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: &r.Key}); err != nil {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
	}
	slices.Sort(times)
	p := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.95), "p95-ms")
	fmt.Printf("upload_to_live_p50 %.1f ms\nupload_to_live_p95 %.1f ms\n", p(0.5), p(0.95))
}
