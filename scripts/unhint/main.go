// Command unhint writes an unhinted, nameless copy of a TrueType (glyf) font, for fonts the
// renderer ships: it draws go-text outlines with golang/freetype's rasterizer, never runs TrueType
// bytecode and never looks up a PostScript glyph name, so those bytes are only download weight.
//
// The copy keeps every outline point, metric, cmap and layout table as it was and drops only:
// the instructions of every glyph (simple glyphs get instructionLength 0, composites lose
// WE_HAVE_INSTRUCTIONS and what follows their last component); the fpgm, prep, cvt, cvar, hdmx,
// LTSH and VDMX tables; the glyph names (post becomes format 3.0, keeping its header fields).
// maxp's hinting fields are zeroed (maxZones 1), glyf and loca are rebuilt (short loca when it
// fits) and the directory and checksums written afresh. It refuses CFF fonts, collections and
// anything it cannot parse whole. Running it on its own output changes nothing.
//
//	go run ./scripts/unhint IN OUT
//
// IN and OUT may be the same file. wasm/fonts/README.md records how each shipped font was made.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/unhint IN.ttf OUT.ttf")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(inPath, outPath string) error {
	in, err := os.ReadFile(inPath)
	if err != nil {
		return fmt.Errorf("unhint: %w", err)
	}
	out, err := unhint(in)
	if err != nil {
		return fmt.Errorf("unhint: %s: %w", inPath, err)
	}
	if err := writeFileAtomic(outPath, out); err != nil {
		return fmt.Errorf("unhint: %w", err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d -> %d bytes\n", outPath, len(in), len(out))
	return nil
}

// writeFileAtomic writes through a temporary file in the same directory, so OUT may be IN and a
// failed run leaves OUT as it was.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".unhint-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
