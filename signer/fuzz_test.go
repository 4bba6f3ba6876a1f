package signer

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzHandleBody drives the whole request path with arbitrary bodies: the answer is always a
// documented status with a JSON body, never a 500 or a panic, and a 200 only for a valid request.
func FuzzHandleBody(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"meme","contentType":"image/png","size":1}`,
		`{"kind":"original","contentType":"image/jpeg","size":15728640}`,
		`{"kind":"original","contentType":"image/jpeg","size":15728641}`,
		`{"kind":"meme","contentType":"image/svg+xml","size":1}`,
		`{"kind":"meme","contentType":"image/png","size":-1}`,
		`{"kind":"meme","contentType":"image/png","size":1e3}`,
		`{"kind":"x"}`, `[]`, `null`, `{`, ``, `{"size":99999999999999999999999}`,
	} {
		f.Add(seed)
	}
	h := NewHandler(newTestSigner(f, ""))
	f.Fuzz(func(t *testing.T, body string) {
		ev := events.APIGatewayV2HTTPRequest{Body: body}
		ev.RequestContext.HTTP.Method = "POST"
		resp, err := h.HandleAPIGateway(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		switch resp.StatusCode {
		case 200, 400, 413, 415:
		default:
			t.Fatalf("status %d for %q: %s", resp.StatusCode, body, resp.Body)
		}
		if !json.Valid([]byte(resp.Body)) {
			t.Fatalf("invalid JSON body %q", resp.Body)
		}
		if resp.StatusCode == 200 {
			var r Request
			if err := json.Unmarshal([]byte(body), &r); err != nil || r.Validate(DefaultMaxUploadBytes) != nil {
				t.Fatalf("200 for invalid request %q", body)
			}
		}
	})
}
