package localstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/memeforge/memeforge/signer"
)

// ErrAlreadyRunning is returned by Start when another stack uses the same data folder.
var ErrAlreadyRunning = errors.New("memeforge is already running")

// Options configures Start. Zero fields take the defaults of `make run`.
type Options struct {
	// Root is the checkout; empty finds it from the working directory.
	Root string
	// SiteDir holds the built site; default Root/dist/site.
	SiteDir string
	// Addr is the site's host:port (default 127.0.0.1:8080; port 0 picks a free one).
	Addr string
	// GatewayAddr is Versity Gateway's host:port (default 127.0.0.1:7070; port 0 picks one).
	GatewayAddr string
	// DataDir is the gateway's posix root; default Root/.data/s3 (git ignores .data/).
	DataDir string
	// MaxUploadBytes is the signer's upload limit; default signer.DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// OnChecked, if set, is called after the upload check has handled each storage event.
	OnChecked func()
	// Log receives the gateway's output and server errors; nil discards them.
	Log io.Writer
}

// Stack is a running local memeforge: gateway + site server.
type Stack struct {
	opts    Options
	gwOpts  GatewayOptions
	srv     *http.Server
	url     string
	lock    *os.File
	mu      sync.Mutex
	gw      *Gateway
	served  chan struct{}
	stopped sync.Once
	handler atomic.Pointer[http.Handler] // set once the signer is up; 503 before
	events  *eventSink
}

// Start runs the gateway (bucket and CORS rule ensured) and the site server, which serves
// SiteDir, answers /api/sign with the signer's net/http face (same code as the Lambda) and
// proxies GET /memes/* to the bucket with signed requests, as CloudFront with OAC does.
// A second Start on the same DataDir fails with ErrAlreadyRunning.
func Start(ctx context.Context, opts Options) (*Stack, error) {
	if opts.Root == "" {
		root, err := RepoRoot()
		if err != nil {
			return nil, fmt.Errorf("localstack: start: %w", err)
		}
		opts.Root = root
	}
	if opts.SiteDir == "" {
		opts.SiteDir = filepath.Join(opts.Root, "dist", "site")
	}
	if opts.Addr == "" {
		opts.Addr = DefaultSiteAddr
	}
	if opts.GatewayAddr == "" {
		opts.GatewayAddr = DefaultGatewayAddr
	}
	if opts.DataDir == "" {
		opts.DataDir = filepath.Join(opts.Root, ".data", "s3")
	}
	if opts.MaxUploadBytes == 0 {
		opts.MaxUploadBytes = signer.DefaultMaxUploadBytes
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if fi, err := os.Stat(filepath.Join(opts.SiteDir, "index.html")); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("localstack: start: %s has no built site (index.html): run make build", opts.SiteDir)
	}

	if err := os.MkdirAll(filepath.Dir(opts.DataDir), 0o755); err != nil {
		return nil, fmt.Errorf("localstack: start: %w", err)
	}
	lockPath := opts.DataDir + ".lock"
	lock, held, err := tryLockFile(lockPath)
	if err != nil {
		return nil, fmt.Errorf("localstack: start: lock %s: %w", lockPath, err)
	}
	if held {
		who, _ := os.ReadFile(lockPath)
		return nil, fmt.Errorf("localstack: start: %w (%s; data in %s): stop it (Ctrl-C in its terminal) or use that one",
			ErrAlreadyRunning, strings.TrimSpace(string(who)), opts.DataDir)
	}
	st := &Stack{opts: opts, lock: lock, served: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			st.Stop()
		}
	}()

	// Listen first: the site's origin (with its real port) goes into the CORS rules.
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("localstack: start: site address %s: %w (set MEMEFORGE_ADDR to use another)", opts.Addr, err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	st.url = "http://" + ln.Addr().String()
	origins := []string{st.url}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); host == "127.0.0.1" {
		origins = append(origins, "http://localhost:"+strconv.Itoa(port))
	}

	// Serve now: the gateway sends a test event to its webhook as it starts.
	st.srv = &http.Server{
		Handler:           st,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(opts.Log, "site: ", 0),
	}
	go func() {
		defer close(st.served)
		if err := st.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(opts.Log, "site server: %v\n", err)
		}
	}()

	st.gwOpts = GatewayOptions{
		Addr: opts.GatewayAddr, DataDir: opts.DataDir, CORSOrigins: origins, Root: opts.Root, Log: opts.Log,
		EventWebhookURL: st.url + EventsPath,
	}
	gw, err := StartGateway(ctx, st.gwOpts)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("localstack: start: %w (set MEMEFORGE_GATEWAY_ADDR to use another address)", err)
	}
	st.gw = gw
	st.gwOpts = gw.Options()
	st.gwOpts.Addr = gw.Addr() // restarts come back on the same port the signer points at

	deleteKey, err := loadDeleteKey(filepath.Join(filepath.Dir(opts.DataDir), DeleteKeyFile))
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("localstack: start: %w", err)
	}
	sg, err := signer.New(signer.Config{
		Bucket:         gw.Bucket(),
		Region:         st.gwOpts.Region,
		AllowedOrigins: origins,
		MaxUploadBytes: opts.MaxUploadBytes,
		PublicBaseURL:  st.url,
		S3Endpoint:     gw.Endpoint(),
		DeleteKey:      deleteKey,
	}, credentials.NewStaticCredentialsProvider(st.gwOpts.AccessKey, st.gwOpts.SecretKey, ""),
		signer.WithLogger(newLogger(opts.Log)))
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("localstack: start: %w", err)
	}
	st.events = &eventSink{check: sg.Checker(), log: opts.Log, checked: opts.OnChecked}
	h := st.routes(signer.NewHandler(sg))
	st.handler.Store(&h)
	if err := st.events.sweep(ctx); err != nil {
		fmt.Fprintf(opts.Log, "check: sweep at start: %v\n", err)
	}
	lock.Truncate(0)
	fmt.Fprintf(lock, "pid %d, %s", os.Getpid(), st.url)
	ok = true
	return st, nil
}

// DeleteKeyFile is the local stack's delete key (hex), beside the gateway's data folder: made at
// the first start, kept after (tokens handed out stay good), never in the repository (.data/).
const DeleteKeyFile = "delete-key"

func loadDeleteKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < signer.DeleteKeyBytes {
			return nil, fmt.Errorf("delete key %s is not %d hex bytes: delete the file to make a new one", path, signer.DeleteKeyBytes)
		}
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("delete key: %w", err)
	}
	k := make([]byte, signer.DeleteKeyBytes)
	rand.Read(k)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("delete key: %w", err)
	}
	return k, nil
}

// URL is the site's base URL, e.g. "http://127.0.0.1:8080".
// ServeHTTP answers 503 until the signer is up, then serves the site's routes.
func (s *Stack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := s.handler.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	http.Error(w, "starting", http.StatusServiceUnavailable)
}

func (s *Stack) URL() string { return s.url }

// GatewayEndpoint is the S3 endpoint, e.g. "http://127.0.0.1:7070" (also while stopped).
func (s *Stack) GatewayEndpoint() string { return "http://" + s.gwOpts.Addr }

// Gateway is the running gateway, or nil while stopped.
func (s *Stack) Gateway() *Gateway {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw
}

// StopGateway stops the S3 server only (site tests check how the site copes offline).
func (s *Stack) StopGateway() error {
	s.mu.Lock()
	gw := s.gw
	s.gw = nil
	s.mu.Unlock()
	if gw == nil {
		return nil
	}
	if err := gw.Stop(); err != nil {
		return fmt.Errorf("localstack: stop gateway: %w", err)
	}
	return nil
}

// StartGateway starts the S3 server again on the same address and data (no-op if running).
func (s *Stack) StartGateway(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gw != nil {
		return nil
	}
	gw, err := StartGateway(ctx, s.gwOpts)
	if err != nil {
		return fmt.Errorf("localstack: restart gateway: %w", err)
	}
	s.gw = gw
	return nil
}

// Stop shuts the site server down and stops the gateway; safe to call more than once.
func (s *Stack) Stop() error {
	var errs []error
	s.stopped.Do(func() {
		if s.srv != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := s.srv.Shutdown(ctx); err != nil {
				s.srv.Close()
			}
			cancel()
			<-s.served
		}
		if err := s.StopGateway(); err != nil {
			errs = append(errs, err)
		}
		if s.lock != nil {
			s.lock.Truncate(0)
			s.lock.Close() // releases the flock
		}
	})
	return errors.Join(errs...)
}
