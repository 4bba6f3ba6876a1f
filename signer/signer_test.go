package signer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

const (
	testAccessKey = "AKIDMEMEFORGETEST"
	testSecret    = "memeforge-test-secret"
	testToken     = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/="
)

var testNow = time.Date(2026, 11, 28, 23, 59, 30, 0, time.UTC)

func testConfig() Config {
	return Config{
		Bucket:         "memeforge-test",
		Region:         "eu-west-1",
		AllowedOrigins: []string{"https://memes.example.com", "http://127.0.0.1:8080"},
		MaxUploadBytes: DefaultMaxUploadBytes,
		PublicBaseURL:  "https://memes.example.com",
	}
}

func newTestSigner(t testing.TB, token string, opts ...Option) *Signer {
	t.Helper()
	opts = append([]Option{WithClock(func() time.Time { return testNow })}, opts...)
	s, err := New(testConfig(), credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, token), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// canon turns a condition into comparable JSON: objects keyed, numbers as written.
func canon(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&x); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(x)
	return string(b)
}

func TestSignProducesVerifiableForm(t *testing.T) {
	cases := []struct {
		name, kind, contentType, ext, token string
	}{
		{"OriginalJPEG", KindOriginal, "image/jpeg", "jpg", ""},
		{"OriginalPNGWithSessionToken", KindOriginal, "image/png", "png", testToken},
		{"MemeGIF", KindMeme, "image/gif", "gif", ""},
		{"MemeWebPWithSessionToken", KindMeme, "image/webp", "webp", testToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newTestSigner(t, c.token)
			resp, err := s.Sign(context.Background(), Request{Kind: c.kind, ContentType: c.contentType, Size: 1234})
			if err != nil {
				t.Fatal(err)
			}
			sc, err := verifyPOSTForm(resp.Fields, testSecret)
			if err != nil {
				t.Fatalf("form does not verify: %v", err)
			}
			if sc.AccessKey != testAccessKey || sc.Date != "20261128" || sc.Region != "eu-west-1" || sc.Service != "s3" {
				t.Errorf("credential scope %+v", sc)
			}
			if !sc.SignedAt.Equal(testNow) {
				t.Errorf("signed at %s, want %s", sc.SignedAt, testNow)
			}
			if want := testNow.Add(5 * time.Minute).Format(time.RFC3339); resp.ExpiresAt != want {
				t.Errorf("expiresAt %s, want %s", resp.ExpiresAt, want)
			}
			if resp.URL != "https://memeforge-test.s3.eu-west-1.amazonaws.com" {
				t.Errorf("url %s", resp.URL)
			}
			// Uploads land in the holding prefix; the link is where the check publishes.
			prefix := map[string]string{KindOriginal: "incoming/originals", KindMeme: "incoming/memes"}[c.kind]
			keyRE := regexp.MustCompile(`^` + prefix + `/2026/11/28/[0-9a-f]{32}\.` + c.ext + `$`)
			if !keyRE.MatchString(resp.Key) || resp.Fields["key"] != resp.Key {
				t.Errorf("key %q (field %q) does not match %s", resp.Key, resp.Fields["key"], keyRE)
			}
			if c.kind == KindMeme {
				if resp.PublicURL != "https://memes.example.com/"+strings.TrimPrefix(resp.Key, "incoming/") {
					t.Errorf("publicUrl %q", resp.PublicURL)
				}
			} else if resp.PublicURL != "" {
				t.Errorf("publicUrl %q on an original", resp.PublicURL)
			}

			p, err := decodePolicy(resp.Fields["policy"])
			if err != nil {
				t.Fatal(err)
			}
			exp, err := time.Parse(time.RFC3339, p.Expiration)
			if err != nil || !exp.Equal(testNow.Add(PolicyLifetime)) {
				t.Errorf("policy expiration %q (%v), want %s", p.Expiration, err, testNow.Add(PolicyLifetime))
			}
			want := []any{
				map[string]string{"X-Amz-Algorithm": "AWS4-HMAC-SHA256"},
				map[string]string{"bucket": "memeforge-test"},
				map[string]string{"X-Amz-Credential": testAccessKey + "/20261128/eu-west-1/s3/aws4_request"},
				map[string]string{"X-Amz-Date": "20261128T235930Z"},
				map[string]string{"Content-Type": c.contentType},
				[]any{"content-length-range", 1, DefaultMaxUploadBytes},
				map[string]string{"x-amz-server-side-encryption": "AES256"},
				map[string]string{"key": resp.Key},
			}
			if c.token != "" {
				want = append(want, map[string]string{"X-Amz-Security-Token": c.token})
			}
			var gotC, wantC []string
			for _, raw := range p.Conditions {
				var v any
				if err := json.Unmarshal(raw, &v); err != nil {
					t.Fatal(err)
				}
				gotC = append(gotC, canon(t, v))
			}
			for _, v := range want {
				wantC = append(wantC, canon(t, v))
			}
			sort.Strings(gotC)
			sort.Strings(wantC)
			if strings.Join(gotC, "\n") != strings.Join(wantC, "\n") {
				t.Errorf("conditions:\n%s\nwant:\n%s", strings.Join(gotC, "\n"), strings.Join(wantC, "\n"))
			}

			// Every field the form sends (but the policy and signature) is pinned by an exact
			// condition with the same value, as S3 requires.
			exact := map[string]string{}
			for _, raw := range p.Conditions {
				var m map[string]string
				if json.Unmarshal(raw, &m) == nil {
					for k, v := range m {
						exact[strings.ToLower(k)] = v
					}
				}
			}
			for k, v := range resp.Fields {
				if k == "policy" || k == "X-Amz-Signature" {
					continue
				}
				if got, ok := exact[strings.ToLower(k)]; !ok || got != v {
					t.Errorf("field %s=%q not pinned by the policy (condition %q)", k, v, got)
				}
			}
			// And every exact condition but the bucket (from the URL) has its field in the form,
			// or S3 refuses the upload.
			lower := map[string]string{}
			for k, v := range resp.Fields {
				lower[strings.ToLower(k)] = v
			}
			for k, v := range exact {
				if got, ok := lower[k]; k != "bucket" && (!ok || got != v) {
					t.Errorf("condition %s=%q has no matching form field (%q)", k, v, got)
				}
			}
			if _, ok := resp.Fields["X-Amz-Security-Token"]; ok != (c.token != "") {
				t.Errorf("session token field present=%v, credentials have token=%v", ok, c.token != "")
			}
		})
	}
}

func TestSignChoosesFreshKeys(t *testing.T) {
	s := newTestSigner(t, "")
	seen := map[string]bool{}
	for range 200 {
		resp, err := s.Sign(context.Background(), Request{Kind: KindOriginal, ContentType: "image/png", Size: 1})
		if err != nil {
			t.Fatal(err)
		}
		if seen[resp.Key] {
			t.Fatalf("key %s handed out twice", resp.Key)
		}
		seen[resp.Key] = true
	}
}

func TestSignRejectsBadRequests(t *testing.T) {
	s := newTestSigner(t, "")
	cases := []struct {
		name string
		req  Request
		code Code
	}{
		{"MissingKind", Request{ContentType: "image/png", Size: 1}, CodeBadRequest},
		{"UnknownKind", Request{Kind: "../originals", ContentType: "image/png", Size: 1}, CodeBadRequest},
		{"MissingContentType", Request{Kind: KindMeme, Size: 1}, CodeBadRequest},
		{"SVGNotAllowed", Request{Kind: KindMeme, ContentType: "image/svg+xml", Size: 1}, CodeUnsupportedType},
		{"HTMLNotAllowed", Request{Kind: KindMeme, ContentType: "text/html", Size: 1}, CodeUnsupportedType},
		{"TypeWithParametersNotAllowed", Request{Kind: KindMeme, ContentType: "image/png; x=1", Size: 1}, CodeUnsupportedType},
		{"ZeroSize", Request{Kind: KindMeme, ContentType: "image/png", Size: 0}, CodeBadRequest},
		{"NegativeSize", Request{Kind: KindMeme, ContentType: "image/png", Size: -5}, CodeBadRequest},
		{"OverLimit", Request{Kind: KindMeme, ContentType: "image/png", Size: DefaultMaxUploadBytes + 1}, CodeTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Sign(context.Background(), c.req)
			var e *Error
			if !errors.As(err, &e) || e.Code != c.code {
				t.Fatalf("err = %v, want code %s", err, c.code)
			}
		})
	}
	t.Run("AcceptsExactlyTheLimit", func(t *testing.T) {
		if _, err := s.Sign(context.Background(), Request{Kind: KindMeme, ContentType: "image/png", Size: DefaultMaxUploadBytes}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSignInternalErrorsAreWrapped(t *testing.T) {
	failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("role credentials expired: secret detail")
	})
	s, err := New(testConfig(), failing)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Sign(context.Background(), Request{Kind: KindMeme, ContentType: "image/png", Size: 1})
	if err == nil || !strings.HasPrefix(err.Error(), "signer: presign post") {
		t.Fatalf("err = %v", err)
	}
	if status, code, msg := statusOf(err); status != 500 || code != CodeInternal || msg != "internal error" {
		t.Fatalf("statusOf = %d %s %q", status, code, msg)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	cfg := testConfig()
	cfg.Bucket = ""
	if _, err := New(cfg, credentials.NewStaticCredentialsProvider("a", "b", "")); err == nil || !strings.Contains(err.Error(), EnvBucket) {
		t.Fatalf("err = %v", err)
	}
	if _, err := New(testConfig(), nil); err == nil {
		t.Fatal("no error without credentials")
	}
}

func TestConfigFromEnv(t *testing.T) {
	good := map[string]string{
		EnvBucket:         "memeforge",
		EnvRegion:         "us-east-1",
		EnvAllowedOrigins: "https://memes.example.com, http://127.0.0.1:8080",
		EnvPublicBaseURL:  "https://memes.example.com/",
	}
	env := func(over map[string]string) func(string) string {
		return func(k string) string {
			if v, ok := over[k]; ok {
				return v
			}
			return good[k]
		}
	}
	t.Run("ReadsGoodEnvironment", func(t *testing.T) {
		c, err := ConfigFromEnv(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if c.MaxUploadBytes != 15728640 || c.PublicBaseURL != "https://memes.example.com" ||
			len(c.AllowedOrigins) != 2 || c.AllowedOrigins[1] != "http://127.0.0.1:8080" || c.S3Endpoint != "" {
			t.Fatalf("%+v", c)
		}
	})
	t.Run("ReadsOptionalValues", func(t *testing.T) {
		c, err := ConfigFromEnv(env(map[string]string{EnvMaxUploadBytes: "1024", EnvS3Endpoint: "http://127.0.0.1:7070"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.MaxUploadBytes != 1024 || c.S3Endpoint != "http://127.0.0.1:7070" {
			t.Fatalf("%+v", c)
		}
	})
	bad := []struct {
		name, env, value string
	}{
		{"MissingBucket", EnvBucket, ""},
		{"BadBucket", EnvBucket, "My_Bucket"},
		{"MissingRegion", EnvRegion, ""},
		{"BadRegion", EnvRegion, "mars"},
		{"MissingOrigins", EnvAllowedOrigins, ""},
		{"WildcardOrigin", EnvAllowedOrigins, "*"},
		{"OriginWithPath", EnvAllowedOrigins, "https://memes.example.com/app"},
		{"OriginWithTrailingSlash", EnvAllowedOrigins, "https://memes.example.com/"},
		{"EmptyOriginInList", EnvAllowedOrigins, "https://memes.example.com,,"},
		{"OriginNotHTTP", EnvAllowedOrigins, "ftp://memes.example.com"},
		{"MaxNotANumber", EnvMaxUploadBytes, "15MB"},
		{"MaxZero", EnvMaxUploadBytes, "0"},
		{"MaxNegative", EnvMaxUploadBytes, "-1"},
		{"MaxOverS3Limit", EnvMaxUploadBytes, "6000000000"},
		{"MissingPublicBaseURL", EnvPublicBaseURL, ""},
		{"RelativePublicBaseURL", EnvPublicBaseURL, "/memes"},
		{"BadEndpoint", EnvS3Endpoint, "127.0.0.1:7070"},
	}
	for _, b := range bad {
		t.Run("Rejects"+b.name, func(t *testing.T) {
			_, err := ConfigFromEnv(env(map[string]string{b.env: b.value}))
			if err == nil {
				t.Fatalf("%s=%q accepted", b.env, b.value)
			}
			if !strings.Contains(err.Error(), b.env) || !strings.HasPrefix(err.Error(), "signer: config: ") {
				t.Fatalf("error %q does not name %s", err, b.env)
			}
		})
	}
	t.Run("ReportsEveryBadVariable", func(t *testing.T) {
		_, err := ConfigFromEnv(func(string) string { return "" })
		for _, v := range []string{EnvBucket, EnvRegion, EnvAllowedOrigins, EnvPublicBaseURL} {
			if err == nil || !strings.Contains(err.Error(), v) {
				t.Errorf("error %v does not name %s", err, v)
			}
		}
	})
}

// captureLog returns a logger writing into buf.
func captureLog(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}
