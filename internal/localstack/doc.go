// Package localstack runs memeforge on loopback with no AWS account: a real S3 server
// (Versity Gateway, posix backend) with the bucket and its CORS rule, and a site server that
// serves dist/site, answers /api/sign with the signer's own net/http adapter and proxies
// /memes/* to the bucket with a signed GET (the local stand-in for CloudFront with OAC).
//
// Tests of other areas import it: StartGateway for an S3 server alone, Start for the whole stack.
// Every child process runs in its own process group and is killed with its group on Stop, so a
// test or `make run` never leaves a gateway behind.
package localstack
