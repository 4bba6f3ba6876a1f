package e2e

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// testSite is the served dist/site. TEMPORARY: a plain static server until localstack.Start lands.
type testSite struct{ srv *httptest.Server }

func (s *testSite) URL() string { return s.srv.URL + "/" }

func startSite(t *testing.T) *testSite {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(siteDir)))
	t.Cleanup(srv.Close)
	return &testSite{srv: srv}
}
