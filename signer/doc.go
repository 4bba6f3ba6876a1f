// Package signer signs browser uploads to S3: for a small JSON request it returns a presigned
// POST policy (aws-sdk-go-v2's PresignClient.PresignPostObject) that lets the browser upload one
// object, of one declared image type and bounded size, under a key the server chose.
//
// The core (Signer.Sign) is pure apart from credentials and randomness. Two faces share one
// request path (Handler): HandleAPIGateway for the Lambda behind API Gateway HTTP API (payload
// format 2.0) and ServeHTTP for the local stack, so the same validation, error table, body limit
// and CORS rules answer in both places.
package signer
