package emoji

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestParseEverySVG parses every file of @twemoji/svg: the subset Parse
// takes must be all that Twemoji uses.
func TestParseEverySVG(t *testing.T) {
	dir := twemojiDir(t)
	start := time.Now()
	n := 0
	for _, k := range twemojiKeys(t) {
		b, err := os.ReadFile(filepath.Join(dir, k+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(b)
		if err != nil {
			t.Errorf("%s.svg: %v", k, err)
			continue
		}
		if len(a.shapes) == 0 {
			t.Errorf("%s.svg: nothing to draw", k)
		}
		n++
	}
	t.Logf("parsed %d files in %v", n, time.Since(start))
}
