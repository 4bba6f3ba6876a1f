package signer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// PolicyLifetime is how long a signed upload form stays valid.
const PolicyLifetime = 5 * time.Minute

// ServerSideEncryption is required on every upload by the policy.
const ServerSideEncryption = "AES256"

// Upload kinds and the key prefix each one is stored under.
const (
	KindOriginal = "original"
	KindMeme     = "meme"
)

var prefixByKind = map[string]string{KindOriginal: "originals", KindMeme: "memes"}

// UploadType is an allowed upload content type and the key extension it gets.
type UploadType struct {
	ContentType string `json:"contentType"`
	Ext         string `json:"ext"`
}

// UploadTypes is the allow-list of upload content types: the signer's
// rule, which the page reads from site/contract.js.
var UploadTypes = []UploadType{
	{"image/jpeg", "jpg"},
	{"image/png", "png"},
	{"image/gif", "gif"},
	{"image/webp", "webp"},
}

// extByType is UploadTypes as a map.
var extByType = func() map[string]string {
	m := map[string]string{}
	for _, t := range UploadTypes {
		m[t.ContentType] = t.Ext
	}
	return m
}()

// AllowedTypes lists the accepted content types, for messages.
var AllowedTypes = func() string {
	var ts []string
	for _, t := range UploadTypes {
		ts = append(ts, t.ContentType)
	}
	return strings.Join(ts, ", ")
}()

// Request is what the browser asks for: which kind of object, its type and its size.
type Request struct {
	Kind        string `json:"kind"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Validate checks r against the allow-list and maxBytes; its errors are client errors.
func (r Request) Validate(maxBytes int64) error {
	switch {
	case r.Kind == "":
		return errorf(CodeBadRequest, `kind is required ("original" or "meme")`)
	case prefixByKind[r.Kind] == "":
		return errorf(CodeBadRequest, `kind must be "original" or "meme", not %q`, r.Kind)
	case r.ContentType == "":
		return errorf(CodeBadRequest, "contentType is required (one of %s)", AllowedTypes)
	case extByType[r.ContentType] == "":
		return errorf(CodeUnsupportedType, "contentType %q is not allowed; use one of %s", r.ContentType, AllowedTypes)
	case r.Size < 1:
		return errorf(CodeBadRequest, "size must be a positive number of bytes, not %d", r.Size)
	case r.Size > maxBytes:
		return errorf(CodeTooLarge, "size %d is over the limit of %d bytes", r.Size, maxBytes)
	}
	return nil
}

// Response is the signed upload form: POST Fields (and then the file) as multipart/form-data to URL.
type Response struct {
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	Key       string            `json:"key"`
	ExpiresAt string            `json:"expiresAt"`
	PublicURL string            `json:"publicUrl,omitempty"`
}

// Signer signs upload forms for one bucket.
type Signer struct {
	cfg     Config
	presign *s3.PresignClient
	now     func() time.Time
	random  io.Reader
	log     *slog.Logger
}

// Option sets a Signer knob.
type Option func(*Signer)

// WithClock replaces time.Now: tests sign with a clock in the past to get an expired policy.
func WithClock(now func() time.Time) Option { return func(s *Signer) { s.now = now } }

// WithRandom replaces crypto/rand as the source of key ids.
func WithRandom(r io.Reader) Option { return func(s *Signer) { s.random = r } }

// WithLogger sets where internal errors are logged (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Signer) { s.log = l } }

// New returns a Signer for cfg signing with creds. The session token of temporary credentials
// (a Lambda role's) goes into the policy and the form fields.
func New(cfg Config, creds aws.CredentialsProvider, opts ...Option) (*Signer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("signer: config: %w", err)
	}
	if creds == nil {
		return nil, fmt.Errorf("signer: new: no credentials provider")
	}
	cfg.PublicBaseURL = strings.TrimRight(cfg.PublicBaseURL, "/")
	s := &Signer{cfg: cfg, now: time.Now, random: rand.Reader, log: slog.Default()}
	for _, o := range opts {
		o(s)
	}
	so := s3.Options{Region: cfg.Region, Credentials: creds}
	if cfg.S3Endpoint != "" {
		so.BaseEndpoint = aws.String(cfg.S3Endpoint)
		so.UsePathStyle = true
	}
	s.presign = s3.NewPresignClient(s3.New(so))
	return s, nil
}

// NewFromDefaultChain is New with the SDK's default credential chain (in Lambda: the
// function role's temporary credentials from the environment).
func NewFromDefaultChain(ctx context.Context, cfg Config, opts ...Option) (*Signer, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
	if err != nil {
		return nil, fmt.Errorf("signer: load AWS config: %w", err)
	}
	return New(cfg, awsCfg.Credentials, opts...)
}

// Sign validates r and returns a form that lets the browser upload exactly one object: this
// bucket, a key chosen here, r.ContentType, 1..MaxUploadBytes bytes, SSE AES256, for 5 minutes.
func (s *Signer) Sign(ctx context.Context, r Request) (*Response, error) {
	if err := r.Validate(s.cfg.MaxUploadBytes); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	key, err := s.newKey(r, now)
	if err != nil {
		return nil, err
	}
	expires := now.Add(PolicyLifetime)
	conditions := []any{
		map[string]string{"Content-Type": r.ContentType},
		[]any{"content-length-range", 1, s.cfg.MaxUploadBytes},
		map[string]string{"x-amz-server-side-encryption": ServerSideEncryption},
	}
	// The SDK adds the exact bucket and key conditions, the credential, date, algorithm
	// and, for temporary credentials, the session token.
	post, err := s.presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: &s.cfg.Bucket, Key: &key},
		func(o *s3.PresignPostOptions) {
			o.Expires = PolicyLifetime
			o.Conditions = conditions
			o.PostPresigner = clockedPresigner{inner: o.PostPresigner, now: now, expires: expires}
		})
	if err != nil {
		return nil, fmt.Errorf("signer: presign post %s: %w", key, err)
	}
	fields := post.Values
	fields["Content-Type"] = r.ContentType
	fields["x-amz-server-side-encryption"] = ServerSideEncryption
	resp := &Response{
		URL:       post.URL,
		Fields:    fields,
		Key:       key,
		ExpiresAt: expires.Format(time.RFC3339),
	}
	if r.Kind == KindMeme {
		resp.PublicURL = s.cfg.PublicBaseURL + "/" + key
	}
	return resp, nil
}

// newKey is prefix/YYYY/MM/DD/<128 random bits as hex>.<ext>: nothing from the client but
// the (allow-listed) kind and type, so no overwrites and no traversal.
func (s *Signer) newKey(r Request, now time.Time) (string, error) {
	var id [16]byte
	if _, err := io.ReadFull(s.random, id[:]); err != nil {
		return "", fmt.Errorf("signer: key id: %w", err)
	}
	return fmt.Sprintf("%s/%s/%s.%s", prefixByKind[r.Kind], now.Format("2006/01/02"),
		hex.EncodeToString(id[:]), extByType[r.ContentType]), nil
}

// clockedPresigner hands the SDK's own POST presigner our signing time and expiry (the SDK
// reads a package-level clock we can't reach), so WithClock and ExpiresAt match the policy.
type clockedPresigner struct {
	inner        s3.PresignPost
	now, expires time.Time
}

func (c clockedPresigner) PresignPost(creds aws.Credentials, bucket, key, region, service string,
	_ time.Time, conditions []any, _ time.Time, optFns ...func(*v4.SignerOptions)) (map[string]string, error) {
	return c.inner.PresignPost(creds, bucket, key, region, service, c.now, conditions, c.expires, optFns...)
}
