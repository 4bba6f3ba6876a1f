package emoji

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDraw draws the family ZWJ sequence (one of the busier files) at
// caption sizes.
func BenchmarkDraw(b *testing.B) {
	a := loadArt(b, "1f468-200d-1f469-200d-1f467")
	for _, size := range []int{64, 256} {
		b.Run(fmt.Sprintf("emoji-family/%dpx", size), func(b *testing.B) {
			img := image.NewRGBA(image.Rect(0, 0, size, size))
			for b.Loop() {
				a.Draw(img, 0, 0, float64(size))
			}
		})
	}
}

// BenchmarkParse parses the family file; TestParseEverySVG logs the whole set.
func BenchmarkParse(b *testing.B) {
	svg, err := os.ReadFile(filepath.Join(twemojiDir(b), "1f468-200d-1f469-200d-1f467.svg"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(svg)))
	for b.Loop() {
		if _, err := Parse(svg); err != nil {
			b.Fatal(err)
		}
	}
}
