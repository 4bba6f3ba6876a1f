package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isolate leaves the command no AWS credentials or configuration to find.
func isolate(t *testing.T, env ...string) {
	t.Helper()
	home := t.TempDir()
	empty := filepath.Join(home, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "STACK_NAME", "DRY_RUN", "DIST", "ORIGINALS_EXPIRE_DAYS", "MAX_UPLOAD_BYTES", "DELETE_BUCKET",
		"ARTIFACTS_BUCKET", "MAX_INVALIDATION_PATHS", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOME", home)
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
}

// TestCommandErrors: every bad input or missing prerequisite stops with a message that says what to do.
func TestCommandErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  []string
		code int
		says []string
	}{
		{"RejectsUnknownArgument", []string{"deploy", "--force"}, nil, 2, []string{"usage:"}},
		{"RejectsUnknownVerb", []string{"upgrade"}, nil, 2, []string{"usage:"}},
		{"RejectsBadStackName", []string{"deploy"}, []string{"STACK_NAME=my_stack!"}, 2, []string{"deploy: STACK_NAME must be", "usage:"}},
		{"RejectsZeroExpiry", []string{"deploy"}, []string{"ORIGINALS_EXPIRE_DAYS=0"}, 2, []string{"ORIGINALS_EXPIRE_DAYS must be a whole number of days >= 1, got '0'"}},
		{"RejectsHugeUploads", []string{"deploy"}, []string{"MAX_UPLOAD_BYTES=999999999"}, 2, []string{"MAX_UPLOAD_BYTES must be 1..104857600, got '999999999'"}},
		{"NeedsARegion", []string{"deploy"}, nil, 1, []string{"deploy: no AWS region: set AWS_REGION"}},
		{"NeedsCredentials", []string{"deploy"}, []string{"AWS_REGION=eu-west-1"}, 1,
			[]string{"deploy: no usable AWS credentials (sts GetCallerIdentity said:", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"}},
		{"DestroyRejectsVagueDeleteBucket", []string{"destroy"}, []string{"DELETE_BUCKET=yes"}, 2, []string{"destroy: DELETE_BUCKET must be 1 (delete) or unset, got 'yes'"}},
		{"DestroyNeedsCredentials", []string{"destroy"}, []string{"AWS_REGION=eu-west-1"}, 1, []string{"destroy: no usable AWS credentials"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			isolate(t, c.env...)
			var out, errb strings.Builder
			if code := run(context.Background(), c.args, &out, &errb); code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out.String(), errb.String())
			}
			for _, s := range c.says {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errb.String())
				}
			}
			if strings.Contains(out.String(), "PutObject") || strings.Contains(out.String(), "upload ") {
				t.Errorf("uploaded before failing:\n%s", out.String())
			}
		})
	}
}

// TestDryRunNeedsNothing: with no credentials, no region and no AWS CLI, a dry run prints the plan.
func TestDryRunNeedsNothing(t *testing.T) {
	for _, verb := range []string{"deploy", "destroy"} {
		t.Run(verb, func(t *testing.T) {
			isolate(t, "DRY_RUN=1", "DIST="+t.TempDir(), "PATH=/nonexistent")
			var out, errb strings.Builder
			if code := run(context.Background(), []string{verb}, &out, &errb); code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
			for _, want := range []string{"# memeforge " + verb + ", dry run", "sts GetCallerIdentity\n", "showing REGION",
				"cloudformation DescribeStacks stack=memeforge\n"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
