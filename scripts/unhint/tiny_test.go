package main

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// tinyGlyphs is a hand-made glyf with every shape the command rewrites, each as the input has it
// and as the output must.
var tinyGlyphs = []struct{ name, in, out string }{
	{"Empty", "", ""},
	{
		// One contour, 3 points; 5 bytes of instructions; flags: on-curve x/y short positive,
		// then a repeat of 1 with x same and y word; coordinates 1+0+0 x bytes and 1+2+2 y bytes.
		"Simple",
		"\x00\x01" + "\x00\x00\x00\x00\x00\x10\x00\x10" + "\x00\x02" + "\x00\x05" + "\xB0\x01\x2C\x00\x01" +
			"\x37" + "\x19\x01" + "\x05" + "\x07" + "\x00\x08\x00\x09" + "\x00", // trailing pad
		"\x00\x01" + "\x00\x00\x00\x00\x00\x10\x00\x10" + "\x00\x02" + "\x00\x00" +
			"\x37" + "\x19\x01" + "\x05" + "\x07" + "\x00\x08\x00\x09",
	},
	{
		"NoContours",
		"\x00\x00" + "\x00\x00\x00\x00\x00\x00\x00\x00" + "\x00\x02\xB0\x01",
		"\x00\x00" + "\x00\x00\x00\x00\x00\x00\x00\x00" + "\x00\x00",
	},
	{
		// Word arguments with a scale (and WE_HAVE_INSTRUCTIONS, MORE_COMPONENTS), then byte
		// arguments with a 2x2, then 3 bytes of instructions and a pad byte.
		"CompositeWithInstructions",
		"\xFF\xFF" + "\x00\x00\x00\x00\x00\x10\x00\x10" +
			"\x01\x29\x00\x01" + "\x00\x05\x00\x06" + "\x40\x00" +
			"\x00\x80\x00\x01" + "\x05\x06" + "\x40\x00\x00\x00\x00\x00\x40\x00" +
			"\x00\x03\xB0\x01\x2C" + "\x00",
		"\xFF\xFF" + "\x00\x00\x00\x00\x00\x10\x00\x10" +
			"\x00\x29\x00\x01" + "\x00\x05\x00\x06" + "\x40\x00" +
			"\x00\x80\x00\x01" + "\x05\x06" + "\x40\x00\x00\x00\x00\x00\x40\x00",
	},
	{
		"CompositeXYScale",
		"\xFF\xFF" + "\x00\x00\x00\x00\x00\x10\x00\x10" + "\x02\x40\x00\x01" + "\x05\x06" + "\x40\x00\x20\x00",
		"\xFF\xFF" + "\x00\x00\x00\x00\x00\x10\x00\x10" + "\x02\x40\x00\x01" + "\x05\x06" + "\x40\x00\x20\x00",
	},
}

// tinyFont builds a font of tinyGlyphs' inputs with the given loca format, the hinting tables, a
// format 2 post, a maxp with every field set, a table of its own and an empty one.
func tinyFont(longLoca bool) []byte {
	var glyf []byte
	var offsets []int
	for _, g := range tinyGlyphs {
		offsets = append(offsets, len(glyf))
		glyf = append(glyf, g.in...)
		if len(glyf)%2 != 0 {
			glyf = append(glyf, 0)
		}
	}
	offsets = append(offsets, len(glyf))
	var loca []byte
	for _, o := range offsets {
		if longLoca {
			loca = binary.BigEndian.AppendUint32(loca, uint32(o))
		} else {
			loca = binary.BigEndian.AppendUint16(loca, uint16(o/2))
		}
	}
	head := make([]byte, 54)
	binary.BigEndian.PutUint32(head, 0x00010000)
	binary.BigEndian.PutUint32(head[8:], 0x12345678) // a stale checkSumAdjustment
	binary.BigEndian.PutUint32(head[12:], headMagic)
	binary.BigEndian.PutUint16(head[18:], 1000)
	if longLoca {
		head[51] = 1
	}
	maxp := make([]byte, 32)
	binary.BigEndian.PutUint32(maxp, 0x00010000)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(tinyGlyphs)))
	for i := 6; i < 32; i += 2 {
		binary.BigEndian.PutUint16(maxp[i:], uint16(i)) // every field nonzero
	}
	post := make([]byte, 32, 40)
	binary.BigEndian.PutUint32(post, 0x00020000)
	for i := 4; i < 32; i++ {
		post[i] = byte(i)
	}
	post = append(post, 0, 5, 0, 0, 0, 1, 0, 2)
	tables := []table{
		{tag: "head", data: head}, {tag: "maxp", data: maxp}, {tag: "zzzz", data: []byte("own")},
		{tag: "fpgm", data: []byte{0xB0, 1}}, {tag: "prep", data: []byte{0xB0}}, {tag: "cvt ", data: []byte{0, 1}},
		{tag: "hdmx", data: make([]byte, 8)}, {tag: "LTSH", data: make([]byte, 9)}, {tag: "VDMX", data: make([]byte, 6)},
		{tag: "cvar", data: make([]byte, 4)}, {tag: "loca", data: loca}, {tag: "glyf", data: glyf}, {tag: "post", data: post},
		{tag: "aaaa", data: nil},
	}
	return assemble(0x00010000, tables)
}

// TestTinyFont checks the output glyph by glyph against hand-written bytes, for both loca formats.
func TestTinyFont(t *testing.T) {
	for _, long := range []bool{false, true} {
		out, err := unhint(tinyFont(long))
		if err != nil {
			t.Fatal(err)
		}
		checkSFNT(t, out)
		tables := tablesOf(t, out)
		for _, tag := range []string{"fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX", "cvar"} {
			if tables[tag] != nil {
				t.Errorf("%q kept", tag)
			}
		}
		if string(tables["zzzz"]) != "own" {
			t.Errorf("own table became %q", tables["zzzz"])
		}
		if d, ok := tables["aaaa"]; !ok || len(d) != 0 {
			t.Errorf("empty table became %q (%v)", d, ok)
		}
		if be16(tables["head"][50:]) != 0 {
			t.Error("long loca where short fits")
		}
		offsets, err := readLoca(tables["loca"], len(tinyGlyphs), false, len(tables["glyf"]))
		if err != nil {
			t.Fatal(err)
		}
		for i, g := range tinyGlyphs {
			got := tables["glyf"][offsets[i]:offsets[i+1]]
			if want := []byte(g.out); !bytes.Equal(got, want) && !bytes.Equal(got, append(want, 0)) {
				t.Errorf("%s (long loca %v):\n got %x\nwant %x", g.name, long, got, want)
			}
		}
		wantPost := []byte{0, 3, 0, 0}
		for i := 4; i < 32; i++ {
			wantPost = append(wantPost, byte(i))
		}
		if got := tables["post"]; !bytes.Equal(got, wantPost) {
			t.Errorf("post %x, want %x", got, wantPost)
		}
		wantMaxp := []byte{0, 1, 0, 0, 0, byte(len(tinyGlyphs)), 0, 6, 0, 8, 0, 10, 0, 12, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 28, 0, 30}
		if got := tables["maxp"]; !bytes.Equal(got, wantMaxp) {
			t.Errorf("maxp %x, want %x", got, wantMaxp)
		}
		if got, _ := unhint(out); !bytes.Equal(got, out) {
			t.Error("not idempotent")
		}
	}
}
