package meme

import "github.com/memeforge/memeforge/wasm/fonts"

// FallbackFont is one of the bundled fallback fonts: the name the page adds
// it under (FontSet.Add with fallback true) and the file it fetches.
type FallbackFont = fonts.Font

// Fallbacks are the fallbacks of fonts.Bundled (the one table of fonts),
// in the order they are tried for a character the box font lacks.
var Fallbacks = func() []FallbackFont {
	var out []FallbackFont
	for _, f := range fonts.Bundled {
		if f.Fallback {
			out = append(out, f)
		}
	}
	return out
}()

// fallbackRank orders fallbacks by the table; names it lacks (a person's
// own font added as a fallback) go last.
func fallbackRank(name string) int {
	for i, f := range Fallbacks {
		if f.Name == name {
			return i
		}
	}
	return len(Fallbacks)
}
