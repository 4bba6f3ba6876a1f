package emoji

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/golden/*.png and testdata/hashes.json (run natively, then look at the PNGs)")

// goldenCases are the emoji kinds of issue 10 (found through Clusters, so a
// segmentation change shows here too) and the files that use the rarer
// parts of the SVG subset.
var goldenCases = []struct{ name, text, key string }{
	{name: "fire", text: "🔥"},
	{name: "thumbs-up", text: "👍"},
	{name: "thumbs-up-medium", text: "👍🏽"},
	{name: "family-man-woman-girl", text: "👨\u200D👩\u200D👧"},
	{name: "flag-ukraine", text: "🇺🇦"},
	{name: "keycap-1", text: "1\uFE0F\u20E3"},
	{name: "flag-england", text: "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
	{name: "stroke-1faae", key: "1faae"},              // the one stroked path (round caps)
	{name: "clip-per-path-1fa87", key: "1fa87"},       // twelve clipPaths under matrix transforms
	{name: "clip-group-1fae8", key: "1fae8"},          // clip-path on a group
	{name: "evenodd-1f1e6-1f1f1", key: "1f1e6-1f1f1"}, // fill-rule evenodd
	{name: "opacity-1f37f", key: "1f37f"},
	{name: "rotate-1f32e", key: "1f32e"},
}

const goldenSize = 72

func goldenKey(t testing.TB, text, key string) string {
	if key != "" {
		return key
	}
	cs := Clusters(text)
	if len(cs) != 1 || cs[0].Start != 0 || cs[0].End != len(text) {
		t.Fatalf("Clusters(%+q) = %+v, want one cluster over all of it", text, cs)
	}
	return cs[0].Key
}

func loadArt(t testing.TB, key string) *Art {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(twemojiDir(t), key+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			img := loadArt(t, goldenKey(t, c.text, c.key)).Image(goldenSize)
			path := filepath.Join("testdata", "golden", c.name+".png")
			if *update {
				var buf bytes.Buffer
				if err := png.Encode(&buf, img); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v (regenerate with go test -run TestGolden -update)", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			// PNG stores straight alpha; compare both as non-premultiplied
			// colours, allowing the rounding of that round trip.
			if d := maxDiff(img, want); d > 2 {
				t.Errorf("differs from %s by up to %d (of 255)", path, d)
			}
		})
	}
}

func maxDiff(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return 255
	}
	m := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p, q := a.At(x, y), b.At(x, y)
			pr, pg, pb, pa := p.RGBA()
			qr, qg, qb, qa := q.RGBA()
			for _, d := range [][2]uint32{{pr, qr}, {pg, qg}, {pb, qb}, {pa, qa}} {
				v := int(d[0]>>8) - int(d[1]>>8)
				m = max(m, v, -v)
			}
		}
	}
	return m
}

const hashFile = "testdata/hashes.json"

// hashSizes are drawn at a fractional position as well, so sub-pixel
// geometry is part of what must match across platforms.
var hashSizes = []float64{16, 37.5, 72, 256}

// TestPixelHashes is the "same pixels everywhere" check: hashes generated
// natively with -update, and the same test run under GOOS=js GOARCH=wasm.
func TestPixelHashes(t *testing.T) {
	got := map[string]string{}
	for _, c := range goldenCases {
		a := loadArt(t, goldenKey(t, c.text, c.key))
		for _, size := range hashSizes {
			img := image.NewRGBA(image.Rect(0, 0, int(size)+2, int(size)+2))
			a.Draw(img, 0.3, 0.7, size)
			sum := sha256.Sum256(img.Pix)
			got[fmt.Sprintf("%s@%g", c.name, size)] = hex.EncodeToString(sum[:12])
		}
	}
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(hashFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(hashFile)
	if err != nil {
		t.Fatalf("%v (regenerate with go test -run TestPixelHashes -update)", err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(got))
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("%s: got %s, want %s", n, got[n], want[n])
		}
	}
	if len(want) != len(got) {
		t.Errorf("%d cases, %s has %d", len(got), hashFile, len(want))
	}
}
