package meme

import (
	"image"
	"strings"
	"testing"
)

func TestParseFont(t *testing.T) {
	fb := fallbackFonts(t)
	t.Run("RejectsGarbage", func(t *testing.T) {
		for name, b := range map[string][]byte{
			"empty":     nil,
			"text":      []byte("this is not a font at all, just some words"),
			"truncated": fb["dejavu"][:1000],
			"headOnly":  fb["cantarell"][:12],
		} {
			if _, err := ParseFont(b); err == nil || !strings.HasPrefix(err.Error(), "meme: font") {
				t.Errorf("%s: got %v", name, err)
			}
		}
	})
	t.Run("ParsesTrueType", func(t *testing.T) {
		f, err := ParseFont(fb["dejavu"])
		if err != nil {
			t.Fatal(err)
		}
		if f.Family() != "DejaVu Sans" || !f.Has('Ж') || f.Has('你') {
			t.Fatalf("family %q", f.Family())
		}
	})
	t.Run("ParsesCFF", func(t *testing.T) {
		f, err := ParseFont(fb["cantarell"])
		if err != nil {
			t.Fatal(err)
		}
		g, ok := f.face.NominalGlyph('O')
		if !ok {
			t.Fatal("no O")
		}
		if gl := f.glyph(g); !strings.Contains(string(gl.ops), "C") {
			t.Fatalf("a CFF O should have cubic segments, got ops %q", gl.ops)
		}
	})
	t.Run("BuiltinAntonMetrics", func(t *testing.T) {
		f, _ := NewFontSet().Font("anton")
		if f.Family() != "Anton" || f.capHeight < 0.8 || f.capHeight > 0.9 || f.descent <= 0 {
			t.Fatalf("family %q cap %v descent %v", f.Family(), f.capHeight, f.descent)
		}
	})
}

func TestFontSet(t *testing.T) {
	fb := fallbackFonts(t)
	t.Run("RejectsBadName", func(t *testing.T) {
		for _, n := range []string{"", "  ", strings.Repeat("x", 65)} {
			if _, err := NewFontSet().Add(n, fb["dejavu"], true); err == nil {
				t.Errorf("%q accepted", n)
			}
		}
	})
	t.Run("RejectsBadBytesNamingTheFont", func(t *testing.T) {
		_, err := NewFontSet().Add("mine", []byte("nope"), false)
		if err == nil || !strings.Contains(err.Error(), `meme: font "mine"`) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("FallsBackPerGlyphInOrder", func(t *testing.T) {
		fs := fullFontSet(t)
		chain, err := fs.chain("anton")
		if err != nil {
			t.Fatal(err)
		}
		fm := fontmap(chain)
		for r, want := range map[rune]string{'A': "Anton", 'П': "Roboto Condensed", 'λ': "Roboto Condensed",
			'ب': "Noto Sans Arabic", 'ש': "Noto Sans Hebrew", 'न': "Noto Sans Devanagari", 'ไ': "Noto Sans Thai",
			'你': "Droid Sans Fallback", '✓': "DejaVu Sans", '—': "Anton"} {
			face := fm.ResolveFace(r)
			var got string
			for _, f := range chain {
				if f.face == face {
					got = f.Family()
				}
			}
			if got != want {
				t.Errorf("%q from %q, want %q", r, got, want)
			}
		}
	})
	t.Run("UserFontChainStillFallsBack", func(t *testing.T) {
		fs := fullFontSet(t)
		chain, _ := fs.chain("Cantarell")
		if chain[0].Family() != "Cantarell" || len(chain) != 1+len(Fallbacks) {
			t.Fatalf("chain %d long, first %q", len(chain), chain[0].Family())
		}
	})
	t.Run("ReAddingReplacesWithoutDuplicateFallback", func(t *testing.T) {
		fs := NewFontSet()
		fs.Add("dejavu", fb["dejavu"], true)
		fs.Add("dejavu", fb["dejavu"], true)
		if len(fs.fallbacks) != 1 {
			t.Fatalf("fallbacks %v", fs.fallbacks)
		}
	})
}

func TestMissing(t *testing.T) {
	spec := func(text string) Spec {
		s := DefaultSpec()
		s.Boxes[0].Text = text
		return s
	}
	cases := []struct {
		name string
		fs   func() *FontSet
		text string
		want string
	}{
		{"NothingMissingWithFallbacks", func() *FontSet { return fullFontSet(t) }, "Привет 你好 — ok ✓", ""},
		{"AntonAloneLacksCyrillicAndCJK", NewFontSet, "Привет 你好 — ok ✓", "ПРИВЕТ你好✓"},
		{"UncoveredCharactersListedOnce", func() *FontSet { return fullFontSet(t) }, "a\U00010000b\U00010000", "\U00010000"},
		{"InvisibleCharactersAreNotMissing", NewFontSet, "a\u200db\ufe0f", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Missing(spec(tc.text), tc.fs())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "") != tc.want {
				t.Fatalf("missing %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("DrawReportsMissingToo", func(t *testing.T) {
		res, err := Draw(testImage(200, 100), spec("ok \U00010000"), fullFontSet(t))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(res.Missing, "") != "\U00010000" {
			t.Fatalf("missing %q", res.Missing)
		}
	})
	t.Run("UnknownFontIsAnError", func(t *testing.T) {
		s := spec("x")
		s.Boxes[1].Font = "comic"
		_, err := Draw(image.NewRGBA(image.Rect(0, 0, 10, 10)), s, NewFontSet())
		if err == nil || !strings.Contains(err.Error(), `boxes[1]: font "comic" is not loaded`) {
			t.Fatalf("got %v", err)
		}
		if _, err := Missing(s, NewFontSet()); err == nil {
			t.Fatal("Missing accepted an unknown font")
		}
	})
}
