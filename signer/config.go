package signer

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Environment variables read by ConfigFromEnv (names fixed by the team contract).
const (
	EnvBucket         = "MEMEFORGE_BUCKET"
	EnvRegion         = "AWS_REGION"
	EnvAllowedOrigins = "MEMEFORGE_ALLOWED_ORIGINS"
	EnvMaxUploadBytes = "MEMEFORGE_MAX_UPLOAD_BYTES"
	EnvPublicBaseURL  = "MEMEFORGE_PUBLIC_BASE_URL"
	EnvS3Endpoint     = "MEMEFORGE_S3_ENDPOINT"
	// EnvDeleteKeySecret names the Secrets Manager secret holding the delete key (read once at start).
	EnvDeleteKeySecret = "MEMEFORGE_DELETE_KEY_SECRET"
	// EnvDeleteKey is the delete key itself, hex (local and test use only: the stack uses the secret).
	EnvDeleteKey = "MEMEFORGE_DELETE_KEY"
	// EnvDistributionID is the CloudFront distribution a delete invalidates; unset, deletes only log.
	EnvDistributionID = "MEMEFORGE_DISTRIBUTION_ID"
)

// DefaultMaxUploadBytes is the upload limit when MEMEFORGE_MAX_UPLOAD_BYTES is unset: 15 MiB.
const DefaultMaxUploadBytes = 15 << 20

// maxPOSTObjectBytes is S3's own limit for a single POST upload (5 GiB).
const maxPOSTObjectBytes = 5 << 30

// Config is the signer's configuration. In the Lambda it comes from the environment, read once
// in main by ConfigFromEnv; the local stack fills it in directly.
type Config struct {
	Bucket         string   // MEMEFORGE_BUCKET
	Region         string   // AWS_REGION
	AllowedOrigins []string // MEMEFORGE_ALLOWED_ORIGINS, comma-separated
	MaxUploadBytes int64    // MEMEFORGE_MAX_UPLOAD_BYTES, default DefaultMaxUploadBytes
	PublicBaseURL  string   // MEMEFORGE_PUBLIC_BASE_URL; a meme is at PublicBaseURL + "/" + key
	S3Endpoint     string   // MEMEFORGE_S3_ENDPOINT, optional: a local S3 server, path-style
	// DeleteKey keys the delete tokens' hashes (MEMEFORGE_DELETE_KEY, hex, or the secret named by
	// MEMEFORGE_DELETE_KEY_SECRET, which NewFromDefaultChain reads). Empty: no tokens, no deletes.
	DeleteKey       []byte
	DeleteKeySecret string // MEMEFORGE_DELETE_KEY_SECRET
	DistributionID  string // MEMEFORGE_DISTRIBUTION_ID
}

// ConfigFromEnv reads and validates the configuration; getenv is os.Getenv in main.
// Every error names the variable at fault.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Bucket:          strings.TrimSpace(getenv(EnvBucket)),
		Region:          strings.TrimSpace(getenv(EnvRegion)),
		PublicBaseURL:   strings.TrimSpace(getenv(EnvPublicBaseURL)),
		S3Endpoint:      strings.TrimSpace(getenv(EnvS3Endpoint)),
		MaxUploadBytes:  DefaultMaxUploadBytes,
		DeleteKeySecret: strings.TrimSpace(getenv(EnvDeleteKeySecret)),
		DistributionID:  strings.TrimSpace(getenv(EnvDistributionID)),
	}
	var errs []error
	if raw := strings.TrimSpace(getenv(EnvDeleteKey)); raw != "" {
		k, err := hex.DecodeString(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: is not hex", EnvDeleteKey))
		}
		c.DeleteKey = k
	}
	if raw := strings.TrimSpace(getenv(EnvAllowedOrigins)); raw != "" {
		for o := range strings.SplitSeq(raw, ",") {
			c.AllowedOrigins = append(c.AllowedOrigins, strings.TrimSpace(o))
		}
	}
	if raw := strings.TrimSpace(getenv(EnvMaxUploadBytes)); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %q is not a whole number of bytes", EnvMaxUploadBytes, raw))
			n = DefaultMaxUploadBytes // keep validating the rest
		}
		c.MaxUploadBytes = n
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("signer: config: %w", err)
	}
	c.PublicBaseURL = strings.TrimRight(c.PublicBaseURL, "/")
	return c, nil
}

var (
	bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

// Validate reports every bad field, each named by its environment variable.
func (c Config) Validate() error {
	var errs []error
	bad := func(env, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", env, fmt.Sprintf(format, args...)))
	}
	switch {
	case c.Bucket == "":
		bad(EnvBucket, "is required")
	case !bucketName.MatchString(c.Bucket) || strings.Contains(c.Bucket, ".."):
		bad(EnvBucket, "%q is not a valid S3 bucket name", c.Bucket)
	}
	switch {
	case c.Region == "":
		bad(EnvRegion, "is required")
	case !regionName.MatchString(c.Region):
		bad(EnvRegion, "%q is not a region name like us-east-1", c.Region)
	}
	if len(c.AllowedOrigins) == 0 {
		bad(EnvAllowedOrigins, "is required (comma-separated origins such as https://memes.example.com)")
	}
	for _, o := range c.AllowedOrigins {
		if err := checkOrigin(o); err != nil {
			bad(EnvAllowedOrigins, "%v", err)
		}
	}
	if c.MaxUploadBytes < 1 || c.MaxUploadBytes > maxPOSTObjectBytes {
		bad(EnvMaxUploadBytes, "%d is out of range 1..%d", c.MaxUploadBytes, int64(maxPOSTObjectBytes))
	}
	if c.PublicBaseURL == "" {
		bad(EnvPublicBaseURL, "is required")
	} else if err := checkBaseURL(c.PublicBaseURL); err != nil {
		bad(EnvPublicBaseURL, "%v", err)
	}
	if c.S3Endpoint != "" {
		if err := checkBaseURL(c.S3Endpoint); err != nil {
			bad(EnvS3Endpoint, "%v", err)
		}
	}
	if len(c.DeleteKey) > 0 && len(c.DeleteKey) < DeleteKeyBytes {
		bad(EnvDeleteKey, "is %d bytes; at least %d", len(c.DeleteKey), DeleteKeyBytes)
	}
	return errors.Join(errs...)
}

// checkOrigin accepts exactly what browsers send in Origin: scheme://host[:port].
func checkOrigin(o string) error {
	if o == "*" {
		return errors.New(`"*" is not allowed; list the site's origins`)
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin like https://memes.example.com (scheme and host, no path or trailing slash)", o)
	}
	return nil
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an absolute http(s) URL without query", s)
	}
	return nil
}
