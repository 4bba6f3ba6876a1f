//go:build !(js && wasm)

package meme

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"testing"
)

// oracleCorpus is shaped by the core and by HarfBuzz itself (Debian's
// hb-shape) with the same font file: glyph ids, advances and offsets must
// be equal. Each string is one script in one direction, so HarfBuzz's
// one-run view and the core's runs agree on what to shape.
var oracleCorpus = []struct{ font, text string }{
	// Latin kerning pairs (Anton's GPOS), ligature-free display face.
	{"../fonts/Anton-Regular.ttf", "AVATAR"},
	{"../fonts/Anton-Regular.ttf", "WAVE TO YOU"},
	{"../fonts/Anton-Regular.ttf", "LT TA Yo Te"},
	{"../fonts/Anton-Regular.ttf", "To Vo Wa Ya"},
	{"../fonts/Anton-Regular.ttf", "ONE DOES NOT SIMPLY"},
	{"../fonts/Anton-Regular.ttf", "BENCHMARK A MEME GENERATOR"},
	{"../fonts/Anton-Regular.ttf", "P.A.Y. \"QUOTE\" L'AMOUR"},
	{"../fonts/Anton-Regular.ttf", "Ünïcödé ÀÉÎ 1234567890"},
	{"testdata/Cantarell-Bold.otf", "office affinity"},
	{"testdata/Cantarell-Bold.otf", "AV Wa Te kerning"},
	{"../fonts/DejaVuSans-Bold.ttf", "VA AV fi fl ✓ →"},
	{"../fonts/RobotoCondensed-Black.ttf", "office fluffy AVATAR"},
	// Cyrillic and Greek.
	{"../fonts/RobotoCondensed-Black.ttf", "Привет, мир"},
	{"../fonts/RobotoCondensed-Black.ttf", "ПРИВЕТ МИР"},
	{"../fonts/RobotoCondensed-Black.ttf", "Съешь же ещё этих мягких французских булок"},
	{"../fonts/RobotoCondensed-Black.ttf", "ГДЕ ТЫ, УТКА?"},
	{"../fonts/RobotoCondensed-Black.ttf", "Καλημέρα κόσμε"},
	{"../fonts/RobotoCondensed-Black.ttf", "ΚΑΛΗΜΈΡΑ ΚΌΣΜΕ"},
	{"../fonts/RobotoCondensed-Black.ttf", "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία"},
	{"../fonts/DejaVuSans-Bold.ttf", "Τάχιστη αλώπηξ"},
	{"../fonts/DejaVuSans-Bold.ttf", "Широкая электрификация"},
	{"../fonts/DejaVuSans-Bold.ttf", "ПРИВЕТ, МИР! Ёлка"},
	{"../fonts/DejaVuSans-Bold.ttf", "Ελληνικά ΑΒΓΔ"},
	{"../fonts/DejaVuSans-Bold.ttf", "Україна їжак ґанок"},
	// Arabic: joining, lam-alef, marks.
	{"../fonts/NotoSansArabic-Bold.ttf", "مرحبا"},
	{"../fonts/NotoSansArabic-Bold.ttf", "مرحبا بالعالم"},
	{"../fonts/NotoSansArabic-Bold.ttf", "خصم"},
	{"../fonts/NotoSansArabic-Bold.ttf", "لا إله"},
	{"../fonts/NotoSansArabic-Bold.ttf", "السلام عليكم"},
	{"../fonts/NotoSansArabic-Bold.ttf", "كِتَابٌ"},
	{"../fonts/NotoSansArabic-Bold.ttf", "فِي بَيْتِ"},
	{"../fonts/NotoSansArabic-Bold.ttf", "شكرا جزيلا"},
	{"../fonts/NotoSansArabic-Bold.ttf", "ـبـ ـعـ"},
	// Hebrew, with points.
	{"../fonts/NotoSansHebrew-Bold.ttf", "שלום עולם"},
	{"../fonts/NotoSansHebrew-Bold.ttf", "בְּרֵאשִׁית"},
	{"../fonts/NotoSansHebrew-Bold.ttf", "תודה רבה"},
	{"../fonts/NotoSansHebrew-Bold.ttf", "עִבְרִית"},
	{"../fonts/NotoSansHebrew-Bold.ttf", "מה נשמע"},
	// Devanagari: conjuncts, reph, pre-base matras.
	{"../fonts/NotoSansDevanagari-Bold.ttf", "नमस्ते"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "नमस्ते दुनिया"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "क्षत्रिय"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "श्रद्धा"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "धर्म"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "कि की कु कू"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "हिन्दी"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "द्विज ट्रक"},
	{"../fonts/NotoSansDevanagari-Bold.ttf", "अर्थ"},
	// Thai: above and below marks, tone marks stacked on vowels.
	{"../fonts/NotoSansThai-Bold.ttf", "ไทย"},
	{"../fonts/NotoSansThai-Bold.ttf", "สวัสดีครับ"},
	{"../fonts/NotoSansThai-Bold.ttf", "ผู้ใหญ่"},
	{"../fonts/NotoSansThai-Bold.ttf", "น้ำ"},
	{"../fonts/NotoSansThai-Bold.ttf", "กิ่ง ปู่ ญี่"},
	{"../fonts/NotoSansThai-Bold.ttf", "ภาษาไทย"},
	// CJK.
	{"../fonts/DroidSansFallbackFull.ttf", "你好世界"},
	{"../fonts/DroidSansFallbackFull.ttf", "这是一个很长的中文标题，没有空格。"},
	{"../fonts/DroidSansFallbackFull.ttf", "日本語のテキスト「こんにちは」"},
	{"../fonts/DroidSansFallbackFull.ttf", "한국어 텍스트"},
	{"../fonts/DroidSansFallbackFull.ttf", "（括号）《书名》"},
}

type hbGlyph struct {
	G  int `json:"g"`
	Cl int `json:"cl"`
	Dx int `json:"dx"`
	Dy int `json:"dy"`
	Ax int `json:"ax"`
}

func TestShapingMatchesHarfBuzz(t *testing.T) {
	if len(oracleCorpus) < 50 {
		t.Fatalf("corpus has %d strings, want at least 50", len(oracleCorpus))
	}
	hb, err := exec.LookPath("hb-shape")
	if err != nil {
		t.Fatal("hb-shape not found: install Debian's libharfbuzz-bin (apt-get install libharfbuzz-bin)")
	}
	fonts := map[string]*Font{}
	for _, c := range oracleCorpus {
		out, err := exec.Command(hb, "--output-format=json", "--no-glyph-names", c.font, c.text).Output()
		if err != nil {
			t.Fatalf("hb-shape %s %q: %v", c.font, c.text, err)
		}
		var want []hbGlyph
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatalf("hb-shape output %q: %v", out, err)
		}
		f := fonts[c.font]
		if f == nil {
			b, err := os.ReadFile(c.font)
			if err != nil {
				t.Fatal(err)
			}
			if f, err = ParseFont(b); err != nil {
				t.Fatal(err)
			}
			fonts[c.font] = f
		}
		st := shapeText([]*Font{f}, nil, c.text)
		var got []hbGlyph
		n := len(st.paras[0].text)
		for _, r := range st.visual(0, 0, n) {
			for _, g := range r.glyphs {
				u := func(v float64) int { return int(math.Round(v * f.upem)) }
				got = append(got, hbGlyph{G: int(g.id), Cl: g.cluster, Dx: u(g.dx), Dy: -u(g.dy), Ax: u(g.ax)})
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s %q: %d glyphs, hb-shape %d\n got %v\nwant %v", c.font, c.text, len(got), len(want), got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s %q: glyph %d = %+v, hb-shape %+v", c.font, c.text, i, got[i], want[i])
				break
			}
		}
	}
}
