#!/usr/bin/env bash
# Removes the memeforge stack made by deploy.sh (`make destroy`) and says what it kept: the bucket
# with the published memes stays (the template retains it) unless DELETE_BUCKET=1, in which case it is
# emptied and deleted too. The signer zips this stack uploaded are removed. Safe to run again.
# DRY_RUN=1 prints every AWS call in order instead, and needs no credentials.
set -euo pipefail
PROG=destroy
usage() {
  cat >&2 <<EOF
usage: $0 [--dry-run]
  env: STACK_NAME (default memeforge), AWS_REGION, DELETE_BUCKET=1 (also delete the bucket and every
       meme in it), DRY_RUN=1, ARTIFACTS_BUCKET (default memeforge-artifacts-ACCOUNT-REGION),
       AWS (default /usr/bin/aws)
EOF
  exit 2
}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deploy-lib.sh
. "$root/scripts/deploy-lib.sh"
parse_dry_run_flag "$@"

stack_name_default_and_check
case ${DELETE_BUCKET:-} in "" | 0 | 1) ;; *)
  echo "$PROG: DELETE_BUCKET must be 1 (delete) or unset, got '$DELETE_BUCKET'" >&2
  usage
  ;;
esac

if dry; then note "memeforge destroy, dry run: the AWS calls a destroy makes, in order; none is made"; fi
if ! check_aws_cli; then
  if dry; then note "the AWS CLI is missing: a real destroy would stop here"; else exit 1; fi
fi
resolve_region
account=$(caller_account) || exit 1
artifacts=${ARTIFACTS_BUCKET:-memeforge-artifacts-$account-$REGION}

# The bucket's name comes from the stack; no stack means nothing of ours is left but artifacts.
bucket=""
if dry; then
  outputs=$(stack_outputs "$STACK_NAME")
  bucket=$(output_value BucketName <<<"$outputs")
elif outputs=$(stack_outputs "$STACK_NAME" 2>&1); then
  bucket=$(output_value BucketName <<<"$outputs") || bucket=""
else
  case $outputs in
    *"does not exist"*) say "no stack $STACK_NAME in $REGION: nothing to delete" ;;
    *) die "reading stack $STACK_NAME: $outputs" ;;
  esac
  outputs=""
fi

if [ -n "$outputs" ]; then
  if [ "${DELETE_BUCKET:-}" = 1 ] && [ -n "$bucket" ]; then
    # The stack retains the bucket; empty it first so it can be deleted once the stack is gone.
    if ! dry; then say "emptying s3://$bucket (DELETE_BUCKET=1)"; fi
    awsc s3 rm "s3://$bucket" --recursive --only-show-errors
  fi
  if ! dry; then say "deleting stack $STACK_NAME (CloudFront takes several minutes to go)"; fi
  awsc cloudformation delete-stack --stack-name "$STACK_NAME"
  awsc cloudformation wait stack-delete-complete --stack-name "$STACK_NAME"
  if [ "${DELETE_BUCKET:-}" = 1 ] && [ -n "$bucket" ]; then
    awsc s3api delete-bucket --bucket "$bucket"
  fi
fi

# This stack's signer zips; the artifacts bucket itself is shared by stacks of this account and region.
if dry; then
  awsc s3 rm "s3://$artifacts/$STACK_NAME/" --recursive --only-show-errors
elif awsc s3api head-bucket --bucket "$artifacts" >/dev/null 2>&1; then
  awsc s3 rm "s3://$artifacts/$STACK_NAME/" --recursive --only-show-errors
fi

if [ -z "$outputs" ]; then
  exit 0
fi
if [ "${DELETE_BUCKET:-}" = 1 ]; then
  say "deleted stack $STACK_NAME, bucket ${bucket:-(none)} and its memes; kept the artifacts bucket $artifacts (shared, holds no data of this stack now)"
else
  memes=N
  if dry; then
    awsc s3api list-objects-v2 --bucket "$bucket" --prefix memes/ --query 'length(Contents || `[]`)' --output text
  else
    memes=$(awsc s3api list-objects-v2 --bucket "$bucket" --prefix memes/ --query 'length(Contents || `[]`)' --output text)
  fi
  say "deleted stack $STACK_NAME. Kept: bucket $bucket with $memes published meme(s) under memes/ (their links"
  say "stopped working with the CDN; a new deploy makes a new bucket) and the artifacts bucket $artifacts."
  say "To delete it and every meme in it: $AWS s3 rb s3://$bucket --force --region $REGION"
fi
