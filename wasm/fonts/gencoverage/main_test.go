package main

import (
	"bytes"
	"os"
	"testing"
)

// TestCoverageIsCurrent fails when wasm/fonts/coverage.go no longer matches
// the font files or the Bundled list: run go generate ./wasm/fonts.
func TestCoverageIsCurrent(t *testing.T) {
	want, err := generate("..")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../coverage.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("wasm/fonts/coverage.go is stale: run go generate ./wasm/fonts")
	}
}
