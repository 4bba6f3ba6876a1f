package imgio

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/memeforge/memeforge/internal/testgif"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.png from the composer (then look at them)")

// strip lays frames side by side, 2 px apart on a grey checkerboard that
// shows transparency, scaled up 4x so a person can inspect them.
func strip(frames []*image.RGBA) *image.NRGBA {
	const s, gap = 4, 2
	w, h := frames[0].Rect.Dx(), frames[0].Rect.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, len(frames)*(w*s+gap), h*s))
	for i, f := range frames {
		for y := 0; y < h*s; y++ {
			for x := 0; x < w*s; x++ {
				c := f.RGBAAt(x/s, y/s)
				if c.A == 0 {
					g := uint8(0xcc)
					if (x/8+y/8)%2 == 0 {
						g = 0x99
					}
					c = color.RGBA{g, g, g, 0xff}
				}
				out.Set(i*(w*s+gap)+x, y, c)
			}
		}
	}
	return out
}

// composeAll composes every frame of a, copying each.
func composeAll(a *Animation) []*image.RGBA {
	c := a.NewComposer()
	var out []*image.RGBA
	for i := range a.Frames {
		f := c.Frame(i)
		cp := *f
		cp.Pix = bytes.Clone(f.Pix)
		out = append(out, &cp)
	}
	return out
}

// TestAnimationGolden composes every test GIF and compares the frames with
// testdata/golden/<name>.png; -update rewrites them.
func TestAnimationGolden(t *testing.T) {
	for _, c := range testgif.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			a, err := DecodeAnimation(c.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := strip(composeAll(a))
			path := filepath.Join("testdata", "golden", c.Name+".png")
			if *update {
				var b bytes.Buffer
				if err := png.Encode(&b, got); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			f, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			want, err := png.Decode(bytes.NewReader(f))
			if err != nil {
				t.Fatal(err)
			}
			if want.Bounds() != got.Bounds() {
				t.Fatalf("golden is %v, composed %v", want.Bounds(), got.Bounds())
			}
			for y := 0; y < got.Rect.Dy(); y++ {
				for x := 0; x < got.Rect.Dx(); x++ {
					if g, w := got.NRGBAAt(x, y), color.NRGBAModel.Convert(want.At(x, y)).(color.NRGBA); g != w {
						t.Fatalf("pixel %d,%d (frame %d): composed %v, golden %v", x, y, x/(a.Width*4+2), g, w)
					}
				}
			}
		})
	}
}

// TestAnimationTiming checks delays as browsers play them and loop counts.
func TestAnimationTiming(t *testing.T) {
	want := map[string]struct {
		delays []int
		loop   int
		plays  int
	}{
		"disposal-none":       {[]int{100, 100, 50, 70}, 0, 0},
		"disposal-background": {[]int{100, 100, 100, 100}, 1, 2},
		"disposal-previous":   {[]int{40, 40, 40, 40, 40}, 5, 6},
		"local-palettes":      {[]int{30, 100, 120, 20}, -1, 1},
		"transparency":        {[]int{100, 100, 100}, 1, 2},
		"outside-screen":      {[]int{50, 50, 50, 50}, 0, 0},
	}
	for _, c := range testgif.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			a, err := DecodeAnimation(c.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			w := want[c.Name]
			if len(a.Frames) != len(w.delays) {
				t.Fatalf("%d frames, want %d", len(a.Frames), len(w.delays))
			}
			for i, d := range w.delays {
				if a.DelayMS(i) != d {
					t.Errorf("frame %d: %d ms, want %d", i, a.DelayMS(i), d)
				}
			}
			if a.LoopCount != w.loop || a.Plays() != w.plays {
				t.Errorf("loop count %d, plays %d; want %d, %d", a.LoopCount, a.Plays(), w.loop, w.plays)
			}
			if a.Width != 48 || a.Height != 32 {
				t.Errorf("screen %dx%d, want 48x32", a.Width, a.Height)
			}
		})
	}
}

// TestComposerRandomAccess: any order of frame requests gives the frames a
// straight play gives (going back restarts from a keyframe or the start).
func TestComposerRandomAccess(t *testing.T) {
	for _, c := range append(testgif.Cases(), testgif.Case{Name: "real", Data: testgif.Real(30, 96, 40)}) {
		t.Run(c.Name, func(t *testing.T) {
			a, err := DecodeAnimation(c.Data, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := composeAll(a)
			cp := a.NewComposer()
			n := len(a.Frames)
			for _, i := range []int{n - 1, 0, n / 2, n / 2, 1, n - 1, n - 2, 0, n - 1} {
				if got := cp.Frame(i); !bytes.Equal(got.Pix, want[i].Pix) {
					t.Fatalf("frame %d differs when asked out of order", i)
				}
			}
		})
	}
}

// gifWithFrames is a GIF of n 1x1 frames on a w x h screen (the screen
// patched into the header, so it costs nothing to build).
func gifWithFrames(t testing.TB, n, w, h int) []byte {
	t.Helper()
	p := color.Palette{color.Black, color.White}
	g := &gif.GIF{}
	for i := 0; i < n; i++ {
		g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, 1, 1), p))
		g.Delay = append(g.Delay, 0)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	d := b.Bytes()
	d[6], d[7], d[8], d[9] = byte(w), byte(w>>8), byte(h), byte(h>>8)
	return d
}

func TestDecodeAnimationLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want error
		text string
	}{
		{"RejectsTooManyFrames", gifWithFrames(t, MaxFrames+1, 1, 1), ErrTooManyFrames, "2000 frames"},
		{"RejectsTooManyPixels", gifWithFrames(t, 201, 1000, 1000), ErrAnimationTooLong, "200 megapixels"},
		{"RejectsOversizeScreen", gifWithFrames(t, 1, 8000, 8000), ErrTooLarge, "over the limit of 50000000"},
		{"RejectsEmptyScreen", gifWithFrames(t, 1, 0, 0), ErrEmpty, "screen"},
		{"RejectsNoFrames", gifWithFrames(t, 1, 1, 1)[:20], ErrCorrupt, "no complete frame"},
		{"RejectsNotGIF", []byte("\x89PNG\r\n\x1a\n"), ErrCorrupt, "no GIF header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := DecodeAnimation(tc.data, 0)
			if !errors.Is(err, tc.want) || a != nil {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if !bytes.Contains([]byte(err.Error()), []byte(tc.text)) {
				t.Errorf("%q does not say %q", err, tc.text)
			}
		})
	}
	t.Run("AcceptsAtTheLimits", func(t *testing.T) {
		a, err := DecodeAnimation(gifWithFrames(t, MaxFrames, 1, 1), 0)
		if err != nil || len(a.Frames) != MaxFrames {
			t.Fatalf("%v", err)
		}
		if _, err := DecodeAnimation(gifWithFrames(t, 200, 1000, 1000), 0); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDecodeAnimationTruncated: a file cut off inside a frame keeps the
// complete frames before it, as a browser shows a partly loaded GIF.
func TestDecodeAnimationTruncated(t *testing.T) {
	data := testgif.Cases()[0].Data
	whole, err := DecodeAnimation(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	cut := data[:len(data)-20] // inside the last frame's LZW data
	a, err := DecodeAnimation(cut, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Frames) != len(whole.Frames)-1 {
		t.Fatalf("%d frames, want %d", len(a.Frames), len(whole.Frames)-1)
	}
}

// FuzzDecodeAnimation feeds arbitrary bytes to DecodeAnimation and
// Animated: never a panic; an error wraps a sentinel; an animation is
// within the limits and every frame composes.
func FuzzDecodeAnimation(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		Animated(data)
		a, err := DecodeAnimation(data, fuzzMaxPixels)
		if err != nil {
			if a != nil {
				t.Fatal("animation returned with an error")
			}
			n := 0
			for _, s := range []error{ErrUnsupported, ErrTooLarge, ErrEmpty, ErrCorrupt, ErrTooManyFrames, ErrAnimationTooLong} {
				if errors.Is(err, s) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("error %q wraps %d sentinels, want exactly 1", err, n)
			}
			return
		}
		n := len(a.Frames)
		if n == 0 || n > MaxFrames || a.Width*a.Height > fuzzMaxPixels || len(a.Delay) != n || len(a.Disposal) != n {
			t.Fatalf("%d frames of %dx%d", n, a.Width, a.Height)
		}
		if n*a.Width*a.Height > 1<<22 {
			return // within the limits, but too slow to compose in a fuzz run
		}
		c := a.NewComposer()
		for i := range n {
			if m := c.Frame(i); m.Rect != image.Rect(0, 0, a.Width, a.Height) {
				t.Fatalf("frame %d is %v", i, m.Rect)
			}
		}
		c.Frame(0)
	})
}

// animSeeds are FuzzDecodeAnimation's seed corpus: the test GIFs, cut
// short, with broken LZW data, with absurd frame counts and sizes, and
// animated PNG/WebP headers.
func animSeeds(t *testing.T) [][]byte {
	var s [][]byte
	for _, c := range testgif.Cases() {
		s = append(s, c.Data)
	}
	d := testgif.Cases()[0].Data
	s = append(s, d[:len(d)/2], d[:13], d[:len(d)-1])
	bad := bytes.Clone(d)
	for i := len(bad) - 40; i < len(bad)-10; i++ {
		bad[i] ^= 0x5a // inside the last frame's LZW data
	}
	s = append(s, bad)
	s = append(s, gifWithFrames(t, MaxFrames+1, 1, 1), gifWithFrames(t, 300, 300, 300), gifWithFrames(t, 2, 65535, 65535))
	huge := gifWithFrames(t, 1, 1, 1)
	if i := bytes.IndexByte(huge[13:], 0x2c); i >= 0 {
		huge[13+i+5], huge[13+i+6] = 0xff, 0xff // a 65535-wide frame on a 1x1 screen
	}
	s = append(s, huge)
	s = append(s, []byte(pngSignature+"\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x00\x00\x00\x00"+
		"\x00\x00\x00\x08acTL\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00"))
	s = append(s, []byte("RIFF\x1e\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00ANIM\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	return s
}

func TestAnimated(t *testing.T) {
	seeds := animSeeds(t)
	for _, tc := range []struct {
		name string
		data []byte
		want bool
	}{
		{"AnimatedGIF", testgif.Cases()[0].Data, true},
		{"OneFrameGIF", gifWithFrames(t, 1, 4, 4), false},
		{"APNG", seeds[len(seeds)-2], true},
		{"AnimatedWebP", seeds[len(seeds)-1], true},
		{"PNG", encodePNG(t, quadrants(4, 4, red, green, blue, yellow)), false},
		{"WebP", mustRead(t, "testdata/quadrants-lossy.webp"), false},
		{"Garbage", []byte("hello"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Animated(tc.data); got != tc.want {
				t.Errorf("Animated = %v, want %v", got, tc.want)
			}
		})
	}
}

func mustRead(t *testing.T, name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
