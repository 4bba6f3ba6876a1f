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
	// DryRun: the Cloud is a Recorder; nothing is written, not even into Dist.
	DryRun bool
}

// Defaults, and the limits the template's parameters enforce.
const (
	DefaultStack               = "memeforge"
	DefaultOriginalsExpireDays = 7
	DefaultMaxUploadBytes      = 15 << 20
	MaxMaxUploadBytes          = 100 << 20
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
	return nil
}

// artifacts is the bucket for the signer's zips: shared by this account's stacks in a region.
func (s Settings) artifacts(account string) string {
	if s.ArtifactsBucket != "" {
		return s.ArtifactsBucket
	}
	return "memeforge-artifacts-" + account + "-" + s.Region
}
