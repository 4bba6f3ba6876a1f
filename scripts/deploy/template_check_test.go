package main

import (
	"slices"
	"strings"
	"testing"
)

// TestTemplateCheck: the bucket's ObjectCreated events under incoming/ reach the check
// function, which runs the signer's zip with a role of its own: read and delete holding,
// write the public prefixes, nothing else.
func TestTemplateCheck(t *testing.T) {
	tmpl := loadTemplate(t, nil)
	b, err := tmpl.GetS3BucketWithName("Bucket")
	if err != nil {
		t.Fatal(err)
	}
	f, err := tmpl.GetLambdaFunctionWithName("CheckFunction")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := tmpl.GetLambdaFunctionWithName("SignerFunction")
	if err != nil {
		t.Fatal(err)
	}
	bucketName := deref(b.BucketName)

	t.Run("NotifiesTheCheckOfUploadsOnly", func(t *testing.T) {
		n := b.NotificationConfiguration
		if n == nil || len(n.LambdaConfigurations) != 1 || len(n.QueueConfigurations) != 0 || len(n.TopicConfigurations) != 0 {
			t.Fatalf("notification %+v, want one Lambda configuration", n)
		}
		c := n.LambdaConfigurations[0]
		if c.Event != "s3:ObjectCreated:*" || c.Function != "${CheckFunction.Arn}" {
			t.Fatalf("notification %q -> %q", c.Event, c.Function)
		}
		if c.Filter == nil || len(c.Filter.S3Key.Rules) != 1 || c.Filter.S3Key.Rules[0].Name != "prefix" || c.Filter.S3Key.Rules[0].Value != "incoming/" {
			t.Fatalf("filter %+v, want prefix incoming/ (the check's own writes must not notify it)", c.Filter)
		}
	})
	t.Run("RunsTheSignersZip", func(t *testing.T) {
		if f.Code == nil || deref(f.Code.S3Key) != deref(signer.Code.S3Key) || deref(f.Runtime) != deref(signer.Runtime) {
			t.Fatalf("code %+v, want the signer's", f.Code)
		}
		if f.Role != "${CheckRole.Arn}" || signer.Role == f.Role {
			t.Fatalf("role %q: want a role of its own", f.Role)
		}
		if got := f.Environment.Variables["MEMEFORGE_BUCKET"]; got != bucketName {
			t.Fatalf("MEMEFORGE_BUCKET %q, want the bucket's computed name %q (a Ref would be a cycle)", got, bucketName)
		}
	})
	t.Run("OnlyThisBucketMayInvokeIt", func(t *testing.T) {
		p, err := tmpl.GetLambdaPermissionWithName("CheckInvokePermission")
		if err != nil {
			t.Fatal(err)
		}
		if p.Principal != "s3.amazonaws.com" || p.FunctionName != "${CheckFunction}" || deref(p.SourceArn) != "arn:aws:s3:::"+bucketName || deref(p.SourceAccount) != testAccount {
			t.Fatalf("permission %+v", p)
		}
		if !slices.Contains(b.AWSCloudFormationDependsOn, "CheckInvokePermission") {
			t.Fatal("the bucket does not wait for the permission (S3 checks it when the notification is set)")
		}
	})
	t.Run("RoleIsScoped", func(t *testing.T) {
		r, err := tmpl.GetIAMRoleWithName("CheckRole")
		if err != nil {
			t.Fatal(err)
		}
		arn := "arn:aws:s3:::" + bucketName
		got := map[string][]string{}
		for _, p := range r.Policies {
			for _, s := range statements(t, p.PolicyDocument) {
				if s.Effect != "Allow" {
					continue
				}
				for _, a := range s.Actions {
					got[a] = append(got[a], s.Resources...)
				}
			}
		}
		want := map[string][]string{
			"s3:GetObject":         {arn + "/incoming/*"},
			"s3:DeleteObject":      {arn + "/incoming/*"},
			"s3:PutObject":         {arn + "/memes/*", arn + "/originals/*"},
			"s3:ListBucket":        {arn},
			"logs:CreateLogStream": {"${CheckLogGroup.Arn}"},
			"logs:PutLogEvents":    {"${CheckLogGroup.Arn}"},
		}
		if len(got) != len(want) {
			t.Errorf("role allows %q, want exactly the actions of %q", keysOf(got), keysOf(want))
		}
		for a, res := range want {
			if g := sortedCopy(got[a]); !slices.Equal(g, res) {
				t.Errorf("%s on %q, want %q", a, g, res)
			}
		}
	})
	t.Run("UncheckedUploadsExpire", func(t *testing.T) {
		for _, r := range b.LifecycleConfiguration.Rules {
			if deref(r.Prefix) == "incoming/" && r.Status == "Enabled" && deref(r.ExpirationInDays) == 1 {
				return
			}
		}
		t.Fatal("no rule expires incoming/ after a day")
	})
}

func keysOf(m map[string][]string) string {
	var k []string
	for a := range m {
		k = append(k, a)
	}
	slices.Sort(k)
	return strings.Join(k, ", ")
}
