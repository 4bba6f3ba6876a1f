package localstack

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/memeforge/memeforge/internal/contenttype"
	"github.com/memeforge/memeforge/internal/headers"
	"github.com/memeforge/memeforge/signer"
)

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// routes is the site server: what CloudFront does in AWS, on one loopback origin.
func (s *Stack) routes(sign http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/api/sign", sign)
	mux.Handle("/api/status", sign)         // the same handler answers the upload status query
	mux.Handle(signer.MemesAPIPrefix, sign) // DELETE /api/memes/<id>
	mux.Handle(signer.SharePrefix, sign)    // GET /m/<id>: the share page, as CloudFront routes it to the API
	mux.Handle(EventsPath, s.events)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"not_found","message":"no such API"}}`)
	})
	mux.HandleFunc("/memes/", s.serveMeme)
	mux.Handle("/", &staticSite{dir: s.opts.SiteDir, headers: headers.Site(s.GatewayEndpoint())})
	return mux
}

// serveMeme answers GET/HEAD /memes/<key> from the bucket with a signed GetObject: the
// bucket stays private, as behind CloudFront's origin access control.
func (s *Stack) serveMeme(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	key := strings.TrimPrefix(r.URL.Path, "/")
	if key != path.Clean(key) || strings.Contains(key, "..") || strings.HasSuffix(key, "/") {
		http.NotFound(w, r)
		return
	}
	gw := s.Gateway()
	if gw == nil {
		http.Error(w, "storage is offline", http.StatusBadGateway)
		return
	}
	in := &s3.GetObjectInput{Bucket: aws.String(gw.Bucket()), Key: &key}
	if v := r.Header.Get("Range"); v != "" {
		in.Range = &v
	}
	if v := r.Header.Get("If-None-Match"); v != "" {
		in.IfNoneMatch = &v
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	out, err := gw.Client().GetObject(ctx, in)
	if err != nil {
		var nsk *types.NoSuchKey
		var api smithy.APIError
		switch {
		case errors.As(err, &nsk):
			http.NotFound(w, r)
		case errors.As(err, &api) && api.ErrorCode() == "NotModified":
			w.WriteHeader(http.StatusNotModified)
		case errors.As(err, &api) && api.ErrorCode() == "InvalidRange":
			http.Error(w, "invalid range", http.StatusRequestedRangeNotSatisfiable)
		default:
			http.Error(w, "storage error", http.StatusBadGateway)
		}
		return
	}
	defer out.Body.Close()
	h := w.Header()
	set := func(k string, v *string) {
		if v != nil && *v != "" {
			h.Set(k, *v)
		}
	}
	set("Content-Type", out.ContentType)
	set("ETag", out.ETag)
	set("Content-Range", out.ContentRange)
	if out.ContentLength != nil {
		h.Set("Content-Length", strconv.FormatInt(*out.ContentLength, 10))
	}
	if out.LastModified != nil {
		h.Set("Last-Modified", out.LastModified.UTC().Format(http.TimeFormat))
	}
	h.Set("Cache-Control", "public, max-age=31536000, immutable") // keys are never reused
	h.Set("Accept-Ranges", "bytes")
	h.Set("X-Content-Type-Options", "nosniff")
	status := http.StatusOK
	if out.ContentRange != nil {
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		io.Copy(w, out.Body)
	}
}

// staticSite serves the built site, preferring the .br / .gz siblings build-site.sh writes.
type staticSite struct {
	dir     string
	headers map[string]string // internal/headers: the same as CloudFront's response headers policy
}

func (s *staticSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean("/" + r.URL.Path)
	if strings.HasSuffix(name, "/") || name == "/" {
		name = path.Join(name, "index.html")
	}
	file := filepath.Join(s.dir, filepath.FromSlash(name))
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		file = filepath.Join(file, "index.html")
		name = path.Join(name, "index.html")
	}
	if fi, err := os.Stat(file); err != nil || fi.IsDir() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	for k, v := range s.headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", contenttype.ByName(name))
	h.Set("Cache-Control", "no-cache") // always revalidate locally: edits show up on reload
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	serve := file
	if r.Header.Get("Range") == "" {
		accept := r.Header.Get("Accept-Encoding")
		for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if acceptsEncoding(accept, enc.token) {
				if cfi, err := os.Stat(file + enc.ext); err == nil && !cfi.IsDir() {
					serve = file + enc.ext
					h.Set("Content-Encoding", enc.token)
					break
				}
			}
		}
	}
	f, err := os.Open(serve)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	sfi, err := f.Stat()
	if err != nil {
		http.Error(w, "read error", http.StatusInternalServerError)
		return
	}
	http.ServeContent(w, r, name, sfi.ModTime(), f)
}

// acceptsEncoding reports whether an Accept-Encoding header allows token (q=0 excludes it).
func acceptsEncoding(header, token string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		return !(params == "q=0" || params == "q=0.0" || params == "q=0.00" || params == "q=0.000")
	}
	return false
}
