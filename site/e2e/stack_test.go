package e2e

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/memeforge/memeforge/internal/localstack"
)

// testSite is the local stack (Versity Gateway + the site server with /api/sign and /memes/*)
// serving dist/site on free loopback ports, with its data in the test's temp folder.
type testSite struct {
	*localstack.Stack
}

// URL is the page's address.
func (s *testSite) URL() string { return s.Stack.URL() + "/" }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startSite(t testing.TB, opts ...func(*localstack.Options)) *testSite {
	t.Helper()
	var logs syncBuffer
	o := localstack.Options{
		Root:        repoRoot,
		SiteDir:     siteDir,
		Addr:        "127.0.0.1:0",
		GatewayAddr: "127.0.0.1:0",
		DataDir:     filepath.Join(t.TempDir(), "s3"),
		Log:         &logs,
	}
	for _, f := range opts {
		f(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // the first run builds the gateway
	defer cancel()
	st, err := localstack.Start(ctx, o)
	if err != nil {
		t.Fatalf("start the local stack: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Stop(); err != nil {
			t.Errorf("stop the local stack: %v", err)
		}
		if t.Failed() {
			t.Logf("local stack output:\n%s", logs.String())
		}
	})
	return &testSite{Stack: st}
}
