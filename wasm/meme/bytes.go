package meme

import (
	"fmt"
	"image"
	"io"

	"github.com/memeforge/memeforge/wasm/imgio"
)

// RenderBytes is the whole pipeline from untrusted bytes: it decodes data
// (JPEG, PNG, GIF or WebP; upright by EXIF; refused from the header when over
// maxPixels, or imgio.DefaultMaxPixels when maxPixels is 0) and draws spec on
// it at full resolution.
func RenderBytes(data []byte, spec Spec, fs *FontSet, maxPixels int) (*image.RGBA, Result, error) {
	if err := spec.Validate(); err != nil {
		return nil, Result{}, err
	}
	if maxPixels <= 0 {
		maxPixels = imgio.DefaultMaxPixels
	}
	img, _, err := imgio.Decode(data, maxPixels)
	if err != nil {
		return nil, Result{}, fmt.Errorf("meme: %w", err)
	}
	if spec.Canvas != nil {
		r := NewRenderer(fs)
		if err := r.SetImage(img); err != nil {
			return nil, Result{}, err
		}
		return r.Final(spec)
	}
	res, err := Draw(img, spec, fs)
	if err != nil {
		return nil, Result{}, err
	}
	return img, res, nil
}

// RenderTo is RenderBytes (default pixel limit) followed by encoding to w as format ("png" or
// "jpeg"; quality 1-100 applies to JPEG).
func RenderTo(w io.Writer, data []byte, spec Spec, fs *FontSet, format string, quality int) (Result, error) {
	img, res, err := RenderBytes(data, spec, fs, 0)
	if err != nil {
		return Result{}, err
	}
	if err := imgio.Encode(w, img, format, quality); err != nil {
		return Result{}, fmt.Errorf("meme: %w", err)
	}
	return res, nil
}
