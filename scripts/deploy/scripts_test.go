package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const (
	noCache    = "no-cache"
	immutable  = "public, max-age=31536000, immutable"
	revalidate = "public, max-age=0, must-revalidate, s-maxage=31536000"
	htmlType   = "text/html; charset=utf-8"
	jsType     = "text/javascript; charset=utf-8"
)

type headers struct{ Type, Cache, Encoding string }

// wantObjects is what the fixture site must become in the bucket: negotiated files with their two
// precompressed siblings, others alone; config.json when the caller has one.
func wantObjects(withConfig bool) map[string]headers {
	base := map[string]headers{
		"index.html":              {htmlType, noCache, ""},
		"sw.js":                   {jsType, noCache, ""},
		"app.js":                  {jsType, revalidate, ""},
		"chunk.3f2a9c1d.js":       {jsType, immutable, ""},
		"style.css":               {"text/css; charset=utf-8", revalidate, ""},
		"wasm_exec.js":            {jsType, revalidate, ""},
		"memeforge.wasm":          {"application/wasm", revalidate, ""},
		"fonts/Anton-Regular.ttf": {"font/ttf", revalidate, ""},
	}
	want := map[string]headers{}
	for name, h := range base {
		want["site/"+name] = h
		want["site/"+name+".br"] = headers{h.Type, h.Cache, "br"}
		want["site/"+name+".gz"] = headers{h.Type, h.Cache, "gzip"}
	}
	// Not negotiated by the CDN's function: identity only, their siblings stay home.
	want["site/icon.png"] = headers{"image/png", revalidate, ""}
	want["site/manifest.webmanifest"] = headers{"application/manifest+json", noCache, ""}
	if withConfig {
		want["site/config.json"] = headers{"application/json", noCache, ""}
	}
	return want
}

func TestDeployDryRun(t *testing.T) {
	dist := newFixtureDist(t)
	out := dryRunDeploy(t, dist, nil)
	lines := awsLines(out)
	zipKey := "memeforge/signer-" + sha256Prefix(t, filepath.Join(dist, "signer.zip")) + ".zip"
	const artifacts = "memeforge-artifacts-ACCOUNT_ID-eu-west-1"

	t.Run("CallsInOrder", func(t *testing.T) {
		var ops []string
		for _, l := range lines {
			w := strings.Fields(l)
			op := w[1] + " " + w[2]
			if op == "s3api put-object" {
				key := flags(shellWords(t, l))["--key"]
				switch {
				case strings.HasPrefix(key, "site/"):
					op += " site"
				case key == zipKey:
					op += " signer"
				default:
					op += " " + key
				}
			}
			if len(ops) == 0 || ops[len(ops)-1] != op || op != "s3api put-object site" {
				ops = append(ops, op)
			}
		}
		want := []string{
			"sts get-caller-identity",
			"s3api head-bucket", "s3api create-bucket", "s3api put-public-access-block",
			"s3api head-object", "s3api put-object signer",
			"cloudformation deploy", "cloudformation describe-stacks",
			"s3api list-objects-v2", "s3api put-object site",
			"cloudfront create-invalidation",
			"s3api put-object deploy/site-manifest.tsv",
		}
		if !slices.Equal(ops, want) {
			t.Fatalf("calls\n got %q\nwant %q\noutput:\n%s", ops, want, out)
		}
	})
	t.Run("EveryCallNamesTheRegion", func(t *testing.T) {
		for _, l := range lines {
			if !strings.HasSuffix(l, " --region eu-west-1") {
				t.Errorf("no region: %s", l)
			}
		}
	})
	t.Run("SignerCodeIsKeyedByItsHash", func(t *testing.T) {
		var n int
		for _, l := range lines {
			f := flags(shellWords(t, l))
			if f["--key"] == zipKey && f["--bucket"] == artifacts {
				n++
			}
			if strings.HasPrefix(l, "aws cloudformation deploy ") {
				if !strings.Contains(l, " SignerCodeKey="+zipKey+" ") || !strings.Contains(l, " SignerCodeBucket="+artifacts+" ") {
					t.Errorf("stack not given the code location: %s", l)
				}
				for _, want := range []string{"--no-fail-on-empty-changeset", "--capabilities CAPABILITY_IAM", "--stack-name memeforge",
					"--template-file " + filepath.Join(repoRoot(t), "scripts", "template.yaml")} {
					if !strings.Contains(l, want) {
						t.Errorf("deploy call lacks %q: %s", want, l)
					}
				}
			}
		}
		if n != 2 {
			t.Fatalf("%d calls (head-object, put-object) for s3://%s/%s, want 2:\n%s", n, artifacts, zipKey, out)
		}
	})
	t.Run("WritesTheRuntimeConfig", func(t *testing.T) {
		prefix := "# write " + filepath.Join(dist, "site", "config.json") + ": "
		var cfg map[string]any
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, prefix) {
				if err := json.Unmarshal([]byte(strings.TrimPrefix(l, prefix)), &cfg); err != nil {
					t.Fatalf("config line %q: %v", l, err)
				}
			}
		}
		want := map[string]any{
			"signPath":       "/api/sign",
			"uploadEndpoint": "https://SITE_BUCKET.s3.eu-west-1.amazonaws.com",
			"publicBaseUrl":  "https://DISTRIBUTION_DOMAIN",
			"maxUploadBytes": float64(15728640),
		}
		if fmt.Sprint(cfg) != fmt.Sprint(want) {
			t.Fatalf("config %v, want %v", cfg, want)
		}
		if _, err := os.Stat(filepath.Join(dist, "site", "config.json")); !os.IsNotExist(err) {
			t.Fatalf("the dry run wrote into dist (stat: %v)", err)
		}
	})
	t.Run("UploadsEachFileWithItsHeaders", func(t *testing.T) {
		got := map[string]headers{}
		for _, l := range lines {
			f := flags(shellWords(t, l))
			key := f["--key"]
			if !strings.HasPrefix(l, "aws s3api put-object ") || !strings.HasPrefix(key, "site/") {
				continue
			}
			if f["--bucket"] != "SITE_BUCKET" {
				t.Errorf("%s goes to bucket %q", key, f["--bucket"])
			}
			if body := filepath.Join(dist, key); f["--body"] != body {
				t.Errorf("%s body %q, want %q", key, f["--body"], body)
			}
			got[key] = headers{f["--content-type"], f["--cache-control"], f["--content-encoding"]}
		}
		compareObjects(t, got, wantObjects(true))
	})
	t.Run("InvalidatesTheChangedPaths", func(t *testing.T) {
		var words []string
		for _, l := range lines {
			if strings.HasPrefix(l, "aws cloudfront create-invalidation ") {
				words = shellWords(t, l)
			}
		}
		i := slices.Index(words, "--paths")
		if i < 0 || flags(words)["--distribution-id"] != "DISTRIBUTION_ID" {
			t.Fatalf("invalidation call %q", words)
		}
		var paths []string
		for _, w := range words[i+1:] {
			if strings.HasPrefix(w, "--") {
				break
			}
			paths = append(paths, w)
		}
		want := []string{"/", "/app.js*", "/chunk.3f2a9c1d.js*", "/config.json*", "/fonts/Anton-Regular.ttf*", "/icon.png*",
			"/index.html*", "/manifest.webmanifest*", "/memeforge.wasm*", "/style.css*", "/sw.js*", "/wasm_exec.js*"}
		if !slices.Equal(paths, want) {
			t.Fatalf("invalidates %q, want %q", paths, want)
		}
	})
	t.Run("PrintsTheURL", func(t *testing.T) {
		if !strings.HasSuffix(strings.TrimSpace(out), "deploy: memeforge is live at https://DISTRIBUTION_DOMAIN") {
			t.Fatalf("last line of:\n%s", out)
		}
	})
	t.Run("UploadLimitReachesStackAndSite", func(t *testing.T) {
		out := dryRunDeploy(t, dist, []string{"MAX_UPLOAD_BYTES=1048576", "ORIGINALS_EXPIRE_DAYS=30"})
		var deploy string
		for _, l := range awsLines(out) {
			if strings.HasPrefix(l, "aws cloudformation deploy ") {
				deploy = l
			}
		}
		if !strings.Contains(deploy, " MaxUploadBytes=1048576 ") || !strings.Contains(deploy, " OriginalsExpireDays=30 ") {
			t.Fatalf("deploy call: %s", deploy)
		}
		if !strings.Contains(out, `"maxUploadBytes":1048576}`) {
			t.Fatalf("config.json does not carry the limit:\n%s", out)
		}
	})
	t.Run("ManyChangesBecomeOneWildcard", func(t *testing.T) {
		out := dryRunDeploy(t, dist, []string{"MAX_INVALIDATION_PATHS=3"})
		for _, l := range awsLines(out) {
			if strings.HasPrefix(l, "aws cloudfront create-invalidation ") && !strings.Contains(l, " --paths '/*' ") {
				t.Fatalf("want a single /* path: %s", l)
			}
		}
	})
	t.Run("MakeDeployDryRunIsTheSame", func(t *testing.T) {
		env := isolatedEnv(t, "AWS_REGION=eu-west-1")
		r := run(t, env, "make", "--no-print-directory", "-C", repoRoot(t), "deploy", "DRY_RUN=1", "DIST="+dist)
		if r.code != 0 {
			t.Fatalf("make deploy DRY_RUN=1: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if got := awsLines(r.stdout); !slices.Equal(got, lines) {
			t.Fatalf("make deploy DRY_RUN=1 printed\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(lines, "\n"))
		}
	})
	t.Run("WithoutABuildStillShowsEveryStep", func(t *testing.T) {
		out := dryRunDeploy(t, t.TempDir(), nil)
		if n := len(awsLines(out)); n != 8 {
			t.Fatalf("%d calls before the site sync, want 8:\n%s", n, out)
		}
		if !strings.Contains(out, "sync-site.sh would list") || !strings.Contains(out, "signer-CONTENT_HASH.zip") {
			t.Fatalf("unbuilt dist not explained:\n%s", out)
		}
	})
}

func compareObjects(t *testing.T, got, want map[string]headers) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok:
			t.Errorf("%s not uploaded", k)
		case !wok:
			t.Errorf("%s uploaded but should not be (%+v)", k, g)
		case g != w:
			t.Errorf("%s:\n got %+v\nwant %+v", k, g, w)
		}
	}
}

func TestDestroyDryRun(t *testing.T) {
	cases := []struct {
		name  string
		extra []string
		want  []string
		says  string
	}{
		{
			name: "KeepsTheBucket",
			want: []string{"sts get-caller-identity", "cloudformation describe-stacks", "cloudformation delete-stack",
				"cloudformation wait", "s3 rm", "s3api list-objects-v2"},
			says: "Kept: bucket SITE_BUCKET",
		},
		{
			name:  "DeletesTheBucketWhenAsked",
			extra: []string{"DELETE_BUCKET=1"},
			want: []string{"sts get-caller-identity", "cloudformation describe-stacks", "s3 rm", "cloudformation delete-stack",
				"cloudformation wait", "s3api delete-bucket", "s3 rm"},
			says: "deleted stack memeforge, bucket SITE_BUCKET and its memes",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := isolatedEnv(t, append([]string{"DRY_RUN=1", "AWS_REGION=eu-west-1"}, c.extra...)...)
			r := run(t, env, script(t, "destroy.sh"))
			if r.code != 0 {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			var ops []string
			for _, l := range awsLines(r.stdout) {
				w := strings.Fields(l)
				ops = append(ops, w[1]+" "+w[2])
			}
			if !slices.Equal(ops, c.want) {
				t.Fatalf("calls\n got %q\nwant %q\n%s", ops, c.want, r.stdout)
			}
			if !strings.Contains(r.stdout, c.says) {
				t.Fatalf("output does not say %q:\n%s", c.says, r.stdout)
			}
			if !strings.Contains(r.stdout, "aws s3 rm s3://memeforge-artifacts-ACCOUNT_ID-eu-west-1/memeforge/ --recursive") {
				t.Fatalf("this stack's signer zips are not removed:\n%s", r.stdout)
			}
		})
	}
}

// TestScriptErrors: every bad input or missing prerequisite stops with a message that says what to do.
func TestScriptErrors(t *testing.T) {
	noTools := t.TempDir() // a PATH with the shell and a few basics but neither go nor make
	for _, tool := range []string{"bash", "dirname", "cat"} {
		p, err := lookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(noTools, tool)); err != nil {
			t.Fatal(err)
		}
	}
	badSite := t.TempDir()
	writeFixtureSite(t, badSite)
	if err := os.Remove(filepath.Join(badSite, "app.js.br")); err != nil {
		t.Fatal(err)
	}
	oddSite := t.TempDir()
	writeFixtureSite(t, oddSite)
	writeFile(t, filepath.Join(oddSite, "my picture.png"), []byte("x"))

	cases := []struct {
		name   string
		script string
		args   []string
		env    []string
		code   int
		says   []string
	}{
		{"DeployRejectsUnknownArgument", "deploy.sh", []string{"--force"}, nil, 2, []string{"usage:"}},
		{"DeployRejectsBadStackName", "deploy.sh", nil, []string{"STACK_NAME=my_stack!"}, 2, []string{"STACK_NAME must be", "usage:"}},
		{"DeployRejectsZeroExpiry", "deploy.sh", nil, []string{"ORIGINALS_EXPIRE_DAYS=0"}, 2, []string{"ORIGINALS_EXPIRE_DAYS"}},
		{"DeployRejectsHugeUploads", "deploy.sh", nil, []string{"MAX_UPLOAD_BYTES=999999999"}, 2, []string{"MAX_UPLOAD_BYTES must be"}},
		{"DeployNamesAMissingAWSCLI", "deploy.sh", nil, []string{"AWS=/nonexistent/aws", "AWS_REGION=eu-west-1"}, 1,
			[]string{"AWS CLI not found at /nonexistent/aws", "apt-get install awscli"}},
		{"DeployRefusesSomethingElseAsAWSCLI", "deploy.sh", nil, []string{"AWS=/bin/true", "AWS_REGION=eu-west-1"}, 1,
			[]string{"/bin/true is not AWS CLI v2"}},
		{"DeployNamesMissingGoAndMake", "deploy.sh", nil, []string{"PATH=" + noTools, "AWS_REGION=eu-west-1"}, 1,
			[]string{"go not found on PATH", "make not found on PATH"}},
		{"DeployNeedsARegion", "deploy.sh", nil, nil, 1, []string{"no AWS region", "AWS_REGION"}},
		{"DeployNeedsCredentials", "deploy.sh", nil, []string{"AWS_REGION=eu-west-1"}, 1,
			[]string{"no usable AWS credentials", "aws configure"}},
		{"DestroyRejectsArgument", "destroy.sh", []string{"now"}, nil, 2, []string{"usage:"}},
		{"DestroyRejectsVagueDeleteBucket", "destroy.sh", nil, []string{"DELETE_BUCKET=yes"}, 2, []string{"DELETE_BUCKET must be 1"}},
		{"DestroyNeedsCredentials", "destroy.sh", nil, []string{"AWS_REGION=eu-west-1"}, 1, []string{"no usable AWS credentials"}},
		{"SyncNeedsTwoArguments", "sync-site.sh", []string{"dist/site"}, nil, 2, []string{"usage:"}},
		{"SyncRejectsABadBucketName", "sync-site.sh", []string{badSite, "no"}, nil, 2, []string{"bad bucket name"}},
		{"SyncNeedsTheSite", "sync-site.sh", []string{filepath.Join(badSite, "missing"), "bucket"}, nil, 1, []string{"not found (run make site)"}},
		{"SyncRefusesANegotiatedFileWithoutSiblings", "sync-site.sh", []string{badSite, "bucket"}, []string{"DRY_RUN=1"}, 1,
			[]string{"app.js has no .br sibling"}},
		{"SyncRefusesOddFileNames", "sync-site.sh", []string{oddSite, "bucket"}, []string{"DRY_RUN=1"}, 1,
			[]string{"unsupported file name", "my picture.png"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, isolatedEnv(t, c.env...), script(t, c.script), c.args...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, c.code, r.stdout, r.stderr)
			}
			for _, s := range c.says {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
			if strings.Contains(r.stdout, "aws s3api put-object") || strings.Contains(r.stdout, "upload ") {
				t.Errorf("uploaded before failing:\n%s", r.stdout)
			}
		})
	}
}
