package meme

import (
	"fmt"
	"image"
	"runtime"
	"testing"

	"golang.org/x/image/draw"
)

func TestFilterTaps(t *testing.T) {
	for _, c := range [][2]int{{800, 4000}, {600, 3000}, {3, 7}, {7, 3}, {1, 5}, {5, 1}, {640, 1280}, {1280, 640}, {999, 1000}, {1000, 999},
		{1, 32768}, {1, 300}, {20, 6000}, {3, 32767}, {32768, 1}, {32768, 3}, {1, 1}} {
		dn, sn := c[0], c[1]
		t.Run(fmt.Sprintf("%dFrom%d", dn, sn), func(t *testing.T) {
			for d, tp := range filterTaps(dn, sn) {
				var sum uint32
				for _, w := range tp.w {
					if w > 1<<weightBits {
						t.Fatalf("output %d: weight %d (a negative one, wrapped)", d, w)
					}
					sum += w
				}
				if sum != 1<<weightBits {
					t.Fatalf("output %d: weights sum to %d", d, sum)
				}
				if tp.first < 0 || tp.first+len(tp.w) > sn || len(tp.w) == 0 {
					t.Fatalf("output %d reads source %d..%d of %d", d, tp.first, tp.first+len(tp.w), sn)
				}
				if dn <= sn && len(tp.w) > sn/dn+2 {
					t.Fatalf("output %d has %d taps shrinking %d to %d", d, len(tp.w), sn, dn)
				}
			}
		})
	}
}

func TestScale(t *testing.T) {
	t.Run("FlatStaysFlat", func(t *testing.T) {
		for _, c := range [][4]int{{4000, 3000, 800, 600}, {37, 23, 100, 71}, {100, 71, 37, 23}, {5, 5, 1, 1}, {1, 1, 9, 4}} {
			src := image.NewRGBA(image.Rect(0, 0, c[0], c[1]))
			for i := range src.Pix {
				src.Pix[i] = []uint8{200, 13, 77, 255}[i%4]
			}
			dst := image.NewRGBA(image.Rect(0, 0, c[2], c[3]))
			scaleRGBA(dst, src)
			for i, v := range dst.Pix {
				if want := src.Pix[i%4]; v != want {
					t.Fatalf("%v: byte %d = %d, want %d", c, i, v, want)
				}
			}
		}
	})
	t.Run("HalvingAveragesBlocks", func(t *testing.T) {
		src := testImage(64, 48)
		dst := image.NewRGBA(image.Rect(0, 0, 32, 24))
		scaleRGBA(dst, src)
		for y := range 24 {
			for x := range 32 {
				for ch := range 4 {
					var sum int
					for _, p := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
						sum += int(src.Pix[src.PixOffset(2*x+p[0], 2*y+p[1])+ch])
					}
					want := (sum + 2) / 4
					if got := int(dst.Pix[dst.PixOffset(x, y)+ch]); got != want && got != want-1 {
						t.Fatalf("(%d,%d) channel %d = %d, want the 2x2 mean %d", x, y, ch, got, want)
					}
				}
			}
		}
	})
	t.Run("ExtremeShrinkAverages", func(t *testing.T) {
		// A checkerboard shrunk by 300 to 32768 times is grey, not one of
		// its colours: each output pixel covers as much white as black.
		for _, c := range [][4]int{{32768, 1, 1, 1}, {1, 32768, 1, 1}, {6000, 2, 20, 1}, {300, 300, 1, 1}} {
			src := image.NewRGBA(image.Rect(0, 0, c[0], c[1]))
			for y := range c[1] {
				for x := range c[0] {
					v := uint8(255 * ((x + y + 1) % 2))
					copy(src.Pix[src.PixOffset(x, y):], []uint8{v, v, v, 255})
				}
			}
			dst := image.NewRGBA(image.Rect(0, 0, c[2], c[3]))
			scaleRGBA(dst, src)
			for i, v := range dst.Pix {
				if i%4 != 3 && (v < 126 || v > 129) || i%4 == 3 && v != 255 {
					t.Fatalf("%v: byte %d = %d, want grey (127 or 128), opaque", c, i, v)
				}
			}
		}
	})
	t.Run("DoublingInterpolates", func(t *testing.T) {
		src := image.NewRGBA(image.Rect(0, 0, 2, 1))
		copy(src.Pix, []uint8{0, 0, 0, 255, 200, 100, 40, 255})
		dst := image.NewRGBA(image.Rect(0, 0, 4, 1))
		scaleRGBA(dst, src)
		// Output centres at source 0, 0.25, 0.75 and 1 (clamped at the ends).
		want := []uint8{0, 0, 0, 255, 50, 25, 10, 255, 150, 75, 30, 255, 200, 100, 40, 255}
		for i := range want {
			if dst.Pix[i] != want[i] {
				t.Fatalf("got %v, want %v", dst.Pix, want)
			}
		}
	})
	t.Run("CloseToBiLinear", func(t *testing.T) {
		src := testImage(1280, 960)
		for _, size := range [][2]int{{640, 480}, {300, 200}, {2000, 1500}} {
			got := image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
			scaleRGBA(got, src)
			ref := image.NewRGBA(got.Rect)
			draw.BiLinear.Scale(ref, ref.Rect, src, src.Rect, draw.Src, nil)
			if d := compare(got, ref); d.err != nil || d.mean > 2 || d.bigFrac > 0.01 {
				t.Fatalf("%v: far from x/image/draw's BiLinear: %+v", size, d)
			}
		}
	})
}

// TestScaleMemory: shrinking a tall image to a wide short one keeps a few
// filtered rows, not one per source row the output row covers (64x32768 to
// 64x1 once took 36 MB for a 256-byte result; 1525x32768 to 1525x1 would
// take 800 MB of WASM memory, which never shrinks).
func TestScaleMemory(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 64, 32768))
	dst := image.NewRGBA(image.Rect(0, 0, 64, 1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	scaleRGBA(dst, src)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Fatalf("allocated %d bytes", n)
	}
}

// TestScaleMatchesReference: the word-at-a-time scaler gives exactly the
// pixels of the byte-at-a-time one, shrinking (by whole and fractional
// ratios, far and slightly) and enlarging, from a sub-image whose rows are
// longer than its width.
func TestScaleMatchesReference(t *testing.T) {
	big := testImage(701, 523)
	for i := 3; i < len(big.Pix); i += 4 {
		big.Pix[i] = uint8(i * 7) // alpha varies too, so every lane is checked
	}
	for _, c := range [][4]int{{1600, 1600, 800, 800}, {701, 523, 100, 71}, {701, 523, 350, 261}, {701, 523, 233, 174},
		{698, 521, 700, 522}, {698, 521, 349, 260}, {100, 71, 701, 523}, {37, 23, 100, 71}, {5, 5, 1, 1}, {1, 1, 9, 4}, {640, 3, 1, 300}} {
		t.Run(fmt.Sprintf("%dx%dTo%dx%d", c[0], c[1], c[2], c[3]), func(t *testing.T) {
			src := testImage(c[0], c[1])
			if c[0]+3 <= big.Rect.Dx() && c[1]+2 <= big.Rect.Dy() {
				sub := big.SubImage(image.Rect(3, 2, 3+c[0], 2+c[1])).(*image.RGBA)
				src = &image.RGBA{Pix: sub.Pix, Stride: sub.Stride, Rect: image.Rect(0, 0, c[0], c[1])}
			}
			got := image.NewRGBA(image.Rect(0, 0, c[2], c[3]))
			want := image.NewRGBA(got.Rect)
			scaleRGBA(got, src)
			scaleReference(want, src)
			for i := range got.Pix {
				if got.Pix[i] != want.Pix[i] {
					t.Fatalf("byte %d (pixel %d,%d) = %d, want %d", i, i/4%c[2], i/4/c[2], got.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

func BenchmarkScale4000x3000To800x600(b *testing.B) {
	src := testImage(4000, 3000)
	dst := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for b.Loop() {
		scaleRGBA(dst, src)
	}
}

// scaleReference is scaleRGBA as it was before it read words and paired
// channels, byte by byte: the pixels it must still give. It resizes src into dst (both origin 0,0), one output row at a
// time: the source rows it needs are filtered across once each, kept in a
// small ring, and blended down. Memory beyond dst: a few rows.
func scaleReference(dst, src *image.RGBA) {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	xs, ys := filterTaps(dw, sw), filterTaps(dh, sh)
	// Each filtered row is blended in as soon as it is made, so the ring
	// only has to keep what the next output row reuses: the one row a
	// shrink's neighbours share, the two an enlargement's do. Sizing it by
	// the taps kept a row per tap: hundreds of MB for 1525x32768 to 1525x1.
	const ring = 2
	rows := make([][]uint32, ring) // source rows filtered across: dw*4 sums of up to 255<<weightBits
	tag := make([]int, ring)
	for i := range rows {
		rows[i] = make([]uint32, 4*dw)
		tag[i] = -1
	}
	across := func(sy int) []uint32 {
		k := sy % ring
		if tag[k] == sy {
			return rows[k]
		}
		row, sp := rows[k], src.Pix[sy*src.Stride:]
		for x, t := range xs {
			var r, g, b, a uint32
			p := sp[4*t.first:]
			for j, w := range t.w {
				q := p[4*j : 4*j+4 : 4*j+4]
				r += uint32(q[0]) * w
				g += uint32(q[1]) * w
				b += uint32(q[2]) * w
				a += uint32(q[3]) * w
			}
			o := row[4*x : 4*x+4 : 4*x+4]
			o[0], o[1], o[2], o[3] = r, g, b, a
		}
		tag[k] = sy
		return row
	}
	acc := make([]uint64, 4*dw)
	const half = 1 << (2*weightBits - 1)
	for y, t := range ys {
		clear(acc)
		for j, w := range t.w {
			row := across(t.first + j)
			for i, v := range row {
				acc[i] += uint64(v) * uint64(w)
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+4*dw]
		for i, v := range acc {
			out[i] = uint8(min((v+half)>>(2*weightBits), 255))
		}
	}
}
