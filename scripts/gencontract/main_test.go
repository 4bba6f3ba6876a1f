package main

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/memeforge/memeforge/signer"
	"github.com/memeforge/memeforge/wasm/imgio"
)

// TestContractIsCurrent fails when site/contract.js no longer says what the
// Go packages do: run go generate ./scripts/gencontract.
func TestContractIsCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../site/contract.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("site/contract.js is stale: run go generate ./scripts/gencontract")
	}
}

// TestUploadTypesAreOpenableFormats: the signer signs exactly the types the
// renderer opens, with the same extensions, so every image the page accepts
// can be published as its original.
func TestUploadTypesAreOpenableFormats(t *testing.T) {
	var fromImgio []signer.UploadType
	for _, f := range imgio.Formats {
		fromImgio = append(fromImgio, signer.UploadType{ContentType: f.MIME, Ext: f.Ext})
	}
	if !slices.Equal(fromImgio, signer.UploadTypes) {
		t.Fatalf("imgio opens %v, the signer takes %v", fromImgio, signer.UploadTypes)
	}
}
