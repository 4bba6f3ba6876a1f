//go:build !js

package emoji

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// oracleSize is the size the oracle compares at: the goldens' size.
const oracleSize = goldenSize

// The tolerances, measured (Chromium 156, 495 files at 72 px): the mean
// over files of the mean |difference| is 0.54 levels of 255; the worst
// correct file (concentric rings, a fern: many edges) is at 1.40 with 2.1 %
// of its pixels off by more than 32. Both renderers compute area coverage
// in sRGB values with source-over, so a correct drawing differs only along
// edges: Skia's supersampled coverage runs a little inside (its 36-unit
// circle covers 4044.5 px² at 72 px, Draw's 4070.7, the exact area 4071.5).
// A wrong drawing moves whole edges: the negative control below, each golden
// case drawn half a pixel off, scores at least 3.3 and 4.3 %. The tolerances
// sit between the two.
const (
	oracleMeanTol = 2.0  // mean |difference| over the RGBA channels, premultiplied, 0-255
	oracleBadTol  = 0.03 // share of pixels that differ by more than 32 in some channel
)

// TestChromiumOracle draws the same SVG files with Chromium's own SVG
// renderer (onto a canvas, read back with getImageData) and compares.
// The files: the golden cases, every file that uses a rarer part of the
// subset (clip paths, strokes, transforms, opacity, even-odd), and every
// 10th of the rest.
func TestChromiumOracle(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s: %v (apt-get install chromium; .ci/run does)", chromiumPath, err)
	}
	dir := twemojiDir(t)
	var keys []string
	seen := map[string]bool{}
	addKey := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, c := range goldenCases {
		addKey(goldenKey(t, c.text, c.key))
	}
	svgs := map[string]string{}
	for i, k := range twemojiKeys(t) {
		b, err := os.ReadFile(filepath.Join(dir, k+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		svgs[k] = string(b)
		s := string(b)
		if i%10 == 0 || strings.Contains(s, "clip-path") || strings.Contains(s, "stroke=") ||
			strings.Contains(s, "transform=") || strings.Contains(s, "opacity") || strings.Contains(s, "evenodd") {
			addKey(k)
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	type result struct {
		key       string
		mean, bad float64
		alphaMean float64
	}
	var results []result
	var sumMean, sumAlpha float64
	const batch = 50
	for i := 0; i < len(keys); i += batch {
		ks := keys[i:min(i+batch, len(keys))]
		var list []string
		for _, k := range ks {
			list = append(list, strings.Replace(svgs[k], "<svg ", fmt.Sprintf(`<svg width="%d" height="%d" `, oracleSize, oracleSize), 1))
		}
		arg, _ := json.Marshal(list)
		js := fmt.Sprintf(`(async (svgs, size) => {
		  const c = new OffscreenCanvas(size, size);
		  const g = c.getContext('2d');
		  const out = [];
		  for (const s of svgs) {
		    const img = new Image();
		    img.src = URL.createObjectURL(new Blob([s], {type: 'image/svg+xml'}));
		    await img.decode();
		    g.clearRect(0, 0, size, size);
		    g.drawImage(img, 0, 0, size, size);
		    URL.revokeObjectURL(img.src);
		    const d = g.getImageData(0, 0, size, size).data;
		    let bin = '';
		    for (let i = 0; i < d.length; i += 8192) bin += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
		    out.push(btoa(bin));
		  }
		  return out;
		})(%s, %d)`, arg, oracleSize)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		for j, k := range ks {
			raw, err := base64.StdEncoding.DecodeString(got[j])
			if err != nil || len(raw) != oracleSize*oracleSize*4 {
				t.Fatalf("%s: chromium returned %d bytes (%v)", k, len(raw), err)
			}
			a, err := Parse([]byte(svgs[k]))
			if err != nil {
				t.Fatal(err)
			}
			mine := a.Image(oracleSize)
			m, bad, am := compare(mine, raw)
			if m > oracleMeanTol || bad > oracleBadTol || i+j < len(goldenCases) { // to look at
				writePair(t, k, mine, raw)
			}
			results = append(results, result{k, m, bad, am})
			if j+i < len(goldenCases) {
				// The negative control: the same art half a pixel off must fail,
				// or the tolerances let real errors through.
				off := image.NewRGBA(mine.Rect)
				a.Draw(off, 0.5, 0.5, oracleSize)
				if m, bad, _ := compare(off, raw); m <= oracleMeanTol && bad <= oracleBadTol {
					t.Errorf("%s.svg drawn half a pixel off passes: mean %.3f, %.2f%% bad", k, m, 100*bad)
				} else {
					t.Logf("control %s.svg half a pixel off: mean %.3f, %.2f%% of pixels off by more than 32", k, m, 100*bad)
				}
			}
			sumMean += m
			sumAlpha += am
		}
	}
	sort.Slice(results, func(i, j int) bool { return results[i].mean > results[j].mean })
	t.Logf("%d files at %d px: mean |diff| %.3f (alpha %.3f) averaged over files; worst:", len(results), oracleSize, sumMean/float64(len(results)), sumAlpha/float64(len(results)))
	for _, r := range results[:min(5, len(results))] {
		t.Logf("  %s.svg: mean %.3f, alpha mean %.3f, %.2f%% of pixels off by more than 32", r.key, r.mean, r.alphaMean, 100*r.bad)
	}
	for _, r := range results {
		if r.mean > oracleMeanTol || r.bad > oracleBadTol {
			t.Errorf("%s.svg differs from Chromium: mean |diff| %.3f (tolerance %.1f), %.2f%% of pixels off by more than 32 (tolerance %.0f%%)",
				r.key, r.mean, oracleMeanTol, 100*r.bad, 100*oracleBadTol)
		}
	}
}

// compare returns the mean absolute difference over the premultiplied RGBA
// channels, the share of pixels off by more than 32 in some channel, and
// the mean alpha difference. straight is getImageData's non-premultiplied RGBA.
func compare(mine *image.RGBA, straight []byte) (mean, bad, alphaMean float64) {
	var sum, asum, nbad int
	n := len(straight) / 4
	for i := 0; i < n; i++ {
		p := mine.Pix[4*i : 4*i+4]
		q := straight[4*i : 4*i+4]
		a := int(q[3])
		worst := 0
		for c := 0; c < 4; c++ {
			v := int(q[c])
			if c < 3 {
				v = (v*a + 127) / 255
			}
			d := int(p[c]) - v
			d = max(d, -d)
			sum += d
			worst = max(worst, d)
			if c == 3 {
				asum += d
			}
		}
		if worst > 32 {
			nbad++
		}
	}
	return float64(sum) / float64(4*n), float64(nbad) / float64(n), float64(asum) / float64(n)
}

// writePair saves both drawings side by side in testdata/out/ (git ignores
// it) to look at when they differ.
func writePair(t *testing.T, key string, mine *image.RGBA, straight []byte) {
	n := mine.Rect.Dx()
	img := image.NewNRGBA(image.Rect(0, 0, 2*n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			img.Set(x, y, mine.At(x, y))
			copy(img.Pix[img.PixOffset(n+x, y):][:4], straight[4*(y*n+x):])
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join("testdata", "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "out", "oracle-"+key+".png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
