package emoji

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

func TestClusters(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string // keys
	}{
		{"Single", "hot 🔥 take", []string{"1f525"}},
		{"PlainTextHasNone", "one does not simply 123 # * © ♀", nil},
		{"TextDefaultWithVS16", "©\uFE0F ♀\uFE0F", []string{"a9", "2640"}},
		{"VS15KeepsText", "🔥\uFE0E", nil},
		{"SkinTone", "👍🏽", []string{"1f44d-1f3fd"}},
		{"LoneModifier", "🏽", []string{"1f3fd"}},
		{"ModifierOnNonBaseStandsAlone", "🔥🏽", []string{"1f525", "1f3fd"}},
		{"Family", "👨\u200D👩\u200D👧", []string{"1f468-200d-1f469-200d-1f467"}},
		{"ZWJKeepsVS16", "❤\uFE0F\u200D🔥", []string{"2764-fe0f-200d-1f525"}},
		{"ZWJMinimallyQualified", "❤\u200D🔥", []string{"2764-fe0f-200d-1f525"}},
		{"ZWJWithToneAndGender", "🏃🏽\u200D♀\uFE0F", []string{"1f3c3-1f3fd-200d-2640-fe0f"}},
		{"UnknownZWJFallsApart", "👍\u200D🔥", []string{"1f44d", "1f525"}},
		{"LongestKnownPrefix", "👨\u200D👩\u200D👧\u200D🔥", []string{"1f468-200d-1f469-200d-1f467", "1f525"}},
		{"Flag", "🇺🇦🇬🇧", []string{"1f1fa-1f1e6", "1f1ec-1f1e7"}},
		{"UnknownFlagIsTwoLetters", "🇦🇦", []string{"1f1e6", "1f1e6"}},
		{"Keycap", "1\uFE0F\u20E3 #\u20E3", []string{"31-20e3", "23-20e3"}},
		{"England", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", []string{"1f3f4-e0067-e0062-e0065-e006e-e0067-e007f"}},
		{"UnknownTagSequenceShowsBase", "🏴\U000E0078\U000E0079\U000E007F!", []string{"1f3f4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := Clusters(c.in)
			var got []string
			for _, cl := range cs {
				got = append(got, cl.Key)
				if cl.Start >= cl.End || cl.End > len(c.in) {
					t.Errorf("bad bounds %+v", cl)
				}
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Clusters(%+q) keys = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestClusterBounds(t *testing.T) {
	s := "a👨\u200D👩\u200D👧b🇺🇦c"
	got := Clusters(s)
	want := []Cluster{
		{1, 1 + len("👨\u200D👩\u200D👧"), "1f468-200d-1f469-200d-1f467"},
		{2 + len("👨\u200D👩\u200D👧"), 2 + len("👨\u200D👩\u200D👧🇺🇦"), "1f1fa-1f1e6"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestNeeded(t *testing.T) {
	got := Needed("🔥 fire 🔥 👍🏽 🔥")
	want := []string{"1f525", "1f44d-1f3fd"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// twemojiDir is where npm installs the art; the tests that need it fail
// (not skip) without it, so a missing install can't pass quietly.
func twemojiDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "node_modules", "@twemoji", "svg")
	if _, err := os.Stat(filepath.Join(dir, "1f525.svg")); err != nil {
		t.Fatalf("@twemoji/svg is not installed (%v): run `npm ci` in the repository root", err)
	}
	return dir
}

func twemojiKeys(t testing.TB) []string {
	t.Helper()
	ents, err := os.ReadDir(twemojiDir(t))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range ents {
		if k, ok := strings.CutSuffix(e.Name(), ".svg"); ok {
			keys = append(keys, k)
		}
	}
	if len(keys) < 3000 {
		t.Fatalf("only %d SVGs in %s", len(keys), twemojiDir(t))
	}
	return keys
}

// twemojiExtra matches the files Twemoji draws beyond Unicode's recommended
// set (man and woman with a Christmas tree, a gendered levitating man, skin tones on the
// skier, a private-use pirate flag). Other platforms show those sequences as
// separate emoji, and so does Clusters.
func twemojiExtra(k string) bool {
	return (strings.HasSuffix(k, "-200d-1f384") && !strings.HasPrefix(k, "1f9d1")) || (strings.HasPrefix(k, "1f574-") && strings.Contains(k, "-200d-")) ||
		strings.HasPrefix(k, "26f7-") || k == "e50a"
}

// TestEveryFileIsReachable writes each Twemoji file's sequence as text (with
// U+FE0F after a lone text-default character, as a person's keyboard would)
// and checks it comes back as one cluster with that file's key.
func TestEveryFileIsReachable(t *testing.T) {
	extras := 0
	for _, k := range twemojiKeys(t) {
		if twemojiExtra(k) {
			extras++
			continue
		}
		var rs []rune
		for _, h := range strings.Split(k, "-") {
			v, err := strconv.ParseUint(h, 16, 32)
			if err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			rs = append(rs, rune(v))
		}
		text := string(rs)
		if len(rs) == 1 && !unicode.Is(isPresentation, rs[0]) {
			text += string(vs16)
		}
		cs := Clusters(text)
		if len(cs) != 1 || cs[0].Key != k || cs[0].Start != 0 || cs[0].End != len(text) {
			t.Errorf("%s.svg: Clusters(%+q) = %+v", k, text, cs)
		}
	}
	if extras != 30 {
		t.Errorf("%d files beyond Unicode's set, want the 30 of @twemoji/svg 15.0.0: look at what changed", extras)
	}
}

// TestEveryRecommendedSequenceHasArt checks the other way: every sequence
// the tables can produce names a file Twemoji has.
func TestEveryRecommendedSequenceHasArt(t *testing.T) {
	have := map[string]bool{}
	for _, k := range twemojiKeys(t) {
		have[k] = true
	}
	for _, q := range sequences().zwj {
		if k := key(q, true); !have[k] {
			t.Errorf("ZWJ sequence %+q: no %s.svg", q, k)
		}
	}
	for q := range sequences().tag {
		if k := key(q, false); !have[k] {
			t.Errorf("tag sequence %+q: no %s.svg", q, k)
		}
	}
	for q := range sequences().flag {
		if k := key(q, false); !have[k] {
			t.Errorf("flag %+q: no %s.svg", q, k)
		}
	}
	for _, tab := range []*unicode.RangeTable{isPresentation, isModifierBase} {
		for _, r16 := range tab.R16 {
			for r := rune(r16.Lo); r <= rune(r16.Hi); r++ {
				if k := key(string(r), false); !have[k] && r > 0xFF {
					t.Errorf("U+%04X: no %s.svg", r, k)
				}
			}
		}
		for _, r32 := range tab.R32 {
			for r := rune(r32.Lo); r <= rune(r32.Hi); r++ {
				if k := key(string(r), false); !have[k] {
					t.Errorf("U+%04X: no %s.svg", r, k)
				}
			}
		}
	}
}
