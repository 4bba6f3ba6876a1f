package deploy_test

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/memeforge/memeforge/internal/deploy"
)

// fixtureFiles is a small site shaped like make site's output: the served names, a hashed asset,
// a binary module, a font, an image, and siblings written the way build-site writes them.
var fixtureFiles = map[string]string{
	"index.html":              "<!doctype html><title>memeforge</title><script type=module src=app.js></script>\n",
	"sw.js":                   "const VERSION = '0123456789abcdef';\nself.addEventListener('install', () => {});\n",
	"app.js":                  "import './chunk.3f2a9c1d.js';\nexport const app = 1;\n",
	"chunk.3f2a9c1d.js":       "export const chunk = 2;\n",
	"style.css":               "body { margin: 0; }\n",
	"wasm_exec.js":            "'use strict';\n(() => {})();\n",
	"memeforge.wasm":          "\x00asm\x01\x00\x00\x00" + strings.Repeat("memeforge wasm body ", 200),
	"fonts/Anton-Regular.ttf": "\x00\x01\x00\x00" + strings.Repeat("glyf", 300),
	"icon.png":                "\x89PNG\r\n\x1a\n fake but opaque bytes",
	"manifest.webmanifest":    `{"name":"memeforge","start_url":"/"}` + "\n",
}

// fixtureSiblings are the files build-site would precompress (compressible extensions).
var fixtureSiblings = []string{"index.html", "sw.js", "app.js", "chunk.3f2a9c1d.js", "style.css",
	"wasm_exec.js", "memeforge.wasm", "fonts/Anton-Regular.ttf", "manifest.webmanifest"}

func writeFixtureSite(t *testing.T, dir string) {
	t.Helper()
	for name, body := range fixtureFiles {
		writeFile(t, filepath.Join(dir, name), []byte(body))
	}
	for _, name := range fixtureSiblings {
		writeSiblings(t, filepath.Join(dir, name))
	}
}

func writeSiblings(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var gz, br bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	gw.Write(data)
	if err := gw.Close(); err != nil {
		t.Fatal(err)
	}
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(data)
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path+".gz", gz.Bytes())
	writeFile(t, path+".br", br.Bytes())
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// newFixtureDist makes a dist/ with site/ and signer.zip (opaque bytes: deploy only hashes and uploads it).
func newFixtureDist(t *testing.T) string {
	t.Helper()
	dist := t.TempDir()
	writeFixtureSite(t, filepath.Join(dist, "site"))
	writeFile(t, filepath.Join(dist, "signer.zip"), []byte("PK\x03\x04 not really a zip, only hashed and uploaded"))
	return dist
}

func sha256Prefix(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:16]
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func isNotFound(err error) bool { return errors.Is(err, deploy.ErrNotFound) }
