package localstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// Module is the path of the memeforge module; RepoRoot looks for its go.mod.
const Module = "github.com/memeforge/memeforge"

// Tool packages pinned by `tool` lines in tools/go.mod, a module of their own so the product's
// go.mod lists only what the product imports.
const (
	VersityGatewayTool = "github.com/versity/versitygw/cmd/versitygw"
	LambdaRIETool      = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
	LambdaZipTool      = "github.com/aws/aws-lambda-go/cmd/build-lambda-zip"
)

// RepoRoot returns the checkout's root: the nearest directory at or above the working directory
// whose go.mod declares the memeforge module.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("localstack: repo root: %w", err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module "+Module+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("localstack: repo root: no go.mod for " + Module + " above the working directory")
		}
		dir = parent
	}
}

// BuildTool builds pkg (a `tool` line of tools/go.mod, so its version is the pinned one) into
// root/dist/bin and returns the binary's path. Go's build cache makes every call after the
// first cheap; builds are serialised with a lock file so parallel test packages don't race.
func BuildTool(ctx context.Context, root, pkg string) (string, error) {
	return build(ctx, root, pkg, path.Base(pkg), nil, "-C", "tools")
}

// toolBinary builds the tools/go.mod tool line pkg into root/dist/bin, finding root from the
// working directory when it is empty; StartGateway and StartLambda use it when they were
// not handed a built binary.
func toolBinary(ctx context.Context, root, pkg string) (string, error) {
	if root == "" {
		var err error
		if root, err = RepoRoot(); err != nil {
			return "", err
		}
	}
	return BuildTool(ctx, root, pkg)
}

// BuildBootstrap builds the signer Lambda (./signer/cmd/bootstrap, -tags lambda.norpc, static)
// for linux on this machine's architecture into root/dist/bin/bootstrap-<arch>, to run under
// the Lambda Runtime Interface Emulator. `make signer` builds the arm64 one for AWS.
func BuildBootstrap(ctx context.Context, root string) (string, error) {
	return build(ctx, root, "./signer/cmd/bootstrap", "bootstrap-"+runtime.GOARCH,
		[]string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + runtime.GOARCH},
		"-trimpath", "-ldflags", "-s -w", "-tags", "lambda.norpc")
}

// build runs go build for pkg into root/dist/bin/name with extra environment and flags; a leading
// "-C", dir pair (go's own flag, which must come first) builds in that module instead.
func build(ctx context.Context, root, pkg, name string, env []string, args ...string) (string, error) {
	binDir, err := filepath.Abs(filepath.Join(root, "dist", "bin")) // absolute: -C moves go's working directory
	if err != nil {
		return "", fmt.Errorf("localstack: build %s: %w", pkg, err)
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", fmt.Errorf("localstack: build %s: %w", pkg, err)
	}
	unlock, err := lockFile(filepath.Join(binDir, ".build.lock"))
	if err != nil {
		return "", fmt.Errorf("localstack: build %s: %w", pkg, err)
	}
	defer unlock()
	out := filepath.Join(binDir, name)
	cmdArgs := []string{"build"}
	if len(args) >= 2 && args[0] == "-C" {
		cmdArgs = append(cmdArgs, args[:2]...)
		args = args[2:]
	}
	cmdArgs = append(cmdArgs, "-o", out)
	cmdArgs = append(cmdArgs, args...)
	cmdArgs = append(cmdArgs, pkg)
	cmd := exec.CommandContext(ctx, goBin(), cmdArgs...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("localstack: build %s: %w\n%s", pkg, err, strings.TrimSpace(string(b)))
	}
	return out, nil
}

// goBin prefers the go that runs the tests (GOROOT/bin/go), falling back to PATH.
func goBin() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
