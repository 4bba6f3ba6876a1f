package signer_test

// Uploads against a real S3 server: Versity Gateway (posix backend) started by the test.
// A signed form must store the object with its content type; every tampered form must be
// refused by the gateway and store nothing.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/memeforge/memeforge/internal/localstack"
	"github.com/memeforge/memeforge/signer"
)

const uploadLimit = 64 << 10 // small, so "over the limit" is a cheap upload

func startGateway(t *testing.T) *localstack.Gateway {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	g, err := localstack.StartGateway(ctx, localstack.GatewayOptions{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	return g
}

func gatewaySigner(t *testing.T, g *localstack.Gateway, opts ...signer.Option) *signer.Signer {
	t.Helper()
	o := g.Options()
	s, err := signer.New(signer.Config{
		Bucket:         g.Bucket(),
		Region:         o.Region,
		AllowedOrigins: []string{"http://127.0.0.1:8080"},
		MaxUploadBytes: uploadLimit,
		PublicBaseURL:  "http://127.0.0.1:8080",
		S3Endpoint:     g.Endpoint(),
	}, credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, ""), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// s3Error is the XML error body S3 (and the gateway) answers with.
type s3Error struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// postForm sends fields then the file as multipart/form-data, as a browser form does.
func postForm(t *testing.T, url string, fields map[string]string, fileType string, file []byte) (int, s3Error) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := mw.WriteField(k, fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="upload"`)
	h.Set("Content-Type", fileType)
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, url, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e s3Error
	if resp.StatusCode >= 300 {
		if err := xml.Unmarshal(b, &e); err != nil {
			t.Logf("non-XML error body: %s", b)
		}
	}
	return resp.StatusCode, e
}

func sign(t *testing.T, s *signer.Signer, kind, contentType string, size int) *signer.Response {
	t.Helper()
	resp, err := s.Sign(context.Background(), signer.Request{Kind: kind, ContentType: contentType, Size: int64(size)})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func exists(t *testing.T, c *s3.Client, bucket, key string) bool {
	t.Helper()
	_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	var nf *types.NotFound
	switch {
	case err == nil:
		return true
	case errors.As(err, &nf):
		return false
	}
	t.Fatalf("head %s: %v", key, err)
	return false
}

func TestUploadToGateway(t *testing.T) {
	g := startGateway(t)
	s := gatewaySigner(t, g)
	c := g.Client()
	bucket := g.Bucket()
	png, _ := os.ReadFile("testdata/upload.png")
	jpg, _ := os.ReadFile("testdata/upload.jpg")

	for _, tc := range []struct {
		name, kind, ct string
		file           []byte
	}{
		{"StoresSignedPNGMeme", signer.KindMeme, "image/png", png},
		{"StoresSignedJPEGOriginal", signer.KindOriginal, "image/jpeg", jpg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sign(t, s, tc.kind, tc.ct, len(tc.file))
			if status, e := postForm(t, r.URL, r.Fields, tc.ct, tc.file); status != http.StatusNoContent {
				t.Fatalf("upload: %d %+v", status, e)
			}
			head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: &r.Key})
			if err != nil {
				t.Fatal(err)
			}
			if *head.ContentType != tc.ct || *head.ContentLength != int64(len(tc.file)) {
				t.Fatalf("stored as %s, %d bytes; want %s, %d", *head.ContentType, *head.ContentLength, tc.ct, len(tc.file))
			}
			obj, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &r.Key})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(obj.Body)
			obj.Body.Close()
			if !bytes.Equal(got, tc.file) {
				t.Fatal("stored bytes differ from the upload")
			}
			t.Logf("HeadObject ServerSideEncryption=%q (posix backend)", head.ServerSideEncryption)
		})
	}

	pastSigner := gatewaySigner(t, g, signer.WithClock(func() time.Time { return time.Now().Add(-10 * time.Minute) }))
	refusals := []struct {
		name string
		// change edits the signed form; it returns the key it would store under.
		change   func(r *signer.Response, file *[]byte, fileType *string, url *string) string
		signWith *signer.Signer
		// wantCode and wantMsg are what the gateway answers (S3's codes for the same cases).
		wantCode, wantMsg string
	}{
		{name: "KeyChanged", wantCode: "AccessDenied", wantMsg: "Policy Condition failed: [\"eq\", \"$key\"", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			r.Fields["key"] = "originals/chosen-by-client.png"
			return r.Fields["key"]
		}},
		{name: "KeyTraversal", wantCode: "AccessDenied", wantMsg: "Policy Condition failed: [\"eq\", \"$key\"", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			r.Fields["key"] = r.Key + "/../../memes/evil.png"
			return "memes/evil.png"
		}},
		{name: "OtherContentType", wantCode: "AccessDenied", wantMsg: "Policy Condition failed: [\"eq\", \"$content-type\", \"image/png\"]", change: func(r *signer.Response, _ *[]byte, ft *string, _ *string) string {
			r.Fields["Content-Type"] = "text/html"
			*ft = "text/html"
			return r.Key
		}},
		{name: "FileOverLimit", wantCode: "EntityTooLarge", wantMsg: "exceeds the maximum allowed", change: func(r *signer.Response, f *[]byte, _ *string, _ *string) string {
			*f = bytes.Repeat([]byte{0x89}, uploadLimit+1)
			return r.Key
		}},
		{name: "EmptyFile", wantCode: "EntityTooSmall", wantMsg: "smaller than the minimum", change: func(r *signer.Response, f *[]byte, _ *string, _ *string) string {
			*f = nil
			return r.Key
		}},
		{name: "ExpiredPolicy", signWith: pastSigner, wantCode: "AccessDenied", wantMsg: "Policy expired", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			return r.Key
		}},
		{name: "TamperedSignature", wantCode: "SignatureDoesNotMatch", wantMsg: "signature", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			sig := []byte(r.Fields["X-Amz-Signature"])
			sig[0] = "0123456789abcdef"[(strings.IndexByte("0123456789abcdef", sig[0])+1)%16]
			r.Fields["X-Amz-Signature"] = string(sig)
			return r.Key
		}},
		{name: "TamperedPolicyLimit", wantCode: "SignatureDoesNotMatch", wantMsg: "signature", change: func(r *signer.Response, f *[]byte, _ *string, _ *string) string {
			raw, _ := base64.StdEncoding.DecodeString(r.Fields["policy"])
			raw = bytes.Replace(raw, fmt.Appendf(nil, ",%d]", uploadLimit), []byte(",999999999]"), 1)
			r.Fields["policy"] = base64.StdEncoding.EncodeToString(raw)
			*f = bytes.Repeat([]byte{1}, uploadLimit+1)
			return r.Key
		}},
		{name: "ExtraField", wantCode: "AccessDenied", wantMsg: "Extra input fields: x-amz-meta-owner", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			r.Fields["x-amz-meta-owner"] = "mallory"
			return r.Key
		}},
		{name: "ExtraACLField", wantCode: "AccessDenied", wantMsg: "Extra input fields: acl", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			r.Fields["acl"] = "public-read"
			return r.Key
		}},
		{name: "OtherEncryption", wantCode: "AccessDenied", wantMsg: "Policy Condition failed: [\"eq\", \"$x-amz-server-side-encryption\", \"AES256\"]", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			r.Fields["x-amz-server-side-encryption"] = "aws:kms"
			return r.Key
		}},
		{name: "EncryptionFieldDropped", wantCode: "AccessDenied", wantMsg: "Policy Condition failed: [\"eq\", \"$x-amz-server-side-encryption\", \"AES256\"]", change: func(r *signer.Response, _ *[]byte, _ *string, _ *string) string {
			delete(r.Fields, "x-amz-server-side-encryption")
			return r.Key
		}},
		{name: "OtherBucket", wantCode: "AccessDenied", wantMsg: "Policy Condition failed: [\"eq\", \"$bucket\", \"memeforge\"]", change: func(r *signer.Response, _ *[]byte, _ *string, url *string) string {
			*url = strings.TrimSuffix(*url, "/"+g.Bucket()) + "/other"
			return r.Key
		}},
	}
	other := "other"
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &other}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range refusals {
		t.Run("Refuses"+tc.name, func(t *testing.T) {
			sg := s
			if tc.signWith != nil {
				sg = tc.signWith
			}
			r := sign(t, sg, signer.KindMeme, "image/png", len(png))
			file, ft, url := png, "image/png", r.URL
			key := tc.change(r, &file, &ft, &url)
			status, e := postForm(t, url, r.Fields, ft, file)
			if status < 400 || status >= 500 || e.Code != tc.wantCode || !strings.Contains(e.Message, tc.wantMsg) {
				t.Fatalf("gateway answered %d %s (%s), want a 4xx %s (%s)", status, e.Code, e.Message, tc.wantCode, tc.wantMsg)
			}
			t.Logf("refused: %d %s: %s", status, e.Code, e.Message)
			for _, k := range []string{key, r.Key} {
				for _, b := range []string{bucket, other} {
					if exists(t, c, b, k) {
						t.Fatalf("refused upload stored %s/%s", b, k)
					}
				}
			}
		})
	}
	t.Run("StoresNothingElse", func(t *testing.T) {
		for _, b := range []string{bucket, other} {
			out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &b})
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, o := range out.Contents {
				keys = append(keys, *o.Key)
			}
			want := map[string]int{bucket: 2, other: 0}[b]
			if len(keys) != want {
				j, _ := json.Marshal(keys)
				t.Fatalf("bucket %s holds %s, want %d objects", b, j, want)
			}
		}
	})
}
