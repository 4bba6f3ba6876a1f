// Command precompress writes .gz and .br siblings of the compressible files under a directory, so a
// server (the local stack, or a CDN fed precompressed objects) can send them without compressing on
// every request. With -sizes it only prints a file's raw, gzip and brotli sizes as bench lines.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"

	"github.com/memeforge/memeforge/internal/contenttype"
)

func main() {
	sizes := flag.String("sizes", "", "print `name` raw/gzip/brotli sizes of the one file argument instead of writing siblings")
	skip := flag.String("skip", "", "a `folder` under DIR to leave as it is (thousands of small files cost minutes of brotli for little gain)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: precompress [-skip FOLDER] DIR | precompress -sizes NAME FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if *sizes != "" {
		err = printSizes(*sizes, flag.Arg(0))
	} else {
		err = compressTree(flag.Arg(0), *skip)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func compressTree(dir, skip string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && skip != "" && path == filepath.Join(dir, skip) {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() || !contenttype.Compressible(path) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		gz, br, err := compress(data)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := os.WriteFile(path+".gz", gz, 0o644); err != nil {
			return err
		}
		return os.WriteFile(path+".br", br, 0o644)
	})
}

func printSizes(name, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	gz, br, err := compress(data)
	if err != nil {
		return err
	}
	fmt.Printf("%s_raw %.3f MB\n%s_gzip %.3f MB\n%s_brotli %.3f MB\n",
		name, mb(len(data)), name, mb(len(gz)), name, mb(len(br)))
	return nil
}

func mb(n int) float64 { return float64(n) / 1e6 }

func compress(data []byte) (gz, br []byte, err error) {
	var g, b bytes.Buffer
	gw, err := gzip.NewWriterLevel(&g, gzip.BestCompression)
	if err != nil {
		return nil, nil, err
	}
	if _, err := gw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := gw.Close(); err != nil {
		return nil, nil, err
	}
	bw := brotli.NewWriterLevel(&b, brotli.BestCompression)
	if _, err := bw.Write(data); err != nil {
		return nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, err
	}
	return g.Bytes(), b.Bytes(), nil
}
