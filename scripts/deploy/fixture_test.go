package deploy_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

const awsCLI = "/usr/bin/aws"

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

// isolatedEnv is an environment with no AWS credentials or configuration reachable: dry runs must
// work in it and real runs must stop with a clear message.
func isolatedEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	empty := filepath.Join(home, "empty")
	writeFile(t, empty, nil)
	goroot := os.Getenv("GOROOT")
	if goroot == "" {
		goroot = runtime.GOROOT()
	}
	env := []string{
		"PATH=" + filepath.Join(goroot, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + empty,
		"AWS_SHARED_CREDENTIALS_FILE=" + empty,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1",
	}
	return append(env, extra...)
}

type result struct {
	stdout, stderr string
	code           int
}

func run(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	cmd.Dir = repoRoot(t)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", name, err)
		}
		code = ee.ExitCode()
	}
	return result{out.String(), errb.String(), code}
}

func script(t *testing.T, name string) string { return filepath.Join(repoRoot(t), "scripts", name) }

func dryRunDeploy(t *testing.T, dist string, extra []string) string {
	t.Helper()
	env := isolatedEnv(t, append([]string{"DRY_RUN=1", "DIST=" + dist, "AWS_REGION=eu-west-1"}, extra...)...)
	r := run(t, env, script(t, "deploy.sh"))
	if r.code != 0 {
		t.Fatalf("deploy.sh dry run exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// awsLines are the AWS calls of a dry run's output, in order.
func awsLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "aws ") {
			lines = append(lines, l)
		}
	}
	return lines
}

// shellWords splits a line printed by deploy-lib.sh's shell_quote (plain words and '...' quoting).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in, started := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case in && c == '\'':
			in = false
		case in:
			cur.WriteByte(c)
		case c == '\'':
			in, started = true, true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			started = true
		case c == ' ':
			if started {
				words = append(words, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if in {
		t.Fatalf("unterminated quote in %q", line)
	}
	if started {
		words = append(words, cur.String())
	}
	return words
}

// flags maps "--name" to the word after it.
func flags(words []string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(words); i++ {
		if strings.HasPrefix(words[i], "--") && !strings.HasPrefix(words[i+1], "--") {
			m[words[i]] = words[i+1]
		}
	}
	return m
}
