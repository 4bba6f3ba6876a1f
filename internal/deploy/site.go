package deploy

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/memeforge/memeforge/internal/contenttype"
)

// Cache-Control values of the site's files; see CacheControl.
const (
	NoCache    = "no-cache"
	Immutable  = "public, max-age=31536000, immutable"
	Revalidate = "public, max-age=0, must-revalidate, s-maxage=31536000"
)

// hashedName is a file name that carries a content hash (app.3f2a9c1d.js, chunk-0123abcd.css).
var hashedName = regexp.MustCompile(`[.-][0-9a-f]{8,}\.[A-Za-z0-9]+$`)

// CacheControl returns the Cache-Control a site file is served with. The entry points (the page, the
// service worker, the runtime config, the manifest) are revalidated on every load so a deploy is seen at
// once; a name that carries a content hash never changes and is kept a year everywhere; other assets keep
// their name across versions, so browsers revalidate them (cheap 304s, and the service worker never
// precaches a stale copy) while CloudFront keeps them a year, because the sync invalidates exactly the
// paths it changes.
func CacheControl(name string) string {
	base := path.Base(name)
	switch {
	case strings.HasSuffix(base, ".html"), base == "sw.js", base == "config.json", strings.HasSuffix(base, ".webmanifest"):
		return NoCache
	case hashedName.MatchString(base):
		return Immutable
	}
	return Revalidate
}

// safeName is what a site file may be called: its key is also a URL path, unescaped.
var safeName = regexp.MustCompile(`^[A-Za-z0-9._~/-]+$`)

// encodings are the precompressed siblings build-site writes, with their Content-Encoding.
var encodings = []struct{ ext, encoding string }{{".br", "br"}, {".gz", "gzip"}}

// PlanSite reads a built site (dist/site) into the objects to store under prefix, sorted by key: each
// file with its Content-Type, Cache-Control and MD5. For the extensions the CDN negotiates
// (contenttype.Negotiated) the .br and .gz siblings go too, with the file's Content-Type and their
// Content-Encoding, and a missing one is an error, never a broken URL; siblings of other files stay
// home (CloudFront compresses those itself). extra adds or replaces files by name (the runtime config
// a dry run does not write into dir).
func PlanSite(dir, bucket, prefix string, extra map[string][]byte) ([]Object, error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("site directory %s not found (run make site)", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return nil, fmt.Errorf("%s has no index.html (run make site)", dir)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if _, ok := extra[rel]; ok {
			return nil
		}
		b, err := os.ReadFile(p)
		files[rel] = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	for name, b := range extra {
		files[name] = b
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)

	var objs []Object
	add := func(name, ctype, cache, enc string) {
		objs = append(objs, Object{
			Bucket: bucket, Key: prefix + name, File: filepath.Join(dir, filepath.FromSlash(name)), Body: files[name],
			MD5: md5Hex(files[name]), ContentType: ctype, CacheControl: cache, ContentEncoding: enc,
		})
	}
	for _, name := range names {
		if !safeName.MatchString(name) {
			return nil, fmt.Errorf("unsupported file name (letters, digits, . _ ~ - / only): %s", name)
		}
		if base, ok := siblingOf(name); ok {
			if _, exists := files[base]; exists {
				continue // uploaded with its file, or not at all
			}
		}
		ctype, cache := contenttype.ByName(name), CacheControl(name)
		add(name, ctype, cache, "")
		if !contenttype.Negotiated(name) {
			continue
		}
		for _, e := range encodings {
			if _, ok := files[name+e.ext]; !ok {
				return nil, fmt.Errorf("%s has no %s sibling; the CDN serves it precompressed (run make site)", name, e.ext)
			}
			add(name+e.ext, ctype, cache, e.encoding)
		}
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
	return objs, nil
}

// siblingOf returns the file a .br or .gz sibling belongs to.
func siblingOf(name string) (string, bool) {
	for _, e := range encodings {
		if base, ok := strings.CutSuffix(name, e.ext); ok {
			return base, true
		}
	}
	return "", false
}

// SyncOptions says where a site goes.
type SyncOptions struct {
	Bucket, Prefix string
	// Distribution is invalidated for the changed paths; empty invalidates nothing.
	Distribution string
	// ManifestKey is where the headers last uploaded are recorded, outside the served prefix.
	ManifestKey string
	// MaxInvalidationPaths: beyond this many changed paths one "/*" is cheaper (each path counts).
	MaxInvalidationPaths int
}

// DefaultManifestKey and DefaultMaxInvalidationPaths are the deploy's.
const (
	DefaultManifestKey          = "deploy/site-manifest.tsv"
	DefaultMaxInvalidationPaths = 15
)

// SyncResult is what a sync did.
type SyncResult struct {
	Uploaded    []string // keys, in order
	Invalidated []string // URL paths, or nil
	Total       int      // objects the site has
}

// Sync makes the bucket hold objs (from PlanSite) with their headers, uploading only the ones whose
// bytes differ (the listing's ETag, the MD5 of a single-part upload) or whose headers differ (the
// manifest of the last sync), then invalidates only the URL paths behind them and records the new
// manifest, last, so an interrupted sync uploads and invalidates again next time. File times play no
// part: every build rewrites them.
func Sync(ctx context.Context, s Storage, cdn CDN, opts SyncOptions, objs []Object, log *Log) (SyncResult, error) {
	if opts.ManifestKey == "" {
		opts.ManifestKey = DefaultManifestKey
	}
	if opts.MaxInvalidationPaths == 0 {
		opts.MaxInvalidationPaths = DefaultMaxInvalidationPaths
	}
	res := SyncResult{Total: len(objs)}
	listed, err := s.ListObjects(ctx, Prefix{opts.Bucket, opts.Prefix})
	if err != nil {
		return res, fmt.Errorf("listing s3://%s/%s: %w", opts.Bucket, opts.Prefix, err)
	}
	etags := map[string]string{}
	for _, o := range listed {
		etags[o.Key] = strings.Trim(o.ETag, `"`)
	}
	var manifest string
	if len(listed) > 0 {
		b, err := s.GetObject(ctx, ObjectRef{opts.Bucket, opts.ManifestKey})
		switch {
		case errors.Is(err, ErrNotFound): // first sync by this program: upload everything once
		case err != nil:
			return res, fmt.Errorf("reading s3://%s/%s: %w", opts.Bucket, opts.ManifestKey, err)
		}
		manifest = string(b)
	} else {
		log.Note("an empty listing: every file is uploaded")
	}
	last := map[string]string{}
	for line := range strings.Lines(manifest) {
		key, _, _ := strings.Cut(line, "\t")
		last[key] = strings.TrimSuffix(line, "\n")
	}

	var want strings.Builder
	var changed []Object
	for _, o := range objs {
		line := manifestLine(o)
		want.WriteString(line + "\n")
		if etags[o.Key] != o.MD5 || last[o.Key] != line {
			changed = append(changed, o)
		}
	}
	for _, o := range changed {
		if !log.dry() { // the dry run's own line says it
			log.Say("upload %s", o.Key)
		}
		if err := s.PutObject(ctx, o); err != nil {
			return res, fmt.Errorf("uploading %s to s3://%s/%s: %w", o.File, o.Bucket, o.Key, err)
		}
		res.Uploaded = append(res.Uploaded, o.Key)
	}

	if paths := invalidationPaths(changed, opts.Prefix, opts.MaxInvalidationPaths); len(paths) > 0 {
		if opts.Distribution == "" {
			log.Say("no distribution: not invalidating %s", strings.Join(paths, " "))
		} else {
			id, err := cdn.Invalidate(ctx, Invalidation{Distribution: opts.Distribution, Paths: paths})
			if err != nil {
				return res, fmt.Errorf("invalidating %s in distribution %s: %w", strings.Join(paths, " "), opts.Distribution, err)
			}
			if !log.dry() {
				log.Say("invalidating %s (invalidation %s)", strings.Join(paths, " "), id)
			}
			res.Invalidated = paths
		}
	}

	if want.String() != manifest {
		body := []byte(want.String())
		err := s.PutObject(ctx, Object{
			Bucket: opts.Bucket, Key: opts.ManifestKey, File: "(the manifest of this sync)", Body: body,
			MD5: md5Hex(body), ContentType: "text/tab-separated-values", CacheControl: NoCache,
		})
		if err != nil {
			return res, fmt.Errorf("recording s3://%s/%s: %w", opts.Bucket, opts.ManifestKey, err)
		}
	}
	log.Say("uploaded %d of %d objects to s3://%s/%s (%d unchanged)", len(changed), len(objs), opts.Bucket, opts.Prefix, len(objs)-len(changed))
	return res, nil
}

// manifestLine records what an object was uploaded as: key, MD5, Content-Type, Cache-Control,
// Content-Encoding ("-" for none).
func manifestLine(o Object) string {
	enc := o.ContentEncoding
	if enc == "" {
		enc = "-"
	}
	return strings.Join([]string{o.Key, o.MD5, o.ContentType, o.CacheControl, enc}, "\t")
}

// invalidationPaths are the URL paths behind changed objects, sorted: "/x*" also covers the .br/.gz
// objects the CDN's function rewrites /x to, and a changed index.html also clears its directory's URL.
// More than max become the one wildcard "/*".
func invalidationPaths(changed []Object, prefix string, max int) []string {
	var paths []string
	for _, o := range changed {
		p := "/" + strings.TrimPrefix(o.Key, prefix)
		if o.ContentEncoding != "" {
			p = strings.TrimSuffix(p, path.Ext(p))
		}
		paths = append(paths, p+"*")
		if dir, ok := strings.CutSuffix(p, "index.html"); ok && strings.HasSuffix(dir, "/") {
			paths = append(paths, dir)
		}
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	if len(paths) > max {
		return []string{"/*"}
	}
	return paths
}

// md5Hex is the hex MD5 of b: S3's ETag of a single-part upload.
func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}
