// Command deploy is `make deploy` and `make destroy`: it deploys memeforge to the AWS account of the
// current credentials, or removes it, with package internal/deploy on aws-sdk-go-v2. It needs Go and
// credentials, nothing else. DRY_RUN=1 (or -dry-run) prints every AWS call in order instead of making
// it, and needs no credentials.
//
// Settings come from the environment (see usage); a bad one stops it with exit status 2, naming it.
// The tests beside this file also hold scripts/template.yaml to its security and serving rules.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/memeforge/memeforge/internal/deploy"
)

const usage = `usage: go run ./scripts/deploy [-dry-run] deploy|destroy
  env: STACK_NAME (default memeforge), AWS_REGION (or the region of your AWS config), DRY_RUN=1,
       deploy:  ORIGINALS_EXPIRE_DAYS (default 7), MAX_UPLOAD_BYTES (default 15728640),
                ARTIFACTS_BUCKET (default memeforge-artifacts-ACCOUNT-REGION), DIST (default dist),
                MAX_INVALIDATION_PATHS (default 15), RATE_LIMIT_PER_IP (default 0: no WAF; us-east-1 only)
       destroy: DELETE_BUCKET=1 (also delete the bucket and every meme in it)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a bad argument or setting: exit status 2, with the usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("deploy", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	dryFlag := flags.Bool("dry-run", false, "print the AWS calls instead of making them")
	if err := flags.Parse(args); err != nil || flags.NArg() != 1 || (flags.Arg(0) != "deploy" && flags.Arg(0) != "destroy") {
		fmt.Fprint(stderr, usage)
		return 2
	}
	prog := flags.Arg(0)
	s, err := settings(*dryFlag)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n%s", prog, err, usage)
		return 2
	}
	log := &deploy.Log{Out: stdout, Prog: prog, Dry: s.DryRun}
	if s.DryRun {
		log.Note("memeforge %s, dry run: the AWS calls a %s makes, in order; none is made", prog, prog)
	}

	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil && !s.DryRun {
		fmt.Fprintf(stderr, "%s: reading the AWS configuration: %v\n", prog, err)
		return 1
	}
	s.Region = cfg.Region
	if s.Region == "" {
		if !s.DryRun {
			fmt.Fprintf(stderr, "%s: no AWS region: set AWS_REGION (for example AWS_REGION=eu-west-1), "+
				"or a region in your AWS config file (~/.aws/config, the profile AWS_PROFILE names)\n", prog)
			return 1
		}
		s.Region = "REGION"
		log.Note("no region configured: showing REGION (set AWS_REGION, or a region in ~/.aws/config)")
	}
	cloud := deploy.NewAWS(cfg)
	if s.DryRun {
		cloud = (&deploy.Recorder{Region: s.Region, Out: stdout}).Cloud()
	}

	if prog == "destroy" {
		err = deploy.Destroy(ctx, s, cloud, log)
	} else {
		var url string
		if url, err = deploy.Deploy(ctx, s, cloud, log); err == nil {
			log.Say("memeforge is live at %s", url)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	return 0
}

var (
	days  = regexp.MustCompile(`^[1-9][0-9]{0,4}$`)
	bytes = regexp.MustCompile(`^[1-9][0-9]{0,8}$`)
	count = regexp.MustCompile(`^[1-9][0-9]{0,3}$`)
)

// settings reads the environment into deploy.Settings, rejecting what the template or S3 would.
func settings(dry bool) (deploy.Settings, error) {
	env := func(name, def string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return def
	}
	s := deploy.Settings{
		Stack:           env("STACK_NAME", deploy.DefaultStack),
		ArtifactsBucket: os.Getenv("ARTIFACTS_BUCKET"),
		DryRun:          dry || os.Getenv("DRY_RUN") == "1",
	}
	root, err := repoRoot()
	if err != nil {
		return s, err
	}
	s.Template = filepath.Join(root, "scripts", "template.yaml")
	s.Dist = env("DIST", filepath.Join(root, "dist"))

	v := env("ORIGINALS_EXPIRE_DAYS", strconv.Itoa(deploy.DefaultOriginalsExpireDays))
	if !days.MatchString(v) {
		return s, usageError{fmt.Sprintf("ORIGINALS_EXPIRE_DAYS must be a whole number of days >= 1, got '%s'", v)}
	}
	s.OriginalsExpireDays, _ = strconv.Atoi(v)
	v = env("MAX_UPLOAD_BYTES", strconv.Itoa(deploy.DefaultMaxUploadBytes))
	s.MaxUploadBytes, _ = strconv.Atoi(v)
	if !bytes.MatchString(v) || s.MaxUploadBytes > deploy.MaxMaxUploadBytes {
		return s, usageError{fmt.Sprintf("MAX_UPLOAD_BYTES must be 1..%d, got '%s'", deploy.MaxMaxUploadBytes, v)}
	}
	if v = os.Getenv("MAX_INVALIDATION_PATHS"); v != "" {
		if !count.MatchString(v) {
			return s, usageError{fmt.Sprintf("MAX_INVALIDATION_PATHS must be a number of paths >= 1, got '%s'", v)}
		}
		s.MaxInvalidationPaths, _ = strconv.Atoi(v)
	}
	if v = os.Getenv("RATE_LIMIT_PER_IP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s, usageError{fmt.Sprintf("RATE_LIMIT_PER_IP must be 0 (off) or a number of requests per 5 minutes >= %d, got '%s'", deploy.MinRateLimit, v)}
		}
		s.RateLimitPerIP = n
	}
	switch v = os.Getenv("DELETE_BUCKET"); v {
	case "", "0":
	case "1":
		s.DeleteBucket = true
	default:
		return s, usageError{fmt.Sprintf("DELETE_BUCKET must be 1 (delete) or unset, got '%s'", v)}
	}
	return s, s.Validate()
}

// repoRoot is the checkout: the nearest directory at or above the working directory with a go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory: run it from the memeforge checkout")
		}
		dir = parent
	}
}
