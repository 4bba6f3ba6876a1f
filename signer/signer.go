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
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
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

// Every upload lands under HoldingPrefix; the check publishes it without that prefix.
var prefixByKind = map[string]string{KindOriginal: HoldingPrefix + "originals", KindMeme: HoldingPrefix + "memes"}

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
	// Alt is the meme's alt text (its captions) for its share page; optional, memes only.
	Alt string `json:"alt,omitempty"`
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
	case r.Alt != "" && r.Kind != KindMeme:
		return errorf(CodeBadRequest, "alt is for memes only")
	}
	return checkAlt(r.Alt)
}

// Response is the signed upload form: POST Fields (and then the file) as multipart/form-data to URL.
type Response struct {
	URL       string            `json:"url"`
	Fields    map[string]string `json:"fields"`
	Key       string            `json:"key"`
	ExpiresAt string            `json:"expiresAt"`
	PublicURL string            `json:"publicUrl,omitempty"`
	// ID and ShareURL name a meme's share page (SharePrefix + ID).
	ID       string `json:"id,omitempty"`
	ShareURL string `json:"shareUrl,omitempty"`
	// DeleteToken is this object's authority to delete it (DELETE /api/memes/<id>): only its
	// keyed hash is stored. Absent when the server has no delete key.
	DeleteToken string `json:"deleteToken,omitempty"`
}

// Signer signs upload forms for one bucket.
type Signer struct {
	cfg     Config
	presign *s3.PresignClient
	now     func() time.Time
	random  io.Reader
	log     *slog.Logger
	check   *Checker
	remover *Remover
	cdn     Invalidator
}

// Option sets a Signer knob.
type Option func(*Signer)

// WithClock replaces time.Now: tests sign with a clock in the past to get an expired policy.
func WithClock(now func() time.Time) Option { return func(s *Signer) { s.now = now } }

// WithRandom replaces crypto/rand as the source of key ids.
func WithRandom(r io.Reader) Option { return func(s *Signer) { s.random = r } }

// WithInvalidator replaces the CDN a delete invalidates (default: CloudFront when the config
// names a distribution, else a log line).
func WithInvalidator(i Invalidator) Option { return func(s *Signer) { s.cdn = i } }

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
	client := s3.New(so)
	s.presign = s3.NewPresignClient(client)
	s.check = NewChecker(cfg, client, s.log)
	if s.cdn == nil && cfg.DistributionID != "" {
		// CloudFront's API lives in us-east-1 whatever the stack's region.
		cf := cloudfront.New(cloudfront.Options{Region: "us-east-1", Credentials: creds})
		s.cdn = CloudFrontInvalidator{Client: cf, Distribution: cfg.DistributionID, Random: rand.Reader}
	}
	s.remover = NewRemover(client, cfg.Bucket, s.cdn, s.log)
	return s, nil
}

// NewFromDefaultChain is New with the SDK's default credential chain (in Lambda: the
// function role's temporary credentials from the environment).
func NewFromDefaultChain(ctx context.Context, cfg Config, opts ...Option) (*Signer, error) {
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
	if err != nil {
		return nil, fmt.Errorf("signer: load AWS config: %w", err)
	}
	if cfg.DeleteKeySecret != "" && len(cfg.DeleteKey) == 0 {
		out, err := secretsmanager.NewFromConfig(awsCfg).GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &cfg.DeleteKeySecret})
		if err != nil {
			return nil, fmt.Errorf("signer: read %s: %w", EnvDeleteKeySecret, err)
		}
		cfg.DeleteKey = []byte(aws.ToString(out.SecretString))
	}
	return New(cfg, awsCfg.Credentials, opts...)
}

// Checker returns the upload check for this signer's bucket and limits.
func (s *Signer) Checker() *Checker { return s.check }

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
	// Metadata the policy pins: the delete token's keyed hash, the meme's alt text.
	meta := map[string]string{}
	var token string
	if len(s.cfg.DeleteKey) > 0 {
		if token, err = newDeleteToken(s.random); err != nil {
			return nil, err
		}
		meta["x-amz-meta-"+MetaDeleteHash] = deleteHash(s.cfg.DeleteKey, PublicKey(key), token)
	}
	if r.Alt != "" {
		meta["x-amz-meta-"+MetaAlt] = encodeAlt(r.Alt)
	}
	for k, v := range meta {
		conditions = append(conditions, map[string]string{k: v})
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
	for k, v := range meta {
		fields[k] = v
	}
	resp := &Response{
		URL:         post.URL,
		Fields:      fields,
		Key:         key,
		ExpiresAt:   expires.Format(time.RFC3339),
		DeleteToken: token,
	}
	if r.Kind == KindMeme {
		resp.PublicURL = s.cfg.PublicBaseURL + "/" + PublicKey(key)
		resp.ID, _ = MemeID(PublicKey(key))
		resp.ShareURL = s.cfg.PublicBaseURL + SharePrefix + resp.ID
	}
	return resp, nil
}

// newKey is incoming/<kind>s/YYYY/MM/DD/<128 random bits as hex>.<ext>: nothing from the client but
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
