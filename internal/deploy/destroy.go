package deploy

import (
	"context"
	"errors"
	"fmt"
)

// Destroy deletes the stack and this stack's signer zips, and says what it kept: the bucket with the
// published memes stays (the template retains it) unless s.DeleteBucket, which empties and deletes it
// too. No stack is not an error: running it again is harmless.
func Destroy(ctx context.Context, s Settings, c Cloud, log *Log) error {
	if !stackName.MatchString(s.Stack) {
		return s.Validate()
	}
	account, err := account(ctx, c.Identity)
	if err != nil {
		return err
	}
	artifacts := s.artifacts(account)

	// The bucket's name comes from the stack; no stack means nothing of ours is left but artifacts.
	stack := true
	outputs, err := c.Stacks.Outputs(ctx, s.Stack)
	switch {
	case errors.Is(err, ErrNoStack):
		log.Say("no stack %s in %s: nothing to delete", s.Stack, s.Region)
		stack = false
	case err != nil:
		return fmt.Errorf("reading stack %s: %w", s.Stack, err)
	}
	bucket := outputs["BucketName"]
	deleteBucket := s.DeleteBucket && bucket != ""

	if stack {
		if deleteBucket {
			// The stack retains the bucket; empty it first so it can be deleted once the stack is gone.
			if !s.DryRun {
				log.Say("emptying s3://%s (DELETE_BUCKET=1)", bucket)
			}
			if _, err := c.Storage.DeleteObjects(ctx, Prefix{Bucket: bucket}); err != nil {
				return fmt.Errorf("emptying s3://%s: %w", bucket, err)
			}
		}
		if !s.DryRun {
			log.Say("deleting stack %s (CloudFront takes several minutes to go)", s.Stack)
		}
		if err := c.Stacks.Delete(ctx, s.Stack); err != nil {
			return fmt.Errorf("deleting stack %s: %w", s.Stack, err)
		}
		if deleteBucket {
			if err := c.Storage.DeleteBucket(ctx, bucket); err != nil {
				return fmt.Errorf("deleting bucket %s: %w", bucket, err)
			}
		}
	}

	// This stack's signer zips; the artifacts bucket itself is shared by this account's stacks in the region.
	state, err := c.Storage.HeadBucket(ctx, artifacts)
	if err != nil {
		return fmt.Errorf("checking bucket %s: %w", artifacts, err)
	}
	if state == BucketExists || s.DryRun {
		log.Note("only if the artifacts bucket exists:")
		if _, err := c.Storage.DeleteObjects(ctx, Prefix{Bucket: artifacts, Prefix: s.Stack + "/"}); err != nil {
			return fmt.Errorf("deleting s3://%s/%s/: %w", artifacts, s.Stack, err)
		}
	}
	if !stack {
		return nil
	}

	if s.DeleteBucket {
		if bucket == "" {
			bucket = "(none)"
		}
		log.Say("deleted stack %s, bucket %s and its memes; kept the artifacts bucket %s (shared, holds no data of this stack now)", s.Stack, bucket, artifacts)
		return nil
	}
	memes, err := c.Storage.ListObjects(ctx, Prefix{Bucket: bucket, Prefix: "memes/"})
	if err != nil {
		return fmt.Errorf("counting the memes in s3://%s: %w", bucket, err)
	}
	count := fmt.Sprint(len(memes))
	if s.DryRun {
		count = "N"
	}
	log.Say("deleted stack %s. Kept: bucket %s with %s published meme(s) under memes/ (their links", s.Stack, bucket, count)
	log.Say("stopped working with the CDN; a new deploy makes a new bucket) and the artifacts bucket %s.", artifacts)
	log.Say("To delete it and every meme in it: empty and delete it in the S3 console, or with the AWS CLI: aws s3 rb s3://%s --force --region %s", bucket, s.Region)
	return nil
}
