// Package testgif builds the animated GIFs memeforge's tests and benchmarks
// use: small files, each made to exercise one part of GIF playback
// (disposal methods, transparency, local palettes, sub-rectangles, zero
// delays, loop counts, frames past the screen), and a benchmark-sized one
// shaped like a real GIF (small sub-rectangle frames over a full first
// frame). Everything is deterministic, so goldens and hashes stay put.
package testgif

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
)

// Case is one test GIF.
type Case struct {
	Name string
	Data []byte
}

// pal is a palette of n colours spread over the RGB cube, offset by seed
// so that two palettes differ; with transparent, entry 0 is transparent.
func pal(n, seed int, transparent bool) color.Palette {
	p := make(color.Palette, n)
	for i := range p {
		k := i*37 + seed*11
		p[i] = color.RGBA{uint8(k * 53), uint8(k * 97), uint8(k * 151), 0xff}
	}
	if transparent {
		p[0] = color.RGBA{}
	}
	return p
}

// frame is a w x h frame at x, y filled with a pattern of palette indices
// from lo to hi-1; hole (if not empty, relative to the frame) is index 0.
func frame(p color.Palette, x, y, w, h, lo, hi int, hole image.Rectangle) *image.Paletted {
	m := image.NewPaletted(image.Rect(x, y, x+w, y+h), p)
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			v := lo + (i/2+j/3+i*j)%(hi-lo)
			if (image.Point{i, j}).In(hole) {
				v = 0
			}
			m.Pix[j*m.Stride+i] = uint8(v)
		}
	}
	return m
}

func encode(g *gif.GIF) []byte {
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		panic(fmt.Sprintf("testgif: %v", err))
	}
	return b.Bytes()
}

// Cases are the small test GIFs, 48x32 screens.
func Cases() []Case {
	const W, H = 48, 32
	none := image.Rectangle{}
	global := pal(64, 1, true)
	var cs []Case

	// Sub-rectangles over a full first frame, disposal none, delays 0, 1
	// and 5 (the first two play at 100 ms), looping forever.
	cs = append(cs, Case{"disposal-none", encode(&gif.GIF{
		Image: []*image.Paletted{
			frame(global, 0, 0, W, H, 1, 64, none),
			frame(global, 4, 4, 12, 8, 10, 20, image.Rect(2, 2, 6, 5)),
			frame(global, 20, 10, 16, 12, 30, 40, none),
			frame(global, 30, 20, 18, 12, 40, 50, image.Rect(0, 0, 9, 6)),
		},
		Delay:     []int{0, 1, 5, 7},
		Disposal:  []byte{gif.DisposalNone, gif.DisposalNone, 0, gif.DisposalNone},
		LoopCount: 0,
		Config:    image.Config{ColorModel: global, Width: W, Height: H},
	})})

	// Disposal to background: the sprite's rectangle is cleared to
	// transparent (not the background colour) before the next frame.
	cs = append(cs, Case{"disposal-background", encode(&gif.GIF{
		Image: []*image.Paletted{
			frame(global, 0, 0, W, H, 1, 64, image.Rect(10, 10, 30, 20)),
			frame(global, 2, 2, 14, 10, 5, 15, image.Rect(3, 3, 7, 6)),
			frame(global, 18, 12, 14, 10, 15, 25, none),
			frame(global, 30, 4, 16, 24, 25, 35, image.Rect(4, 4, 10, 10)),
		},
		Delay:     []int{10, 10, 10, 10},
		Disposal:  []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalBackground, gif.DisposalBackground},
		LoopCount: 1,
		Config:    image.Config{ColorModel: global, Width: W, Height: H},
	})})

	// Disposal to previous: sprites over a fixed scene, each restored away;
	// the first frame's own disposal is "previous" too (back to nothing).
	cs = append(cs, Case{"disposal-previous", encode(&gif.GIF{
		Image: []*image.Paletted{
			frame(global, 0, 0, W, H/2, 1, 64, none),
			frame(global, 0, H/2, W, H/2, 1, 30, image.Rect(20, 4, 30, 10)),
			frame(global, 6, 6, 12, 12, 40, 50, image.Rect(2, 2, 5, 5)),
			frame(global, 24, 8, 14, 14, 50, 60, none),
			frame(global, 10, 20, 30, 8, 20, 30, image.Rect(0, 0, 30, 2)),
		},
		Delay:     []int{4, 4, 4, 4, 4},
		Disposal:  []byte{gif.DisposalPrevious, gif.DisposalNone, gif.DisposalPrevious, gif.DisposalPrevious, gif.DisposalNone},
		LoopCount: 5,
		Config:    image.Config{ColorModel: global, Width: W, Height: H},
	})})

	// A local palette on every frame, no global table, one with a
	// transparent index and one without; no loop extension (plays once).
	cs = append(cs, Case{"local-palettes", encode(&gif.GIF{
		Image: []*image.Paletted{
			frame(pal(16, 2, false), 0, 0, W, H, 0, 16, none),
			frame(pal(32, 3, true), 8, 8, 24, 16, 1, 32, image.Rect(4, 4, 12, 10)),
			frame(pal(8, 4, false), 16, 0, 8, 32, 0, 8, none),
			frame(pal(256, 5, true), 0, 20, 48, 12, 1, 256, image.Rect(0, 0, 48, 3)),
		},
		Delay:     []int{3, 0, 12, 2},
		Disposal:  []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalNone, gif.DisposalPrevious},
		LoopCount: -1,
	})})

	// Transparency everywhere: the first frame has holes, later frames
	// leave parts of the screen transparent and fill others.
	cs = append(cs, Case{"transparency", encode(&gif.GIF{
		Image: []*image.Paletted{
			frame(global, 0, 0, W, H, 1, 64, image.Rect(0, 0, 16, 32)),
			frame(global, 8, 0, 16, 16, 1, 20, image.Rect(0, 0, 8, 8)),
			frame(global, 0, 16, 48, 16, 20, 40, image.Rect(10, 0, 40, 10)),
		},
		Delay:     []int{1, 1, 1},
		Disposal:  []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalNone},
		LoopCount: 1,
		Config:    image.Config{ColorModel: global, Width: W, Height: H},
	})})

	// Frames reaching past the logical screen, and one wholly outside it:
	// encoded on a bigger screen, then the screen is shrunk in the header.
	big := encode(&gif.GIF{
		Image: []*image.Paletted{
			frame(global, 0, 0, W, H, 1, 64, none),
			frame(global, 40, 24, 20, 16, 10, 30, image.Rect(1, 1, 4, 4)),
			frame(global, 50, 2, 10, 10, 30, 40, none),
			frame(global, 0, 28, 60, 12, 40, 60, none),
		},
		Delay:     []int{5, 5, 5, 5},
		Disposal:  []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalNone, gif.DisposalNone},
		LoopCount: 0,
		Config:    image.Config{ColorModel: global, Width: 64, Height: 48},
	})
	big[6], big[7], big[8], big[9] = W, 0, H, 0
	cs = append(cs, Case{"outside-screen", big})
	return cs
}

// Real returns an n-frame w x h GIF shaped like a real one: a detailed
// full first frame (a 256-colour global palette), then small moving
// sub-rectangle frames with transparency for what stays, disposal none,
// 4 hundredths a frame, looping forever.
func Real(n, w, h int) []byte {
	p := make(color.Palette, 256)
	for i := range p {
		p[i] = color.RGBA{uint8(i * 7), uint8(i * 3), uint8(255 - i), 0xff}
	}
	p[255] = color.RGBA{} // transparent
	frames := make([]*image.Paletted, n)
	first := image.NewPaletted(image.Rect(0, 0, w, h), p)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			first.Pix[y*first.Stride+x] = uint8((x/3 + y/2 + (x*y)/97) % 200)
		}
	}
	frames[0] = first
	for i := 1; i < n; i++ {
		fw, fh := w/6, h/4
		x := (i * 17) % (w - fw)
		y := h/3 + (i*5)%(h/3)
		m := image.NewPaletted(image.Rect(x, y, x+fw, y+fh), p)
		for yy := 0; yy < fh; yy++ {
			for xx := 0; xx < fw; xx++ {
				v := uint8(200 + (xx+yy+i)%50)
				if (xx+yy*3+i)%4 == 0 {
					v = 255 // unchanged
				}
				m.Pix[yy*m.Stride+xx] = v
			}
		}
		frames[i] = m
	}
	delays := make([]int, n)
	disp := make([]byte, n)
	for i := range delays {
		delays[i], disp[i] = 4, gif.DisposalNone
	}
	return encode(&gif.GIF{Image: frames, Delay: delays, Disposal: disp, Config: image.Config{ColorModel: p, Width: w, Height: h}})
}
