package signer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/memeforge/memeforge/wasm/imgio"
)

// HoldingPrefix is where every browser upload lands. Nothing under it is ever served: the
// check (Checker) moves what passes to the public key, the same key without this prefix.
const HoldingPrefix = "incoming/"

// PublicCacheControl is set on every object the check publishes: keys are never reused.
const PublicCacheControl = "public, max-age=31536000, immutable"

// holdingKey is the only shape of key the signer hands out, under HoldingPrefix.
var holdingKey = regexp.MustCompile(`^incoming/(memes|originals)/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-f]{32}\.(jpg|png|gif|webp)$`)

// typeByExt is extByType backwards: the key's extension is the type the uploader claimed
// (the POST policy pinned Content-Type to the same type).
var typeByExt = map[string]string{"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}

// formatByType is imgio's name for each allowed type.
var formatByType = map[string]string{"image/jpeg": "jpeg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}

// PublicKey is where an upload under HoldingPrefix is published if it passes the check.
func PublicKey(holding string) string { return strings.TrimPrefix(holding, HoldingPrefix) }

// S3API is the part of the S3 client the check and the status query use.
type S3API interface {
	GetObject(context.Context, *s3.GetObjectInput, ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	PutObject(context.Context, *s3.PutObjectInput, ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	DeleteObject(context.Context, *s3.DeleteObjectInput, ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	HeadObject(context.Context, *s3.HeadObjectInput, ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	ListObjectsV2(context.Context, *s3.ListObjectsV2Input, ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
}

// Outcome is what the check did with one upload.
type Outcome string

const (
	Published Outcome = "public"  // copied to the public key, holding object deleted
	Refused   Outcome = "refused" // deleted: not the image it claimed to be, or over a limit
	Gone      Outcome = "gone"    // nothing to check (handled already, or not an upload key)
)

// Checker verifies uploads in the holding prefix and publishes those that pass. The Lambda
// runs it on the bucket's ObjectCreated events; the local stack on Versity Gateway's.
type Checker struct {
	client    S3API
	bucket    string
	maxBytes  int64
	maxPixels int
	maxFrames int
	log       *slog.Logger
}

// NewChecker returns a Checker for cfg's bucket and upload limit using client.
func NewChecker(cfg Config, client S3API, log *slog.Logger) *Checker {
	if log == nil {
		log = slog.Default()
	}
	return &Checker{client: client, bucket: cfg.Bucket, maxBytes: cfg.MaxUploadBytes,
		maxPixels: imgio.DefaultMaxPixels, maxFrames: imgio.DefaultMaxFrames, log: log}
}

// Verify decides whether data is the image its key claims: the type from the key's extension,
// the format sniffed from the bytes, a readable header within the pixel limit, a container
// that parses to its end within the frame limit. It returns the bytes to publish: the upload
// with its metadata and anything after the end of the image removed (imgio.Strip), so a
// client that skipped stripping still publishes no location, and nothing rides along.
func (c *Checker) Verify(key string, data []byte) ([]byte, string, error) {
	out, ctype, _, err := c.verify(key, data)
	return out, ctype, err
}

// verify is Verify that also returns the image's header (its size goes on the published object).
func (c *Checker) verify(key string, data []byte) ([]byte, string, imgio.Info, error) {
	ext := key[strings.LastIndexByte(key, '.')+1:]
	ctype := typeByExt[ext]
	out, s, err := imgio.Strip(data)
	if err != nil {
		return nil, "", imgio.Info{}, fmt.Errorf("signer: check: %w", err)
	}
	if s.Format != formatByType[ctype] {
		return nil, "", imgio.Info{}, fmt.Errorf("signer: check: claimed %s, the bytes are %s", ctype, s.Format)
	}
	if s.Frames > c.maxFrames {
		return nil, "", imgio.Info{}, fmt.Errorf("signer: check: %d frames, over the limit of %d", s.Frames, c.maxFrames)
	}
	info, err := imgio.DecodeConfig(out, c.maxPixels)
	if err != nil {
		return nil, "", imgio.Info{}, fmt.Errorf("signer: check: %w", err)
	}
	return out, ctype, info, nil
}

// Check runs the check on one holding key: publish it, or delete it. Errors are only those
// of storage (the event is then retried); a refused upload is an Outcome, not an error.
func (c *Checker) Check(ctx context.Context, key string) (Outcome, error) {
	if !holdingKey.MatchString(key) {
		c.log.WarnContext(ctx, "check: not an upload key, ignored", "key", key)
		return Gone, nil
	}
	// One byte over the limit tells "at the limit" from "over it".
	got, err := c.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &c.bucket, Key: &key,
		Range: aws.String(fmt.Sprintf("bytes=0-%d", c.maxBytes))})
	if err != nil {
		if notFound(err) {
			return Gone, nil
		}
		return "", fmt.Errorf("signer: check: get %s: %w", key, err)
	}
	data, err := io.ReadAll(io.LimitReader(got.Body, c.maxBytes+1))
	got.Body.Close()
	if err != nil {
		return "", fmt.Errorf("signer: check: read %s: %w", key, err)
	}
	var ctype string
	var out []byte
	var info imgio.Info
	if int64(len(data)) > c.maxBytes {
		err = fmt.Errorf("signer: check: over %d bytes", c.maxBytes)
	} else {
		out, ctype, info, err = c.verify(key, data)
	}
	if err != nil {
		c.log.InfoContext(ctx, "check: refused", "key", key, "why", err)
		if _, derr := c.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &c.bucket, Key: &key}); derr != nil {
			return "", fmt.Errorf("signer: check: delete refused %s: %w", key, derr)
		}
		return Refused, nil
	}
	pub := PublicKey(key)
	// The upload's own metadata is only what the signer's policy pinned (the delete hash); the
	// check adds the image's size for the share page's tags.
	meta := map[string]string{}
	for _, k := range []string{MetaDeleteHash, MetaAlt} {
		if v := got.Metadata[k]; v != "" {
			meta[k] = v
		}
	}
	meta[MetaWidth] = strconv.Itoa(info.Width)
	meta[MetaHeight] = strconv.Itoa(info.Height)
	if _, err := c.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &c.bucket, Key: &pub, Body: bytes.NewReader(out), ContentLength: aws.Int64(int64(len(out))),
		ContentType: &ctype, CacheControl: aws.String(PublicCacheControl), Metadata: meta,
		ServerSideEncryption: types.ServerSideEncryptionAes256,
	}); err != nil {
		return "", fmt.Errorf("signer: check: publish %s: %w", pub, err)
	}
	// Published first, deleted second: at every moment the upload is at one of its two keys
	// until it is refused, which is what Status relies on.
	if _, err := c.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &c.bucket, Key: &key}); err != nil {
		return "", fmt.Errorf("signer: check: delete %s: %w", key, err)
	}
	c.log.InfoContext(ctx, "check: published", "key", pub, "bytes", len(out))
	return Published, nil
}

// HandleS3Event is the Lambda face of the check: every ObjectCreated record of this bucket
// under HoldingPrefix. Storage errors fail the invocation, so Lambda retries the event.
func (c *Checker) HandleS3Event(ctx context.Context, e events.S3Event) error {
	var errs []error
	for _, r := range e.Records {
		if r.EventSource != "aws:s3" || !strings.HasPrefix(r.EventName, "ObjectCreated:") && !strings.HasPrefix(r.EventName, "s3:ObjectCreated:") {
			continue
		}
		if r.S3.Bucket.Name != c.bucket {
			c.log.WarnContext(ctx, "check: event for another bucket, ignored", "bucket", r.S3.Bucket.Name)
			continue
		}
		// S3 event keys are URL-encoded, spaces as '+'.
		key, err := url.QueryUnescape(r.S3.Object.Key)
		if err != nil {
			c.log.WarnContext(ctx, "check: undecodable key, ignored", "key", r.S3.Object.Key)
			continue
		}
		if key != "" && !strings.HasPrefix(key, HoldingPrefix) {
			continue // the check's own writes, where the notification is not filtered by prefix
		}
		if key == "" {
			// Versity Gateway names no key for a POST upload; check the whole holding prefix.
			if err := c.Sweep(ctx); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if _, err := c.Check(ctx, key); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Sweep checks every object under HoldingPrefix.
func (c *Checker) Sweep(ctx context.Context) error {
	p := s3.NewListObjectsV2Paginator(c.client, &s3.ListObjectsV2Input{Bucket: &c.bucket, Prefix: aws.String(HoldingPrefix)})
	var errs []error
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("signer: sweep: %w", err)
		}
		for _, o := range page.Contents {
			if _, err := c.Check(ctx, aws.ToString(o.Key)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Status says where an upload is: "pending" (still in holding), "public", or "refused"
// (neither: the check deleted it). Only keys the signer hands out are answered.
func (c *Checker) Status(ctx context.Context, key string) (Outcome, error) {
	if !holdingKey.MatchString(key) {
		return "", errorf(CodeBadRequest, "key is not an upload key")
	}
	exists := func(k string) (bool, error) {
		_, err := c.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &c.bucket, Key: &k})
		if err == nil {
			return true, nil
		}
		if notFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("signer: status: head %s: %w", k, err)
	}
	// Public first: the check publishes before it deletes the holding object.
	if ok, err := exists(PublicKey(key)); err != nil || ok {
		return Published, err
	}
	if ok, err := exists(key); err != nil || ok {
		return Pending, err
	}
	// Between the two HEADs the check may have published it.
	if ok, err := exists(PublicKey(key)); err != nil || ok {
		return Published, err
	}
	return Refused, nil
}

// Pending is Status's answer for an upload not checked yet.
const Pending Outcome = "pending"

// notFound is a missing key. S3 answers 403 instead of 404 to a role without s3:ListBucket,
// so the template grants it; a 403 stays an error here rather than pass for "refused".
func notFound(err error) bool {
	var nsk *types.NoSuchKey
	var nf *types.NotFound
	var api smithy.APIError
	return errors.As(err, &nsk) || errors.As(err, &nf) ||
		errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey")
}

// HandleLambda is the function's one entry point: the bucket's S3 events run the check,
// anything else is an API Gateway request. One binary serves both because the check
// needs the signer's upload rules (types, size limit, key layout) and imgio's limits,
// which then live in one build; the template still gives each use its own function and
// role, so the API's credentials cannot publish and the check's cannot sign.
func (h *Handler) HandleLambda(ctx context.Context, raw json.RawMessage) (any, error) {
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
	}
	if json.Unmarshal(raw, &probe) == nil && len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:s3" {
		var e events.S3Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("signer: s3 event: %w", err)
		}
		return nil, h.s.check.HandleS3Event(ctx, e)
	}
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("signer: api gateway event: %w", err)
	}
	return h.HandleAPIGateway(ctx, e)
}
