package meme

import (
	"sort"
	"unicode"

	"github.com/memeforge/memeforge/wasm/emoji"
)

//go:generate go run gen_coverage.go

// FallbackFont is one of the fonts the core knows: a name the page adds it
// under (FontSet.Add with fallback true), the file it fetches (in the
// site's fonts/ directory), and what it is for.
type FallbackFont struct {
	Name    string `json:"name"`
	File    string `json:"file"`
	Scripts string `json:"scripts"`
}

// Fallbacks is the core's font table, in the order fallbacks are tried for
// a character the box font lacks. It is the one place these names and
// files are defined; the page asks the module (FontsNeeded) rather than
// keeping a copy.
var Fallbacks = []FallbackFont{
	{"roboto-condensed", "RobotoCondensed-Black.ttf", "Latin, Cyrillic, Greek (condensed, beside Anton)"},
	{"arabic", "NotoSansArabic-Bold.ttf", "Arabic"},
	{"hebrew", "NotoSansHebrew-Bold.ttf", "Hebrew"},
	{"devanagari", "NotoSansDevanagari-Bold.ttf", "Devanagari"},
	{"thai", "NotoSansThai-Bold.ttf", "Thai"},
	{"dejavu", "DejaVuSans-Bold.ttf", "symbols, other Latin, Greek, Cyrillic"},
	{"droid", "DroidSansFallbackFull.ttf", "Chinese, Japanese, Korean"},
}

// fallbackRank orders fallbacks by the table; names it lacks go last.
func fallbackRank(name string) int {
	for i, f := range Fallbacks {
		if f.Name == name {
			return i
		}
	}
	return len(Fallbacks)
}

// covers reports whether the font file's cmap maps r.
func covers(file string, r rune) bool {
	rs := coverage[file]
	i := sort.Search(len(rs)/2, func(i int) bool { return rs[2*i+1] >= r })
	return i < len(rs)/2 && rs[2*i] <= r
}

// FontsNeeded lists the fallbacks from the font table (by name, in table
// order) that spec's text needs and fs does not hold yet: for every
// character the box's font lacks, the first font of the table that has it.
// A box font fs does not hold counts as having nothing. What no font of
// the table has is left out (it is drawn as a box and reported Missing).
// The page fetches exactly these before rendering.
func FontsNeeded(spec Spec, fs *FontSet) []string {
	need := make([]bool, len(Fallbacks))
	for _, b := range spec.Boxes {
		rb := b.resolve()
		boxFont, _ := fs.Font(rb.font)
		// Emoji are drawn from their art (EmojiNeeded), never from a font.
		cs := emoji.Clusters(rb.text)
	next:
		for i, r := range rb.text {
			for len(cs) > 0 && cs[0].End <= i {
				cs = cs[1:]
			}
			if len(cs) > 0 && cs[0].Start <= i {
				continue
			}
			if r == '\n' || unicode.IsSpace(r) || ignorable(r) {
				continue
			}
			if boxFont != nil && boxFont.Has(r) {
				continue
			}
			for i, f := range Fallbacks {
				if loaded, ok := fs.Font(f.Name); ok && loaded != boxFont && loaded.Has(r) {
					continue next // a loaded fallback has it
				}
				if covers(f.File, r) {
					need[i] = true
					continue next
				}
			}
		}
	}
	var out []string
	for i, f := range Fallbacks {
		if _, loaded := fs.Font(f.Name); need[i] && !loaded {
			out = append(out, f.Name)
		}
	}
	return out
}
