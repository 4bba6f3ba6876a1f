package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/memeforge/memeforge/internal/contenttype"
)

const nodeBin = "/usr/bin/node"

// TestPrecompressedFunction runs the template's CloudFront Function under Node with the event shape
// CloudFront passes (cloudfront-js-2.0: event.request.uri, lower-cased header names with .value).
func TestPrecompressedFunction(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	fn, err := tmpl.GetCloudFrontFunctionWithName("PrecompressedFunction")
	if err != nil {
		t.Fatal(err)
	}
	if fn.FunctionConfig.Runtime != "cloudfront-js-2.0" || !deref(fn.AutoPublish) {
		t.Fatalf("runtime %q, auto-publish %v", fn.FunctionConfig.Runtime, deref(fn.AutoPublish))
	}
	if len(fn.FunctionCode) > 10240 {
		t.Fatalf("function code is %d bytes; CloudFront Functions take at most 10 KB", len(fn.FunctionCode))
	}

	type tc struct {
		Name, URI, AcceptEncoding, Want string
		NoHeader                        bool
	}
	cases := []tc{
		{Name: "RootGetsBrotliIndex", URI: "/", AcceptEncoding: "gzip, deflate, br, zstd", Want: "/index.html.br"},
		{Name: "FolderGetsItsIndex", URI: "/help/", AcceptEncoding: "br", Want: "/help/index.html.br"},
		{Name: "WasmPrefersBrotli", URI: "/memeforge.wasm", AcceptEncoding: "gzip, br", Want: "/memeforge.wasm.br"},
		{Name: "GzipWhenNoBrotli", URI: "/memeforge.wasm", AcceptEncoding: "gzip, deflate", Want: "/memeforge.wasm.gz"},
		{Name: "IdentityWhenNeither", URI: "/memeforge.wasm", AcceptEncoding: "deflate", Want: "/memeforge.wasm"},
		{Name: "IdentityWithoutHeader", URI: "/app.js", NoHeader: true, Want: "/app.js"},
		{Name: "RefusedBrotliFallsBackToGzip", URI: "/app.js", AcceptEncoding: "br;q=0, gzip", Want: "/app.js.gz"},
		{Name: "RefusedBothIsIdentity", URI: "/app.js", AcceptEncoding: "br;q=0, gzip; q=0", Want: "/app.js"},
		{Name: "WeightedListStillAccepts", URI: "/style.css", AcceptEncoding: "gzip;q=0.5, br;q=1.0", Want: "/style.css.br"},
		{Name: "TokensAreCaseInsensitive", URI: "/sw.js", AcceptEncoding: "GZIP", Want: "/sw.js.gz"},
		{Name: "NoSubstringMatch", URI: "/sw.js", AcceptEncoding: "xbr, gzipx", Want: "/sw.js"},
		{Name: "EmojiAreNot", URI: "/emoji/1f525.svg", AcceptEncoding: "br, gzip", Want: "/emoji/1f525.svg"},
		{Name: "FontsAreNegotiated", URI: "/fonts/DroidSansFallbackFull.ttf", AcceptEncoding: "br", Want: "/fonts/DroidSansFallbackFull.ttf.br"},
		{Name: "ConfigIsLeftToCloudFront", URI: "/config.json", AcceptEncoding: "br", Want: "/config.json"},
		{Name: "ImagesAreUntouched", URI: "/icon.png", AcceptEncoding: "br", Want: "/icon.png"},
		{Name: "SiblingRequestedDirectlyIsUntouched", URI: "/app.js.br", AcceptEncoding: "br", Want: "/app.js.br"},
	}
	type event struct {
		Request struct {
			URI     string                       `json:"uri"`
			Method  string                       `json:"method"`
			Headers map[string]map[string]string `json:"headers"`
		} `json:"request"`
	}
	var events []event
	for _, c := range cases {
		var e event
		e.Request.URI, e.Request.Method = c.URI, "GET"
		e.Request.Headers = map[string]map[string]string{"host": {"value": "d111111abcdef8.cloudfront.net"}}
		if !c.NoHeader {
			e.Request.Headers["accept-encoding"] = map[string]string{"value": c.AcceptEncoding}
		}
		events = append(events, e)
	}
	in, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	harness := fn.FunctionCode + `
const events = ` + string(in) + `;
console.log(JSON.stringify(events.map(e => handler(e).uri)));
`
	script := filepath.Join(t.TempDir(), "fn.js")
	if err := os.WriteFile(script, []byte(harness), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(nodeBin); err != nil {
		t.Fatalf("node is needed to run the CloudFront Function: %v", err)
	}
	out, err := exec.Command(nodeBin, script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(cases) {
		t.Fatalf("node printed %q (%v)", out, err)
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if got[i] != c.Want {
				t.Fatalf("%s with Accept-Encoding %q -> %s, want %s", c.URI, c.AcceptEncoding, got[i], c.Want)
			}
		})
	}
}

// TestNegotiatedExtensionsMatchSync keeps the function and the deploy's sync in step: every extension
// the function rewrites must be one whose siblings the sync uploads (and insists on), from
// internal/contenttype's one table.
func TestNegotiatedExtensionsMatchSync(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	fn, err := tmpl.GetCloudFrontFunctionWithName("PrecompressedFunction")
	if err != nil {
		t.Fatal(err)
	}
	fromFn := regexp.MustCompile(`var PRECOMPRESSED = /\\\.\(([a-z0-9|]+)\)\$/;`).FindStringSubmatch(fn.FunctionCode)
	if fromFn == nil {
		t.Fatal("extension list not found in the function")
	}
	a, b := strings.Split(fromFn[1], "|"), contenttype.NegotiatedExtensions()
	sort.Strings(a)
	sort.Strings(b)
	if !slices.Equal(a, b) {
		t.Fatalf("function negotiates %q, the sync uploads siblings for %q", a, b)
	}
	if !slices.Contains(a, "wasm") {
		t.Fatal("the WASM module is not served precompressed")
	}
}
