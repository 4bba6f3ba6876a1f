package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7/cloudformation/cloudfront"
	"github.com/awslabs/goformation/v7/cloudformation/policies"

	"github.com/memeforge/memeforge/internal/deploy"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// Managed CloudFront policies the template refers to by id.
const (
	managedCachingDisabled           = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
	managedAllViewerExceptHostHeader = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
	oneYear                          = 31536000
)

// statement is one IAM statement with its list-or-string fields normalised to lists.
type statement struct {
	Sid       string
	Effect    string
	Principal any
	Actions   []string
	Resources []string
	Condition map[string]any
}

func statements(t *testing.T, doc any) []statement {
	t.Helper()
	m, ok := doc.(map[string]any)
	if !ok {
		t.Fatalf("policy document is %T, want an object", doc)
	}
	raw, _ := m["Statement"].([]any)
	if len(raw) == 0 {
		t.Fatalf("policy document has no statements: %v", m)
	}
	var out []statement
	for _, r := range raw {
		s, _ := r.(map[string]any)
		st := statement{Principal: s["Principal"], Actions: strs(s["Action"]), Resources: strs(s["Resource"])}
		st.Sid, _ = s["Sid"].(string)
		st.Effect, _ = s["Effect"].(string)
		st.Condition, _ = s["Condition"].(map[string]any)
		if _, ok := s["NotAction"]; ok {
			t.Errorf("statement %q uses NotAction: say what is allowed instead", st.Sid)
		}
		if _, ok := s["NotResource"]; ok {
			t.Errorf("statement %q uses NotResource: say what is allowed instead", st.Sid)
		}
		out = append(out, st)
	}
	return out
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}

func TestTemplateBucket(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	b, err := tmpl.GetS3BucketWithName("Bucket")
	if err != nil {
		t.Fatal(err)
	}
	buckets := tmpl.GetAllS3BucketResources()
	if len(buckets) != 1 {
		t.Errorf("template has %d buckets, want exactly one", len(buckets))
	}

	t.Run("BlocksAllPublicAccess", func(t *testing.T) {
		p := b.PublicAccessBlockConfiguration
		if p == nil || !deref(p.BlockPublicAcls) || !deref(p.BlockPublicPolicy) || !deref(p.IgnorePublicAcls) || !deref(p.RestrictPublicBuckets) {
			t.Fatalf("PublicAccessBlockConfiguration = %+v, want all four true", p)
		}
		if b.AccessControl != nil || b.WebsiteConfiguration != nil {
			t.Fatalf("bucket has AccessControl %v / website hosting %v: it must stay private", deref(b.AccessControl), b.WebsiteConfiguration)
		}
		if b.OwnershipControls == nil || len(b.OwnershipControls.Rules) != 1 || deref(b.OwnershipControls.Rules[0].ObjectOwnership) != "BucketOwnerEnforced" {
			t.Fatalf("OwnershipControls = %+v, want BucketOwnerEnforced (ACLs off)", b.OwnershipControls)
		}
	})
	t.Run("EncryptsAtRest", func(t *testing.T) {
		e := b.BucketEncryption
		if e == nil || len(e.ServerSideEncryptionConfiguration) == 0 || e.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault == nil {
			t.Fatalf("BucketEncryption = %+v, want a default", e)
		}
		// AES256 (SSE-S3), which the signer's policy requires and which keeps ETag = MD5 for the site sync.
		if alg := e.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm; alg != "AES256" {
			t.Fatalf("SSEAlgorithm = %q, want AES256", alg)
		}
	})
	t.Run("IsRetainedWithTheMemes", func(t *testing.T) {
		if b.AWSCloudFormationDeletionPolicy != policies.DeletionPolicy("Retain") || b.AWSCloudFormationUpdateReplacePolicy != policies.UpdateReplacePolicy("Retain") {
			t.Fatalf("DeletionPolicy %q, UpdateReplacePolicy %q, want Retain for both", b.AWSCloudFormationDeletionPolicy, b.AWSCloudFormationUpdateReplacePolicy)
		}
	})
	t.Run("CORSAllowsOnlyPOSTFromTheSite", func(t *testing.T) {
		if b.CorsConfiguration == nil || len(b.CorsConfiguration.CorsRules) == 0 {
			t.Fatal("no CORS rule: browsers could not upload")
		}
		for _, r := range b.CorsConfiguration.CorsRules {
			if !slices.Equal(r.AllowedOrigins, []string{"https://${Distribution.DomainName}"}) {
				t.Errorf("rule %q allows origins %q, want only the distribution's", deref(r.Id), r.AllowedOrigins)
			}
			if !slices.Equal(r.AllowedMethods, []string{"POST"}) {
				t.Errorf("rule %q allows methods %q, want POST only", deref(r.Id), r.AllowedMethods)
			}
			for _, list := range [][]string{r.AllowedOrigins, r.AllowedHeaders, r.AllowedMethods} {
				for _, v := range list {
					if strings.Contains(v, "*") {
						t.Errorf("rule %q contains a wildcard %q", deref(r.Id), v)
					}
				}
			}
		}
	})
	t.Run("NameIsTheOneTheDistributionUses", func(t *testing.T) {
		name := deref(b.BucketName)
		want := "memeforge-" + testAccount + "-" + testRegion + "-0a1b2c3d"
		if name != want {
			t.Fatalf("BucketName = %q, want %q (account, region and the stack id's first UUID group)", name, want)
		}
		// Longest region names are 14 characters: the name must fit S3's 63 for every region.
		if n := len("memeforge-") + 12 + 1 + 14 + 1 + 8; n > 63 {
			t.Fatalf("bucket name can reach %d characters", n)
		}
		if !regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`).MatchString(name) {
			t.Fatalf("BucketName %q is not a valid S3 bucket name", name)
		}
		d, err := tmpl.GetCloudFrontDistributionWithName("Distribution")
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range d.DistributionConfig.Origins {
			if o.S3OriginConfig == nil {
				continue
			}
			if wantDomain := name + ".s3." + testRegion + ".amazonaws.com"; o.DomainName != wantDomain {
				t.Errorf("origin %q domain %q, want the bucket's regional domain %q", o.Id, o.DomainName, wantDomain)
			}
		}
	})
}

func TestTemplateLifecycle(t *testing.T) {
	cases := []struct {
		name      string
		overrides map[string]any
		wantDays  int
	}{
		{"OriginalsExpireAfterTheDefault", nil, 7},
		{"OriginalsExpireAfterTheParameter", map[string]any{"OriginalsExpireDays": 30}, 30},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := loadTemplate(t, c.overrides).GetS3BucketWithName("Bucket")
			if err != nil {
				t.Fatal(err)
			}
			if b.LifecycleConfiguration == nil {
				t.Fatal("no lifecycle rules")
			}
			var aborts, originals bool
			for _, r := range b.LifecycleConfiguration.Rules {
				if r.Status != "Enabled" {
					continue
				}
				prefix := deref(r.Prefix)
				if r.AbortIncompleteMultipartUpload != nil && prefix == "" && r.AbortIncompleteMultipartUpload.DaysAfterInitiation >= 1 {
					aborts = true
				}
				if prefix == "incoming/" && deref(r.ExpirationInDays) >= 1 {
					continue // uploads the check never saw (template_check_test.go)
				}
				if r.ExpirationInDays != nil || r.ExpirationDate != nil || r.Transition != nil || len(r.Transitions) > 0 {
					if prefix != "originals/" {
						t.Errorf("rule %q expires or moves objects under %q: only originals/ may expire (memes are kept)", deref(r.Id), prefix)
						continue
					}
					if got := deref(r.ExpirationInDays); got != c.wantDays {
						t.Errorf("originals expire after %d days, want %d", got, c.wantDays)
					}
					originals = true
				}
			}
			if !aborts {
				t.Error("no enabled rule aborts incomplete multipart uploads bucket-wide")
			}
			if !originals {
				t.Error("no enabled rule expires originals/")
			}
		})
	}
}

func TestTemplateBucketPolicy(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	p, err := tmpl.GetS3BucketPolicyWithName("BucketPolicy")
	if err != nil {
		t.Fatal(err)
	}
	if p.Bucket != "${Bucket}" {
		t.Fatalf("policy is on %q, want the bucket", p.Bucket)
	}
	sts := statements(t, p.PolicyDocument)
	var allows int
	for _, s := range sts {
		switch s.Effect {
		case "Deny":
			continue
		case "Allow":
			allows++
		default:
			t.Fatalf("statement %q has effect %q", s.Sid, s.Effect)
		}
		t.Run("AllowsOnlyThisDistribution/"+s.Sid, func(t *testing.T) {
			pr, _ := s.Principal.(map[string]any)
			if pr == nil || pr["Service"] != "cloudfront.amazonaws.com" || len(pr) != 1 {
				t.Fatalf("principal %v, want only the CloudFront service", s.Principal)
			}
			eq, _ := s.Condition["StringEquals"].(map[string]any)
			want := "arn:aws:cloudfront::" + testAccount + ":distribution/${Distribution}"
			if eq == nil || eq["AWS:SourceArn"] != want {
				t.Fatalf("condition %v, want StringEquals AWS:SourceArn %s", s.Condition, want)
			}
			if !slices.Equal(s.Actions, []string{"s3:GetObject"}) {
				t.Fatalf("actions %q, want s3:GetObject only", s.Actions)
			}
			want2 := []string{"${Bucket.Arn}/memes/*", "${Bucket.Arn}/site/*"}
			if got := sortedCopy(s.Resources); !slices.Equal(got, want2) {
				t.Fatalf("CloudFront may read %q, want only %q (originals are never served)", got, want2)
			}
		})
	}
	if allows == 0 {
		t.Fatal("no Allow statement: CloudFront could not read the site")
	}
}

func TestTemplateDistribution(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	d, err := tmpl.GetCloudFrontDistributionWithName("Distribution")
	if err != nil {
		t.Fatal(err)
	}
	cfg := d.DistributionConfig
	origins := map[string]int{}
	for i, o := range cfg.Origins {
		origins[o.Id] = i
	}
	origin := func(t *testing.T, id string) int {
		t.Helper()
		i, ok := origins[id]
		if !ok {
			t.Fatalf("no origin %q", id)
		}
		return i
	}

	t.Run("S3OriginsUseOriginAccessControl", func(t *testing.T) {
		n := 0
		for _, o := range cfg.Origins {
			if o.S3OriginConfig == nil {
				continue
			}
			n++
			if deref(o.OriginAccessControlId) != "${OriginAccessControl.Id}" {
				t.Errorf("origin %q: OriginAccessControlId %q, want the template's OAC", o.Id, deref(o.OriginAccessControlId))
			}
			if deref(o.S3OriginConfig.OriginAccessIdentity) != "" {
				t.Errorf("origin %q also uses a legacy OAI", o.Id)
			}
		}
		if n != 2 {
			t.Fatalf("%d S3 origins, want 2 (site, memes)", n)
		}
		oac, err := tmpl.GetCloudFrontOriginAccessControlWithName("OriginAccessControl")
		if err != nil {
			t.Fatal(err)
		}
		c := oac.OriginAccessControlConfig
		if c.OriginAccessControlOriginType != "s3" || c.SigningBehavior != "always" || c.SigningProtocol != "sigv4" {
			t.Fatalf("OAC %+v, want s3, always, sigv4", c)
		}
	})
	t.Run("ViewersUseHTTPSOnly", func(t *testing.T) {
		ok := []string{"redirect-to-https", "https-only"}
		if v := cfg.DefaultCacheBehavior.ViewerProtocolPolicy; !slices.Contains(ok, v) {
			t.Errorf("default behaviour: %q", v)
		}
		for _, b := range cfg.CacheBehaviors {
			if !slices.Contains(ok, b.ViewerProtocolPolicy) {
				t.Errorf("%s: %q", b.PathPattern, b.ViewerProtocolPolicy)
			}
		}
	})
	t.Run("Compresses", func(t *testing.T) {
		if !deref(cfg.DefaultCacheBehavior.Compress) {
			t.Error("default behaviour does not compress")
		}
		for _, b := range cfg.CacheBehaviors {
			if !deref(b.Compress) {
				t.Errorf("%s does not compress", b.PathPattern)
			}
		}
	})
	t.Run("ServesTheSiteFromItsPrefix", func(t *testing.T) {
		def := cfg.DefaultCacheBehavior
		o := cfg.Origins[origin(t, def.TargetOriginId)]
		if o.S3OriginConfig == nil || deref(o.OriginPath) != "/site" {
			t.Fatalf("default behaviour serves origin %q path %q, want the bucket's /site", o.Id, deref(o.OriginPath))
		}
		if deref(cfg.DefaultRootObject) != "index.html" {
			t.Fatalf("DefaultRootObject %q", deref(cfg.DefaultRootObject))
		}
		if !slices.Equal(sortedCopy(def.AllowedMethods), []string{"GET", "HEAD"}) {
			t.Fatalf("site allows %q, want GET and HEAD", def.AllowedMethods)
		}
		if len(def.FunctionAssociations) != 1 || deref(def.FunctionAssociations[0].EventType) != "viewer-request" ||
			deref(def.FunctionAssociations[0].FunctionARN) != "${PrecompressedFunction.FunctionARN}" {
			t.Fatalf("site function associations %+v, want the encoding function on viewer-request", def.FunctionAssociations)
		}
	})
	t.Run("RoutesAPIToTheHTTPAPI", func(t *testing.T) {
		b := behaviour(t, cfg.CacheBehaviors, "/api/*")
		o := cfg.Origins[origin(t, b.TargetOriginId)]
		if o.CustomOriginConfig == nil || o.CustomOriginConfig.OriginProtocolPolicy != "https-only" {
			t.Fatalf("API origin %q: %+v, want a custom origin over HTTPS", o.Id, o.CustomOriginConfig)
		}
		if want := "${HttpApi}.execute-api." + testRegion + ".amazonaws.com"; o.DomainName != want {
			t.Fatalf("API origin domain %q, want %q", o.DomainName, want)
		}
		if deref(o.OriginPath) != "" {
			t.Fatalf("API origin path %q: the $default stage has none", deref(o.OriginPath))
		}
		for _, m := range []string{"POST", "OPTIONS"} {
			if !slices.Contains(b.AllowedMethods, m) {
				t.Errorf("/api/* does not allow %s", m)
			}
		}
		if deref(b.CachePolicyId) != managedCachingDisabled {
			t.Errorf("/api/* cache policy %q, want CachingDisabled", deref(b.CachePolicyId))
		}
		if deref(b.OriginRequestPolicyId) != managedAllViewerExceptHostHeader {
			t.Errorf("/api/* origin request policy %q, want AllViewerExceptHostHeader (Origin reaches the signer, Host does not)", deref(b.OriginRequestPolicyId))
		}
	})
	t.Run("ServesMemesFromTheBucket", func(t *testing.T) {
		b := behaviour(t, cfg.CacheBehaviors, "/memes/*")
		o := cfg.Origins[origin(t, b.TargetOriginId)]
		if o.S3OriginConfig == nil || deref(o.OriginPath) != "" {
			t.Fatalf("/memes/* served from %q path %q, want the bucket's root (keys memes/...)", o.Id, deref(o.OriginPath))
		}
		p, err := tmpl.GetCloudFrontCachePolicyWithName("MemesCachePolicy")
		if err != nil {
			t.Fatal(err)
		}
		if deref(b.CachePolicyId) != "${MemesCachePolicy}" || p.CachePolicyConfig.DefaultTTL != oneYear {
			t.Fatalf("/memes/* cache policy %q DefaultTTL %v, want a year", deref(b.CachePolicyId), p.CachePolicyConfig.DefaultTTL)
		}
	})
	t.Run("NeverServesOriginals", func(t *testing.T) {
		for _, b := range cfg.CacheBehaviors {
			if strings.Contains(b.PathPattern, "originals") {
				t.Fatalf("behaviour %q serves originals", b.PathPattern)
			}
		}
		// The default behaviour maps /originals/x to site/originals/x, which CloudFront may not read
		// (TestTemplateBucketPolicy) and which nothing writes.
	})
	t.Run("SiteCacheHonoursObjectHeaders", func(t *testing.T) {
		if deref(cfg.DefaultCacheBehavior.CachePolicyId) != "${SiteCachePolicy}" {
			t.Fatalf("site cache policy %q", deref(cfg.DefaultCacheBehavior.CachePolicyId))
		}
		p, err := tmpl.GetCloudFrontCachePolicyWithName("SiteCachePolicy")
		if err != nil {
			t.Fatal(err)
		}
		c := p.CachePolicyConfig
		// MinTTL 0 lets "no-cache" on index.html, sw.js and config.json mean not cached; MaxTTL a
		// year lets versioned assets stay a year; DefaultTTL 0 caches nothing that lacks a header.
		if c.MinTTL != 0 || c.MaxTTL != oneYear || c.DefaultTTL != 0 {
			t.Fatalf("site TTLs min %v default %v max %v, want 0, 0, a year", c.MinTTL, c.DefaultTTL, c.MaxTTL)
		}
		k := c.ParametersInCacheKeyAndForwardedToOrigin
		if !k.EnableAcceptEncodingGzip || !deref(k.EnableAcceptEncodingBrotli) {
			t.Fatalf("site cache policy does not let CloudFront compress (gzip %v, brotli %v)", k.EnableAcceptEncodingGzip, deref(k.EnableAcceptEncodingBrotli))
		}
	})
}

func behaviour(t *testing.T, bs []cloudfront.Distribution_CacheBehavior, pattern string) cloudfront.Distribution_CacheBehavior {
	t.Helper()
	for _, b := range bs {
		if b.PathPattern == pattern {
			return b
		}
	}
	t.Fatalf("no cache behaviour for %s", pattern)
	return cloudfront.Distribution_CacheBehavior{}
}

func TestTemplateSigner(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	f, err := tmpl.GetLambdaFunctionWithName("SignerFunction")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("RunsTheBootstrapZipOnArm64", func(t *testing.T) {
		if deref(f.Runtime) != "provided.al2023" || !slices.Equal(f.Architectures, []string{"arm64"}) || deref(f.Handler) != "bootstrap" {
			t.Fatalf("runtime %q, architectures %q, handler %q", deref(f.Runtime), f.Architectures, deref(f.Handler))
		}
		if f.Code == nil || deref(f.Code.S3Bucket) != "${SignerCodeBucket}" || deref(f.Code.S3Key) != "${SignerCodeKey}" {
			t.Fatalf("code %+v, want the SignerCodeBucket/SignerCodeKey parameters", f.Code)
		}
	})
	t.Run("EnvironmentIsThePlansContract", func(t *testing.T) {
		want := map[string]string{
			"MEMEFORGE_BUCKET":           "${Bucket}",
			"MEMEFORGE_ALLOWED_ORIGINS":  "https://${Distribution.DomainName}",
			"MEMEFORGE_MAX_UPLOAD_BYTES": "15728640",
			"MEMEFORGE_PUBLIC_BASE_URL":  "https://${Distribution.DomainName}",
			// The delete key is read from the secret at start, never put in the environment.
			"MEMEFORGE_DELETE_KEY_SECRET": "${DeleteKeySecret}",
			"MEMEFORGE_DISTRIBUTION_ID":   "${Distribution}",
		}
		if f.Environment == nil {
			t.Fatal("no environment")
		}
		got := f.Environment.Variables
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("environment\n got %v\nwant %v", got, want)
		}
		for k, v := range got {
			if strings.Contains(v, "*") {
				t.Errorf("%s=%q contains a wildcard", k, v)
			}
		}
	})
	t.Run("MaxUploadFollowsTheParameter", func(t *testing.T) {
		f, err := loadTemplate(t, map[string]any{"MaxUploadBytes": 1048576}).GetLambdaFunctionWithName("SignerFunction")
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Environment.Variables["MEMEFORGE_MAX_UPLOAD_BYTES"]; got != "1048576" {
			t.Fatalf("MEMEFORGE_MAX_UPLOAD_BYTES = %q, want 1048576", got)
		}
	})
	t.Run("RoleMayOnlyPutUnderTheTwoPrefixes", func(t *testing.T) {
		if f.Role != "${SignerRole.Arn}" {
			t.Fatalf("function role %q", f.Role)
		}
		r, err := tmpl.GetIAMRoleWithName("SignerRole")
		if err != nil {
			t.Fatal(err)
		}
		if len(r.ManagedPolicyArns) != 0 || r.PermissionsBoundary != nil {
			t.Fatalf("role has managed policies %q: every permission must be in the template", r.ManagedPolicyArns)
		}
		trust := statements(t, r.AssumeRolePolicyDocument)
		if len(trust) != 1 || fmt.Sprint(trust[0].Principal) != "map[Service:lambda.amazonaws.com]" {
			t.Fatalf("trust policy %+v, want Lambda only", trust)
		}
		// No other resource may grant the role more.
		for name, res := range tmpl.Resources {
			if typ := res.AWSCloudFormationType(); typ == "AWS::IAM::Policy" || typ == "AWS::IAM::ManagedPolicy" {
				t.Errorf("%s (%s) could widen the signer's role", name, typ)
			}
		}
		var s3Resources []string
		for _, p := range r.Policies {
			for _, s := range statements(t, p.PolicyDocument) {
				if s.Effect != "Allow" {
					continue
				}
				for _, a := range s.Actions {
					switch {
					case a == "s3:PutObject":
					case a == "s3:GetObject": // the status query's, share page's and delete's HEADs
						if got := sortedCopy(s.Resources); !slices.Equal(got, []string{"${Bucket.Arn}/incoming/memes/*", "${Bucket.Arn}/memes/*", "${Bucket.Arn}/originals/*"}) {
							t.Errorf("s3:GetObject on %q, want a meme's holding and public keys and the originals only", got)
						}
					case a == "s3:DeleteObject": // DELETE /api/memes/<id>, never the holding prefix or the site
						if got := sortedCopy(s.Resources); !slices.Equal(got, []string{"${Bucket.Arn}/memes/*", "${Bucket.Arn}/originals/*"}) {
							t.Errorf("s3:DeleteObject on %q, want published memes and originals only", got)
						}
					case a == "cloudfront:CreateInvalidation":
						if want := "arn:aws:cloudfront::" + testAccount + ":distribution/${Distribution}"; !slices.Equal(s.Resources, []string{want}) {
							t.Errorf("cloudfront:CreateInvalidation on %q, want this distribution only (%s)", s.Resources, want)
						}
					case a == "secretsmanager:GetSecretValue":
						if !slices.Equal(s.Resources, []string{"${DeleteKeySecret}"}) {
							t.Errorf("secretsmanager:GetSecretValue on %q, want the delete key's secret only", s.Resources)
						}
					case a == "s3:ListBucket": // so a missing key is 404, not 403
						if !slices.Equal(s.Resources, []string{"${Bucket.Arn}"}) || s.Condition == nil {
							t.Errorf("s3:ListBucket on %q with condition %v, want the bucket with a prefix condition", s.Resources, s.Condition)
						}
					case a == "logs:CreateLogStream" || a == "logs:PutLogEvents":
						if !slices.Equal(s.Resources, []string{"${SignerLogGroup.Arn}"}) {
							t.Errorf("%s on %q, want the signer's log group only", a, s.Resources)
						}
					default:
						t.Errorf("role allows %q (statement %q)", a, s.Sid)
					}
				}
				if slices.Contains(s.Actions, "s3:PutObject") {
					if len(s.Actions) != 1 {
						t.Errorf("statement %q mixes s3:PutObject with %q", s.Sid, s.Actions)
					}
					s3Resources = append(s3Resources, s.Resources...)
				}
			}
		}
		// A presigned POST can do what the signer's role can: upload into holding, nowhere public.
		want := []string{"${Bucket.Arn}/incoming/memes/*", "${Bucket.Arn}/incoming/originals/*"}
		if got := sortedCopy(s3Resources); !slices.Equal(got, want) {
			t.Fatalf("s3:PutObject on %q, want exactly %q", got, want)
		}
	})
}

func TestTemplateAPI(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	api, err := tmpl.GetApiGatewayV2ApiWithName("HttpApi")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("IsAnHTTPAPIWithoutWildcardCORS", func(t *testing.T) {
		if deref(api.ProtocolType) != "HTTP" {
			t.Fatalf("ProtocolType %q", deref(api.ProtocolType))
		}
		if c := api.CorsConfiguration; c != nil {
			for _, o := range c.AllowOrigins {
				if strings.Contains(o, "*") {
					t.Fatalf("API CORS allows %q", o)
				}
			}
		}
		if len(tmpl.GetAllApiGatewayV2ApiResources()) != 1 {
			t.Fatal("more than one API")
		}
	})
	t.Run("ProxiesToTheSignerWithPayload2", func(t *testing.T) {
		in, err := tmpl.GetApiGatewayV2IntegrationWithName("SignerIntegration")
		if err != nil {
			t.Fatal(err)
		}
		if in.ApiId != "${HttpApi}" || in.IntegrationType != "AWS_PROXY" || deref(in.PayloadFormatVersion) != "2.0" || deref(in.IntegrationUri) != "${SignerFunction.Arn}" {
			t.Fatalf("integration %+v", in)
		}
	})
	t.Run("RoutesArePOSTAndOPTIONSOnSign", func(t *testing.T) {
		var keys []string
		for _, r := range tmpl.GetAllApiGatewayV2RouteResources() {
			keys = append(keys, r.RouteKey)
			if r.ApiId != "${HttpApi}" || deref(r.Target) != "integrations/${SignerIntegration}" {
				t.Errorf("route %q: api %q target %q", r.RouteKey, r.ApiId, deref(r.Target))
			}
		}
		if got := sortedCopy(keys); !slices.Equal(got, []string{"DELETE /api/memes/{id}", "GET /api/status", "GET /m/{id}", "OPTIONS /api/sign", "POST /api/sign"}) {
			t.Fatalf("routes %q", got)
		}
	})
	t.Run("StageIsThrottled", func(t *testing.T) {
		st, err := tmpl.GetApiGatewayV2StageWithName("ApiStage")
		if err != nil {
			t.Fatal(err)
		}
		rs := st.DefaultRouteSettings
		if st.StageName != "$default" || !deref(st.AutoDeploy) {
			t.Fatalf("stage %q auto-deploy %v, want $default (no path prefix behind CloudFront)", st.StageName, deref(st.AutoDeploy))
		}
		if rs == nil || deref(rs.ThrottlingRateLimit) <= 0 || deref(rs.ThrottlingBurstLimit) <= 0 {
			t.Fatalf("stage throttling %+v, want rate and burst set", rs)
		}
	})
	t.Run("OnlyTheAPIMayInvokeTheSigner", func(t *testing.T) {
		p, err := tmpl.GetLambdaPermissionWithName("SignerInvokePermission")
		if err != nil {
			t.Fatal(err)
		}
		if n := len(tmpl.GetAllLambdaPermissionResources()); n != 3 {
			t.Fatalf("%d Lambda permissions, want 3 (the API's for /api/* and /m/*, the bucket's for the check)", n)
		}
		share, err := tmpl.GetLambdaPermissionWithName("SharePageInvokePermission")
		if err != nil {
			t.Fatal(err)
		}
		if want := "arn:aws:execute-api:" + testRegion + ":" + testAccount + ":${HttpApi}/*/GET/m/*"; share.Principal != "apigateway.amazonaws.com" ||
			deref(share.SourceArn) != want || share.FunctionName != "${SignerFunction}" {
			t.Fatalf("share page permission %+v, want API Gateway GET /m/* only (%s)", share, want)
		}
		{
			want := "arn:aws:execute-api:" + testRegion + ":" + testAccount + ":${HttpApi}/*/*/api/*"
			if p.Principal != "apigateway.amazonaws.com" || deref(p.SourceArn) != want || p.FunctionName != "${SignerFunction}" {
				t.Fatalf("permission %+v, want API Gateway from %s", p, want)
			}
		}
	})
}

func TestTemplateOutputs(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	want := map[string]string{
		"SiteURL":        "https://${Distribution.DomainName}",
		"ApiURL":         "${HttpApi.ApiEndpoint}",
		"BucketName":     "${Bucket}",
		"UploadEndpoint": "https://${Bucket.RegionalDomainName}",
		"DistributionId": "${Distribution}",
	}
	for name, value := range want {
		t.Run(name, func(t *testing.T) {
			o, ok := tmpl.Outputs[name]
			if !ok {
				t.Fatalf("no output %s", name)
			}
			if got := fmt.Sprint(o.Value); got != value {
				t.Fatalf("%s = %q, want %q", name, got, value)
			}
		})
	}
}

// TestTemplateParametersMatchDeploy keeps the deploy and the template in step: every parameter
// without a default is passed, and nothing is passed that the template does not declare.
func TestTemplateParametersMatchDeploy(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	rec := &deploy.Recorder{Region: testRegion}
	s := deploy.Settings{Stack: "memeforge", Region: testRegion, Template: templatePath(t), Dist: t.TempDir(),
		OriginalsExpireDays: 7, MaxUploadBytes: 1 << 20, DryRun: true}
	if _, err := deploy.Deploy(context.Background(), s, rec.Cloud(), nil); err != nil {
		t.Fatal(err)
	}
	stacks := deploy.Find[deploy.StackDeploy](rec.Calls(), "cloudformation", "Deploy")
	if len(stacks) != 1 {
		t.Fatalf("%d stack deploys in %q", len(stacks), deploy.Ops(rec.Calls()))
	}
	var passed []string
	for _, p := range stacks[0].Parameters {
		passed = append(passed, p.Key)
		if _, ok := tmpl.Parameters[p.Key]; !ok {
			t.Errorf("the deploy passes %s, which the template does not declare", p.Key)
		}
	}
	for k, p := range tmpl.Parameters {
		if p.Default == nil && !slices.Contains(passed, k) {
			t.Errorf("parameter %s has no default and the deploy does not pass it", k)
		}
	}
	if stacks[0].TemplateFile != templatePath(t) {
		t.Errorf("deploys %s, want %s", stacks[0].TemplateFile, templatePath(t))
	}
}
