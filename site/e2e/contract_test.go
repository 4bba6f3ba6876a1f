package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/memeforge/memeforge/wasm/imgio"
	"github.com/memeforge/memeforge/wasm/meme"
)

// TestPageFollowsTheContract checks, in the browser, the places where the page's JavaScript must
// still agree with the Go side beyond reading contract.js: it has words for every way the
// renderer refuses an image (by code), it sniffs files exactly as imgio does, and the editor's
// controls offer the renderer's option values and ranges.
func TestPageFollowsTheContract(t *testing.T) {
	_, b := startEditing(t)

	t.Run("ExplainsEveryDecodeCode", func(t *testing.T) {
		b := b.on(t)
		var want []string
		for _, err := range []error{imgio.ErrUnsupported, imgio.ErrTooLarge, imgio.ErrEmpty, imgio.ErrCorrupt, imgio.ErrTooManyFrames, imgio.ErrAnimationTooLong} {
			code := string(meme.ErrorCode(err))
			if code == string(meme.CodeInternal) {
				t.Fatalf("imgio's %v has no code in meme's table", err)
			}
			want = append(want, code)
		}
		got := evalT[[]string](b, `import('./image-input.js').then((m) => Object.keys(m.DECODE_MESSAGES))`)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			b.fatalf("image-input.js explains codes %q; the renderer refuses images with %q", got, want)
		}
		all := evalT[[]string](b, `import('./contract.js').then((m) => m.errorCodes)`)
		var codes []string
		for _, c := range meme.Codes() {
			codes = append(codes, string(c))
		}
		if !slices.Equal(all, codes) {
			b.fatalf("the page's contract.js lists codes %q, Go's table %q", all, codes)
		}
	})

	t.Run("SniffsAsImgioDoes", func(t *testing.T) {
		b := b.on(t)
		samples := map[string][]byte{
			"jpegSOIOnly": {0xff, 0xd8}, "jpegShort": {0xff}, "gif87": []byte("GIF87a..."), "gif88": []byte("GIF88a..."),
			"webp": []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "riffWave": []byte("RIFF\x00\x00\x00\x00WAVEfmt "),
			"pngSig": []byte("\x89PNG\r\n\x1a\n"), "pngShort": []byte("\x89PNG\r\n\x1a"), "empty": {}, "text": []byte("hello"),
		}
		entries, err := os.ReadDir("testdata")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(fixture(e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			samples[e.Name()] = data[:min(len(data), 64)]
		}
		for name, data := range samples {
			want := ""
			if f, ok := imgio.Sniff(data); ok {
				want = f.MIME
			}
			got := evalT[string](b, fmt.Sprintf(`import('./image-input.js').then((m) => m.sniff(Uint8Array.from(atob(%q), (c) => c.charCodeAt(0))))`, b64(data)))
			if got != want {
				b.fatalf("%s: the page sniffs %q, imgio %q", name, got, want)
			}
		}
	})

	t.Run("EditorOffersTheRenderersValues", func(t *testing.T) {
		b := b.on(t)
		type controls struct {
			Align, VAlign                []string
			RotMin, RotMax, OutMax, Size string
		}
		c := evalT[controls](b, `(() => {
		  const q = (k) => document.querySelector('#box-list [data-k="' + k + '"]');
		  const values = (k) => Array.from(q(k).options, (o) => o.value);
		  return { Align: values('align'), VAlign: values('valign'), RotMin: q('rotation').min, RotMax: q('rotation').max,
		    OutMax: q('outlinePct').max, Size: q('sizePct').max };
		})()`)
		if !slices.Equal(c.Align, meme.Aligns) || !slices.Equal(c.VAlign, meme.VAligns) {
			b.fatalf("editor offers align %q, valign %q; the renderer takes %q, %q", c.Align, c.VAlign, meme.Aligns, meme.VAligns)
		}
		num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		if num(c.RotMin) != -meme.MaxRotation || num(c.RotMax) != meme.MaxRotation || num(c.OutMax) != meme.MaxOutline*100 || num(c.Size) != 100 {
			b.fatalf("editor ranges %+v; the renderer's rotation ±%v, outline up to %v%%", c, meme.MaxRotation, meme.MaxOutline*100)
		}
		// Every field the editor sends is one the renderer knows (it refuses unknown ones).
		js := evalT[string](b, `import('./spec.js').then((m) => m.renderSpec(m.defaultSpec()).json)`)
		if _, err := meme.ParseSpec([]byte(js)); err != nil {
			b.fatalf("the editor's default spec %s: %v", js, err)
		}
		var spec struct{ Boxes []map[string]any }
		json.Unmarshal([]byte(js), &spec)
		if len(spec.Boxes) != 2 {
			b.fatalf("default spec has %d boxes", len(spec.Boxes))
		}
	})
}
