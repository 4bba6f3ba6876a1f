package signer_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/memeforge/memeforge/signer"
)

// A Signer turns a small request from the page into a presigned POST form for one object. The clock
// and randomness are fixed here so the output is stable; in the Lambda they are the real ones.
func ExampleSigner_Sign() {
	s, err := signer.New(signer.Config{
		Bucket:         "memeforge-example",
		Region:         "eu-west-1",
		AllowedOrigins: []string{"https://d111111abcdef8.cloudfront.net"},
		MaxUploadBytes: signer.DefaultMaxUploadBytes,
		PublicBaseURL:  "https://d111111abcdef8.cloudfront.net",
	}, credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		signer.WithClock(func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }),
		signer.WithRandom(bytes.NewReader(make([]byte, 64))))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := s.Sign(context.Background(), signer.Request{Kind: signer.KindMeme, ContentType: "image/png", Size: 123456})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.URL)
	fmt.Println(resp.Key)
	fmt.Println(resp.PublicURL)
	fmt.Println(resp.ExpiresAt)
	fmt.Println(slices.Sorted(maps.Keys(resp.Fields)))
	// Output:
	// https://memeforge-example.s3.eu-west-1.amazonaws.com
	// incoming/memes/2026/01/02/00000000000000000000000000000000.png
	// https://d111111abcdef8.cloudfront.net/memes/2026/01/02/00000000000000000000000000000000.png
	// 2026-01-02T03:09:05Z
	// [Content-Type X-Amz-Algorithm X-Amz-Credential X-Amz-Date X-Amz-Signature key policy x-amz-server-side-encryption]
}

// A request is checked before anything is signed; the error carries a stable code.
func ExampleRequest_Validate() {
	err := signer.Request{Kind: signer.KindOriginal, ContentType: "image/bmp", Size: 10}.Validate(signer.DefaultMaxUploadBytes)
	fmt.Println(err)
	// Output:
	// signer: unsupported_media_type: contentType "image/bmp" is not allowed; use one of image/jpeg, image/png, image/gif, image/webp
}
