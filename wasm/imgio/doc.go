// Package imgio turns untrusted image bytes into an upright *image.RGBA and
// composed images back into PNG or JPEG bytes.
//
// It is pure Go (no os, net or syscall/js) so the browser module, the CLI and
// the tests all decode and encode with exactly the same code and therefore get
// the same pixels.
//
// Decode is built for hostile input: the pixel limit is checked from the
// header before any pixel memory is allocated, every failure wraps one of the
// sentinel errors (ErrUnsupported, ErrTooLarge, ErrEmpty, ErrCorrupt) so
// callers can map it with errors.Is, and a JPEG's EXIF orientation is applied
// while converting, so a phone photo never comes out sideways and no second
// full-size buffer is needed to rotate it.
//
// DecodeAnimation keeps a GIF's frames paletted (one byte a pixel) after
// checking frames and pixels from its block structure alone; a Composer
// produces frame i as a browser shows it (disposal, transparency, frames
// clipped to the screen) into one reused RGBA buffer, so a long animation is
// never held as full RGBA frames. Animated tells, from headers, whether a
// GIF, PNG (APNG) or WebP is animated.
package imgio
