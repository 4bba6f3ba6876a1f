#!/usr/bin/env bash
# Deploys memeforge to the AWS account of the current credentials (`make deploy`): checks the
# prerequisites, builds, uploads the signer's zip under its content hash, creates or updates the
# CloudFormation stack (scripts/template.yaml), writes the site's runtime config, syncs the site and
# invalidates what changed, then prints the URL. Running it again with nothing changed changes nothing.
# DRY_RUN=1 prints every AWS call in order instead, and needs no credentials.
set -euo pipefail
PROG=deploy
usage() {
  cat >&2 <<EOF
usage: $0 [--dry-run]
  env: STACK_NAME (default memeforge), AWS_REGION (or the CLI's configured region), DRY_RUN=1,
       ORIGINALS_EXPIRE_DAYS (default 7), MAX_UPLOAD_BYTES (default 15728640),
       ARTIFACTS_BUCKET (default memeforge-artifacts-ACCOUNT-REGION), SKIP_BUILD=1 (use dist/ as it is),
       DIST (default dist), AWS (default /usr/bin/aws)
EOF
  exit 2
}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deploy-lib.sh
. "$root/scripts/deploy-lib.sh"
parse_dry_run_flag "$@"

stack_name_default_and_check
ORIGINALS_EXPIRE_DAYS=${ORIGINALS_EXPIRE_DAYS:-7}
MAX_UPLOAD_BYTES=${MAX_UPLOAD_BYTES:-15728640}
DIST=${DIST:-$root/dist}
[[ $ORIGINALS_EXPIRE_DAYS =~ ^[1-9][0-9]{0,4}$ ]] ||
  { echo "$PROG: ORIGINALS_EXPIRE_DAYS must be a whole number of days >= 1, got '$ORIGINALS_EXPIRE_DAYS'" >&2; usage; }
[[ $MAX_UPLOAD_BYTES =~ ^[1-9][0-9]{0,8}$ ]] && [ "$MAX_UPLOAD_BYTES" -le 104857600 ] ||
  { echo "$PROG: MAX_UPLOAD_BYTES must be 1..104857600, got '$MAX_UPLOAD_BYTES'" >&2; usage; }

if dry; then note "memeforge deploy, dry run: the AWS calls a deploy makes, in order; none is made"; fi

# ---- prerequisites: every missing one is named before giving up
missing=0
check_aws_cli || missing=1
command -v go >/dev/null || { echo "$PROG: go not found on PATH: install Go (the version in go.mod) to build the site and the signer" >&2; missing=1; }
command -v make >/dev/null || { echo "$PROG: make not found on PATH: install make (Debian: apt-get install make)" >&2; missing=1; }
if [ $missing = 1 ]; then
  if dry; then note "the tools above are missing: a real deploy would stop here"; else exit 1; fi
fi
resolve_region
note "stack $STACK_NAME in $REGION"
account=$(caller_account) || exit 1

# ---- build
if dry || [ "${SKIP_BUILD:-}" = 1 ]; then
  note "build: make build (skipped; using $DIST as it is)"
else
  say "building the site and the signer (make build)"
  make -C "$root" --no-print-directory build
fi
site_dir=$DIST/site
zip=$DIST/signer.zip
if ! dry; then
  [ -f "$site_dir/index.html" ] || die "$site_dir/index.html missing after the build"
  [ -f "$zip" ] || die "$zip missing after the build"
fi

# ---- the signer's code, under a key named by its content: unchanged code means no Lambda update
artifacts=${ARTIFACTS_BUCKET:-memeforge-artifacts-$account-$REGION}
if [ -f "$zip" ]; then
  hash=$(sha256sum "$zip") hash=${hash:0:16}
else
  hash=CONTENT_HASH
  note "$zip not built: its key is named by the zip's sha256"
fi
code_key=$STACK_NAME/signer-$hash.zip

if dry; then
  awsc s3api head-bucket --bucket "$artifacts"
  note "only if the artifacts bucket does not exist yet:"
fi
if dry || ! err=$(awsc s3api head-bucket --bucket "$artifacts" 2>&1); then
  if ! dry; then
    case $err in
      *"Not Found"* | *"(404)"*) ;;
      *"Forbidden"* | *"(403)"*) die "bucket $artifacts belongs to another account: set ARTIFACTS_BUCKET to a name of your own" ;;
      *) die "checking bucket $artifacts: $err" ;;
    esac
    say "creating artifacts bucket $artifacts"
  fi
  create=(s3api create-bucket --bucket "$artifacts")
  if [ "$REGION" != us-east-1 ]; then create+=(--create-bucket-configuration "LocationConstraint=$REGION"); fi
  awsc "${create[@]}" >/dev/null
  awsc s3api put-public-access-block --bucket "$artifacts" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
fi

if dry; then
  awsc s3api head-object --bucket "$artifacts" --key "$code_key"
  note "only if this code is not uploaded yet:"
fi
if dry || ! awsc s3api head-object --bucket "$artifacts" --key "$code_key" >/dev/null 2>&1; then
  if ! dry; then say "uploading the signer (s3://$artifacts/$code_key)"; fi
  awsc s3api put-object --bucket "$artifacts" --key "$code_key" --body "$zip" >/dev/null
fi

# ---- the stack
if ! dry; then say "deploying stack $STACK_NAME (the first deploy waits for CloudFront: 5-15 minutes)"; fi
awsc cloudformation deploy --stack-name "$STACK_NAME" --template-file "$root/scripts/template.yaml" \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset --tags app=memeforge \
  --parameter-overrides "SignerCodeBucket=$artifacts" "SignerCodeKey=$code_key" \
  "OriginalsExpireDays=$ORIGINALS_EXPIRE_DAYS" "MaxUploadBytes=$MAX_UPLOAD_BYTES"
outputs=$(stack_outputs "$STACK_NAME")
site_url=$(output_value SiteURL <<<"$outputs") || die "stack $STACK_NAME has no SiteURL output"
bucket=$(output_value BucketName <<<"$outputs") || die "stack $STACK_NAME has no BucketName output"
upload=$(output_value UploadEndpoint <<<"$outputs") || die "stack $STACK_NAME has no UploadEndpoint output"
distribution=$(output_value DistributionId <<<"$outputs") || die "stack $STACK_NAME has no DistributionId output"

# ---- runtime config: the site calls the signer on its own origin and links memes under it
config=$(printf '{"signPath":"/api/sign","uploadEndpoint":"%s","publicBaseUrl":"%s","maxUploadBytes":%s}\n' \
  "$upload" "$site_url" "$MAX_UPLOAD_BYTES")
if dry; then
  note "write $site_dir/config.json: $config"
  if [ -f "$site_dir/index.html" ]; then
    # Sync a view of the site with the config that would be written, without touching dist.
    overlay=$(mktemp -d)
    trap 'rm -rf "$overlay"' EXIT
    cp -as "$(cd "$site_dir" && pwd)/." "$overlay/"
    rm -f "$overlay/config.json"
    printf '%s\n' "$config" >"$overlay/config.json"
    site_dir=$overlay
  fi
else
  printf '%s\n' "$config" >"$site_dir/config.json"
fi

# ---- the site
if [ -f "$site_dir/index.html" ]; then
  DRY_RUN=${DRY_RUN:-} AWS_REGION=$REGION DISTRIBUTION_ID=$distribution SHOW_DIR=$DIST/site \
    "$root/scripts/sync-site.sh" "$site_dir" "$bucket"
else
  note "$site_dir not built: sync-site.sh would list s3://$bucket/site/, put each new or changed file"
  note "with its headers, invalidate the changed paths and record deploy/site-manifest.tsv"
fi

say "memeforge is live at $site_url"
