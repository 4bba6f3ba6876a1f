// Package fonts holds the caption fonts memeforge ships: the list of them
// (names, files, labels, which are fallbacks) and which characters each
// covers, and the bytes of the one built into the renderer.
//
// Only Anton is embedded: it is small (100 KB, unhinted: see README.md) and every meme uses it. The
// fallbacks in this directory (a condensed face for Cyrillic and Greek, Noto
// for Arabic, Hebrew, Devanagari and Thai, DejaVu Sans Bold, Droid Sans
// Fallback for CJK) add up to megabytes, so they are never compiled in; the browser fetches
// them as separate cacheable files and the CLI embeds its own copies. What
// they cover is compiled in (coverage.go, a few KB, made from the files by
// `go generate`), so the module can say which of them a caption needs
// before they are fetched.
//
// To ship another font: put the file here, add it to Bundled, run
// `go generate ./wasm/fonts ./scripts/gencontract` (the site reads the list from
// site/contract.js).
package fonts

import (
	_ "embed"
	"sort"
)

//go:generate go run ./gencoverage

// Anton is Anton-Regular.ttf (SIL OFL 1.1, see Anton-OFL.txt), the unhinted
// copy scripts/unhint makes of the upstream file.
//
//go:embed Anton-Regular.ttf
var Anton []byte

// Font is a font memeforge ships.
type Font struct {
	Name     string `json:"name"`     // what a spec's "font" says; lower case
	File     string `json:"file"`     // in this directory, and under fonts/ on the site
	Label    string `json:"label"`    // what the editor calls it
	Fallback bool   `json:"fallback"` // tried, in Bundled order, for characters a box's font lacks
}

// BuiltinName is the name of the font embedded in the renderer (Anton), the
// default for a box that names none.
const BuiltinName = "anton"

// Bundled lists the shipped fonts, the built-in one first, then the
// fallbacks in the order they are tried.
//
// The order of the fallbacks is what a character gets when several have it:
// Roboto Condensed first, so Cyrillic and Greek sit beside Anton in a face
// of the same build; the script faces; then DejaVu for symbols and what is
// left; Droid for CJK last (it also has Latin and Cyrillic, in a face that
// looks nothing like Anton).
var Bundled = []Font{
	{Name: BuiltinName, File: "Anton-Regular.ttf", Label: "Anton (built in)"},
	{Name: "roboto-condensed", File: "RobotoCondensed-Black.ttf", Label: "Roboto Condensed Black (Cyrillic, Greek)", Fallback: true},
	{Name: "arabic", File: "NotoSansArabic-Bold.ttf", Label: "Noto Sans Arabic Bold", Fallback: true},
	{Name: "hebrew", File: "NotoSansHebrew-Bold.ttf", Label: "Noto Sans Hebrew Bold", Fallback: true},
	{Name: "devanagari", File: "NotoSansDevanagari-Bold.ttf", Label: "Noto Sans Devanagari Bold", Fallback: true},
	{Name: "thai", File: "NotoSansThai-Bold.ttf", Label: "Noto Sans Thai Bold", Fallback: true},
	{Name: "dejavu", File: "DejaVuSans-Bold.ttf", Label: "DejaVu Sans Bold", Fallback: true},
	{Name: "droid", File: "DroidSansFallbackFull.ttf", Label: "Droid Sans Fallback (CJK)", Fallback: true},
}

// Lookup returns the bundled font called name.
func Lookup(name string) (Font, bool) {
	for _, f := range Bundled {
		if f.Name == name {
			return f, true
		}
	}
	return Font{}, false
}

// Covers reports whether the bundled font called name has a glyph for r.
func Covers(name string, r rune) bool {
	rs := coverage[name]
	i := sort.Search(len(rs), func(i int) bool { return rs[i][1] >= r })
	return i < len(rs) && rs[i][0] <= r
}
