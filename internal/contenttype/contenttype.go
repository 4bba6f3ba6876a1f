// Package contenttype is the one table of how memeforge serves its site's files: the Content-Type of
// each extension, which files are worth precompressing, and which of those the CDN negotiates (serves
// its .br/.gz sibling to browsers that accept one). The local stack, scripts/precompress and the deploy
// all read it, so the local site, the build and the bucket never disagree.
package contenttype

import (
	"path"
	"slices"
	"strings"
)

// types maps a lower-case extension to its Content-Type; text gets an explicit charset.
var types = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".wasm":        "application/wasm",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".ico":         "image/x-icon",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".txt":         "text/plain; charset=utf-8",
	".xml":         "application/xml",
	".gz":          "application/gzip",
}

// Default is the Content-Type of a file whose extension is not in the table.
const Default = "application/octet-stream"

// ByName returns the Content-Type a file is served with, from its name's extension (any case).
func ByName(name string) string {
	if t, ok := types[ext(name)]; ok {
		return t
	}
	return Default
}

// compressible are the extensions whose files shrink when compressed (text and the WASM module);
// images and woff fonts are compressed already.
var compressible = []string{".wasm", ".js", ".mjs", ".css", ".html", ".svg", ".json", ".ttf", ".otf", ".webmanifest", ".txt"}

// Compressible reports whether a file is worth precompressing into .br and .gz siblings.
func Compressible(name string) bool { return slices.Contains(compressible, ext(name)) }

// negotiated are the extensions the distribution's viewer-request function (PrecompressedFunction in
// scripts/template.yaml) rewrites to a .br or .gz sibling; a test holds the function to this list.
// The rest of the compressible files are left to CloudFront's own compression.
var negotiated = []string{".wasm", ".js", ".mjs", ".css", ".html", ".svg", ".ttf", ".otf"}

// Uncompressed is the folder of the site whose files get no precompressed siblings: the 3,720
// Twemoji SVGs (2.2 KB each on average; a caption fetches a few) would cost minutes of brotli at
// every build. scripts/precompress skips it and the viewer-request function leaves it alone.
const Uncompressed = "emoji"

// Negotiated reports whether the CDN serves a file's precompressed siblings, so they must be uploaded
// with it. name is the file's path inside the site, with forward slashes.
func Negotiated(name string) bool {
	return slices.Contains(negotiated, ext(name)) && !strings.HasPrefix(strings.TrimPrefix(name, "/"), Uncompressed+"/")
}

// NegotiatedExtensions returns the extensions Negotiated accepts, without their dots.
func NegotiatedExtensions() []string {
	out := make([]string, len(negotiated))
	for i, e := range negotiated {
		out[i] = strings.TrimPrefix(e, ".")
	}
	return out
}

func ext(name string) string { return strings.ToLower(path.Ext(name)) }
