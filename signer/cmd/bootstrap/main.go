// Command bootstrap is the signer Lambda (runtime provided.al2023, built with -tags lambda.norpc):
// configuration from the environment, checked once at start, then one handler for API Gateway
// v2 requests (signing, upload status) and the bucket's S3 ObjectCreated events (the check).
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/memeforge/memeforge/signer"
)

func main() {
	cfg, err := signer.ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	s, err := signer.NewFromDefaultChain(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(signer.NewHandler(s).HandleLambda)
}
