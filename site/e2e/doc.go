// Package e2e drives the built site (dist/site, from `make build`) in Debian's headless Chromium
// with chromedp, against the local stack (internal/localstack: Versity Gateway, the signer's HTTP
// face and the site server) started by each test on free loopback ports.
//
// The tests fail, never skip, when dist/site is missing or unbuilt ("run make build") or Chromium
// is not installed. Screenshots go to test-output/ at the repository root. TestBrowserBench prints
// the browser figures for `make bench` when MEMEFORGE_BROWSER_BENCH=1. MEMEFORGE_SITE_DIR points
// the tests at another build of the site.
//
// The images in testdata are drawn by gen_fixtures.go (`go run gen_fixtures.go` in this folder).
package e2e
