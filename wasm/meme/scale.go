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
//
// Each output channel is (sum over rows of wy * (sum over columns of
// wx * p) + 1<<31) >> 32: integers only, so the order and grouping of the
// sums cannot change a pixel. Pixels are read and written a word at a
// time (see words: WASM does not merge byte loads), and two channels share
// each horizontal multiply: red with blue and green with alpha, 32 bits
// apart, where a channel's sum (at most 255<<weightBits) cannot carry into
// the next.
func scaleRGBA(dst, src *image.RGBA) {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	xs, ys := filterTaps(dw, sw), filterTaps(dh, sh)
	// Each filtered row is blended in as soon as it is made, so the ring
	// only has to keep what the next output row reuses: the one row a
	// shrink's neighbours share, the two an enlargement's do. Sizing it by
	// the taps kept a row per tap: hundreds of MB for 1525x32768 to 1525x1.
	const ring = 2
	var rows [ring][]uint64 // source rows filtered across: per pixel, red|blue<<32 then green|alpha<<32
	var tag [ring]int
	for i := range rows {
		rows[i] = make([]uint64, 2*dw)
		tag[i] = -1
	}
	across := func(sy int) []uint64 {
		k := sy % ring
		if tag[k] == sy {
			return rows[k]
		}
		row := rows[k][:2*dw]
		sp := words(src.Pix[sy*src.Stride:][:4*sw])
		for x, t := range xs {
			var rb, ga uint64
			w := t.w
			p := sp[t.first:][:len(w)]
			for len(w) >= 2 {
				v0, v1, w0, w1 := p[0], p[1], uint64(w[0]), uint64(w[1])
				rb += (uint64(v0&0xff)|uint64(v0&0xff0000)<<16)*w0 + (uint64(v1&0xff)|uint64(v1&0xff0000)<<16)*w1
				ga += (uint64(v0>>8&0xff)|uint64(v0>>24)<<32)*w0 + (uint64(v1>>8&0xff)|uint64(v1>>24)<<32)*w1
				p, w = p[2:], w[2:]
			}
			if len(w) == 1 {
				v := p[0]
				rb += (uint64(v&0xff) | uint64(v&0xff0000)<<16) * uint64(w[0])
				ga += (uint64(v>>8&0xff) | uint64(v>>24)<<32) * uint64(w[0])
			}
			row[2*x], row[2*x+1] = rb, ga
		}
		tag[k] = sy
		return row
	}
	// acc holds an output row's sums while more than two source rows go
	// into it; with one or two (an enlargement, a shrink by up to 2) the
	// row is written in one pass.
	var acc []uint64
	const lo32 = 1<<32 - 1
	const half = 1 << (2*weightBits - 1)
	pix := func(r, g, b, a uint64) uint32 {
		return uint32(min((r+half)>>(2*weightBits), 255)) |
			uint32(min((g+half)>>(2*weightBits), 255))<<8 |
			uint32(min((b+half)>>(2*weightBits), 255))<<16 |
			uint32(min((a+half)>>(2*weightBits), 255))<<24
	}
	for y, t := range ys {
		out := words(dst.Pix[y*dst.Stride:][:4*dw])
		switch len(t.w) {
		case 1:
			w := uint64(t.w[0])
			r0 := across(t.first)
			for x := range out {
				rb, ga := r0[2*x], r0[2*x+1]
				out[x] = pix((rb&lo32)*w, (ga&lo32)*w, (rb>>32)*w, (ga>>32)*w)
			}
		case 2:
			w0, w1 := uint64(t.w[0]), uint64(t.w[1])
			r0, r1 := across(t.first), across(t.first+1)
			for x := range out {
				rb0, ga0, rb1, ga1 := r0[2*x], r0[2*x+1], r1[2*x], r1[2*x+1]
				out[x] = pix((rb0&lo32)*w0+(rb1&lo32)*w1, (ga0&lo32)*w0+(ga1&lo32)*w1,
					(rb0>>32)*w0+(rb1>>32)*w1, (ga0>>32)*w0+(ga1>>32)*w1)
			}
		default:
			if acc == nil {
				acc = make([]uint64, 4*dw)
			}
			clear(acc)
			for j, w := range t.w {
				row, w := across(t.first+j), uint64(w)
				for x := range dw {
					rb, ga := row[2*x], row[2*x+1]
					a := acc[4*x : 4*x+4 : 4*x+4]
					a[0] += (rb & lo32) * w
					a[1] += (ga & lo32) * w
					a[2] += (rb >> 32) * w
					a[3] += (ga >> 32) * w
				}
			}
			for x := range out {
				a := acc[4*x : 4*x+4 : 4*x+4]
				out[x] = pix(a[0], a[1], a[2], a[3])
			}
		}
	}
}
