package meme

import (
	"bytes"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/memeforge/memeforge/internal/testgif"
	"github.com/memeforge/memeforge/wasm/imgio"
)

// BenchmarkPreviewKeystroke is typing in the browser: an 800x800 preview
// with two captions where one caption's text changes every frame, asked
// for as the page does, holding the previous frame.
func BenchmarkPreviewKeystroke(b *testing.B) {
	r := NewRenderer(fullFontSet(b))
	if err := r.SetImage(testImage(800, 800)); err != nil {
		b.Fatal(err)
	}
	spec := DefaultSpec()
	spec.Boxes[0].Text = "when the code compiles"
	spec.Boxes[1].Text = "on the first try"
	f, _, err := r.PreviewFrame(spec, 800, 800, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		spec.Boxes[1].Text = fmt.Sprintf("on the first try %d", i)
		if f, _, err = r.PreviewFrame(spec, 800, 800, f.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreviewCold is a preview with nothing cached but the fonts: a
// new image of the same size and both captions new.
func BenchmarkPreviewCold(b *testing.B) {
	fs := fullFontSet(b)
	src := testImage(1600, 1600)
	spec := DefaultSpec()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r := NewRenderer(fs)
		r.SetImage(src)
		spec.Boxes[0].Text = fmt.Sprintf("when the code compiles %d", i)
		spec.Boxes[1].Text = fmt.Sprintf("on the first try %d", i)
		if _, _, err := r.Preview(spec, 800, 800); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFinal4000x3000 is the full-resolution render of a 12 MP photo
// with two new captions (encoding is measured separately, in imgio).
func BenchmarkFinal4000x3000(b *testing.B) {
	r := NewRenderer(fullFontSet(b))
	if err := r.SetImage(testImage(4000, 3000)); err != nil {
		b.Fatal(err)
	}
	spec := DefaultSpec()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		spec.Boxes[0].Text = fmt.Sprintf("when the code compiles %d", i)
		spec.Boxes[1].Text = fmt.Sprintf("on the first try %d", i)
		if _, _, err := r.Final(spec); err != nil {
			b.Fatal(err)
		}
	}
}

// gifBench is the benchmark GIF: 100 frames of 584x214, small
// sub-rectangle frames over a full first frame, as real GIFs are.
var gifBench = sync.OnceValue(func() []byte { return testgif.Real(100, 584, 214) })

// BenchmarkGIFFinal584x214 is Download/Publish of an animated meme: decode
// every frame, caption each at full size, encode the animated GIF. Reports
// the output/input size ratio and the heap the process holds afterwards
// (in WASM, memory that has grown never shrinks: heap-sys is what the
// worker keeps).
func BenchmarkGIFFinal584x214(b *testing.B) {
	fs := fullFontSet(b)
	data := gifBench()
	spec := DefaultSpec()
	spec.Boxes[0].Text, spec.Boxes[1].Text = "when the gif loops", "and the caption stays"
	var out bytes.Buffer
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	for b.Loop() {
		a, err := imgio.DecodeAnimation(data, 0)
		if err != nil {
			b.Fatal(err)
		}
		r := NewRenderer(fs)
		if err := r.SetAnimation(a); err != nil {
			b.Fatal(err)
		}
		out.Reset()
		if _, err := r.EncodeGIF(&out, spec); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(out.Len()), "output-bytes")
	b.ReportMetric(float64(out.Len())/float64(len(data)), "size-ratio")
	b.ReportMetric(float64(after.HeapSys), "heap-sys-bytes")
	b.ReportMetric(float64(after.HeapSys-before.HeapSys), "heap-growth-bytes")
}

// BenchmarkGIFPlayFrame584x214 is one frame of a playing preview asked for
// at the GIF's own size (the page lets the canvas scale it): the next frame
// composed, copied and captioned from cached layers.
func BenchmarkGIFPlayFrame584x214(b *testing.B) { benchPlay(b, 584, 214) }

// BenchmarkGIFPlayFrameScaled800 is the same frame scaled to 800 px wide in
// Go: a whole-frame scale per frame, the cost the page avoids by asking for
// the GIF's own size.
func BenchmarkGIFPlayFrameScaled800(b *testing.B) { benchPlay(b, 800, 293) }

func benchPlay(b *testing.B, w, h int) {
	a, err := imgio.DecodeAnimation(gifBench(), 0)
	if err != nil {
		b.Fatal(err)
	}
	r := NewRenderer(fullFontSet(b))
	if err := r.SetAnimation(a); err != nil {
		b.Fatal(err)
	}
	spec := DefaultSpec()
	spec.Boxes[0].Text, spec.Boxes[1].Text = "when the gif loops", "and the caption stays"
	if _, _, err := r.AnimationFrame(spec, 0, w, h); err != nil { // captions rasterized once
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 1; b.Loop(); i++ {
		if _, _, err := r.AnimationFrame(spec, i%len(a.Frames), w, h); err != nil {
			b.Fatal(err)
		}
	}
}
