package signer

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Object metadata (S3 hands it back lower-case, without the x-amz-meta- prefix). The delete
// hash and the alt text are pinned by the upload's POST policy; the check adds the size.
const (
	MetaDeleteHash = "memeforge-delete"
	MetaAlt        = "memeforge-alt"
	MetaWidth      = "memeforge-width"
	MetaHeight     = "memeforge-height"
)

// SharePrefix is the share page's path: SharePrefix + MemeID(key).
const SharePrefix = "/m/"

// MemesAPIPrefix is the delete route: DELETE MemesAPIPrefix + <id>.
const MemesAPIPrefix = "/api/memes/"

// MaxAltRunes caps the alt text a meme may carry (its captions); S3 allows 2 KB of metadata.
const MaxAltRunes = 200

// DeleteKeyBytes is the least length of the delete key (HMAC-SHA256's block is 64, its output 32).
const DeleteKeyBytes = 32

var (
	// memeID is the share id: the public key's date, random part and extension, nothing else.
	memeID       = regexp.MustCompile(`^([0-9]{8})-([0-9a-f]{32})-(jpg|png|gif|webp)$`)
	publicMeme   = regexp.MustCompile(`^memes/([0-9]{4})/([0-9]{2})/([0-9]{2})/([0-9a-f]{32})\.(jpg|png|gif|webp)$`)
	publicOrig   = regexp.MustCompile(`^originals/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-f]{32}\.(jpg|png|gif|webp)$`)
	deleteToken  = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`) // 32 bytes, base64url without padding
	errNoSuchOne = errorf(CodeNotFound, "no such meme")
)

// MemeID is the share id of a published meme's key (memes/2026/11/30/<hex>.png ->
// 20261130-<hex>-png); ok is false for any other key.
func MemeID(publicKey string) (string, bool) {
	m := publicMeme.FindStringSubmatch(publicKey)
	if m == nil {
		return "", false
	}
	return m[1] + m[2] + m[3] + "-" + m[4] + "-" + m[5], true
}

// MemeKey is MemeID backwards; ok is false unless id has exactly the form MemeID writes.
func MemeKey(id string) (string, bool) {
	m := memeID.FindStringSubmatch(id)
	if m == nil {
		return "", false
	}
	d := m[1]
	return fmt.Sprintf("memes/%s/%s/%s/%s.%s", d[:4], d[4:6], d[6:], m[2], m[3]), true
}

// KeyFromURL finds the meme a link names: its share page (/m/<id>) or its image (/memes/...).
// Only the path is read, so a link from any copy of the site (or the local stack) works.
func KeyFromURL(link string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", fmt.Errorf("signer: %q is not a URL", link)
	}
	p := u.Path
	if id, ok := strings.CutPrefix(p, SharePrefix); ok {
		if key, ok := MemeKey(id); ok {
			return key, nil
		}
	}
	if key := strings.TrimPrefix(p, "/"); publicMeme.MatchString(key) {
		return key, nil
	}
	return "", fmt.Errorf("signer: %q is neither a share link (/m/<id>) nor a meme's image (/memes/...)", link)
}

// checkAlt is the alt text's rule: valid UTF-8, no control characters, at most MaxAltRunes.
func checkAlt(alt string) error {
	switch {
	case !utf8.ValidString(alt):
		return errorf(CodeBadRequest, "alt is not valid UTF-8")
	case utf8.RuneCountInString(alt) > MaxAltRunes:
		return errorf(CodeBadRequest, "alt is over %d characters", MaxAltRunes)
	case strings.IndexFunc(alt, unicode.IsControl) >= 0:
		return errorf(CodeBadRequest, "alt has control characters")
	}
	return nil
}

// encodeAlt makes user text safe as an S3 metadata value (ASCII only); decodeAlt reverses it and
// re-checks the rule, so a stored value never reaches a page unchecked.
func encodeAlt(alt string) string { return base64.RawURLEncoding.EncodeToString([]byte(alt)) }

func decodeAlt(v string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || checkAlt(string(b)) != nil {
		return "", false
	}
	return string(b), true
}

// newDeleteToken is 32 random bytes, base64url: the device's authority to delete one object.
func newDeleteToken(r io.Reader) (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", fmt.Errorf("signer: delete token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// deleteHash is what the bucket keeps instead of the token: HMAC-SHA256 under the stack's key
// over the object's public key and the token, so a hash is good for its own object only.
func deleteHash(key []byte, publicKey, token string) string {
	m := hmac.New(sha256.New, key)
	io.WriteString(m, "memeforge-delete\x00"+publicKey+"\x00"+token)
	return hex.EncodeToString(m.Sum(nil))
}

// DeleteRequest is DELETE /api/memes/<id>'s body: the meme's token and, optionally, its
// original's holding key (as Sign returned it) and token.
type DeleteRequest struct {
	Token    string `json:"token"`
	Original *struct {
		Key   string `json:"key"`
		Token string `json:"token"`
	} `json:"original,omitempty"`
}

// Delete removes the meme id (and the original named in r) if r's tokens match the hashes the
// objects carry, compared in constant time. Every token is checked before anything is deleted.
func (s *Signer) Delete(ctx context.Context, id string, r DeleteRequest) error {
	key, ok := MemeKey(id)
	if !ok {
		return errNoSuchOne
	}
	if len(s.cfg.DeleteKey) == 0 {
		return errorf(CodeForbidden, "deleting is not set up on this server")
	}
	if err := s.authorize(ctx, key, r.Token); err != nil {
		return err
	}
	keys := []string{key}
	if o := r.Original; o != nil {
		if !holdingKey.MatchString(o.Key) || !publicOrig.MatchString(PublicKey(o.Key)) {
			return errorf(CodeBadRequest, "original.key is not an original's upload key")
		}
		switch err := s.authorize(ctx, PublicKey(o.Key), o.Token); {
		case errors.Is(err, errNoSuchOne): // expired already (originals do), or never published
		case err != nil:
			return err
		default:
			keys = append(keys, PublicKey(o.Key))
		}
	}
	return s.remover.Remove(ctx, keys...)
}

func (s *Signer) authorize(ctx context.Context, key, token string) error {
	forbidden := errorf(CodeForbidden, "the delete token does not match")
	head, err := s.check.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: &key})
	switch {
	case err != nil && notFound(err):
		return errNoSuchOne
	case err != nil:
		return fmt.Errorf("signer: delete: head %s: %w", key, err)
	}
	stored, err := hex.DecodeString(head.Metadata[MetaDeleteHash])
	if err != nil || len(stored) != sha256.Size || !deleteToken.MatchString(token) {
		return forbidden
	}
	want, _ := hex.DecodeString(deleteHash(s.cfg.DeleteKey, key, token))
	if !hmac.Equal(stored, want) {
		return forbidden
	}
	return nil
}

// Invalidator drops paths from the CDN's cache.
type Invalidator interface {
	Invalidate(ctx context.Context, paths []string) error
}

// LogInvalidator is the local stack's CDN: there is no cache, so it only logs.
type LogInvalidator struct{ Log *slog.Logger }

func (l LogInvalidator) Invalidate(ctx context.Context, paths []string) error {
	if l.Log != nil {
		l.Log.InfoContext(ctx, "invalidate: no CDN here, nothing to do", "paths", paths)
	}
	return nil
}

// CloudFrontInvalidator invalidates paths on one distribution.
type CloudFrontInvalidator struct {
	Client       *cloudfront.Client
	Distribution string
	Random       io.Reader // caller references; crypto/rand in New
}

func (c CloudFrontInvalidator) Invalidate(ctx context.Context, paths []string) error {
	var ref [8]byte
	if _, err := io.ReadFull(c.Random, ref[:]); err != nil {
		return fmt.Errorf("signer: invalidate: %w", err)
	}
	_, err := c.Client.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: &c.Distribution,
		InvalidationBatch: &cftypes.InvalidationBatch{
			CallerReference: aws.String("memeforge-delete-" + hex.EncodeToString(ref[:])),
			Paths:           &cftypes.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
		},
	})
	if err != nil {
		return fmt.Errorf("signer: invalidate %v: %w", paths, err)
	}
	return nil
}

// Remover takes memes down: the page's Delete (after its token is checked) and the deployer's
// takedown share it.
type Remover struct {
	client S3API
	bucket string
	cdn    Invalidator
	log    *slog.Logger
}

// NewRemover returns a Remover for bucket; cdn nil only logs.
func NewRemover(client S3API, bucket string, cdn Invalidator, log *slog.Logger) *Remover {
	if log == nil {
		log = slog.Default()
	}
	if cdn == nil {
		cdn = LogInvalidator{Log: log}
	}
	return &Remover{client: client, bucket: bucket, cdn: cdn, log: log}
}

// Remove deletes the keys (memes/... and originals/...), then drops each meme's image and share
// page from the CDN's cache. Deleting a missing key is no error (S3's DeleteObject is idempotent).
func (r *Remover) Remove(ctx context.Context, keys ...string) error {
	var paths []string
	for _, k := range keys {
		if !publicMeme.MatchString(k) && !publicOrig.MatchString(k) {
			return fmt.Errorf("signer: remove: %q is not a published key", k)
		}
	}
	for _, k := range keys {
		if _, err := r.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &r.bucket, Key: aws.String(k)}); err != nil {
			return fmt.Errorf("signer: remove %s: %w", k, err)
		}
		r.log.InfoContext(ctx, "remove: deleted", "key", k)
		if id, ok := MemeID(k); ok {
			paths = append(paths, "/"+k, SharePrefix+id)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	return r.cdn.Invalidate(ctx, paths)
}
