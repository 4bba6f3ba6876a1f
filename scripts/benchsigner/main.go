// Command benchsigner prints the signer's figures that are not Go benchmarks, one a line as
// `name value unit`: /api/sign requests per second and latency under load from wrk (a second
// process) on loopback, the cold start of the built bootstrap under the Lambda Runtime
// Interface Emulator (emulator start to first successful response), and dist/signer.zip's size.
// scripts/bench-signer.sh runs it after the in-process Go benchmarks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/memeforge/memeforge/internal/localstack"
	"github.com/memeforge/memeforge/signer"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "wrk run length")
	conns := flag.Int("connections", 8, "wrk connections")
	colds := flag.Int("coldstarts", 5, "cold starts to time")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/benchsigner [-duration 10s] [-connections 8] [-coldstarts 5]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || *duration <= 0 || *conns < 1 || *colds < 1 {
		flag.Usage()
		os.Exit(2)
	}
	root, err := localstack.RepoRoot()
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	if err := zipSize(root); err != nil {
		fail(err)
	}
	if err := loadTest(*duration, *conns); err != nil {
		fail(err)
	}
	if err := coldStarts(ctx, root, *colds); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench-signer:", err)
	os.Exit(1)
}

func zipSize(root string) error {
	fi, err := os.Stat(filepath.Join(root, "dist", "signer.zip"))
	if err != nil {
		return fmt.Errorf("dist/signer.zip: %w (run make signer)", err)
	}
	fmt.Printf("signer_zip_size %.2f MB\n", float64(fi.Size())/(1<<20))
	return nil
}

// loadTest serves the signer's net/http face (the handler `make run` mounts at /api/sign) on
// loopback and drives it with wrk.
func loadTest(d time.Duration, conns int) error {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return errors.New("wrk is not installed (apt-get install wrk)")
	}
	const origin = "http://127.0.0.1:8080"
	s, err := signer.New(signer.Config{
		Bucket: localstack.DefaultBucket, Region: localstack.DefaultRegion,
		AllowedOrigins: []string{origin}, MaxUploadBytes: signer.DefaultMaxUploadBytes,
		PublicBaseURL: origin, S3Endpoint: "http://" + localstack.DefaultGatewayAddr,
	}, credentials.NewStaticCredentialsProvider(localstack.DefaultAccessKey, localstack.DefaultSecretKey, ""))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/sign", signer.NewHandler(s))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	script := filepath.Join(os.TempDir(), fmt.Sprintf("bench-signer-%d.lua", os.Getpid()))
	lua := `wrk.method = "POST"
wrk.body = '{"kind":"meme","contentType":"image/jpeg","size":123456}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Origin"] = "` + origin + `"
`
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return err
	}
	defer os.Remove(script)
	url := "http://" + ln.Addr().String() + "/api/sign"
	// Warm up (connections, GC steady state), then measure.
	exec.Command(wrk, "-t1", "-c"+strconv.Itoa(conns), "-d2s", "-s", script, url).Run()
	out, err := exec.Command(wrk, "-t1", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(int(d.Seconds()))+"s",
		"--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		return fmt.Errorf("wrk: %w\n%s", err, out)
	}
	text := string(out)
	if m := regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`).FindStringSubmatch(text); m != nil {
		return fmt.Errorf("wrk saw %s failed responses:\n%s", m[1], text)
	}
	if strings.Contains(text, "Socket errors") {
		return fmt.Errorf("wrk saw socket errors:\n%s", text)
	}
	rps := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindStringSubmatch(text)
	if rps == nil {
		return fmt.Errorf("no Requests/sec in wrk output:\n%s", text)
	}
	fmt.Printf("signer_api_sign_rps %s req/s\n", rps[1])
	for _, p := range []string{"50", "99"} {
		m := regexp.MustCompile(`(?m)^\s+` + p + `%\s+([0-9.]+)(us|ms|s)\s*$`).FindStringSubmatch(text)
		if m == nil {
			return fmt.Errorf("no %s%% latency in wrk output:\n%s", p, text)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		switch m[2] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		fmt.Printf("signer_api_sign_p%s %.3f ms\n", p, v)
	}
	fmt.Printf("signer_api_sign_connections %d conns\n", conns)
	return nil
}

// coldStarts times emulator start to first successful answer of the built bootstrap.
func coldStarts(ctx context.Context, root string, n int) error {
	bin, err := localstack.BuildBootstrap(ctx, root)
	if err != nil {
		return err
	}
	event, err := os.ReadFile(filepath.Join(root, "signer", "testdata", "apigw", "post-original.json"))
	if err != nil {
		return err
	}
	env := []string{
		"MEMEFORGE_BUCKET=memeforge", "AWS_REGION=us-east-1",
		"MEMEFORGE_ALLOWED_ORIGINS=https://memes.example.com", "MEMEFORGE_PUBLIC_BASE_URL=https://memes.example.com",
		"AWS_ACCESS_KEY_ID=ASIABENCH", "AWS_SECRET_ACCESS_KEY=bench-secret", "AWS_SESSION_TOKEN=bench-token",
		"AWS_EC2_METADATA_DISABLED=true",
	}
	var times []time.Duration
	for range n {
		l, err := localstack.StartLambda(ctx, localstack.LambdaOptions{Bootstrap: bin, Env: env, Root: root})
		if err != nil {
			return err
		}
		ictx, cancel := context.WithTimeout(ctx, time.Minute)
		out, err := l.Invoke(ictx, event)
		elapsed := time.Since(l.Started())
		cancel()
		l.Stop()
		if err != nil {
			return err
		}
		if !strings.Contains(string(out), `"statusCode":200`) {
			return fmt.Errorf("cold start answered %s", out)
		}
		times = append(times, elapsed)
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	fmt.Printf("signer_cold_start_p50 %.1f ms\n", ms(times[len(times)/2]))
	fmt.Printf("signer_cold_start_max %.1f ms\n", ms(times[len(times)-1]))
	return nil
}
