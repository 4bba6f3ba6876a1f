// Package deploy holds the offline proofs of memeforge's AWS deployment (issue 5): AWS itself can't
// be reached from the machines that run the tests, so they check what can be checked without it.
//
//   - scripts/template.yaml is parsed with goformation and held to the security and serving rules
//     (private bucket, Origin Access Control, no wildcard CORS, the signer's runtime and narrow role,
//     throttling, HTTPS only, /api/* to the API), and its resource graph is checked for cycles;
//   - the CloudFront Function inside it runs under Node against a table of requests;
//   - deploy.sh and destroy.sh are run in dry-run mode and their sequence of AWS calls is checked,
//     with their error paths;
//   - sync-site.sh runs with the real AWS CLI against Versity Gateway (package localstack).
//
// The package has no code of its own; everything is in its tests.
package deploy
