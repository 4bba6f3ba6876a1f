// Package deploy puts memeforge into an AWS account and takes it out again: `make deploy` and
// `make destroy` (the command is scripts/deploy). A deploy uploads the signer's zip under its content
// hash, creates or updates the CloudFormation stack of scripts/template.yaml, writes the site's runtime
// config and syncs the built site to the bucket, uploading and invalidating only what changed.
//
// Every AWS call goes through four small interfaces, one per service (Identity, Storage, Stacks, CDN),
// gathered in a Cloud. NewAWS implements them on aws-sdk-go-v2; Recorder implements them by
// recording each call as a Call value and printing it, which is the dry run (DRY_RUN=1) and what the
// tests assert. The S3 side is also tested against Versity Gateway, a real S3 server.
package deploy
