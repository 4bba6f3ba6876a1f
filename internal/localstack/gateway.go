package localstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Local credentials and names shared by `make run` and the tests (plan.md, "Local stack").
const (
	DefaultAccessKey   = "memeforge"
	DefaultSecretKey   = "memeforge-local-secret"
	DefaultBucket      = "memeforge"
	DefaultRegion      = "us-east-1"
	DefaultGatewayAddr = "127.0.0.1:7070"
	DefaultSiteAddr    = "127.0.0.1:8080"
)

// GatewayOptions configures StartGateway. Zero fields take the Default* values above.
type GatewayOptions struct {
	// Addr is host:port to listen on; port 0 picks a free port ("127.0.0.1:0" in tests).
	Addr string
	// DataDir is the posix backend's root; buckets are its subdirectories. Required.
	DataDir string
	// AccessKey and SecretKey are the gateway's root credentials.
	AccessKey, SecretKey string
	// Bucket is created if missing; its CORS rule is (re)written on every start.
	Bucket string
	// CORSOrigins are the origins allowed to POST (browser uploads) and GET; none means no CORS rule.
	CORSOrigins []string
	// Region is the region the gateway signs and checks signatures for.
	Region string
	// Binary is a built versitygw; empty builds the tools/go.mod tool line into Root/dist/bin.
	Binary string
	// Root is the checkout (for building the binary); empty finds it from the working directory.
	Root string
	// Log also receives the gateway's output; the last few KB are always kept for error messages.
	Log io.Writer
}

// Gateway is a running Versity Gateway child process.
type Gateway struct {
	opts     GatewayOptions
	addr     string
	cmd      *exec.Cmd
	exited   chan struct{}
	waitErr  error
	out      *tailBuffer
	stopOnce sync.Once
}

// StartGateway starts Versity Gateway (posix backend over opts.DataDir) in its own process
// group, waits until it answers S3 requests, creates opts.Bucket if missing and puts its CORS
// rule. Stop it with Stop; if this process dies first, Linux kills the gateway too.
func StartGateway(ctx context.Context, opts GatewayOptions) (*Gateway, error) {
	if opts.DataDir == "" {
		return nil, errors.New("localstack: start gateway: DataDir is required")
	}
	if opts.Addr == "" {
		opts.Addr = DefaultGatewayAddr
	}
	if opts.AccessKey == "" {
		opts.AccessKey = DefaultAccessKey
	}
	if opts.SecretKey == "" {
		opts.SecretKey = DefaultSecretKey
	}
	if opts.Bucket == "" {
		opts.Bucket = DefaultBucket
	}
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.Binary == "" {
		bin, err := toolBinary(ctx, opts.Root, VersityGatewayTool)
		if err != nil {
			return nil, fmt.Errorf("localstack: start gateway: %w", err)
		}
		opts.Binary = bin
	}
	if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("localstack: start gateway: data dir: %w", err)
	}

	// A free port chosen here can be taken by someone else before the gateway binds it:
	// retry a few times with a new one rather than fail a test on a race.
	host, port, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("localstack: start gateway: address %q: %w", opts.Addr, err)
	}
	attempts := 1
	if port == "0" {
		attempts = 3
	}
	var lastErr error
	for range attempts {
		addr := opts.Addr
		if port == "0" {
			p, err := freePort(host)
			if err != nil {
				return nil, fmt.Errorf("localstack: start gateway: %w", err)
			}
			addr = net.JoinHostPort(host, strconv.Itoa(p))
		} else if err := checkFree(addr); err != nil {
			return nil, fmt.Errorf("localstack: start gateway: %w", err)
		}
		g, err := startGateway(ctx, opts, addr)
		if err == nil {
			if err := g.ensureBucket(ctx); err != nil {
				g.Stop()
				return nil, fmt.Errorf("localstack: start gateway: %w", err)
			}
			return g, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("localstack: start gateway: %w", lastErr)
}

func startGateway(ctx context.Context, opts GatewayOptions, addr string) (*Gateway, error) {
	g := &Gateway{opts: opts, addr: addr, exited: make(chan struct{}), out: &tailBuffer{max: 16 << 10}}
	// Credentials go through the environment, not argv, so they don't show in ps.
	g.cmd = exec.Command(opts.Binary, "--port", addr, "--region", opts.Region, "--quiet", "posix", opts.DataDir)
	g.cmd.Env = append(os.Environ(),
		"ROOT_ACCESS_KEY_ID="+opts.AccessKey,
		"ROOT_SECRET_ACCESS_KEY="+opts.SecretKey,
	)
	var out io.Writer = g.out
	if opts.Log != nil {
		out = io.MultiWriter(opts.Log, g.out)
	}
	g.cmd.Stdout, g.cmd.Stderr = out, out
	newProcessGroup(g.cmd)
	if err := g.cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", opts.Binary, err)
	}
	go func() {
		g.waitErr = g.cmd.Wait()
		close(g.exited)
	}()
	if err := g.waitReady(ctx, 20*time.Second); err != nil {
		g.Stop()
		return nil, err
	}
	return g, nil
}

// waitReady polls until the gateway answers HTTP on its port, it exits, or the deadline passes.
func (g *Gateway) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, g.Endpoint()+"/", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil // any HTTP answer (403 for an anonymous list) means it is serving
		}
		select {
		case <-g.exited:
			return fmt.Errorf("gateway exited before serving on %s: %v\n%s", g.addr, g.waitErr, g.out.String())
		case <-ctx.Done():
			return fmt.Errorf("gateway on %s: %w", g.addr, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gateway not serving on %s after %s\n%s", g.addr, limit, g.out.String())
		}
	}
}

// Client returns an S3 client for this gateway with its root credentials (path-style).
func (g *Gateway) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:       g.opts.Region,
		BaseEndpoint: aws.String(g.Endpoint()),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(g.opts.AccessKey, g.opts.SecretKey, ""),
	})
}

// ensureBucket creates the bucket if missing and writes its CORS rule.
func (g *Gateway) ensureBucket(ctx context.Context) error {
	c := g.Client()
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &g.opts.Bucket}); err != nil {
		var nf *types.NotFound
		if !errors.As(err, &nf) {
			return fmt.Errorf("head bucket %s: %w", g.opts.Bucket, err)
		}
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &g.opts.Bucket}); err != nil {
			return fmt.Errorf("create bucket %s: %w", g.opts.Bucket, err)
		}
	}
	if len(g.opts.CORSOrigins) == 0 {
		return nil
	}
	_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{
		Bucket: &g.opts.Bucket,
		CORSConfiguration: &types.CORSConfiguration{CORSRules: []types.CORSRule{{
			AllowedOrigins: g.opts.CORSOrigins,
			AllowedMethods: []string{http.MethodPost, http.MethodGet, http.MethodHead},
			AllowedHeaders: []string{"*"},
			ExposeHeaders:  []string{"ETag", "Location"},
			MaxAgeSeconds:  aws.Int32(600),
		}}},
	})
	if err != nil {
		return fmt.Errorf("put bucket cors %s: %w", g.opts.Bucket, err)
	}
	return nil
}

// Endpoint is the gateway's base URL, e.g. "http://127.0.0.1:7070".
func (g *Gateway) Endpoint() string { return "http://" + g.addr }

// Addr is the host:port the gateway listens on.
func (g *Gateway) Addr() string { return g.addr }

// Bucket is the bucket StartGateway ensured.
func (g *Gateway) Bucket() string { return g.opts.Bucket }

// Options returns the options the gateway runs with (defaults filled in, Addr as requested).
func (g *Gateway) Options() GatewayOptions { return g.opts }

// Stop sends SIGTERM to the gateway's process group, then SIGKILL after 5 s, and waits for it.
// It is safe to call more than once. The error is always nil (signals to a gone group are not
// failures); callers check it so that Stop can report one later without their changing.
func (g *Gateway) Stop() error {
	g.stopOnce.Do(func() {
		select {
		case <-g.exited:
			return
		default:
		}
		stopGroup(g.cmd.Process, g.exited)
	})
	return nil
}

// Exited is closed when the gateway process has ended (stopped or crashed).
func (g *Gateway) Exited() <-chan struct{} { return g.exited }

// freePort asks the kernel for a free TCP port on host.
func freePort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("free port on %s: %w", host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// checkFree fails clearly when something already listens on addr.
func checkFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("address %s is in use (another gateway or `make run`?): %w", addr, err)
	}
	return l.Close()
}
