// Package meme is the caption renderer's pure core: the spec, its
// validation, fonts, layout and drawing. It imports no syscall/js, os or
// net, so the browser module, the CLI and the tests run exactly this code and
// get the same pixels.
//
// The API, smallest first:
//
//	spec, err := meme.ParseSpec(jsonBytes)  // strict; validated
//	spec := meme.DefaultSpec()              // top + bottom, white Anton, black outline
//	err := spec.Validate()                  // for specs built in Go
//
//	fs := meme.NewFontSet()                 // built-in "anton"
//	fs.Add("dejavu", ttf, true)             // a named font; true also makes it a fallback
//
//	res, err := meme.Draw(img, spec, fs)    // one-shot, in place on an *image.RGBA
//	missing, err := meme.Missing(spec, fs)  // characters no loaded font covers
//	names, err := meme.FontsNeeded(spec, fs) // bundled fonts (fonts.Bundled) to add first
//
//	r := meme.NewRenderer(fs)               // cached, for the browser
//	r.SetImage(img)
//	preview, res, err := r.Preview(spec, 800, 600)
//	frame, res, err := r.PreviewFrame(spec, 800, 600, have) // + frame.ID, frame.Changed
//	final, res, err := r.Final(spec)
//	r.SetImages([]*image.RGBA{a, b})      // a canvas's slots (spec.Canvas), in order
//	w, h, err := r.Size(spec)               // Final's size: a canvas takes its shape from the spec
//
// A spec with a Canvas (canvas.go) lays up to MaxImages images out on a
// canvas (padding, background, slots with cover/contain, crop and quarter
// turns, a caption band that grows with its text); the boxes are then
// fractions of the canvas. The composed canvas is the preview's cached base,
// so a keystroke costs the same as over one image.
//
//	a, err := imgio.DecodeAnimation(gifBytes, 0) // every frame, limits checked first
//	r.SetAnimation(a)                       // the still methods then draw on frame 0
//	frame, res, err := r.AnimationFrame(spec, i, w, h) // frame i as shown, captions from the cache
//	res, err := r.EncodeGIF(w, spec)        // every frame captioned, animated GIF out
//	res, err := meme.EncodeAnimation(w, a, spec, fs) // the same, one-shot (the CLI)
//
// Geometry is resolution independent: x and w are fractions of the image
// width; y, h, size, minSize and outlineWidth of its height. Layout works in
// image heights, so a box wraps into the same lines at 800 px and at 4000 px.
//
// Text is shaped by go-text/typesetting (shape.go): each paragraph is split
// by bidi level (Unicode bidi algorithm), script and font coverage (the box
// font first, then the fallbacks in the order of the core's font table,
// coverage.go), and each run shaped by go-text's HarfBuzz port, so Arabic
// joins, Indic conjuncts form, marks attach and Latin kerns. A caption is
// shaped once per render; layout (layout.go, behind the Measurer interface)
// breaks it at UAX #14 opportunities into the fewest lines that fit, as
// evenly as it can, searches sizes with prefix sums of the shaped advances,
// and places the block by its ink, so top and bottom captions sit the same
// distance from their edges. Characters no font has shape to the box font's
// .notdef box and are listed in Result.Missing.
//
// Glyph outlines come from the same parser, are flattened here and
// rasterized with golang/freetype's rasterizer and stroker (the engine under
// gg): each glyph stroked with round joins in the outline colour, then each
// glyph filled. gg's DrawString and DrawImage go through x/image/draw's
// generic transform and are far too slow, and gg's own wrapper only added
// module size, so neither is used.
//
// Errors wrap one of the sentinels in errors.go (or imgio's); ErrorCode
// names each with a stable code, the one table the browser module reports
// rejections with. Limits, option values and defaults are exported values,
// which scripts/gencontract writes into site/contract.js for the page.
//
// The spec JSON is parsed by a small strict parser (json.go) rather than
// encoding/json, which would cost a tenth of the WASM module's size budget.
//
// Renderer caches the image scaled to the preview size (scale.go: an
// integer box filter, the same pixels on every GOARCH) and each caption's
// layer keyed by its resolved box and the output size, so typing in one
// caption re-rasterizes only that caption. PreviewFrame also keeps the last
// frame and repaints only the rectangle where layers changed; a caller that
// holds the previous frame (the page's canvas) copies just that rectangle.
package meme
