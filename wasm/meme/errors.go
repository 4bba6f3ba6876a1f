package meme

import (
	"errors"

	"github.com/memeforge/memeforge/wasm/imgio"
)

// Sentinel errors of the renderer. Errors from this package wrap one of
// them (or one of imgio's); ErrorCode names each for callers in another
// language.
var (
	ErrBadArgument   = errors.New("meme: bad argument")
	ErrBadSpec       = errors.New("meme: bad spec")
	ErrFontNotLoaded = errors.New("meme: font not loaded")
	ErrBadFont       = errors.New("meme: bad font")
	ErrFontTooLarge  = errors.New("meme: font too large")
	// ErrNoImage is returned when rendering before SetImage.
	ErrNoImage = errors.New("meme: no image loaded")
)

// Code is the stable name of a kind of error: what the browser module puts
// in a rejected Promise's error.code and the page switches on. Its text may
// change; a code does not.
type Code string

// CodeInternal is the code of an error of no known kind (a panic, a bug).
const CodeInternal Code = "internal"

// codes is the one table from error kind to code, checked in order.
var codes = []struct {
	err  error
	code Code
}{
	{ErrBadArgument, "bad_argument"},
	{ErrBadSpec, "bad_spec"},
	{ErrFontNotLoaded, "font_not_loaded"},
	{ErrBadFont, "bad_font"},
	{ErrFontTooLarge, "font_too_large"},
	{ErrNoImage, "no_image"},
	{imgio.ErrUnsupported, "unsupported_format"},
	{imgio.ErrTooLarge, "image_too_large"},
	{imgio.ErrEmpty, "image_empty"},
	{imgio.ErrCorrupt, "image_corrupt"},
	{imgio.ErrTooManyFrames, "too_many_frames"},
	{imgio.ErrAnimationTooLong, "animation_too_long"},
	{ErrNoAnimation, "no_animation"},
}

// ErrorCode returns the code of err's kind, CodeInternal for none.
func ErrorCode(err error) Code {
	for _, c := range codes {
		if isKind(err, c.err) {
			return c.code
		}
	}
	return CodeInternal
}

// isKind is errors.Is for targets that are sentinel pointers, written out
// because errors.Is links reflection code the browser module's size budget
// has no room for (about 7 KB brotli).
func isKind(err, target error) bool {
	for err != nil {
		if err == target {
			return true
		}
		if x, ok := err.(interface{ Is(error) bool }); ok && x.Is(target) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if isKind(e, target) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// Codes lists every code ErrorCode returns, CodeInternal last.
func Codes() []Code {
	out := make([]Code, 0, len(codes)+1)
	for _, c := range codes {
		out = append(out, c.code)
	}
	return append(out, CodeInternal)
}

// kinded gives err the kind of sentinel without changing its text.
type kinded struct {
	error
	kind error
}

func (e kinded) Is(target error) bool { return target == e.kind }
func (e kinded) Unwrap() error        { return e.error }

// Kind marks err as being of kind k (one of the sentinels) while keeping its
// text; nil stays nil. The browser face uses it for its own argument checks.
func Kind(k, err error) error {
	if err == nil {
		return nil
	}
	return kinded{err, k}
}
