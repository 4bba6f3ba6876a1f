package meme

import (
	"image"
	"math"
)

// The scaler behind previews: a separable filter in integer fixed point, so
// every GOARCH gives the same pixels (a float version can differ where a
// compiler fuses multiply-adds, as arm64's does). Shrinking averages the
// source area each output pixel covers (a box filter: a 12 MP photo shown
// at 800 px does not alias); enlarging interpolates linearly between the
// two nearest source pixels. x/image/draw did this before; it cost the WASM
// module 12 KB compressed for the one call.

// weightBits is the fixed-point precision of the filter weights: each
// output pixel's weights sum to exactly 1<<weightBits.
const weightBits = 14

// taps are the source indexes and weights of one output index.
type taps struct {
	first int      // first source index
	w     []uint32 // weights of first, first+1, ...
}

// filterTaps returns, for each of dn output indexes, the taps over sn
// source indexes.
func filterTaps(dn, sn int) []taps {
	out := make([]taps, dn)
	scale := float64(sn) / float64(dn)
	for d := range out {
		var first int
		var f []float64
		if dn <= sn {
			lo, hi := float64(d)*scale, float64(d+1)*scale
			first = int(lo)
			for i := first; float64(i) < hi && i < sn; i++ {
				f = append(f, min(hi, float64(i+1))-max(lo, float64(i)))
			}
		} else {
			c := (float64(d)+0.5)*scale - 0.5
			i := int(math.Floor(c))
			t := c - float64(i)
			switch {
			case i < 0:
				first, f = 0, []float64{1}
			case i >= sn-1:
				first, f = sn-1, []float64{1}
			default:
				first, f = i, []float64{1 - t, t}
			}
		}
		out[d] = taps{first: first, w: quantize(f)}
	}
	return out
}

// quantize scales weights to sum to exactly 1<<weightBits, rounding each
// and giving the remainder to the largest.
func quantize(f []float64) []uint32 {
	var sum float64
	for _, v := range f {
		sum += v
	}
	w := make([]uint32, len(f))
	var total uint32
	big := 0
	for i, v := range f {
		w[i] = uint32(math.Round(v / sum * (1 << weightBits)))
		total += w[i]
		if f[i] > f[big] {
			big = i
		}
	}
	w[big] += 1<<weightBits - total // total is within len(f)/2 of the target
	return w
}

// scaleRGBA resizes src into dst (both origin 0,0), one output row at a
// time: the source rows it needs are filtered across once each, kept in a
// small ring, and blended down. Memory beyond dst: a few rows.
func scaleRGBA(dst, src *image.RGBA) {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	xs, ys := filterTaps(dw, sw), filterTaps(dh, sh)
	ring := 1
	for _, t := range ys {
		ring = max(ring, len(t.w)+1)
	}
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
