//go:build ignore

// gen_fixtures writes the small images the browser tests upload: run it from this folder with
// `go run gen_fixtures.go`. The images are drawn here, never downloaded, so they are ours to commit.
package main

import (
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"log"
	"os"
	"path/filepath"

	"github.com/memeforge/memeforge/site/e2e/fixture"
)

func main() {
	must(write("photo-800x600.jpg", func(f *os.File) error {
		return jpeg.Encode(f, fixture.Scene(800, 600), &jpeg.Options{Quality: 85})
	}))
	must(write("tall-300x450.png", func(f *os.File) error {
		return png.Encode(f, fixture.Scene(300, 450))
	}))
	must(write("small-200x150.gif", func(f *os.File) error {
		src := fixture.Scene(200, 150)
		pal := image.NewPaletted(src.Bounds(), palette())
		for y := 0; y < 150; y++ {
			for x := 0; x < 200; x++ {
				pal.Set(x, y, src.At(x, y))
			}
		}
		return gif.Encode(f, pal, nil)
	}))
	must(os.WriteFile(filepath.Join("testdata", "not-an-image.jpg"), []byte("This is a text file with a .jpg name.\n"), 0o644))
}

func palette() color.Palette {
	var p color.Palette
	for r := 0; r < 6; r++ {
		for g := 0; g < 6; g++ {
			for b := 0; b < 6; b++ {
				p = append(p, color.RGBA{uint8(r * 51), uint8(g * 51), uint8(b * 51), 255})
			}
		}
	}
	return p
}

func write(name string, enc func(*os.File) error) error {
	f, err := os.Create(filepath.Join("testdata", name))
	if err != nil {
		return err
	}
	if err := enc(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
