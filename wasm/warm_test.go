package main

import (
	"testing"

	"github.com/memeforge/memeforge/wasm/meme"
)

func TestWarmUp(t *testing.T) {
	fs := meme.NewFontSet()
	pix, err := warmUp(fs, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The last frame changed only the bottom caption: its straight-alpha
	// copy is a part of the 160x120 frame, not all of it, and not nothing.
	if len(pix) == 0 || len(pix) >= 160*120*4 || len(pix)%4 != 0 {
		t.Fatalf("last changed part is %d bytes", len(pix))
	}
}
