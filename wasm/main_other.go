//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// The module only does anything in a browser; this stub lets go build,
// go vet and go test handle ./wasm natively.
func main() {
	fmt.Fprintln(os.Stderr, "memeforge: this is the browser module; build it with GOOS=js GOARCH=wasm (the native CLI is ./wasm/cmd/meme)")
	os.Exit(2)
}
