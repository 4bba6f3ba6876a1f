// Package headers is the site's security headers, written once: the local stack sends them and
// the CloudFormation template's response headers policy must say the same (scripts/deploy's
// template tests compare them).
package headers

import "strings"

// SiteCSP is the site's Content-Security-Policy. uploadOrigin is where the browser POSTs its
// uploads (the bucket's endpoint; the gateway's locally). Scripts only from the site, with
// WebAssembly compiled (not eval'd), and the one inline script by its hash (BootScriptHash); the
// worker from the site; images also from blob: (previews) and data:; nothing may frame it.
func SiteCSP(uploadOrigin string) string {
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' 'wasm-unsafe-eval' '" + BootScriptHash + "'",
		"worker-src 'self'",
		"connect-src 'self' " + uploadOrigin,
		"img-src 'self' blob: data:",
		"style-src 'self'",
		"font-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// PermissionsPolicy turns off the powerful features the site never uses. (The camera button
// is a file input with capture, which hands off to the system camera, not getUserMedia.)
const PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

// ReferrerPolicy sends only the origin to other sites.
const ReferrerPolicy = "strict-origin-when-cross-origin"

// Site returns every header the site's files are served with.
func Site(uploadOrigin string) map[string]string {
	return map[string]string{
		"Content-Security-Policy": SiteCSP(uploadOrigin),
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         ReferrerPolicy,
		"Permissions-Policy":      PermissionsPolicy,
	}
}
