#!/usr/bin/env bash
# Uploads a built site (dist/site) to the bucket under site/, each object with the Content-Type,
# Cache-Control and Content-Encoding it is served with; uploads only what changed since the last run
# and invalidates only those paths in CloudFront. deploy.sh runs it; tests run it alone against a
# local S3 server (ENDPOINT_URL).
#
# Precompressed files: build-site writes X.br and X.gz next to X. For the extensions the distribution's
# viewer-request function negotiates (see template.yaml, PrecompressedFunction) all three are uploaded:
# X as identity bytes, X.br with Content-Encoding br, X.gz with gzip, each with X's Content-Type; the
# function picks one per request from Accept-Encoding. Siblings of other files are not uploaded
# (CloudFront compresses those itself). A negotiated file without its siblings is an error, never a
# broken URL.
#
# What changed is decided from the bucket listing (ETag = MD5 of a single-part, SSE-S3 upload) plus a
# manifest of the headers last uploaded (deploy/site-manifest.tsv, outside the served prefix), so a
# header change re-uploads too. File times are ignored: every build rewrites them.
set -euo pipefail
PROG=sync-site
usage() {
  cat >&2 <<EOF
usage: $0 SITE_DIR BUCKET
  env: DISTRIBUTION_ID (invalidate changed paths), PREFIX (default site/), AWS_REGION,
       ENDPOINT_URL (a local S3 server), DRY_RUN=1 (print the AWS calls), AWS (default /usr/bin/aws)
EOF
  exit 2
}
[ $# -eq 2 ] || usage
case $1 in -h | --help) usage ;; esac
SITE_DIR=$1 BUCKET=$2
# shellcheck source=scripts/deploy-lib.sh
. "$(dirname "$0")/deploy-lib.sh"

PREFIX=${PREFIX-site/}
MANIFEST_KEY=${MANIFEST_KEY:-deploy/site-manifest.tsv}
# Where the dry run says the files come from (deploy.sh syncs a staging view of dist/site there).
SHOW_DIR=${SHOW_DIR:-$SITE_DIR}
DISTRIBUTION_ID=${DISTRIBUTION_ID:-}
REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
# Beyond this many changed paths one "/*" invalidation is cheaper (each path counts; a wildcard is one).
MAX_INVALIDATION_PATHS=${MAX_INVALIDATION_PATHS:-15}

[ -d "$SITE_DIR" ] || die "site directory $SITE_DIR not found (run make site)"
[ -f "$SITE_DIR/index.html" ] || die "$SITE_DIR has no index.html (run make site)"
[[ $BUCKET =~ ^[a-zA-Z0-9._-]{3,63}$ ]] || { echo "$PROG: bad bucket name: $BUCKET" >&2; usage; }
[[ -z $PREFIX || $PREFIX =~ ^[A-Za-z0-9._-]+/$ ]] || die "PREFIX must be empty or one folder ending in /, got $PREFIX"
if ! dry; then check_aws_cli; fi

# Extensions served precompressed by the distribution's function: keep in step with template.yaml.
NEGOTIATED_RE='\.(wasm|js|mjs|css|html|svg|ttf|otf)$'

content_type() {
  case ${1,,} in
    *.html) echo "text/html; charset=utf-8" ;;
    *.js | *.mjs) echo "text/javascript; charset=utf-8" ;;
    *.css) echo "text/css; charset=utf-8" ;;
    *.json | *.map) echo "application/json" ;;
    *.webmanifest) echo "application/manifest+json" ;;
    *.wasm) echo "application/wasm" ;;
    *.svg) echo "image/svg+xml" ;;
    *.png) echo "image/png" ;;
    *.jpg | *.jpeg) echo "image/jpeg" ;;
    *.gif) echo "image/gif" ;;
    *.webp) echo "image/webp" ;;
    *.ico) echo "image/x-icon" ;;
    *.ttf) echo "font/ttf" ;;
    *.otf) echo "font/otf" ;;
    *.woff) echo "font/woff" ;;
    *.woff2) echo "font/woff2" ;;
    *.txt) echo "text/plain; charset=utf-8" ;;
    *.xml) echo "application/xml" ;;
    *.gz) echo "application/gzip" ;;
    *) echo "application/octet-stream" ;;
  esac
}

# cache_control: the entry points (the page, the service worker, the runtime config) are revalidated
# on every load so a deploy is seen at once; files whose name carries a content hash never change and
# are kept a year everywhere; other assets keep their name across versions, so browsers revalidate
# them (cheap 304s, and the service worker never precaches a stale copy) while CloudFront keeps them
# a year, because this script invalidates exactly the paths it changes.
cache_control() {
  local name=${1##*/}
  case $name in
    *.html | sw.js | config.json | *.webmanifest)
      echo "no-cache"
      return
      ;;
  esac
  if [[ $name =~ [.-][0-9a-f]{8,}\.[A-Za-z0-9]+$ ]]; then
    echo "public, max-age=31536000, immutable"
  else
    echo "public, max-age=0, must-revalidate, s-maxage=31536000"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# plan.tsv: key, md5, content type, cache control, content encoding ("-" for none: read collapses
# empty tab-separated fields), local path.
plan=$tmp/plan.tsv
: >"$plan"
add() { # key file type cache encoding
  local sum
  sum=$(md5sum <"$2") sum=${sum%% *}
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$sum" "$3" "$4" "$5" "$2" >>"$plan"
}
while IFS= read -r -d '' f; do
  rel=${f#"$SITE_DIR"/}
  [[ $rel =~ ^[A-Za-z0-9._~/-]+$ ]] || die "unsupported file name (letters, digits, . _ ~ - / only): $rel"
  case $rel in
    *.br | *.gz)
      # A sibling of another file: uploaded with it (if negotiated) or not at all.
      [ -f "$SITE_DIR/${rel%.*}" ] && continue
      ;;
  esac
  type=$(content_type "$rel") cache=$(cache_control "$rel")
  add "$PREFIX$rel" "$f" "$type" "$cache" -
  if [[ $rel =~ $NEGOTIATED_RE ]]; then
    for enc in br:br gz:gzip; do
      sib=$f.${enc%%:*}
      [ -f "$sib" ] || die "$rel has no .${enc%%:*} sibling; the CDN serves it precompressed (run make site)"
      add "$PREFIX$rel.${enc%%:*}" "$sib" "$type" "$cache" "${enc#*:}"
    done
  fi
done < <(find -L "$SITE_DIR" -type f -print0 | LC_ALL=C sort -z)
cut -f1-5 "$plan" >"$tmp/want.tsv"
total=$(wc -l <"$plan")

# What the bucket holds now: key<TAB>md5 from the listing, and the headers last uploaded.
remote=$tmp/remote.tsv manifest=$tmp/manifest.tsv
: >"$remote"
: >"$manifest"
if dry; then
  awsc s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'Contents[].[Key,ETag]' --output text
  note "(and, when the listing is not empty: aws s3api get-object --bucket $BUCKET --key $MANIFEST_KEY FILE)"
  note "assuming an empty bucket: every file is uploaded"
else
  awsc s3api list-objects-v2 --bucket "$BUCKET" --prefix "$PREFIX" --query 'Contents[].[Key,ETag]' --output text |
    awk -F'\t' '$0 != "None" && NF >= 2 { gsub(/"/, "", $2); print $1 "\t" $2 }' >"$remote"
  if [ -s "$remote" ]; then
    if ! err=$(awsc s3api get-object --bucket "$BUCKET" --key "$MANIFEST_KEY" "$manifest" 2>&1 >/dev/null); then
      case $err in
        *NoSuchKey* | *"(404)"*) : >"$manifest" ;; # first sync by this script: upload everything once
        *) die "reading s3://$BUCKET/$MANIFEST_KEY: $err" ;;
      esac
    fi
  fi
fi

# An object is uploaded when its bytes differ (ETag) or its headers differ (manifest).
awk -F'\t' -v OFS='\t' '
  FILENAME == ARGV[1] { etag[$1] = $2; next }
  FILENAME == ARGV[2] { last[$1] = $0; next }
  {
    line = $1 OFS $2 OFS $3 OFS $4 OFS $5
    if (etag[$1] != $2 || last[$1] != line) print
  }' "$remote" "$manifest" "$plan" >"$tmp/changed.tsv"
changed=$(wc -l <"$tmp/changed.tsv")

while IFS=$'\t' read -r key _ type cache enc file; do
  put=(s3api put-object --bucket "$BUCKET" --key "$key" --body "$file" --content-type "$type" --cache-control "$cache")
  if [ "$enc" != - ]; then put+=(--content-encoding "$enc"); fi
  if dry; then
    put[7]=$SHOW_DIR${file#"$SITE_DIR"} # the path the user knows, not a staging copy
    awsc "${put[@]}"
  else
    say "upload $key"
    awsc "${put[@]}" >/dev/null
  fi
done <"$tmp/changed.tsv"

# Invalidate the URL paths behind the changed objects. "/x*" also covers the .br/.gz cache entries
# the function rewrites /x to; a changed index.html also invalidates its directory URL.
if [ "$changed" -gt 0 ]; then
  mapfile -t paths < <(
    while IFS=$'\t' read -r key _ _ _ enc _; do
      p=/${key#"$PREFIX"}
      if [ "$enc" != - ]; then p=${p%.*}; fi
      echo "$p*"
      case $p in */index.html) echo "${p%index.html}" ;; esac
    done <"$tmp/changed.tsv" | LC_ALL=C sort -u
  )
  if [ "${#paths[@]}" -gt "$MAX_INVALIDATION_PATHS" ]; then paths=("/*"); fi
  if [ -n "$DISTRIBUTION_ID" ]; then
    if dry; then
      awsc cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths "${paths[@]}" --query Invalidation.Id --output text
    else
      id=$(awsc cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths "${paths[@]}" --query Invalidation.Id --output text)
      say "invalidating ${paths[*]} (invalidation $id)"
    fi
  else
    say "no DISTRIBUTION_ID: not invalidating ${paths[*]}"
  fi
fi

# Record what was uploaded, last, so an interrupted run uploads and invalidates again next time.
if ! cmp -s "$tmp/want.tsv" "$manifest"; then
  if dry; then
    awsc s3api put-object --bucket "$BUCKET" --key "$MANIFEST_KEY" --body MANIFEST.tsv --content-type "text/tab-separated-values" --cache-control no-cache
  else
    awsc s3api put-object --bucket "$BUCKET" --key "$MANIFEST_KEY" --body "$tmp/want.tsv" \
      --content-type "text/tab-separated-values" --cache-control no-cache >/dev/null
  fi
fi
say "uploaded $changed of $total objects to s3://$BUCKET/$PREFIX ($((total - changed)) unchanged)"
