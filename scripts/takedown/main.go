// Command takedown removes one published meme, whoever made it: `make takedown URL=<share link
// or image URL>`. It is the page's Delete minus the token (signer.Remover: the meme leaves the
// bucket, then its image and share page leave CloudFront's cache). The meme's original is not
// linked to it by anything a deployer holds; originals expire on their own (ORIGINALS_EXPIRE_DAYS).
//
// Against AWS it finds the bucket and the distribution in the stack's outputs (STACK_NAME,
// default memeforge; AWS_REGION or the profile's region). With LOCAL=1 it works on the local
// stack's gateway (`make run`; MEMEFORGE_GATEWAY_ADDR, default 127.0.0.1:7070), where there is no
// CDN to invalidate.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/memeforge/memeforge/internal/localstack"
	"github.com/memeforge/memeforge/signer"
)

const usage = `usage: make takedown URL=<share link (/m/<id>) or image URL (/memes/...)>
       go run ./scripts/takedown <URL>
  env: STACK_NAME (default memeforge), AWS_REGION; LOCAL=1 for the local stack
       (MEMEFORGE_GATEWAY_ADDR, default 127.0.0.1:7070)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || args[0] == "" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		return 2
	}
	key, err := signer.KeyFromURL(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "takedown: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	r, where, err := remover(ctx, getenv, log)
	if err != nil {
		fmt.Fprintf(stderr, "takedown: %v\n", err)
		return 1
	}
	if err := r.Remove(ctx, key); err != nil {
		fmt.Fprintf(stderr, "takedown: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "takedown: removed %s from %s\n", key, where)
	return 0
}

// remover is the Remover for the local stack (LOCAL=1) or the deployed stack's outputs.
func remover(ctx context.Context, getenv func(string) string, log *slog.Logger) (*signer.Remover, string, error) {
	if getenv("LOCAL") == "1" {
		addr := getenv("MEMEFORGE_GATEWAY_ADDR")
		if addr == "" {
			addr = localstack.DefaultGatewayAddr
		}
		client := s3.New(s3.Options{
			Region: localstack.DefaultRegion, BaseEndpoint: aws.String("http://" + addr), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(localstack.DefaultAccessKey, localstack.DefaultSecretKey, ""),
		})
		return signer.NewRemover(client, localstack.DefaultBucket, nil, log), "the local stack (" + addr + ")", nil
	}
	stack := getenv("STACK_NAME")
	if stack == "" {
		stack = "memeforge"
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("AWS config: %w", err)
	}
	if cfg.Region == "" {
		return nil, "", errors.New("no region: set AWS_REGION (or LOCAL=1 for the local stack)")
	}
	out, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: &stack})
	if err != nil || len(out.Stacks) != 1 {
		return nil, "", fmt.Errorf("stack %s in %s: %v", stack, cfg.Region, err)
	}
	outputs := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	bucket, dist := outputs["BucketName"], outputs["DistributionId"]
	if bucket == "" || dist == "" {
		return nil, "", fmt.Errorf("stack %s has no BucketName/DistributionId outputs", stack)
	}
	cdn := signer.CloudFrontInvalidator{Client: cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) { o.Region = "us-east-1" }),
		Distribution: dist, Random: rand.Reader}
	return signer.NewRemover(s3.NewFromConfig(cfg), bucket, cdn, log), "bucket " + bucket + " (stack " + stack + ")", nil
}
