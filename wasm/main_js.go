//go:build js && wasm

// Command memeforge is the renderer's browser face: built with GOOS=js
// GOARCH=wasm and loaded in a Web Worker through wasm_exec.js, it sets one
// global object, memeforge, whose methods return Promises. The contract is
// written down in site/memeforge.d.ts.
//
// Every argument is type-checked; a bad one, a bad spec or a Go panic
// rejects the Promise with an Error whose code is meme.ErrorCode's (the one
// table of error kinds), and the module keeps working. Once the global is
// set it dispatches a "memeforge:ready" Event on the global scope, so a
// worker waits for that instead of polling. Work runs
// on a goroutine, one call at a time. Buffers are reused between calls
// because WASM memory never shrinks.
package main

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"math"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/memeforge/memeforge/wasm/imgio"
	"github.com/memeforge/memeforge/wasm/meme"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type face struct {
	mu    sync.Mutex // one render at a time; the Renderer is not concurrent
	fonts *meme.FontSet
	r     *meme.Renderer
	in    []byte // last image's bytes, reused
	pix   []byte // straight-alpha output, reused
	enc   bytes.Buffer
}

func main() {
	fs := meme.NewFontSet()
	f := &face{fonts: fs, r: meme.NewRenderer(fs)}
	obj := js.Global().Get("Object").New()
	methods := map[string]func([]js.Value) (func() (any, error), error){
		"loadImage":     f.loadImage,
		"loadImageAt":   f.loadImageAt,
		"size":          f.size,
		"addFont":       f.addFont,
		"renderPreview": f.renderPreview,
		"renderFinal":   f.renderFinal,
		"missingGlyphs": f.missingGlyphs,
		"fontsNeeded":   f.fontsNeeded,
		"emojiNeeded":   f.emojiNeeded,
		"addEmoji":      f.addEmoji,
		// Animated GIFs: see site/memeforge.d.ts for how the page plays them.
		"loadAnimation":        f.loadAnimation,
		"renderAnimationFrame": f.renderAnimationFrame,
		"finalGIF":             f.finalGIF,
		"stripMetadata":        f.stripMetadata,
		"warmUp":               f.warmUp,
	}
	for name, m := range methods {
		obj.Set(name, js.FuncOf(func(this js.Value, args []js.Value) any {
			return promise(name, func() (func() (any, error), error) { return m(args) })
		}))
	}
	obj.Set("version", version)
	js.Global().Set("memeforge", obj)
	// Node (the face's tests) has no dispatchEvent on its global.
	if g := js.Global(); g.Get("dispatchEvent").Type() == js.TypeFunction {
		g.Call("dispatchEvent", g.Get("Event").New("memeforge:ready"))
	}
	select {}
}

// promise runs prepare now (argument checks and copies must see the
// caller's values before it can change them), then its work on a
// goroutine, settling a Promise with the result. Errors and panics in
// either step reject it with an Error naming the method.
func promise(method string, prepare func() (func() (any, error), error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(this js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		fail := func(err error) {
			e := js.Global().Get("Error").New("memeforge." + method + ": " + err.Error())
			e.Set("code", string(meme.ErrorCode(err)))
			// A loop, not errors.As: that links reflection code the size budget can't take.
			for u := err; u != nil; u = errors.Unwrap(u) {
				if tl, ok := u.(*imgio.TooLargeError); ok {
					e.Set("width", tl.Width)
					e.Set("height", tl.Height)
					break
				}
			}
			reject.Invoke(e)
		}
		run := func(step func()) {
			defer func() {
				if p := recover(); p != nil {
					fail(fmt.Errorf("internal error: %v", p)) // no kind: code "internal"
				}
			}()
			step()
		}
		var work func() (any, error)
		run(func() {
			var err error
			if work, err = prepare(); err != nil {
				if meme.ErrorCode(err) == meme.CodeInternal { // the face's own argument checks
					err = meme.Kind(meme.ErrBadArgument, err)
				}
				fail(err)
				work = nil
			}
		})
		if work == nil {
			return nil
		}
		go run(func() {
			v, err := work()
			if err != nil {
				fail(err)
				return
			}
			resolve.Invoke(v)
		})
		return nil
	})
	defer executor.Release() // the Promise constructor calls it synchronously
	return js.Global().Get("Promise").New(executor)
}

func (f *face) loadImage(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 1); err != nil {
		return nil, err
	}
	var err error
	if f.in, err = bytesArg(args, 0, "bytes", f.in); err != nil {
		return nil, err
	}
	return f.loadStill(f.r.SetImage), nil
}

// loadStill is the work of loadImage and loadImageAt: decode the bytes in
// f.in and hand the picture to set. Only GIFs play (loadAnimation); other
// animations open as their first frame, and so does a GIF opened here.
func (f *face) loadStill(set func(*image.RGBA) error) func() (any, error) {
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		img, info, err := imgio.Decode(f.in, imgio.DefaultMaxPixels)
		if err != nil {
			return nil, err
		}
		if err := set(img); err != nil {
			return nil, err
		}
		animated := imgio.Animated(f.in)
		return map[string]any{"width": info.Width, "height": info.Height, "format": info.Format,
			"animated": animated, "firstFrameOnly": animated}, nil
	}
}

// loadImageAt decodes an image into one slot of a canvas (from 0), keeping
// the others: a multi-image meme loads its images one by one.
func (f *face) loadImageAt(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 2); err != nil {
		return nil, err
	}
	v := args[0]
	if v.Type() != js.TypeNumber || v.Float() != math.Trunc(v.Float()) || v.Float() < 0 || v.Float() >= meme.MaxImages {
		return nil, fmt.Errorf("slot: want an integer from 0 to %d, got %s", meme.MaxImages-1, describe(v))
	}
	slot := v.Int()
	var err error
	if f.in, err = bytesArg(args, 1, "bytes", f.in); err != nil {
		return nil, err
	}
	return f.loadStill(func(img *image.RGBA) error { return f.r.SetImageAt(slot, img) }), nil
}

// size is the size renderFinal draws specJSON at with the images loaded.
func (f *face) size(args []js.Value) (func() (any, error), error) {
	return f.withSpec(args, func(spec meme.Spec) (any, error) {
		w, h, err := f.r.Size(spec)
		if err != nil {
			return nil, err
		}
		return map[string]any{"width": w, "height": h}, nil
	})
}

// loadAnimation decodes every frame of a GIF (limits checked from its
// blocks first) and makes it the image: the animation methods play it, and
// the still-image methods draw on its first frame.
func (f *face) loadAnimation(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 1); err != nil {
		return nil, err
	}
	var err error
	if f.in, err = bytesArg(args, 0, "bytes", f.in); err != nil {
		return nil, err
	}
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if !bytes.HasPrefix(f.in, []byte("GIF8")) {
			return nil, fmt.Errorf("not a GIF (open other images with loadImage): %w", imgio.ErrUnsupported)
		}
		a, err := imgio.DecodeAnimation(f.in, imgio.DefaultMaxPixels)
		if err != nil {
			return nil, err
		}
		if err := f.r.SetAnimation(a); err != nil {
			return nil, err
		}
		delays := make([]any, len(a.Frames))
		for i := range delays {
			delays[i] = a.DelayMS(i)
		}
		return map[string]any{
			"width": a.Width, "height": a.Height, "frames": len(a.Frames),
			"delays": delays, "loopCount": a.LoopCount, "plays": a.Plays(),
		}, nil
	}, nil
}

func (f *face) renderAnimationFrame(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 4); err != nil {
		return nil, err
	}
	spec, err := specArg(args, 0)
	if err != nil {
		return nil, err
	}
	v := args[1]
	if v.Type() != js.TypeNumber || v.Float() != math.Trunc(v.Float()) || v.Float() < 0 || v.Float() >= imgio.MaxFrames {
		return nil, fmt.Errorf("frame: want a frame index (an integer from 0), got %s", describe(v))
	}
	i := v.Int()
	w, err := sizeArg(args, 2, "width")
	if err != nil {
		return nil, err
	}
	h, err := sizeArg(args, 3, "height")
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		img, res, err := f.r.AnimationFrame(spec, i, w, h)
		if err != nil {
			return nil, err
		}
		out := f.result(img, res)
		out["frame"] = i
		if err := f.needed(out, spec); err != nil {
			return nil, err
		}
		return out, nil
	}, nil
}

func (f *face) finalGIF(args []js.Value) (func() (any, error), error) {
	return f.withSpec(args, func(spec meme.Spec) (any, error) {
		f.enc.Reset()
		if _, err := f.r.EncodeGIF(&f.enc, spec); err != nil {
			return nil, err
		}
		out := js.Global().Get("Uint8Array").New(f.enc.Len())
		js.CopyBytesToJS(out, f.enc.Bytes())
		return out, nil
	})
}

func (f *face) addFont(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 3); err != nil {
		return nil, err
	}
	name, err := stringArg(args, 0, "name")
	if err != nil {
		return nil, err
	}
	data, err := bytesArg(args, 1, "bytes", nil) // the font keeps its bytes
	if err != nil {
		return nil, err
	}
	if args[2].Type() != js.TypeBoolean {
		return nil, fmt.Errorf("fallback: want a boolean, got %s", args[2].Type())
	}
	fallback := args[2].Bool()
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		font, err := f.fonts.Add(name, data, fallback)
		if err != nil {
			return nil, err
		}
		return map[string]any{"name": strings.ToLower(strings.TrimSpace(name)), "family": font.Family()}, nil
	}, nil
}

// renderPreview is the whole of a keystroke in one call: it parses the spec
// once, fits the meme's shape into width x height when fit is true (the size
// call's answer, computed here instead of in a round trip of its own),
// renders, and says which bundled fonts and emoji art the spec needs that
// are not loaded yet, so the worker fetches only when something is missing
// and renders again once it has them.
func (f *face) renderPreview(args []js.Value) (func() (any, error), error) {
	if len(args) < 3 || len(args) > 5 {
		return nil, fmt.Errorf("want 3 to 5 arguments, got %d", len(args))
	}
	spec, err := specArg(args, 0)
	if err != nil {
		return nil, err
	}
	w, err := sizeArg(args, 1, "width")
	if err != nil {
		return nil, err
	}
	h, err := sizeArg(args, 2, "height")
	if err != nil {
		return nil, err
	}
	var have uint64 // undefined, as the .d.ts's have?: allows, is none
	if len(args) >= 4 && !args[3].IsUndefined() {
		v := args[3]
		if v.Type() != js.TypeNumber || v.Float() != math.Trunc(v.Float()) || v.Float() < 0 || v.Float() > 1<<53 {
			return nil, fmt.Errorf("have: want a frame number (an integer from 0), got %s", describe(v))
		}
		have = uint64(v.Float())
	}
	fit := false // undefined, as fit?: allows, is false
	if len(args) == 5 && !args[4].IsUndefined() {
		if args[4].Type() != js.TypeBoolean {
			return nil, fmt.Errorf("fit: want a boolean, got %s", describe(args[4]))
		}
		fit = args[4].Bool()
	}
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		fw, fh, err := f.r.Size(spec)
		if err != nil {
			return nil, err
		}
		if fit {
			w, h = fitIn(fw, fh, w, h)
		}
		fr, res, err := f.r.PreviewFrame(spec, w, h, have)
		if err != nil {
			return nil, err
		}
		c := fr.Changed
		out := f.result(fr.Image.SubImage(c).(*image.RGBA), res)
		out["width"], out["height"] = w, h
		out["frame"] = float64(fr.ID)
		out["changed"] = map[string]any{"x": c.Min.X, "y": c.Min.Y, "width": c.Dx(), "height": c.Dy()}
		out["full"] = map[string]any{"width": fw, "height": fh}
		if err := f.needed(out, spec); err != nil {
			return nil, err
		}
		return out, nil
	}, nil
}

// fitIn is a w x h meme's size inside a box x boxH box, never larger than
// the meme itself, at least 1 x 1.
func fitIn(w, h, boxW, boxH int) (int, int) {
	s := min(1, float64(boxW)/float64(w), float64(boxH)/float64(h))
	return max(1, int(math.Round(float64(w)*s))), max(1, int(math.Round(float64(h)*s)))
}

// needed adds to a render's answer the bundled fonts and the emoji art spec
// needs that are not loaded (fontsNeeded's and emojiNeeded's answers), so
// the caller learns them without asking again.
func (f *face) needed(out map[string]any, spec meme.Spec) error {
	fonts, err := meme.FontsNeeded(spec, f.fonts)
	if err != nil {
		return err
	}
	out["fontsNeeded"] = anyStrings(fonts)
	out["emojiNeeded"] = anyStrings(meme.EmojiNeeded(spec, f.fonts))
	return nil
}

func (f *face) renderFinal(args []js.Value) (func() (any, error), error) {
	return f.withSpec(args, func(spec meme.Spec) (any, error) {
		img, res, err := f.r.Final(spec)
		if err != nil {
			return nil, err
		}
		return f.result(img, res), nil
	})
}

func (f *face) fontsNeeded(args []js.Value) (func() (any, error), error) {
	return f.specStrings(args, meme.FontsNeeded)

}

// stripMetadata does not take the renderer's lock: it touches only its own
// copy of the bytes, so a publish need not wait behind a preview.
func (f *face) stripMetadata(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 1); err != nil {
		return nil, err
	}
	data, err := bytesArg(args, 0, "bytes", nil)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		out, s, err := imgio.Strip(data)
		if err != nil {
			return nil, err
		}
		b := js.Global().Get("Uint8Array").New(len(out))
		js.CopyBytesToJS(b, out)
		return map[string]any{"bytes": b, "format": s.Format, "removed": anyStrings(s.Removed), "location": s.Location}, nil
	}, nil
}

func (f *face) missingGlyphs(args []js.Value) (func() (any, error), error) {
	return f.specStrings(args, meme.Missing)
}

// withSpec is a method that takes one spec (the first argument, checked now) and answers fn's
// result, computed on the work goroutine under the renderer's lock.
func (f *face) withSpec(args []js.Value, fn func(meme.Spec) (any, error)) (func() (any, error), error) {
	if err := argc(args, 1); err != nil {
		return nil, err
	}
	spec, err := specArg(args, 0)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		return fn(spec)
	}, nil
}

// specStrings is a method that takes a spec and answers a list of strings about it.
func (f *face) specStrings(args []js.Value, fn func(meme.Spec, *meme.FontSet) ([]string, error)) (func() (any, error), error) {
	return f.withSpec(args, func(spec meme.Spec) (any, error) {
		out, err := fn(spec, f.fonts)
		if err != nil {
			return nil, err
		}
		return anyStrings(out), nil
	})
}

// emojiNeeded answers which emoji the spec's captions use whose art is not
// loaded yet, as Twemoji keys in order of first use: the worker fetches
// emoji/<key>.svg for each and adds it with addEmoji(key, bytes).
func (f *face) emojiNeeded(args []js.Value) (func() (any, error), error) {
	return f.withSpec(args, func(spec meme.Spec) (any, error) {
		return anyStrings(meme.EmojiNeeded(spec, f.fonts)), nil
	})
}

// maxEmojiBytes bounds one SVG; Twemoji's largest is about 30 KB.
const maxEmojiBytes = 1 << 20

func (f *face) addEmoji(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 2); err != nil {
		return nil, err
	}
	key, err := stringArg(args, 0, "key")
	if err != nil {
		return nil, err
	}
	if v := args[1]; v.Type() == js.TypeObject && v.InstanceOf(js.Global().Get("Uint8Array")) && v.Get("length").Int() > maxEmojiBytes {
		return nil, meme.Kind(meme.ErrBadArgument, fmt.Errorf("bytes: %d bytes is over the %d byte limit for one emoji", v.Get("length").Int(), maxEmojiBytes))
	}
	data, err := bytesArg(args, 1, "bytes", nil)
	if err != nil {
		return nil, err
	}
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		if err := f.fonts.AddEmoji(key, data); err != nil {
			return nil, err
		}
		return key, nil
	}, nil
}

// result is the render answer: straight-alpha pixels ready for ImageData.
func (f *face) result(img *image.RGBA, res meme.Result) map[string]any {
	f.pix = meme.StraightAlpha(f.pix, img)
	pixels := js.Global().Get("Uint8ClampedArray").New(len(f.pix))
	js.CopyBytesToJS(pixels, f.pix)
	overflow := make([]any, len(res.Overflow))
	for i, o := range res.Overflow {
		overflow[i] = o
	}
	return map[string]any{
		"width": img.Rect.Dx(), "height": img.Rect.Dy(), "pixels": pixels,
		"missing": anyStrings(res.Missing), "overflow": overflow,
	}
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func argc(args []js.Value, n int) error {
	if len(args) != n {
		return fmt.Errorf("want %d arguments, got %d", n, len(args))
	}
	return nil
}

func describe(v js.Value) string {
	switch v.Type() {
	case js.TypeString:
		return fmt.Sprintf("string %q", v.String())
	case js.TypeNumber:
		return fmt.Sprintf("number %v", v.Float())
	}
	return v.Type().String()
}

func stringArg(args []js.Value, i int, name string) (string, error) {
	if args[i].Type() != js.TypeString {
		return "", fmt.Errorf("%s: want a string, got %s", name, describe(args[i]))
	}
	return args[i].String(), nil
}

// bytesArg copies a Uint8Array argument into buf (grown as needed).
func bytesArg(args []js.Value, i int, name string, buf []byte) ([]byte, error) {
	v := args[i]
	if v.Type() != js.TypeObject || !v.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil, fmt.Errorf("%s: want a Uint8Array, got %s", name, describe(v))
	}
	n := v.Get("length").Int()
	if n == 0 {
		return nil, errors.New(name + ": empty")
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	js.CopyBytesToGo(buf, v)
	return buf, nil
}

func specArg(args []js.Value, i int) (meme.Spec, error) {
	s, err := stringArg(args, i, "specJSON")
	if err != nil {
		return meme.Spec{}, err
	}
	if len(s) > meme.MaxSpecSize {
		return meme.Spec{}, meme.Kind(meme.ErrBadSpec, fmt.Errorf("specJSON: %d bytes is over the %d byte limit", len(s), meme.MaxSpecSize))
	}
	return meme.ParseSpec([]byte(s))
}

func sizeArg(args []js.Value, i int, name string) (int, error) {
	v := args[i]
	if v.Type() != js.TypeNumber {
		return 0, fmt.Errorf("%s: want a number, got %s", name, describe(v))
	}
	x := v.Float()
	if x != math.Trunc(x) || x < 1 || x > meme.MaxSide {
		return 0, fmt.Errorf("%s: want an integer from 1 to %d, got %v", name, meme.MaxSide, x)
	}
	return int(x), nil
}

// warmupJPEG is a 48x32 JPEG (754 bytes) for warmUp to decode.
//
//go:embed warmup.jpg
var warmupJPEG []byte

// warmUp makes a small meme once, on a renderer of its own, so that the
// first meme a person makes doesn't pay what the first of anything pays in a
// browser: V8 compiles a WASM function the first time it is called (the
// decoders, the shaper, the rasterizer, the scaler, the GIF path are each a
// few hundred of them), and the shaper builds its plans for the built-in
// font. The worker asks for it as soon as the module has started, while the
// page reads its saved work or waits for a file; a request arriving
// meanwhile waits for it (one call at a time). Nothing of it shows: the
// face's renderer, its images and frames are not touched. It answers how
// long it took, in ms.
func (f *face) warmUp(args []js.Value) (func() (any, error), error) {
	if err := argc(args, 0); err != nil {
		return nil, err
	}
	return func() (any, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		start := time.Now()
		spec := meme.DefaultSpec()
		spec.Boxes[0].Text, spec.Boxes[1].Text = "Warm up", "the renderer"
		r := meme.NewRenderer(f.fonts)
		img, _, err := imgio.Decode(warmupJPEG, imgio.DefaultMaxPixels)
		if err != nil {
			return nil, fmt.Errorf("warm up: %w", err)
		}
		if err := r.SetImage(img); err != nil {
			return nil, fmt.Errorf("warm up: %w", err)
		}
		if _, _, err := r.PreviewFrame(spec, 96, 64, 0); err != nil {
			return nil, fmt.Errorf("warm up: %w", err)
		}
		spec.Boxes[0].Text = "Warm up again"
		if _, _, err := r.PreviewFrame(spec, 96, 64, 1); err != nil {
			return nil, fmt.Errorf("warm up: %w", err)
		}
		// A two-frame GIF through the animation path: decode, compose, caption.
		var enc bytes.Buffer
		pal := color.Palette{color.Black, color.White, color.RGBA{200, 40, 40, 255}}
		g := &gif.GIF{Delay: []int{10, 10}, Disposal: []byte{gif.DisposalNone, gif.DisposalNone}}
		for i := range 2 {
			m := image.NewPaletted(image.Rect(0, 0, 48, 32), pal)
			for y := range 32 {
				for x := range 48 {
					m.SetColorIndex(x, y, uint8((x/8+y/8+i)%3))
				}
			}
			g.Image = append(g.Image, m)
		}
		if err := gif.EncodeAll(&enc, g); err != nil {
			return nil, fmt.Errorf("warm up: %w", err)
		}
		a, err := imgio.DecodeAnimation(enc.Bytes(), imgio.DefaultMaxPixels)
		if err != nil {
			return nil, fmt.Errorf("warm up: %w", err)
		}
		if err := r.SetAnimation(a); err != nil {
			return nil, fmt.Errorf("warm up: %w", err)
		}
		for i := range 2 {
			if _, _, err := r.AnimationFrame(spec, i, 96, 64); err != nil {
				return nil, fmt.Errorf("warm up: %w", err)
			}
		}
		return float64(time.Since(start).Microseconds()) / 1000, nil
	}, nil
}
