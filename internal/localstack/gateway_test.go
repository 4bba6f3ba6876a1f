package localstack

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func startTestGateway(t *testing.T, dataDir string, origins ...string) *Gateway {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	g, err := StartGateway(ctx, GatewayOptions{Addr: "127.0.0.1:0", DataDir: dataDir, CORSOrigins: origins})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Stop() })
	return g
}

func TestStartGateway(t *testing.T) {
	dataDir := t.TempDir()
	const origin = "http://127.0.0.1:8080"
	g := startTestGateway(t, dataDir, origin)
	ctx := context.Background()

	t.Run("CreatesBucket", func(t *testing.T) {
		if _, err := g.Client().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: ptr(DefaultBucket)}); err != nil {
			t.Fatalf("bucket %s missing: %v", DefaultBucket, err)
		}
	})
	t.Run("AnswersCORSPreflightForAllowedOrigin", func(t *testing.T) {
		resp := preflight(t, g.Endpoint()+"/"+DefaultBucket, origin)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != origin {
			t.Fatalf("preflight: %d, Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
		if !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") {
			t.Fatalf("preflight allows %q, want POST", resp.Header.Get("Access-Control-Allow-Methods"))
		}
	})
	t.Run("RefusesCORSPreflightForOtherOrigin", func(t *testing.T) {
		resp := preflight(t, g.Endpoint()+"/"+DefaultBucket, "http://evil.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("other origin allowed: %d %q", resp.StatusCode, got)
		}
	})
	t.Run("RefusesSecondGatewayOnSameAddress", func(t *testing.T) {
		_, err := StartGateway(ctx, GatewayOptions{Addr: g.Addr(), DataDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "in use") {
			t.Fatalf("second gateway on %s: err = %v, want 'in use'", g.Addr(), err)
		}
	})
	t.Run("StopKillsProcessAndKeepsData", func(t *testing.T) {
		key := "keep/me.txt"
		if _, err := g.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: ptr(DefaultBucket), Key: &key, Body: strings.NewReader("hi")}); err != nil {
			t.Fatal(err)
		}
		pid := g.cmd.Process.Pid
		if err := g.Stop(); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(pid, 0); err == nil {
			t.Fatalf("gateway pid %d still alive after Stop", pid)
		}
		g2 := startTestGateway(t, dataDir, origin)
		out, err := g2.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ptr(DefaultBucket), Key: &key})
		if err != nil {
			t.Fatalf("object lost across restart: %v", err)
		}
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if !bytes.Equal(b, []byte("hi")) {
			t.Fatalf("object = %q", b)
		}
	})
}

func TestStartGatewayErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("RequiresDataDir", func(t *testing.T) {
		if _, err := StartGateway(ctx, GatewayOptions{Addr: "127.0.0.1:0"}); err == nil || !strings.Contains(err.Error(), "DataDir") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ReportsGatewayThatExits", func(t *testing.T) {
		// A "binary" that exits at once stands for a gateway that fails to start.
		bin := filepath.Join(t.TempDir(), "fails")
		if err := os.WriteFile(bin, []byte("#!/bin/sh\necho cannot start >&2\nexit 3\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := StartGateway(ctx, GatewayOptions{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Binary: bin})
		if err == nil || !strings.Contains(err.Error(), "cannot start") {
			t.Fatalf("err = %v, want the child's output", err)
		}
	})
	t.Run("RejectsBadAddress", func(t *testing.T) {
		if _, err := StartGateway(ctx, GatewayOptions{Addr: "nonsense", DataDir: t.TempDir(), Binary: "/bin/true"}); err == nil {
			t.Fatal("no error")
		}
	})
}

func preflight(t *testing.T, url, origin string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, url, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func ptr[T any](v T) *T { return &v }
