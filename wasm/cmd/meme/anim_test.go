//go:build !js && !wasip1

package main

import (
	"bytes"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/memeforge/memeforge/internal/testgif"
)

// TestCLIAnimatedGIF runs the binary on an animated GIF: .gif output keeps
// every frame, delay and the loop count; .png output is the first frame and
// says so on stderr, in one line.
func TestCLIAnimatedGIF(t *testing.T) {
	dir := t.TempDir()
	src := testgif.Real(12, 120, 60)
	in := filepath.Join(dir, "anim.gif")
	if err := os.WriteFile(in, src, 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := gif.DecodeAll(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("KeepsTheAnimation", func(t *testing.T) {
		out := filepath.Join(dir, "out.gif")
		r := runBin(t, []string{nativeBin}, "-in", in, "-top", "top", "-bottom", "bottom", "-out", out)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		got, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Image) != len(want.Image) || got.LoopCount != want.LoopCount {
			t.Fatalf("%d frames, loop %d; want %d, %d", len(got.Image), got.LoopCount, len(want.Image), want.LoopCount)
		}
		for i := range got.Delay {
			if got.Delay[i] != want.Delay[i] {
				t.Errorf("frame %d delay %d, want %d", i, got.Delay[i], want.Delay[i])
			}
		}
		if float64(len(data)) > 1.5*float64(len(src)) {
			t.Errorf("output %d bytes, input %d: over 1.5x", len(data), len(src))
		}
	})
	t.Run("PNGIsTheFirstFrameAndSaysSo", func(t *testing.T) {
		out := filepath.Join(dir, "out.png")
		r := runBin(t, []string{nativeBin}, "-in", in, "-top", "top", "-out", out)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n"); len(lines) != 1 ||
			!strings.HasPrefix(lines[0], "meme: note: ") || !strings.Contains(lines[0], "first frame") {
			t.Errorf("stderr %q, want one note about the first frame", r.stderr)
		}
		if _, err := os.Stat(out); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OverTheFrameLimit", func(t *testing.T) {
		many := filepath.Join(dir, "many.gif")
		var b bytes.Buffer
		g := &gif.GIF{Image: want.Image[:1], Delay: []int{0}}
		for len(g.Image) <= 2000 {
			g.Image = append(g.Image, want.Image[1])
			g.Delay = append(g.Delay, 0)
		}
		g.Config = want.Config
		if err := gif.EncodeAll(&b, g); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(many, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runBin(t, []string{nativeBin}, "-in", many, "-top", "x", "-out", filepath.Join(dir, "many-out.gif"))
		if r.code != 1 || !strings.Contains(r.stderr, "2000 frames") {
			t.Fatalf("exit %d, stderr %q; want 1 and the frame limit named", r.code, r.stderr)
		}
	})
}
