package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// SitePrefix is where the site lives in the bucket; memes/ and originals/ are beside it.
const SitePrefix = "site/"

// SiteConfig is the site's runtime config, dist/site/config.json: what site/app.js reads.
type SiteConfig struct {
	SignPath       string `json:"signPath"`
	MaxUploadBytes int    `json:"maxUploadBytes"`
}

// Deploy brings the stack up to date: the signer's zip under its content hash in the artifacts bucket
// (unchanged code, no upload and no Lambda update), the stack, the runtime config, then the site.
// It returns the site's URL. With nothing changed it changes nothing.
func Deploy(ctx context.Context, s Settings, c Cloud, log *Log) (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	log.Note("stack %s in %s", s.Stack, s.Region)
	account, err := account(ctx, c.Identity)
	if err != nil {
		return "", err
	}

	siteDir, zip := filepath.Join(s.Dist, "site"), filepath.Join(s.Dist, "signer.zip")
	built := true
	for _, f := range []string{filepath.Join(siteDir, "index.html"), zip} {
		if _, err := os.Stat(f); err != nil {
			if !s.DryRun {
				return "", fmt.Errorf("%s missing: run make build (or make deploy without SKIP_BUILD=1)", f)
			}
			built = false
		}
	}
	if s.DryRun {
		log.Note("build: make build (skipped; using %s as it is)", s.Dist)
	}

	// The signer's code, under a key named by its content.
	hash := "CONTENT_HASH"
	code, err := os.ReadFile(zip)
	switch {
	case err == nil:
		sum := sha256.Sum256(code)
		hash = hex.EncodeToString(sum[:])[:16]
	case s.DryRun:
		log.Note("%s not built: its key is named by the zip's sha256", zip)
	default:
		return "", fmt.Errorf("reading %s: %w", zip, err)
	}
	artifacts, codeKey := s.artifacts(account), s.Stack+"/signer-"+hash+".zip"
	state, err := c.Storage.HeadBucket(ctx, artifacts)
	if err != nil {
		return "", fmt.Errorf("checking bucket %s: %w", artifacts, err)
	}
	switch state {
	case BucketForbidden:
		return "", fmt.Errorf("bucket %s belongs to another account: set ARTIFACTS_BUCKET to a name of your own", artifacts)
	case BucketMissing:
		log.Note("only if the artifacts bucket does not exist yet:")
		if !s.DryRun {
			log.Say("creating artifacts bucket %s", artifacts)
		}
		if err := c.Storage.CreateBucket(ctx, CreateBucket{Bucket: artifacts, Region: s.Region}); err != nil {
			return "", fmt.Errorf("creating bucket %s: %w", artifacts, err)
		}
	}
	have, err := c.Storage.HeadObject(ctx, ObjectRef{artifacts, codeKey})
	if err != nil {
		return "", fmt.Errorf("checking s3://%s/%s: %w", artifacts, codeKey, err)
	}
	if !have {
		log.Note("only if this code is not uploaded yet:")
		if !s.DryRun {
			log.Say("uploading the signer (s3://%s/%s)", artifacts, codeKey)
		}
		sum := md5Hex(code)
		if err := c.Storage.PutObject(ctx, Object{Bucket: artifacts, Key: codeKey, File: zip, Body: code, MD5: sum, ContentType: "application/zip"}); err != nil {
			return "", fmt.Errorf("uploading %s: %w", zip, err)
		}
	}

	// The stack.
	if !s.DryRun {
		log.Say("deploying stack %s (the first deploy waits for CloudFront: 5-15 minutes)", s.Stack)
	}
	changed, err := c.Stacks.Deploy(ctx, StackDeploy{
		Stack:        s.Stack,
		TemplateFile: s.Template,
		Parameters: []Parameter{
			{"SignerCodeBucket", artifacts},
			{"SignerCodeKey", codeKey},
			{"OriginalsExpireDays", strconv.Itoa(s.OriginalsExpireDays)},
			{"MaxUploadBytes", strconv.Itoa(s.MaxUploadBytes)},
			{"RateLimitPerIP", strconv.Itoa(s.RateLimitPerIP)},
		},
		Capabilities: []string{"CAPABILITY_IAM"},
		Tags:         []Parameter{{"app", "memeforge"}},
	})
	if err != nil {
		return "", fmt.Errorf("deploying stack %s: %w", s.Stack, err)
	}
	if !changed {
		log.Say("stack %s is up to date", s.Stack)
	}
	outputs, err := c.Stacks.Outputs(ctx, s.Stack)
	if err != nil {
		return "", fmt.Errorf("reading stack %s: %w", s.Stack, err)
	}
	var siteURL, bucket, distribution string
	for _, o := range []struct {
		name string
		to   *string
	}{{"SiteURL", &siteURL}, {"BucketName", &bucket}, {"DistributionId", &distribution}} {
		if *o.to = outputs[o.name]; *o.to == "" {
			return "", fmt.Errorf("stack %s has no %s output", s.Stack, o.name)
		}
	}

	// The runtime config: the site calls the signer on its own origin.
	config, err := json.Marshal(SiteConfig{SignPath: "/api/sign", MaxUploadBytes: s.MaxUploadBytes})
	if err != nil {
		return "", err
	}
	config = append(config, '\n')
	configFile := filepath.Join(siteDir, "config.json")
	if s.DryRun {
		log.Note("write %s: %s", configFile, config[:len(config)-1])
	} else if err := os.WriteFile(configFile, config, 0o644); err != nil {
		return "", fmt.Errorf("writing %s: %w", configFile, err)
	}

	// The site. A dry run syncs the site as it would be with the config written, without writing it.
	if !built {
		log.Note("%s not built: the sync would list s3://%s/%s, put each new or changed file", siteDir, bucket, SitePrefix)
		log.Note("with its headers, invalidate the changed paths and record %s", DefaultManifestKey)
	} else {
		objs, err := PlanSite(siteDir, bucket, SitePrefix, map[string][]byte{"config.json": config})
		if err != nil {
			return "", err
		}
		_, err = Sync(ctx, c.Storage, c.CDN, SyncOptions{
			Bucket: bucket, Prefix: SitePrefix, Distribution: distribution, MaxInvalidationPaths: s.MaxInvalidationPaths,
		}, objs, log)
		if err != nil {
			return "", err
		}
	}
	return siteURL, nil
}

// account asks STS whose credentials these are; no answer means no usable credentials.
func account(ctx context.Context, id Identity) (string, error) {
	a, err := id.Account(ctx)
	if err != nil {
		return "", &CredentialsError{Err: err}
	}
	return a, nil
}

// CredentialsError is a deploy without usable AWS credentials: STS's answer and what to do.
type CredentialsError struct{ Err error }

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("no usable AWS credentials (sts GetCallerIdentity said: %v); configure them with "+
		"AWS_PROFILE (a profile in ~/.aws/config or ~/.aws/credentials), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", e.Err)
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// IsCredentials reports whether err is a CredentialsError.
func IsCredentials(err error) bool {
	var ce *CredentialsError
	return errors.As(err, &ce)
}
