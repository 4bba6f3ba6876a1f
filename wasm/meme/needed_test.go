package meme

import (
	"slices"
	"testing"

	"github.com/memeforge/memeforge/wasm/fonts"
)

func TestFontsNeeded(t *testing.T) {
	fb := fallbackFonts(t)
	box := func(text, font string) Box { return Box{Text: text, W: 1, H: 1, Font: font} }
	withDejaVu := func() *FontSet {
		fs := NewFontSet()
		if _, err := fs.Add("dejavu", fb["dejavu"], true); err != nil {
			t.Fatal(err)
		}
		return fs
	}
	for _, tt := range []struct {
		name  string
		fs    func() *FontSet
		boxes []Box
		want  []string
	}{
		{"AntonCoversLatin", NewFontSet, []Box{box("hello WORLD 123!", "")}, nil},
		{"CyrillicWantsTheCondensedFace", NewFontSet, []Box{box("Жук", "")}, []string{"roboto-condensed"}},
		{"CJKWantsDroid", NewFontSet, []Box{box("你好", "")}, []string{"droid"}},
		{"BothInBundledOrder", NewFontSet, []Box{box("你好", ""), box("Жук", "")}, []string{"roboto-condensed", "droid"}},
		{"NamedFont", NewFontSet, []Box{box("hello", "dejavu")}, []string{"dejavu"}},
		{"NamedFontCoversItsText", NewFontSet, []Box{box("Жук", "DejaVu")}, []string{"dejavu"}},
		{"LoadedIsNotNeeded", withDejaVu, []Box{box("Жук", "dejavu"), box("Жук", "")}, nil},
		{"OnlyWhatIsMissing", withDejaVu, []Box{box("Жук 你", "")}, []string{"droid"}},
		{"UncoveredAnywhere", NewFontSet, []Box{box("\U000F0001", "")}, nil}, // private use: no bundled font has it
		{"EmptySpec", NewFontSet, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FontsNeeded(Spec{Boxes: tt.boxes}, tt.fs())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("UnknownFontIsNotLoaded", func(t *testing.T) {
		_, err := FontsNeeded(Spec{Boxes: []Box{box("a", "comic")}}, NewFontSet())
		if ErrorCode(err) != "font_not_loaded" {
			t.Fatalf("got %v", err)
		}
	})
	// Once the fonts it names are added, nothing is missing: the coverage
	// tables agree with the fonts themselves.
	t.Run("AddingThemLeavesNothingMissing", func(t *testing.T) {
		spec := Spec{Boxes: []Box{box("Жук 你好 Ωμέγα ÅÉÎ", "")}}
		fs := NewFontSet()
		need, err := FontsNeeded(spec, fs)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range need {
			if _, err := fs.Add(n, fb[n], true); err != nil {
				t.Fatal(err)
			}
		}
		if m, _ := Missing(spec, fs); len(m) != 0 {
			t.Fatalf("after adding %q still missing %q", need, m)
		}
	})
}

// TestCoverageMatchesFonts samples the compiled-in coverage against the
// parsed fonts it was made from.
func TestCoverageMatchesFonts(t *testing.T) {
	fb := fallbackFonts(t)
	for _, f := range fonts.Bundled {
		if !f.Fallback {
			continue
		}
		parsed, err := ParseFont(fb[f.Name])
		if err != nil {
			t.Fatal(err)
		}
		for r := rune(0); r < 0x30000; r += 7 {
			if got, want := fonts.Covers(f.Name, r), parsed.Has(r); got != want {
				t.Fatalf("%s: Covers(%U) = %v, the font says %v", f.Name, r, got, want)
			}
		}
	}
}
