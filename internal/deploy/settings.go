package deploy

import (
	"fmt"
	"regexp"
)

// Settings are a deploy's or a destroy's choices; scripts/deploy reads them from the environment.
type Settings struct {
	// Stack names the CloudFormation stack (STACK_NAME, default memeforge).
	Stack string
	// Region is the AWS region; a dry run without one shows REGION.
	Region string
	// Template is the path of scripts/template.yaml.
	Template string
	// Dist is the build's output: Dist/site and Dist/signer.zip.
	Dist string
	// OriginalsExpireDays and MaxUploadBytes are passed to the stack; MaxUploadBytes also to the site.
	OriginalsExpireDays, MaxUploadBytes int
	// ArtifactsBucket holds the signer's zip; empty is memeforge-artifacts-ACCOUNT-REGION.
	ArtifactsBucket string
	// DeleteBucket makes a destroy also empty and delete the bucket with the memes.
	DeleteBucket bool
	// MaxInvalidationPaths: see SyncOptions; 0 is DefaultMaxInvalidationPaths.
	MaxInvalidationPaths int
	// RateLimitPerIP is the optional WAF rule's limit (RATE_LIMIT_PER_IP): requests to /api/* per IP
	// in 5 minutes; 0 is no WAF. Only in us-east-1, where WAF for CloudFront lives.
	RateLimitPerIP int
	// DryRun: the Cloud is a Recorder; nothing is written, not even into Dist.
	DryRun bool
}

// Defaults, and the limits the template's parameters enforce.
const (
	DefaultStack               = "memeforge"
	DefaultOriginalsExpireDays = 7
	DefaultMaxUploadBytes      = 15 << 20
	MaxMaxUploadBytes          = 100 << 20
	// WAF's rate-based rules take 10..2,000,000,000 requests per evaluation window.
	MinRateLimit, MaxRateLimit = 10, 2000000000
	// WAFRegion is the only region with WAF's CLOUDFRONT scope.
	WAFRegion = "us-east-1"
)

// stackName: resource names derive from it (CloudFront allows 64 characters with the region added).
var stackName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,31}$`)

// Validate checks the settings a deploy passes on; the messages name the environment variables.
func (s Settings) Validate() error {
	if !stackName.MatchString(s.Stack) {
		return fmt.Errorf("STACK_NAME must be a letter then up to 31 letters, digits or hyphens, got '%s'", s.Stack)
	}
	if s.OriginalsExpireDays < 1 || s.OriginalsExpireDays > 99999 {
		return fmt.Errorf("ORIGINALS_EXPIRE_DAYS must be a whole number of days >= 1, got '%d'", s.OriginalsExpireDays)
	}
	if s.MaxUploadBytes < 1 || s.MaxUploadBytes > MaxMaxUploadBytes {
		return fmt.Errorf("MAX_UPLOAD_BYTES must be 1..%d, got '%d'", MaxMaxUploadBytes, s.MaxUploadBytes)
	}
	if s.RateLimitPerIP != 0 && (s.RateLimitPerIP < MinRateLimit || s.RateLimitPerIP > MaxRateLimit) {
		return fmt.Errorf("RATE_LIMIT_PER_IP must be 0 (off) or %d..%d requests per 5 minutes, got '%d'", MinRateLimit, MaxRateLimit, s.RateLimitPerIP)
	}
	if s.RateLimitPerIP != 0 && s.Region != "" && s.Region != WAFRegion {
		return fmt.Errorf("RATE_LIMIT_PER_IP needs the stack in %s: AWS WAF for CloudFront exists only there, and this stack is in %s (deploy a stack in %s, or leave RATE_LIMIT_PER_IP unset)", WAFRegion, s.Region, WAFRegion)
	}
	return nil
}

// artifacts is the bucket for the signer's zips: shared by this account's stacks in a region.
func (s Settings) artifacts(account string) string {
	if s.ArtifactsBucket != "" {
		return s.ArtifactsBucket
	}
	return "memeforge-artifacts-" + account + "-" + s.Region
}
