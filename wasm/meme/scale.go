package meme

import "image"

// The scaler behind previews: a separable filter in integer fixed point, so
// every GOARCH gives the same pixels (a float version can differ where a
// compiler fuses multiply-adds, as arm64's does). Shrinking averages the
// source area each output pixel covers (a box filter: a 12 MP photo shown
// at 800 px does not alias); enlarging interpolates linearly between the
// two nearest source pixels. x/image/draw did this before; it cost the WASM
// module 12 KB compressed for the one call.

// weightBits is the fixed-point precision of the filter weights: each
// output pixel's weights sum to exactly 1<<weightBits. 16 bits give each
// of the up to 32768 source pixels of a MaxSide to 1 shrink a weight of at
// least one unit (with fewer, some would count for nothing and a fine
// pattern would alias), and keep a row's sums (255<<16 at most) in uint32
// and a pixel's (255<<32) in uint64.
const weightBits = 16

// taps are the source indexes and weights of one output index.
type taps struct {
	first int      // first source index
	w     []uint32 // weights of first, first+1, ...
}

// filterTaps returns, for each of dn output indexes, the taps over sn
// source indexes. Integers only: positions are kept as exact fractions, so
// no rounding (and no fused multiply-add) can move a tap between GOARCHes.
func filterTaps(dn, sn int) []taps {
	out := make([]taps, dn)
	D, S := int64(dn), int64(sn)
	for d := range out {
		if dn <= sn {
			// In units of 1/dn of a source pixel, output d covers
			// [d*sn, (d+1)*sn) and source i covers [i*dn, (i+1)*dn): the
			// weights are the overlaps, which sum to sn.
			lo, hi := int64(d)*S, int64(d+1)*S
			first, last := lo/D, (hi-1)/D
			f := make([]int64, last-first+1)
			for i := first; i <= last; i++ {
				f[i-first] = min(hi, (i+1)*D) - max(lo, i*D)
			}
			out[d] = taps{first: int(first), w: quantize(f, S)}
			continue
		}
		// Output d's centre falls at source (d+0.5)*sn/dn - 0.5 = num/den,
		// between the centres of source i and i+1 (clamped at the ends).
		num, den := (2*int64(d)+1)*S-D, 2*D
		switch i := num / den; {
		case num < 0:
			out[d] = taps{first: 0, w: []uint32{1 << weightBits}}
		case i >= S-1:
			out[d] = taps{first: sn - 1, w: []uint32{1 << weightBits}}
		default:
			t := num % den
			out[d] = taps{first: int(i), w: quantize([]int64{den - t, t}, den)}
		}
	}
	return out
}

// quantize scales weights f, which sum to total, to sum to exactly
// 1<<weightBits. Rounding their running sums rather than each weight keeps
// every weight within 1 of its exact value and none below 0, however many
// there are (a 32768 to 1 shrink has weights of half a unit each).
func quantize(f []int64, total int64) []uint32 {
	w := make([]uint32, len(f))
	var run, prev int64
	for i, v := range f {
		run += v
		q := (run<<weightBits + total/2) / total
		w[i] = uint32(q - prev)
		prev = q
	}
	return w
}

// scaleRGBA resizes src into dst (both origin 0,0), one output row at a
// time: the source rows it needs are filtered across once each, kept in a
// small ring, and blended down. Memory beyond dst: a few rows.
func scaleRGBA(dst, src *image.RGBA) {
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
