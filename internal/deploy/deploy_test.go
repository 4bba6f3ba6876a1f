package deploy_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/memeforge/memeforge/internal/deploy"
)

const (
	htmlType = "text/html; charset=utf-8"
	jsType   = "text/javascript; charset=utf-8"
	region   = "eu-west-1"
)

type headers struct{ Type, Cache, Encoding string }

// wantObjects is what the fixture site must become in the bucket: negotiated files with their two
// precompressed siblings, others alone; config.json when the caller has one.
func wantObjects(withConfig bool) map[string]headers {
	base := map[string]headers{
		"index.html":              {htmlType, deploy.NoCache, ""},
		"sw.js":                   {jsType, deploy.NoCache, ""},
		"app.js":                  {jsType, deploy.Revalidate, ""},
		"chunk.3f2a9c1d.js":       {jsType, deploy.Immutable, ""},
		"style.css":               {"text/css; charset=utf-8", deploy.Revalidate, ""},
		"wasm_exec.js":            {jsType, deploy.Revalidate, ""},
		"memeforge.wasm":          {"application/wasm", deploy.Revalidate, ""},
		"fonts/Anton-Regular.ttf": {"font/ttf", deploy.Revalidate, ""},
	}
	want := map[string]headers{}
	for name, h := range base {
		want["site/"+name] = h
		want["site/"+name+".br"] = headers{h.Type, h.Cache, "br"}
		want["site/"+name+".gz"] = headers{h.Type, h.Cache, "gzip"}
	}
	// Not negotiated by the CDN's function: identity only, their siblings stay home.
	want["site/icon.png"] = headers{"image/png", deploy.Revalidate, ""}
	want["site/manifest.webmanifest"] = headers{"application/manifest+json", deploy.NoCache, ""}
	if withConfig {
		want["site/config.json"] = headers{"application/json", deploy.NoCache, ""}
	}
	return want
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

func settings(t *testing.T, dist string) deploy.Settings {
	return deploy.Settings{
		Stack: "memeforge", Region: region, Template: "/checkout/scripts/template.yaml", Dist: dist,
		OriginalsExpireDays: 7, MaxUploadBytes: 15 << 20, DryRun: true,
	}
}

// dryRun deploys with a Recorder and returns its calls and what the deploy said.
func dryRun(t *testing.T, s deploy.Settings) ([]deploy.Call, string, string) {
	t.Helper()
	rec := &deploy.Recorder{Region: s.Region}
	var out strings.Builder
	url, err := deploy.Deploy(context.Background(), s, rec.Cloud(), &deploy.Log{Out: &out, Prog: "deploy", Dry: true})
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out.String())
	}
	return rec.Calls(), url, out.String()
}

func TestDeployDryRun(t *testing.T) {
	dist := newFixtureDist(t)
	calls, url, out := dryRun(t, settings(t, dist))
	zipKey := "memeforge/signer-" + sha256Prefix(t, filepath.Join(dist, "signer.zip")) + ".zip"
	const artifacts = "memeforge-artifacts-ACCOUNT_ID-eu-west-1"

	t.Run("CallsInOrder", func(t *testing.T) {
		var ops []string
		for _, c := range calls {
			op := c.Service + "." + c.Op
			if o, ok := c.In.(deploy.Object); ok {
				switch {
				case strings.HasPrefix(o.Key, "site/"):
					op += " site"
				case o.Key == zipKey:
					op += " signer"
				default:
					op += " " + o.Key
				}
			}
			if len(ops) == 0 || ops[len(ops)-1] != op || op != "s3.PutObject site" {
				ops = append(ops, op)
			}
		}
		want := []string{
			"sts.GetCallerIdentity",
			"s3.HeadBucket", "s3.CreateBucket",
			"s3.HeadObject", "s3.PutObject signer",
			"cloudformation.Deploy", "cloudformation.DescribeStacks",
			"s3.ListObjectsV2", "s3.PutObject site",
			"cloudfront.CreateInvalidation",
			"s3.PutObject deploy/site-manifest.tsv",
		}
		if !slices.Equal(ops, want) {
			t.Fatalf("calls\n got %q\nwant %q", ops, want)
		}
	})
	t.Run("ArtifactsBucketIsPrivateInTheRegion", func(t *testing.T) {
		got := deploy.Find[deploy.CreateBucket](calls, "s3", "CreateBucket")
		if want := []deploy.CreateBucket{{Bucket: artifacts, Region: region}}; !slices.Equal(got, want) {
			t.Fatalf("creates %+v, want %+v", got, want)
		}
	})
	t.Run("SignerCodeIsKeyedByItsHash", func(t *testing.T) {
		heads := deploy.Find[deploy.ObjectRef](calls, "s3", "HeadObject")
		if want := []deploy.ObjectRef{{Bucket: artifacts, Key: zipKey}}; !slices.Equal(heads, want) {
			t.Fatalf("checks %+v, want %+v", heads, want)
		}
		stacks := deploy.Find[deploy.StackDeploy](calls, "cloudformation", "Deploy")
		want := deploy.StackDeploy{
			Stack: "memeforge", TemplateFile: "/checkout/scripts/template.yaml",
			Parameters: []deploy.Parameter{
				{Key: "SignerCodeBucket", Value: artifacts}, {Key: "SignerCodeKey", Value: zipKey},
				{Key: "OriginalsExpireDays", Value: "7"}, {Key: "MaxUploadBytes", Value: "15728640"},
				{Key: "RateLimitPerIP", Value: "0"},
			},
			Capabilities: []string{"CAPABILITY_IAM"},
			Tags:         []deploy.Parameter{{Key: "app", Value: "memeforge"}},
		}
		if len(stacks) != 1 || !stackEqual(stacks[0], want) {
			t.Fatalf("stack deploys %+v, want %+v", stacks, want)
		}
	})
	t.Run("WritesTheRuntimeConfigOnlyInThePlan", func(t *testing.T) {
		var cfg deploy.SiteConfig
		for _, o := range deploy.Find[deploy.Object](calls, "s3", "PutObject") {
			if o.Key == "site/config.json" {
				b, _ := json.Marshal(deploy.SiteConfig{SignPath: "/api/sign", MaxUploadBytes: 15 << 20})
				if o.File != filepath.Join(dist, "site", "config.json") || o.MD5 != md5Hex(append(b, '\n')) {
					t.Errorf("config.json uploaded as %+v", o)
				}
			}
		}
		prefix := "# write " + filepath.Join(dist, "site", "config.json") + ": "
		for _, l := range strings.Split(out, "\n") {
			if after, ok := strings.CutPrefix(l, prefix); ok {
				if err := json.Unmarshal([]byte(after), &cfg); err != nil {
					t.Fatal(err)
				}
			}
		}
		if want := (deploy.SiteConfig{SignPath: "/api/sign", MaxUploadBytes: 15728640}); cfg != want {
			t.Fatalf("config %+v, want %+v", cfg, want)
		}
		if _, err := os.Stat(filepath.Join(dist, "site", "config.json")); !os.IsNotExist(err) {
			t.Fatalf("the dry run wrote into dist (stat: %v)", err)
		}
	})
	t.Run("UploadsEachFileWithItsHeaders", func(t *testing.T) {
		got := map[string]headers{}
		for _, o := range deploy.Find[deploy.Object](calls, "s3", "PutObject") {
			if !strings.HasPrefix(o.Key, "site/") {
				continue
			}
			if o.Bucket != deploy.PlaceholderBucket || o.File != filepath.Join(dist, o.Key) || o.Body != nil {
				t.Errorf("%s: bucket %q, file %q, %d body bytes recorded", o.Key, o.Bucket, o.File, len(o.Body))
			}
			got[o.Key] = headers{o.ContentType, o.CacheControl, o.ContentEncoding}
		}
		compareObjects(t, got, wantObjects(true))
	})
	t.Run("InvalidatesTheChangedPaths", func(t *testing.T) {
		got := deploy.Find[deploy.Invalidation](calls, "cloudfront", "CreateInvalidation")
		want := deploy.Invalidation{Distribution: deploy.PlaceholderDistribution, Paths: []string{
			"/", "/app.js*", "/chunk.3f2a9c1d.js*", "/config.json*", "/fonts/Anton-Regular.ttf*", "/icon.png*",
			"/index.html*", "/manifest.webmanifest*", "/memeforge.wasm*", "/style.css*", "/sw.js*", "/wasm_exec.js*"}}
		if len(got) != 1 || got[0].Distribution != want.Distribution || !slices.Equal(got[0].Paths, want.Paths) {
			t.Fatalf("invalidates %+v, want %+v", got, want)
		}
	})
	t.Run("ReturnsTheURL", func(t *testing.T) {
		if url != "https://DISTRIBUTION_DOMAIN" {
			t.Fatalf("url %q", url)
		}
	})
	t.Run("PrintsNothingButNotes", func(t *testing.T) {
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if !strings.HasPrefix(l, "# ") && !strings.HasPrefix(l, "deploy: ") {
				t.Errorf("line %q", l)
			}
		}
	})
	t.Run("UploadLimitReachesStackAndSite", func(t *testing.T) {
		s := settings(t, dist)
		s.MaxUploadBytes, s.OriginalsExpireDays = 1048576, 30
		calls, _, out := dryRun(t, s)
		params := deploy.Find[deploy.StackDeploy](calls, "cloudformation", "Deploy")[0].Parameters
		if !slices.Contains(params, deploy.Parameter{Key: "MaxUploadBytes", Value: "1048576"}) ||
			!slices.Contains(params, deploy.Parameter{Key: "OriginalsExpireDays", Value: "30"}) {
			t.Fatalf("parameters %+v", params)
		}
		if !strings.Contains(out, `"maxUploadBytes":1048576}`) {
			t.Fatalf("config.json does not carry the limit:\n%s", out)
		}
	})
	t.Run("ManyChangesBecomeOneWildcard", func(t *testing.T) {
		s := settings(t, dist)
		s.MaxInvalidationPaths = 3
		calls, _, _ := dryRun(t, s)
		got := deploy.Find[deploy.Invalidation](calls, "cloudfront", "CreateInvalidation")
		if len(got) != 1 || !slices.Equal(got[0].Paths, []string{"/*"}) {
			t.Fatalf("want a single /* path: %+v", got)
		}
	})
	t.Run("WithoutABuildStillShowsEveryStep", func(t *testing.T) {
		calls, _, out := dryRun(t, settings(t, t.TempDir()))
		want := []string{"sts.GetCallerIdentity", "s3.HeadBucket", "s3.CreateBucket", "s3.HeadObject", "s3.PutObject",
			"cloudformation.Deploy", "cloudformation.DescribeStacks"}
		if got := deploy.Ops(calls); !slices.Equal(got, want) {
			t.Fatalf("calls %q, want %q", got, want)
		}
		if !strings.Contains(out, "the sync would list") || !strings.Contains(out, "its key is named by the zip's sha256") {
			t.Fatalf("unbuilt dist not explained:\n%s", out)
		}
		if put := deploy.Find[deploy.Object](calls, "s3", "PutObject"); put[0].Key != "memeforge/signer-CONTENT_HASH.zip" {
			t.Fatalf("signer key %q", put[0].Key)
		}
	})
}

func stackEqual(a, b deploy.StackDeploy) bool {
	return a.Stack == b.Stack && a.TemplateFile == b.TemplateFile && slices.Equal(a.Parameters, b.Parameters) &&
		slices.Equal(a.Capabilities, b.Capabilities) && slices.Equal(a.Tags, b.Tags)
}

func TestDestroyDryRun(t *testing.T) {
	const artifacts = "memeforge-artifacts-ACCOUNT_ID-eu-west-1"
	cases := []struct {
		name         string
		deleteBucket bool
		want         []deploy.Call
		says         string
	}{
		{
			name: "KeepsTheBucket",
			want: []deploy.Call{
				{Service: "sts", Op: "GetCallerIdentity"},
				{Service: "cloudformation", Op: "DescribeStacks", In: "memeforge"},
				{Service: "cloudformation", Op: "DeleteStack", In: "memeforge"},
				{Service: "s3", Op: "HeadBucket", In: artifacts},
				{Service: "s3", Op: "DeleteObjects", In: deploy.Prefix{Bucket: artifacts, Prefix: "memeforge/"}},
				{Service: "s3", Op: "ListObjectsV2", In: deploy.Prefix{Bucket: deploy.PlaceholderBucket, Prefix: "memes/"}},
			},
			says: "Kept: bucket SITE_BUCKET",
		},
		{
			name:         "DeletesTheBucketWhenAsked",
			deleteBucket: true,
			want: []deploy.Call{
				{Service: "sts", Op: "GetCallerIdentity"},
				{Service: "cloudformation", Op: "DescribeStacks", In: "memeforge"},
				{Service: "s3", Op: "DeleteObjects", In: deploy.Prefix{Bucket: deploy.PlaceholderBucket}},
				{Service: "cloudformation", Op: "DeleteStack", In: "memeforge"},
				{Service: "s3", Op: "DeleteBucket", In: deploy.PlaceholderBucket},
				{Service: "s3", Op: "HeadBucket", In: artifacts},
				{Service: "s3", Op: "DeleteObjects", In: deploy.Prefix{Bucket: artifacts, Prefix: "memeforge/"}},
			},
			says: "deleted stack memeforge, bucket SITE_BUCKET and its memes",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := settings(t, t.TempDir())
			s.DeleteBucket = c.deleteBucket
			rec := &deploy.Recorder{Region: region}
			var out strings.Builder
			if err := deploy.Destroy(context.Background(), s, rec.Cloud(), &deploy.Log{Out: &out, Prog: "destroy", Dry: true}); err != nil {
				t.Fatal(err)
			}
			if got := rec.Calls(); !slices.Equal(got, c.want) {
				t.Fatalf("calls\n got %+v\nwant %+v", got, c.want)
			}
			if !strings.Contains(out.String(), c.says) {
				t.Fatalf("output does not say %q:\n%s", c.says, out.String())
			}
		})
	}
}

func TestPlanSiteErrors(t *testing.T) {
	site := func(t *testing.T, change func(dir string)) string {
		dir := t.TempDir()
		writeFixtureSite(t, dir)
		change(dir)
		return dir
	}
	cases := []struct {
		name string
		dir  string
		says string
	}{
		{"NeedsTheSite", filepath.Join(t.TempDir(), "missing"), "not found (run make site)"},
		{"NeedsAnIndex", site(t, func(d string) { os.Remove(filepath.Join(d, "index.html")) }), "has no index.html"},
		{"RefusesANegotiatedFileWithoutSiblings", site(t, func(d string) { os.Remove(filepath.Join(d, "app.js.br")) }),
			"app.js has no .br sibling"},
		{"RefusesOddFileNames", site(t, func(d string) { writeFile(t, filepath.Join(d, "my picture.png"), []byte("x")) }),
			"unsupported file name (letters, digits, . _ ~ - / only): my picture.png"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := deploy.PlanSite(c.dir, "bucket", "site/", nil)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("error %v, want one saying %q", err, c.says)
			}
		})
	}
}

func TestDeployStopsBeforeUploading(t *testing.T) {
	t.Run("WithoutCredentials", func(t *testing.T) {
		rec := &deploy.Recorder{Region: region}
		c := rec.Cloud()
		c.Identity = noCredentials{}
		s := settings(t, newFixtureDist(t))
		s.DryRun = false
		_, err := deploy.Deploy(context.Background(), s, c, nil)
		if !deploy.IsCredentials(err) || !strings.Contains(err.Error(), "no usable AWS credentials (sts GetCallerIdentity said: no EC2 IMDS role found)") {
			t.Fatalf("error %v", err)
		}
		if len(rec.Calls()) != 0 {
			t.Fatalf("went on to %q", deploy.Ops(rec.Calls()))
		}
	})
	t.Run("WithAnArtifactsBucketOfAnotherAccount", func(t *testing.T) {
		rec := &deploy.Recorder{Region: region}
		c := rec.Cloud()
		c.Storage = forbidden{rec}
		_, err := deploy.Deploy(context.Background(), settings(t, newFixtureDist(t)), c, nil)
		if err == nil || !strings.Contains(err.Error(), "belongs to another account: set ARTIFACTS_BUCKET") {
			t.Fatalf("error %v", err)
		}
		if ops := deploy.Ops(rec.Calls()); slices.Contains(ops, "s3.PutObject") {
			t.Fatalf("uploaded: %q", ops)
		}
	})
	t.Run("WithoutABuild", func(t *testing.T) {
		s := settings(t, t.TempDir())
		s.DryRun = false
		rec := &deploy.Recorder{Region: region}
		_, err := deploy.Deploy(context.Background(), s, rec.Cloud(), nil)
		if err == nil || !strings.Contains(err.Error(), "index.html missing: run make build") {
			t.Fatalf("error %v", err)
		}
	})
}

type noCredentials struct{}

func (noCredentials) Account(context.Context) (string, error) {
	return "", errorString("no EC2 IMDS role found")
}

type errorString string

func (e errorString) Error() string { return string(e) }

type forbidden struct{ *deploy.Recorder }

func (forbidden) HeadBucket(context.Context, string) (deploy.BucketState, error) {
	return deploy.BucketForbidden, nil
}

func TestRateLimitSettings(t *testing.T) {
	base := deploy.Settings{Stack: "memeforge", OriginalsExpireDays: 7, MaxUploadBytes: 1 << 20}
	for _, c := range []struct {
		name   string
		region string
		limit  int
		ok     bool
	}{
		{"OffAnywhere", "eu-west-1", 0, true},
		{"OnInUsEast1", "us-east-1", 100, true},
		{"OnElsewhereIsRefused", "eu-west-1", 100, false},
		{"UnderWAFsLeast", "us-east-1", 5, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := base
			s.Region, s.RateLimitPerIP = c.region, c.limit
			err := s.Validate()
			if (err == nil) != c.ok {
				t.Fatalf("err = %v", err)
			}
			if err != nil && !strings.Contains(err.Error(), "RATE_LIMIT_PER_IP") {
				t.Fatalf("err %v does not name the variable", err)
			}
		})
	}
}
