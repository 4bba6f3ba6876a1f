package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gtfont "github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// hintedFonts still carry their hinting: the original Noto Sans Hebrew Bold (fpgm, prep, cvt,
// instructions in simple and composite glyphs, post format 2, short loca) and Droid Sans
// Fallback, which the renderer ships as it is (long loca, unaligned glyphs, 26,000 composites).
var hintedFonts = []string{
	"testdata/NotoSansHebrew-Bold-hinted.ttf",
	"../../wasm/fonts/DroidSansFallbackFull.ttf",
}

// shippedFonts are the files in wasm/fonts made by this command (see the README there).
var shippedFonts = []string{
	"../../wasm/fonts/Anton-Regular.ttf",
	"../../wasm/fonts/DejaVuSans-Bold.ttf",
	"../../wasm/fonts/NotoSansArabic-Bold.ttf",
	"../../wasm/fonts/NotoSansDevanagari-Bold.ttf",
	"../../wasm/fonts/NotoSansHebrew-Bold.ttf",
	"../../wasm/fonts/NotoSansThai-Bold.ttf",
	"../../wasm/fonts/RobotoCondensed-Black.ttf",
}

// shapeText is a few strings per font for the hb-shape comparison.
var shapeText = map[string][]string{
	"NotoSansHebrew-Bold-hinted.ttf": {"שלום עולם", "בְּרֵאשִׁית", "עִבְרִית"},
	"DroidSansFallbackFull.ttf":      {"你好世界", "日本語のテキスト「こんにちは」", "한국어 ABC"},
	"Anton-Regular.ttf":              {"AVATAR", "WAVE TO YOU", "P.A.Y. \"QUOTE\" L'AMOUR", "Ünïcödé ÀÉÎ 1234567890"},
	"DejaVuSans-Bold.ttf":            {"VA AV fi fl ✓ →", "Широкая электрификация"},
	"NotoSansArabic-Bold.ttf":        {"مرحبا بالعالم", "لا إله", "كِتَابٌ"},
	"NotoSansDevanagari-Bold.ttf":    {"नमस्ते दुनिया", "क्षत्रिय", "श्रद्धा"},
	"NotoSansHebrew-Bold.ttf":        {"שלום עולם", "בְּרֵאשִׁית"},
	"NotoSansThai-Bold.ttf":          {"สวัสดีครับ", "ผู้ใหญ่", "น้ำ"},
	"RobotoCondensed-Black.ttf":      {"office fluffy AVATAR", "Καλημέρα κόσμε"},
}

func allFonts() []string { return append(append([]string{}, hintedFonts...), shippedFonts...) }

// unhinted reads path and returns it and its unhinted copy.
func unhinted(t *testing.T, path string) (in, out []byte) {
	t.Helper()
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err = unhint(in)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return in, out
}

func tablesOf(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	_, tables, err := readDirectory(b)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, tb := range tables {
		m[tb.tag] = tb.data
	}
	return m
}

func goTextFont(t *testing.T, b []byte) *gtfont.Font {
	t.Helper()
	ld, err := ot.NewLoader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	f, err := gtfont.NewFont(ld)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestSameGlyphs parses both files with go-text, the renderer's parser: every glyph's outline
// segments, advance and extents, and every cmap entry, are the same.
func TestSameGlyphs(t *testing.T) {
	for _, path := range allFonts() {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, out := unhinted(t, path)
			before, after := goTextFont(t, in), goTextFont(t, out)
			fb, fa := gtfont.NewFace(before), gtfont.NewFace(after)
			n := int(be16(tablesOf(t, in)["maxp"][4:]))
			if n < 100 {
				t.Fatalf("%d glyphs: wrong file?", n)
			}
			segments := 0
			for g := gtfont.GID(0); int(g) < n; g++ {
				ob, okb := fb.GlyphDataOutline(g)
				oa, oka := fa.GlyphDataOutline(g)
				if okb != oka || !reflect.DeepEqual(ob, oa) {
					t.Fatalf("glyph %d: outline %v (%v) became %v (%v)", g, ob, okb, oa, oka)
				}
				segments += len(ob.Segments)
				if b, a := fb.HorizontalAdvance(g), fa.HorizontalAdvance(g); b != a {
					t.Fatalf("glyph %d: advance %v became %v", g, b, a)
				}
				eb, okb := fb.GlyphExtents(g)
				ea, oka := fa.GlyphExtents(g)
				if okb != oka || eb != ea {
					t.Fatalf("glyph %d: extents %v became %v", g, eb, ea)
				}
			}
			if segments == 0 {
				t.Fatal("no outlines compared")
			}
			runes := 0
			for it := before.Cmap.Iter(); it.Next(); {
				r, g := it.Char()
				if ga, ok := after.Cmap.Lookup(r); !ok || ga != g {
					t.Fatalf("cmap %U: glyph %d became %d (%v)", r, g, ga, ok)
				}
				runes++
			}
			if runes == 0 {
				t.Fatal("empty cmap")
			}
			eb, okb := fb.FontHExtents()
			ea, oka := fa.FontHExtents()
			if okb != oka || eb != ea {
				t.Fatalf("font extents %v became %v", eb, ea)
			}
		})
	}
}

// TestOtherTablesUntouched: what the command does not rewrite (cmap, hmtx, GSUB, GPOS, name,
// OS/2, ...) is copied byte for byte, and of head, maxp and post only the documented fields change.
func TestOtherTablesUntouched(t *testing.T) {
	for _, path := range allFonts() {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, out := unhinted(t, path)
			before, after := tablesOf(t, in), tablesOf(t, out)
			for _, tag := range []string{"cmap", "hmtx", "hhea", "GSUB", "GPOS", "GDEF", "OS/2", "name"} {
				if before[tag] == nil {
					t.Errorf("input has no %q: pick a font that does", tag)
				}
			}
			for tag, b := range before {
				a, kept := after[tag]
				switch {
				case dropped[tag]:
					if kept {
						t.Errorf("%q kept", tag)
					}
				case !kept:
					t.Errorf("%q dropped", tag)
				case tag == "glyf" || tag == "loca":
				case tag == "head":
					equalExcept(t, tag, b, a, [2]int{8, 12}, [2]int{50, 52})
				case tag == "maxp":
					equalExcept(t, tag, b, a, [2]int{14, 28})
				case tag == "post":
					equalExcept(t, tag, b[:32], a, [2]int{0, 4})
				case !bytes.Equal(b, a):
					t.Errorf("%q changed", tag)
				}
			}
			if len(after) != len(before)-countDropped(before) {
				t.Errorf("%d tables became %d", len(before), len(after))
			}
		})
	}
}

func countDropped(tables map[string][]byte) int {
	n := 0
	for tag := range tables {
		if dropped[tag] {
			n++
		}
	}
	return n
}

// equalExcept fails unless a and b are the same length and equal outside the byte ranges given.
func equalExcept(t *testing.T, tag string, b, a []byte, ranges ...[2]int) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%q: %d bytes became %d", tag, len(b), len(a))
		return
	}
	b, a = clone(b), clone(a)
	for _, r := range ranges {
		clear(b[r[0]:r[1]])
		clear(a[r[0]:r[1]])
	}
	if !bytes.Equal(a, b) {
		t.Errorf("%q changed outside the fields the command rewrites", tag)
	}
}

// TestNoHintingLeft reads the output's glyphs back: no instructions anywhere, no glyph names, the
// maxp hinting fields zeroed, glyphs 2-byte aligned.
func TestNoHintingLeft(t *testing.T) {
	for _, path := range allFonts() {
		t.Run(filepath.Base(path), func(t *testing.T) {
			_, out := unhinted(t, path)
			tables := tablesOf(t, out)
			head, maxp, glyf := tables["head"], tables["maxp"], tables["glyf"]
			n := int(be16(maxp[4:]))
			long := be16(head[50:]) == 1
			if long != (len(glyf)/2 > 0xFFFF) {
				t.Errorf("long loca %v for a %d-byte glyf", long, len(glyf))
			}
			offsets, err := readLoca(tables["loca"], n, long, len(glyf))
			if err != nil {
				t.Fatal(err)
			}
			if size := map[bool]int{false: 2, true: 4}[long] * (n + 1); len(tables["loca"]) != size {
				t.Errorf("loca is %d bytes, want %d", len(tables["loca"]), size)
			}
			simple, composite := 0, 0
			for i := 0; i < n; i++ {
				if offsets[i]%2 != 0 {
					t.Fatalf("glyph %d at odd offset %d", i, offsets[i])
				}
				g := glyf[offsets[i]:offsets[i+1]]
				if len(g) == 0 {
					continue
				}
				if nc := int(int16(be16(g))); nc >= 0 {
					simple++
					if l := be16(g[10+2*nc:]); l != 0 {
						t.Fatalf("glyph %d: %d bytes of instructions", i, l)
					}
				} else {
					composite++
					for p := 10; ; {
						flags := be16(g[p:])
						if flags&weHaveInstructions != 0 {
							t.Fatalf("glyph %d: WE_HAVE_INSTRUCTIONS", i)
						}
						p += 6 + map[bool]int{true: 2}[flags&1 != 0]
						switch {
						case flags&0x08 != 0:
							p += 2
						case flags&0x40 != 0:
							p += 4
						case flags&0x80 != 0:
							p += 8
						}
						if flags&0x20 == 0 {
							if pad := len(g) - p; pad > 1 {
								t.Fatalf("glyph %d: %d bytes after its last component", i, pad)
							}
							break
						}
					}
				}
				// Stripping again finds nothing to strip.
				if s, err := stripGlyph(g); err != nil || !bytes.Equal(s, g[:len(s)]) || len(g)-len(s) > 1 {
					t.Fatalf("glyph %d: restripped to %x (%v)", i, s, err)
				}
			}
			if simple == 0 || composite == 0 {
				t.Errorf("%d simple and %d composite glyphs: pick a font with both", simple, composite)
			}
			if want := []byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}; !bytes.Equal(maxp[14:28], want) {
				t.Errorf("maxp hinting fields %x, want %x", maxp[14:28], want)
			}
			if post := tables["post"]; len(post) != 32 || be32(post) != 0x00030000 {
				t.Errorf("post is %d bytes, version %#08x", len(post), be32(post))
			}
		})
	}
}

// TestValidFile checks the sfnt structure the command writes: directory sorted by tag with the
// binary-search fields right, tables 4-byte aligned and padded, every checksum right.
func TestValidFile(t *testing.T) {
	for _, path := range allFonts() {
		t.Run(filepath.Base(path), func(t *testing.T) {
			_, out := unhinted(t, path)
			checkSFNT(t, out)
		})
	}
}

func checkSFNT(t *testing.T, b []byte) {
	t.Helper()
	n := int(be16(b[4:]))
	pow, sel := 1, 0
	for pow*2 <= n {
		pow, sel = pow*2, sel+1
	}
	if got, want := [3]uint16{be16(b[6:]), be16(b[8:]), be16(b[10:])}, [3]uint16{uint16(16 * pow), uint16(sel), uint16(16*n - 16*pow)}; got != want {
		t.Errorf("searchRange, entrySelector, rangeShift %v, want %v", got, want)
	}
	end := 12 + 16*n
	prev := ""
	for i := 0; i < n; i++ {
		r := b[12+16*i:]
		tag, sum, off, length := string(r[:4]), be32(r[4:]), int(be32(r[8:])), int(be32(r[12:]))
		if tag <= prev {
			t.Errorf("%q after %q", tag, prev)
		}
		prev = tag
		if off%4 != 0 {
			t.Errorf("%q at offset %d", tag, off)
		}
		data := clone(b[off : off+pad4(length)])
		if tag == "head" {
			binary.BigEndian.PutUint32(data[8:], 0)
		}
		if got := checksum(data); got != sum {
			t.Errorf("%q checksum %#08x, directory says %#08x", tag, got, sum)
		}
		for _, p := range b[off+length : off+pad4(length)] {
			if p != 0 {
				t.Errorf("%q padded with nonzero bytes", tag)
			}
		}
		end = max(end, off+pad4(length))
	}
	if end != len(b) {
		t.Errorf("tables end at %d of %d bytes", end, len(b))
	}
	if sum := checksum(b); sum != checksumMagic {
		t.Errorf("whole-file checksum %#08x, want %#08x", sum, uint32(checksumMagic))
	}
}

// TestDeterministicAndIdempotent: the same input gives the same bytes, the input is left alone,
// and the output run through again comes back unchanged.
func TestDeterministicAndIdempotent(t *testing.T) {
	for _, path := range allFonts() {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, out := unhinted(t, path)
			orig, _ := os.ReadFile(path)
			if !bytes.Equal(in, orig) {
				t.Fatal("input modified")
			}
			again, err := unhint(in)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("second run differs (%v)", err)
			}
			twice, err := unhint(out)
			if err != nil || !bytes.Equal(twice, out) {
				t.Fatalf("unhinting the output changed it (%v)", err)
			}
			if len(out) >= len(in) && !bytes.Equal(in, out) && !strings.Contains(path, "Droid") {
				t.Errorf("%d bytes grew to %d", len(in), len(out))
			}
		})
	}
}

// TestShippedFontsAreUnhinted holds wasm/fonts to its README: each file listed there as made by
// this command is its own output, so rerunning the recorded command would change nothing.
func TestShippedFontsAreUnhinted(t *testing.T) {
	for _, path := range shippedFonts {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in, out := unhinted(t, path)
			if !bytes.Equal(in, out) {
				t.Fatalf("not unhinted: run go run ./scripts/unhint %s %s", path, path)
			}
		})
	}
}

// TestSameShapingAsHBShape shapes with HarfBuzz itself (Debian's hb-shape) on both files: glyph
// ids, clusters, advances and offsets are the same.
func TestSameShapingAsHBShape(t *testing.T) {
	hb, err := exec.LookPath("hb-shape")
	if err != nil {
		t.Fatal("hb-shape not found: install Debian's libharfbuzz-bin (apt-get install libharfbuzz-bin)")
	}
	dir := t.TempDir()
	for _, path := range allFonts() {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			_, out := unhinted(t, path)
			outPath := filepath.Join(dir, name)
			if err := os.WriteFile(outPath, out, 0o644); err != nil {
				t.Fatal(err)
			}
			texts := shapeText[name]
			if len(texts) == 0 {
				t.Fatalf("no strings for %s in shapeText", name)
			}
			for _, text := range texts {
				shape := func(font string) string {
					b, err := exec.Command(hb, "--no-glyph-names", "--show-extents", font, text).Output()
					if err != nil {
						t.Fatalf("hb-shape %s %q: %v", font, text, err)
					}
					return string(b)
				}
				want, got := shape(path), shape(outPath)
				if got != want {
					t.Errorf("%q: hb-shape gave\n%s\nnow\n%s", text, want, got)
				}
				if strings.Count(want, "|") < 1 {
					t.Errorf("%q: shaped to %q", text, want)
				}
			}
		})
	}
}

// TestRefuses: input the command does not handle is an error saying why, never a panic or a
// half-written font.
func TestRefuses(t *testing.T) {
	hebrew, err := os.ReadFile(hintedFonts[0])
	if err != nil {
		t.Fatal(err)
	}
	cff, err := os.ReadFile("../../wasm/meme/testdata/Cantarell-Bold.otf")
	if err != nil {
		t.Fatal(err)
	}
	// withTable returns hebrew with table tag's data passed through f (same length).
	withTable := func(tag string, f func([]byte)) []byte {
		b := clone(hebrew)
		n := int(be16(b[4:]))
		for i := 0; i < n; i++ {
			r := b[12+16*i:]
			if string(r[:4]) == tag {
				f(b[be32(r[8:]) : be32(r[8:])+be32(r[12:])])
				return b
			}
		}
		t.Fatalf("no %q", tag)
		return nil
	}
	noGlyf := clone(hebrew) // glyf renamed in the directory
	for i := 0; i < int(be16(noGlyf[4:])); i++ {
		if r := noGlyf[12+16*i:]; string(r[:4]) == "glyf" {
			copy(r, "gly_")
		}
	}
	withVersion := func(v string) []byte {
		b := clone(hebrew)
		copy(b, v)
		return b
	}
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"CFF", cff, errUnsupported},
		{"Collection", withVersion("ttcf"), errUnsupported},
		{"WOFF", withVersion("wOFF"), errUnsupported},
		{"WOFF2", withVersion("wOF2"), errUnsupported},
		{"Empty", nil, errMalformed},
		{"NotAFont", []byte("GIF89a this is not a font at all"), errMalformed},
		{"HeaderOnly", hebrew[:12], errMalformed},
		{"TruncatedDirectory", hebrew[:100], errMalformed},
		{"TruncatedTables", hebrew[:len(hebrew)-1], errMalformed},
		{"NoTables", append([]byte{0, 1, 0, 0, 0, 0}, make([]byte, 6)...), errMalformed},
		{"BadHeadMagic", withTable("head", func(d []byte) { d[12] = 0 }), errMalformed},
		{"BadLocaFormat", withTable("head", func(d []byte) { d[51] = 2 }), errMalformed},
		{"MaxpVersion05", withTable("maxp", func(d []byte) { d[1] = 0 }), errMalformed},
		{"TooManyGlyphs", withTable("maxp", func(d []byte) { d[4] = 0xFF }), errMalformed},
		{"LocaBackwards", withTable("loca", func(d []byte) { d[4], d[5] = 0xFF, 0xFF }), errMalformed},
		{"LocaPastGlyf", withTable("loca", func(d []byte) {
			binary.BigEndian.PutUint16(d[len(d)-2:], 0xFFFF)
		}), errMalformed},
		{"ZeroedGlyf", withTable("glyf", func(d []byte) { clear(d) }), nil}, // all-zero glyphs are empty outlines: fine
		{"GlyphTruncated", withTable("glyf", func(d []byte) {
			for i := range d {
				d[i] = 0x7F // huge contour counts, repeat flags everywhere
			}
		}), errMalformed},
		{"NoGlyf", noGlyf, errMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := unhint(c.in)
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				checkSFNT(t, out)
				return
			}
			if !errors.Is(err, c.want) || out != nil {
				t.Fatalf("got %d bytes, error %v; want %v", len(out), err, c.want)
			}
			t.Log(err)
		})
	}
	t.Run("EveryPrefix", func(t *testing.T) {
		for n := 0; n < len(hebrew); n += 13 {
			if _, err := unhint(hebrew[:n]); !errors.Is(err, errMalformed) {
				t.Fatalf("%d-byte prefix: %v", n, err)
			}
		}
	})
}

// TestCommand runs the command's body: it writes OUT, may rewrite IN in place, and names the file
// it refused.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	in, want := unhinted(t, hintedFonts[0])
	src := filepath.Join(dir, "in.ttf")
	if err := os.WriteFile(src, in, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("WritesOut", func(t *testing.T) {
		dst := filepath.Join(dir, "out.ttf")
		if err := run(src, dst); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(dst); !bytes.Equal(got, want) {
			t.Fatal("OUT is not the unhinted font")
		}
	})
	t.Run("InPlace", func(t *testing.T) {
		p := filepath.Join(dir, "inplace.ttf")
		os.WriteFile(p, in, 0o644)
		if err := run(p, p); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
			t.Fatal("in-place result is not the unhinted font")
		}
	})
	t.Run("RefusesAndLeavesOutAlone", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.otf")
		os.WriteFile(bad, []byte("OTTO\x00\x01\x00\x00\x00\x00\x00\x00"), 0o644)
		dst := filepath.Join(dir, "untouched.ttf")
		os.WriteFile(dst, []byte("keep"), 0o644)
		err := run(bad, dst)
		if !errors.Is(err, errUnsupported) || !strings.Contains(err.Error(), "bad.otf") {
			t.Fatalf("error %v", err)
		}
		if got, _ := os.ReadFile(dst); string(got) != "keep" {
			t.Fatal("OUT overwritten")
		}
	})
}

// FuzzUnhint: any bytes either are refused or give a valid font that unhints to itself.
func FuzzUnhint(f *testing.F) {
	hebrew, err := os.ReadFile(hintedFonts[0])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tinyFont(false))
	f.Add(tinyFont(true))
	f.Add(hebrew)
	f.Add([]byte("true\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := unhint(b)
		if err != nil {
			if !errors.Is(err, errMalformed) && !errors.Is(err, errUnsupported) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		checkSFNT(t, out)
		again, err := unhint(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("output does not unhint to itself (%v)", err)
		}
	})
}
