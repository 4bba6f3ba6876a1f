package signer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkSignerSign times one signature in process (key, policy, SigV4) and reports p50/p99.
func BenchmarkSignerSign(b *testing.B) {
	s := newTestSigner(b, testToken, WithClock(time.Now))
	ctx := context.Background()
	req := Request{Kind: KindMeme, ContentType: "image/jpeg", Size: 123456}
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		if _, err := s.Sign(ctx, req); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	reportPercentiles(b, times)
}

// BenchmarkSignerHandleHTTP adds JSON decoding, validation, encoding and CORS headers (no network).
func BenchmarkSignerHandleHTTP(b *testing.B) {
	h := NewHandler(newTestSigner(b, testToken, WithClock(time.Now)))
	body := `{"kind":"meme","contentType":"image/jpeg","size":123456}`
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/api/sign", strings.NewReader(body))
		r.Header.Set("Origin", "https://memes.example.com")
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, r)
		times = append(times, time.Since(start))
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
	}
	reportPercentiles(b, times)
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	at := func(p float64) float64 {
		return float64(times[int(p*float64(len(times)-1))]) / 1e6
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
