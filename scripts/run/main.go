// Command run is `make run`: the whole of memeforge on loopback with no AWS account — Versity
// Gateway as S3 (data under .data/ in the checkout), the signer at /api/sign and the built
// site, all on one URL. Ctrl-C stops everything it started.
//
// MEMEFORGE_ADDR (default 127.0.0.1:8080) and MEMEFORGE_GATEWAY_ADDR (default 127.0.0.1:7070)
// move the site and the gateway; MEMEFORGE_SITE_DIR (default dist/site) and MEMEFORGE_DATA_DIR
// (default .data/s3) move the built site and the S3 data.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/memeforge/memeforge/internal/localstack"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/run   (settings: MEMEFORGE_ADDR, MEMEFORGE_GATEWAY_ADDR, MEMEFORGE_SITE_DIR, MEMEFORGE_DATA_DIR)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	root, err := localstack.RepoRoot()
	if err != nil {
		fail(err)
	}
	logPath := filepath.Join(root, ".data", "run.log")
	if d := os.Getenv("MEMEFORGE_DATA_DIR"); d != "" {
		logPath = d + ".log"
	}
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		fail(err)
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fail(err)
	}
	defer logFile.Close()

	st, err := localstack.Start(ctx, localstack.Options{
		Root:        root,
		Addr:        os.Getenv("MEMEFORGE_ADDR"),
		GatewayAddr: os.Getenv("MEMEFORGE_GATEWAY_ADDR"),
		SiteDir:     os.Getenv("MEMEFORGE_SITE_DIR"),
		DataDir:     os.Getenv("MEMEFORGE_DATA_DIR"),
		Log:         logFile,
	})
	if errors.Is(err, localstack.ErrAlreadyRunning) {
		fmt.Fprintln(os.Stderr, "memeforge:", err)
		os.Exit(3)
	}
	if err != nil {
		fail(err)
	}
	fmt.Printf("memeforge is running: open %s\n", st.URL())
	fmt.Printf("(S3 gateway %s, log in %s; Ctrl-C to stop)\n", st.GatewayEndpoint(), logPath)

	select {
	case <-ctx.Done():
	case <-gatewayExited(st):
		fmt.Fprintf(os.Stderr, "memeforge: the S3 gateway stopped unexpectedly; see %s\n", logPath)
	}
	stop()
	fmt.Println("\nstopping...")
	if err := st.Stop(); err != nil {
		fail(err)
	}
}

// gatewayExited fires if the gateway dies while the stack runs.
func gatewayExited(st *localstack.Stack) <-chan struct{} {
	if g := st.Gateway(); g != nil {
		return g.Exited()
	}
	c := make(chan struct{})
	close(c)
	return c
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "memeforge:", err)
	os.Exit(1)
}
