# Shared by deploy.sh, sync-site.sh and destroy.sh (sourced, not run): the AWS CLI wrapper that either
# runs a call or, with DRY_RUN=1, prints it as a shell line; messages; argument and prerequisite checks.
# shellcheck shell=bash

# Debian's awscli (v2). A pip-installed v1 `aws` may shadow it on PATH, so the path is explicit;
# tests point AWS at the same binary and add ENDPOINT_URL for a local S3 server.
AWS=${AWS:-/usr/bin/aws}
export AWS_PAGER=""

# Dry-run lines go to fd 3, the script's real stdout, so they appear in order even when printed from
# inside a command substitution.
exec 3>&1

dry() { [ "${DRY_RUN:-}" = 1 ]; }

die() {
  echo "$PROG: $*" >&2
  exit 1
}

say() { echo "$PROG: $*"; }

# note prints a comment line in a dry run (the plan's narration) and nothing otherwise.
note() { if dry; then echo "# $*" >&3; fi; }

# parse_dry_run_flag takes a script's arguments: --dry-run sets DRY_RUN=1, anything else calls the
# script's own usage (exit 2). deploy.sh and destroy.sh accept nothing else.
parse_dry_run_flag() {
  local arg
  for arg in "$@"; do
    case $arg in
      --dry-run) DRY_RUN=1 ;;
      *) usage ;;
    esac
  done
}

# stack_name_default_and_check sets STACK_NAME (default memeforge) and rejects a bad one with usage.
# Resource names derive from the stack name (CloudFront allows 64 characters with the region added).
stack_name_default_and_check() {
  STACK_NAME=${STACK_NAME:-memeforge}
  [[ $STACK_NAME =~ ^[A-Za-z][A-Za-z0-9-]{0,31}$ ]] ||
    { echo "$PROG: STACK_NAME must be a letter then up to 31 letters, digits or hyphens, got '$STACK_NAME'" >&2; usage; }
}

# shell_quote prints its arguments as a copy-pasteable shell line.
shell_quote() {
  local out="" a
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=,@%+^-]+$ ]]; then
      out+=" $a"
    else
      out+=" '${a//\'/\'\\\'\'}'"
    fi
  done
  printf '%s\n' "${out# }"
}

# aws_globals sets the options every call gets: the region, and the endpoint when testing against a local server.
aws_globals() {
  AWS_GLOBALS=()
  if [ -n "${REGION:-}" ]; then AWS_GLOBALS+=(--region "$REGION"); fi
  if [ -n "${ENDPOINT_URL:-}" ]; then AWS_GLOBALS+=(--endpoint-url "$ENDPOINT_URL"); fi
}

# awsc runs one AWS CLI call, or prints it in a dry run (and prints nothing on stdout).
awsc() {
  aws_globals
  if dry; then
    shell_quote aws "$@" "${AWS_GLOBALS[@]}" >&3
    return 0
  fi
  "$AWS" "$@" "${AWS_GLOBALS[@]}"
}

# check_aws_cli fails unless $AWS is an AWS CLI v2.
check_aws_cli() {
  if [ ! -x "$AWS" ]; then
    echo "$PROG: AWS CLI not found at $AWS: install AWS CLI v2 (Debian: apt-get install awscli) or set AWS=/path/to/aws" >&2
    return 1
  fi
  local v
  v=$("$AWS" --version 2>&1) || { echo "$PROG: $AWS --version failed: $v" >&2; return 1; }
  if [[ $v != aws-cli/2.* ]]; then
    echo "$PROG: $AWS is not AWS CLI v2 ($v): install v2 (Debian: apt-get install awscli) or set AWS=/path/to/aws" >&2
    return 1
  fi
}

# resolve_region sets REGION from AWS_REGION, AWS_DEFAULT_REGION or the CLI's configuration.
resolve_region() {
  REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
  if [ -z "$REGION" ] && [ -x "$AWS" ]; then
    REGION=$("$AWS" configure get region 2>/dev/null || true)
  fi
  if [ -z "$REGION" ]; then
    if dry; then
      REGION=REGION
      note "no region configured: showing REGION (set AWS_REGION or run: aws configure)"
    else
      die "no AWS region: set AWS_REGION (for example AWS_REGION=eu-west-1) or run: $AWS configure"
    fi
  fi
}

# caller_account prints the account id of the current credentials (ACCOUNT_ID in a dry run).
caller_account() {
  if dry; then
    awsc sts get-caller-identity --query Account --output text
    echo ACCOUNT_ID
    return 0
  fi
  local out
  if ! out=$(awsc sts get-caller-identity --query Account --output text 2>&1); then
    echo "$PROG: no usable AWS credentials ($AWS sts get-caller-identity said: ${out//$'\n'/ })" >&2
    echo "$PROG: configure them with '$AWS configure', AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" >&2
    return 1
  fi
  printf '%s\n' "$out"
}

# stack_outputs prints "Key<TAB>Value" lines of the stack's outputs (placeholders in a dry run).
stack_outputs() {
  local stack=$1
  if dry; then
    awsc cloudformation describe-stacks --stack-name "$stack" \
      --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text
    printf '%s\t%s\n' SiteURL https://DISTRIBUTION_DOMAIN ApiURL https://API_ID.execute-api.$REGION.amazonaws.com \
      BucketName SITE_BUCKET UploadEndpoint "https://SITE_BUCKET.s3.$REGION.amazonaws.com" DistributionId DISTRIBUTION_ID
    return 0
  fi
  awsc cloudformation describe-stacks --stack-name "$stack" \
    --query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output text
}

# output_value KEY picks one value from stack_outputs' lines on stdin.
output_value() { awk -F'\t' -v k="$1" '$1 == k { print $2; found = 1 } END { exit !found }'; }
