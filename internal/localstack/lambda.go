package localstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// LambdaOptions configures StartLambda.
type LambdaOptions struct {
	// Bootstrap is the Lambda executable (see BuildBootstrap). Required.
	Bootstrap string
	// Env is the function's environment (KEY=value). The emulator adds its own variables;
	// nothing from this process's environment is passed on unless listed here.
	Env []string
	// RIE is a built aws-lambda-rie; empty builds the tools/go.mod tool line into Root/dist/bin.
	RIE string
	// Root is the checkout; empty finds it from the working directory.
	Root string
}

// Lambda is a function running under the AWS Lambda Runtime Interface Emulator on loopback.
type Lambda struct {
	addr     string
	cmd      *exec.Cmd
	out      *tailBuffer
	exited   chan struct{}
	started  time.Time
	stopOnce sync.Once
}

// StartLambda runs the emulator with opts.Bootstrap on two free loopback ports (its invoke
// API and the Runtime API it gives the function), in its own process group. The emulator
// starts the function on the first Invoke, as Lambda does on a cold start.
func StartLambda(ctx context.Context, opts LambdaOptions) (*Lambda, error) {
	if opts.Bootstrap == "" {
		return nil, errors.New("localstack: start lambda: Bootstrap is required")
	}
	if opts.RIE == "" {
		rie, err := toolBinary(ctx, opts.Root, LambdaRIETool)
		if err != nil {
			return nil, fmt.Errorf("localstack: start lambda: %w", err)
		}
		opts.RIE = rie
	}
	bootstrap, err := filepath.Abs(opts.Bootstrap)
	if err != nil {
		return nil, fmt.Errorf("localstack: start lambda: %w", err)
	}
	invokePort, err := freePort("127.0.0.1")
	if err != nil {
		return nil, fmt.Errorf("localstack: start lambda: %w", err)
	}
	apiPort, err := freePort("127.0.0.1")
	if err != nil {
		return nil, fmt.Errorf("localstack: start lambda: %w", err)
	}
	l := &Lambda{
		addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(invokePort)),
		out:    &tailBuffer{max: 32 << 10},
		exited: make(chan struct{}),
	}
	l.cmd = exec.Command(opts.RIE,
		"--runtime-interface-emulator-address", l.addr,
		"--runtime-api-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(apiPort)),
		bootstrap)
	l.cmd.Dir = filepath.Dir(bootstrap)
	l.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, opts.Env...)
	l.cmd.Stdout, l.cmd.Stderr = l.out, l.out
	newProcessGroup(l.cmd)
	l.started = time.Now()
	if err := l.cmd.Start(); err != nil {
		return nil, fmt.Errorf("localstack: start lambda: %w", err)
	}
	go func() {
		l.cmd.Wait()
		close(l.exited)
	}()
	return l, nil
}

// Started is when the emulator process was started (for cold-start timing).
func (l *Lambda) Started() time.Time { return l.started }

// Invoke sends one event and returns the function's response payload. Until the emulator
// listens it retries; a function error comes back as an error with the emulator's log tail.
func (l *Lambda) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	url := "http://" + l.addr + "/2015-03-31/functions/function/invocations"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(event))
		if err != nil {
			return nil, fmt.Errorf("localstack: invoke: %w", err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr != nil {
				return nil, fmt.Errorf("localstack: invoke: %w", rerr)
			}
			if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Amz-Function-Error") != "" {
				return body, fmt.Errorf("localstack: invoke: status %d, function error %q: %s\n%s",
					resp.StatusCode, resp.Header.Get("X-Amz-Function-Error"), body, l.out.String())
			}
			return body, nil
		}
		select {
		case <-l.exited:
			return nil, fmt.Errorf("localstack: invoke: emulator exited\n%s", l.out.String())
		case <-ctx.Done():
			return nil, fmt.Errorf("localstack: invoke: %w\n%s", ctx.Err(), l.out.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Log is the tail of the emulator's and the function's output.
func (l *Lambda) Log() string { return l.out.String() }

// Stop ends the emulator and the function (its child) with their process group.
func (l *Lambda) Stop() {
	l.stopOnce.Do(func() {
		stopGroup(l.cmd.Process, l.exited)
	})
}
