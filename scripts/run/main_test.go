package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The built command, as `make run` runs it: its messages, exit codes and Ctrl-C.

func buildRun(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "run")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func command(bin string, env ...string) *exec.Cmd {
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestRun(t *testing.T) {
	bin := buildRun(t)
	tmp := t.TempDir()
	site := filepath.Join(tmp, "site")
	os.Mkdir(site, 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("<title>memeforge</title>"), 0o644)
	env := []string{"MEMEFORGE_ADDR=127.0.0.1:0", "MEMEFORGE_GATEWAY_ADDR=127.0.0.1:0",
		"MEMEFORGE_SITE_DIR=" + site, "MEMEFORGE_DATA_DIR=" + filepath.Join(tmp, "s3")}

	t.Run("RejectsArguments", func(t *testing.T) {
		cmd := command(bin)
		cmd.Args = append(cmd.Args, "--port=1")
		out, err := cmd.CombinedOutput()
		if exitCode(err) != 2 || !strings.Contains(string(out), "usage:") {
			t.Fatalf("exit %d: %s", exitCode(err), out)
		}
	})
	t.Run("SaysRunMakeBuildWithoutSite", func(t *testing.T) {
		out, err := command(bin, "MEMEFORGE_ADDR=127.0.0.1:0", "MEMEFORGE_GATEWAY_ADDR=127.0.0.1:0",
			"MEMEFORGE_SITE_DIR="+filepath.Join(tmp, "missing"), "MEMEFORGE_DATA_DIR="+filepath.Join(tmp, "s3-missing")).CombinedOutput()
		if exitCode(err) != 1 || !strings.Contains(string(out), "run make build") {
			t.Fatalf("exit %d: %s", exitCode(err), out)
		}
	})
	t.Run("ServesThenStopsEverythingOnInterrupt", func(t *testing.T) {
		cmd := command(bin, env...)
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		lines := bufio.NewScanner(stdout)
		var out []string
		var siteURL, gwURL string
		deadline := time.After(3 * time.Minute)
		got := make(chan string)
		go func() {
			for lines.Scan() {
				got <- lines.Text()
			}
			close(got)
		}()
		for siteURL == "" || gwURL == "" {
			select {
			case l, ok := <-got:
				if !ok {
					t.Fatalf("exited early: %v\n%s", out, stderr.String())
				}
				out = append(out, l)
				if m := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(l); m != nil {
					siteURL = m[1]
				}
				if m := regexp.MustCompile(`S3 gateway http://(127\.0\.0\.1:\d+)`).FindStringSubmatch(l); m != nil {
					gwURL = m[1]
				}
			case <-deadline:
				t.Fatalf("no URL printed: %v\n%s", out, stderr.String())
			}
		}
		resp, err := http.Get(siteURL + "/")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("site: %v %v", resp, err)
		}
		resp.Body.Close()

		second, err := command(bin, env...).CombinedOutput()
		if exitCode(err) != 3 || !strings.Contains(string(second), "already running") || !strings.Contains(string(second), siteURL) {
			t.Fatalf("second run: exit %d: %s", exitCode(err), second)
		}

		cmd.Process.Signal(os.Interrupt)
		go func() {
			for range got {
			}
		}()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("did not stop on interrupt")
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		for _, addr := range []string{strings.TrimPrefix(siteURL, "http://"), gwURL} {
			if c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr); err == nil {
				c.Close()
				t.Fatalf("%s still listening after Ctrl-C", addr)
			}
		}
	})
}
