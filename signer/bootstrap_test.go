package signer_test

// The built bootstrap (linux, this machine's arch, -tags lambda.norpc) under the AWS Lambda
// Runtime Interface Emulator, answering the API Gateway v2 events kept in testdata/apigw.

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/memeforge/memeforge/internal/localstack"
	"github.com/memeforge/memeforge/signer"
)

func buildBootstrap(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := localstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := localstack.BuildBootstrap(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// lambdaEnv is the function's environment: configuration plus the static credentials Lambda
// would inject for the role (with a session token, as a role has).
func lambdaEnv(extra ...string) []string {
	return append([]string{
		"MEMEFORGE_BUCKET=memeforge",
		"AWS_REGION=eu-west-1",
		"MEMEFORGE_ALLOWED_ORIGINS=https://memes.example.com",
		"MEMEFORGE_PUBLIC_BASE_URL=https://memes.example.com",
		"AWS_ACCESS_KEY_ID=ASIAMEMEFORGETEST",
		"AWS_SECRET_ACCESS_KEY=memeforge-test-secret",
		"AWS_SESSION_TOKEN=test-session-token",
		"AWS_EC2_METADATA_DISABLED=true",
		"HOME=" + os.TempDir(),
	}, extra...)
}

func startLambda(t *testing.T, bin string, env []string) *localstack.Lambda {
	t.Helper()
	l, err := localstack.StartLambda(context.Background(), localstack.LambdaOptions{Bootstrap: bin, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Stop)
	return l
}

func invoke(t *testing.T, l *localstack.Lambda, event []byte) events.APIGatewayV2HTTPResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := l.Invoke(ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("response %s: %v", out, err)
	}
	return resp
}

func TestBootstrapUnderRIE(t *testing.T) {
	bin := buildBootstrap(t)
	l := startLambda(t, bin, lambdaEnv())

	for name, e := range signer.LoadExpectations(t) {
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			event, err := os.ReadFile(filepath.Join("testdata/apigw", name))
			if err != nil {
				t.Fatal(err)
			}
			resp := invoke(t, l, event)
			if resp.StatusCode != e.Status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, e.Status, resp.Body)
			}
			if (resp.Headers["Access-Control-Allow-Origin"] != "") != e.CORS {
				t.Errorf("CORS header %q, want present=%v", resp.Headers["Access-Control-Allow-Origin"], e.CORS)
			}
			if e.Preflight && resp.Headers["Access-Control-Allow-Methods"] != "OPTIONS, POST" {
				t.Errorf("preflight headers %v", resp.Headers)
			}
			if e.Allow != "" && resp.Headers["Allow"] != e.Allow {
				t.Errorf("Allow %q", resp.Headers["Allow"])
			}
			switch {
			case e.Code != "":
				var eb struct {
					Error struct{ Code, Message string } `json:"error"`
				}
				if json.Unmarshal([]byte(resp.Body), &eb) != nil || eb.Error.Code != e.Code || eb.Error.Message == "" {
					t.Errorf("body %s, want code %s", resp.Body, e.Code)
				}
			case e.Status == 200:
				var r struct {
					URL       string            `json:"url"`
					Key       string            `json:"key"`
					PublicURL string            `json:"publicUrl"`
					Fields    map[string]string `json:"fields"`
				}
				if err := json.Unmarshal([]byte(resp.Body), &r); err != nil {
					t.Fatal(err)
				}
				if r.URL != "https://memeforge.s3.eu-west-1.amazonaws.com" || r.Fields["policy"] == "" ||
					r.Fields["X-Amz-Security-Token"] != "test-session-token" ||
					!strings.HasPrefix(r.Fields["X-Amz-Credential"], "ASIAMEMEFORGETEST/") {
					t.Errorf("signed form %s", resp.Body)
				}
				if (r.PublicURL != "") != (e.Kind == "meme") {
					t.Errorf("publicUrl %q for %s", r.PublicURL, e.Kind)
				}
			}
		})
	}
	t.Run("SeveralMegabyteBody", func(t *testing.T) {
		ev := events.APIGatewayV2HTTPRequest{Version: "2.0", Body: `{"kind":"meme","contentType":"image/png","size":1}` + strings.Repeat(" ", 4<<20)}
		ev.RequestContext.HTTP.Method = "POST"
		event, _ := json.Marshal(ev)
		if resp := invoke(t, l, event); resp.StatusCode != 413 {
			t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
		}
	})
}

// Without credentials the signer fails inside: 500 "internal error" to the client, the
// cause in the function's log.
func TestBootstrapInternalErrorUnderRIE(t *testing.T) {
	bin := buildBootstrap(t)
	env := []string{}
	for _, kv := range lambdaEnv("AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent") {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") && !strings.HasPrefix(kv, "AWS_SESSION_TOKEN=") {
			env = append(env, kv)
		}
	}
	l := startLambda(t, bin, env)
	event, _ := os.ReadFile("testdata/apigw/post-original.json")
	resp := invoke(t, l, event)
	if resp.StatusCode != 500 || resp.Body != `{"error":{"code":"internal","message":"internal error"}}` {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	if !logSays(l, "signer: internal error", "credentials") {
		t.Fatalf("cause not logged:\n%s", l.Log())
	}
}

// logSays waits up to 10 s for the function's log to contain every want: the emulator relays the
// function's output on its own, so a line may arrive just after the answer it explains.
func logSays(l *localstack.Lambda, wants ...string) bool {
	has := func() bool {
		log := l.Log()
		for _, w := range wants {
			if !strings.Contains(log, w) {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(10 * time.Second); !has() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	return has()
}

// A bad environment stops the function at start with a message naming the variable.
func TestBootstrapRefusesBadConfigUnderRIE(t *testing.T) {
	bin := buildBootstrap(t)
	l := startLambda(t, bin, lambdaEnv("MEMEFORGE_ALLOWED_ORIGINS=*"))
	event, _ := os.ReadFile("testdata/apigw/post-original.json")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := l.Invoke(ctx, event); err == nil {
		t.Fatalf("function answered with a bad config: %s", out)
	}
	if !logSays(l, "MEMEFORGE_ALLOWED_ORIGINS") {
		t.Fatalf("log does not name the variable:\n%s", l.Log())
	}
}
