package main

// The sfnt layout below follows the OpenType specification (chapters "Font file", "glyf", "loca",
// "maxp", "post", "head"). No kept library writes fonts: golang.org/x/image/font/sfnt and go-text
// only read them, and neither exposes a glyph's raw bytes, so this file parses the little it
// rewrites itself and copies every other table untouched.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sort"
)

var (
	// errUnsupported is a well-formed font this tool does not handle (CFF, a collection, WOFF).
	errUnsupported = errors.New("unsupported font")
	// errMalformed is input that is not a whole, consistent TrueType font.
	errMalformed = errors.New("malformed font")
)

func unsupported(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUnsupported, fmt.Sprintf(format, a...))
}

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, a...))
}

// dropped are the tables only a hinting rasterizer reads (cvar varies cvt, so it goes with it).
var dropped = map[string]bool{
	"fpgm": true, "prep": true, "cvt ": true, "cvar": true,
	"hdmx": true, "LTSH": true, "VDMX": true,
}

const (
	headMagic          = 0x5F0F3CF5
	checksumMagic      = 0xB1B0AFBA
	weHaveInstructions = 0x0100
	glyphAlign         = 2 // the least short loca allows
)

type table struct {
	tag  string
	off  uint32 // in the input: output tables keep the input's physical order
	data []byte
}

// unhint returns an unhinted, nameless copy of the TrueType font in b (see the command's doc).
// It never modifies b.
func unhint(b []byte) ([]byte, error) {
	version, tables, err := readDirectory(b)
	if err != nil {
		return nil, err
	}
	byTag := map[string]*table{}
	for i := range tables {
		byTag[tables[i].tag] = &tables[i]
	}
	for _, tag := range []string{"CFF ", "CFF2"} {
		if byTag[tag] != nil {
			return nil, unsupported("%q table: CFF outlines", tag)
		}
	}
	for _, tag := range []string{"head", "maxp", "loca", "glyf"} {
		if byTag[tag] == nil {
			return nil, malformed("no %q table: not a TrueType-outline font", tag)
		}
	}

	head := clone(byTag["head"].data)
	if len(head) < 54 {
		return nil, malformed("head is %d bytes, want 54", len(head))
	}
	if be32(head[12:]) != headMagic {
		return nil, malformed("head magic number is %#08x", be32(head[12:]))
	}
	longLoca := false
	switch int16(be16(head[50:])) {
	case 0:
	case 1:
		longLoca = true
	default:
		return nil, malformed("head indexToLocFormat %d", int16(be16(head[50:])))
	}

	maxp := clone(byTag["maxp"].data)
	if len(maxp) < 32 || be32(maxp) != 0x00010000 {
		return nil, malformed("maxp is not version 1.0 (32 bytes)")
	}
	numGlyphs := int(be16(maxp[4:]))

	offsets, err := readLoca(byTag["loca"].data, numGlyphs, longLoca, len(byTag["glyf"].data))
	if err != nil {
		return nil, err
	}
	glyf := byTag["glyf"].data
	newGlyf := make([]byte, 0, len(glyf))
	newOffsets := make([]int, numGlyphs+1)
	for i := 0; i < numGlyphs; i++ {
		g, err := stripGlyph(glyf[offsets[i]:offsets[i+1]])
		if err != nil {
			return nil, fmt.Errorf("glyph %d: %w", i, err)
		}
		newGlyf = append(newGlyf, g...)
		for len(newGlyf)%glyphAlign != 0 {
			newGlyf = append(newGlyf, 0)
		}
		newOffsets[i+1] = len(newGlyf)
	}
	var loca []byte
	if len(newGlyf)/2 <= 0xFFFF {
		loca = make([]byte, 2*(numGlyphs+1))
		for i, o := range newOffsets {
			binary.BigEndian.PutUint16(loca[2*i:], uint16(o/2))
		}
		binary.BigEndian.PutUint16(head[50:], 0)
	} else {
		loca = make([]byte, 4*(numGlyphs+1))
		for i, o := range newOffsets {
			binary.BigEndian.PutUint32(loca[4*i:], uint32(o))
		}
		binary.BigEndian.PutUint16(head[50:], 1)
	}
	byTag["glyf"].data = newGlyf
	byTag["loca"].data = loca

	// maxZones 1 (no twilight zone), then maxTwilightPoints, maxStorage, maxFunctionDefs,
	// maxInstructionDefs, maxStackElements and maxSizeOfInstructions all 0.
	binary.BigEndian.PutUint16(maxp[14:], 1)
	clear(maxp[16:28])
	byTag["maxp"].data = maxp

	if t := byTag["post"]; t != nil {
		if len(t.data) < 32 {
			return nil, malformed("post is %d bytes, want at least 32", len(t.data))
		}
		post := clone(t.data[:32]) // version, italicAngle, underline, isFixedPitch, memory hints
		binary.BigEndian.PutUint32(post, 0x00030000)
		t.data = post
	}

	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	byTag["head"].data = head

	kept := tables[:0:0]
	for _, t := range tables {
		if !dropped[t.tag] {
			kept = append(kept, t)
		}
	}
	return assemble(version, kept), nil
}

// readDirectory checks the sfnt header and returns the tables in input file order.
func readDirectory(b []byte) (uint32, []table, error) {
	if len(b) < 12 {
		return 0, nil, malformed("%d bytes is shorter than an sfnt header", len(b))
	}
	version := be32(b)
	switch version {
	case 0x00010000, 0x74727565: // 1.0, 'true'
	case 0x4F54544F: // 'OTTO'
		return 0, nil, unsupported("CFF (OTTO) outlines: only TrueType glyf fonts")
	case 0x74746366: // 'ttcf'
		return 0, nil, unsupported("a TrueType collection: unpack one font first")
	case 0x774F4646, 0x774F4632: // 'wOFF', 'wOF2'
		return 0, nil, unsupported("WOFF: decompress to a TrueType font first")
	default:
		return 0, nil, malformed("sfnt version %#08x", version)
	}
	n := int(be16(b[4:]))
	if n == 0 {
		return 0, nil, malformed("no tables")
	}
	if 12+16*n > len(b) {
		return 0, nil, malformed("table directory of %d tables runs past the end of the file", n)
	}
	tables := make([]table, n)
	seen := map[string]bool{}
	for i := range tables {
		r := b[12+16*i:]
		tag := string(r[:4])
		off, length := be32(r[8:]), be32(r[12:])
		if uint64(off)+uint64(length) > uint64(len(b)) {
			return 0, nil, malformed("table %q runs past the end of the file", tag)
		}
		if seen[tag] {
			return 0, nil, malformed("table %q listed twice", tag)
		}
		seen[tag] = true
		tables[i] = table{tag: tag, off: off, data: b[off : off+length]}
	}
	// File order, ties (empty or shared tables) broken so that the output, where an empty table
	// shares the next one's offset, sorts the same way again.
	sort.Slice(tables, func(i, j int) bool {
		a, b := tables[i], tables[j]
		if a.off != b.off {
			return a.off < b.off
		}
		if (len(a.data) == 0) != (len(b.data) == 0) {
			return len(a.data) == 0
		}
		return a.tag < b.tag
	})
	return version, tables, nil
}

// readLoca returns numGlyphs+1 glyph offsets into glyf, checked to ascend within it.
func readLoca(loca []byte, numGlyphs int, long bool, glyfLen int) ([]int, error) {
	size := 2
	if long {
		size = 4
	}
	if len(loca) < size*(numGlyphs+1) {
		return nil, malformed("loca has %d bytes for %d glyphs", len(loca), numGlyphs)
	}
	offsets := make([]int, numGlyphs+1)
	for i := range offsets {
		if long {
			offsets[i] = int(be32(loca[4*i:]))
		} else {
			offsets[i] = 2 * int(be16(loca[2*i:]))
		}
		if i > 0 && offsets[i] < offsets[i-1] {
			return nil, malformed("loca offset %d goes backwards", i)
		}
	}
	if offsets[numGlyphs] > glyfLen {
		return nil, malformed("loca points %d bytes into a %d-byte glyf", offsets[numGlyphs], glyfLen)
	}
	return offsets, nil
}

// stripGlyph returns glyph g without instructions or trailing padding, in a new slice. An empty
// glyph (no outline) stays empty.
func stripGlyph(g []byte) ([]byte, error) {
	if len(g) == 0 {
		return nil, nil
	}
	if len(g) < 10 {
		return nil, malformed("%d-byte glyph header", len(g))
	}
	if nc := int16(be16(g)); nc >= 0 {
		return stripSimple(g, int(nc))
	}
	return stripComposite(g)
}

func stripSimple(g []byte, contours int) ([]byte, error) {
	p := 10 + 2*contours // instructionLength
	if p+2 > len(g) {
		return nil, malformed("simple glyph truncated in its contour ends")
	}
	points, last := 0, -1
	for i := 0; i < contours; i++ {
		end := int(be16(g[10+2*i:]))
		if end < last {
			return nil, malformed("contour ends go backwards")
		}
		last = end
		points = end + 1
	}
	q := p + 2 + int(be16(g[p:])) // flags
	if q > len(g) {
		return nil, malformed("simple glyph truncated in its instructions")
	}
	r, xLen, yLen := q, 0, 0
	for n := 0; n < points; {
		if r >= len(g) {
			return nil, malformed("simple glyph truncated in its flags")
		}
		f := g[r]
		r++
		count := 1
		if f&0x08 != 0 { // REPEAT_FLAG
			if r >= len(g) {
				return nil, malformed("simple glyph truncated in its flags")
			}
			count += int(g[r])
			r++
		}
		if n+count > points {
			return nil, malformed("flags repeat past the last point")
		}
		n += count
		xLen += count * coordSize(f, 0x02, 0x10)
		yLen += count * coordSize(f, 0x04, 0x20)
	}
	end := r + xLen + yLen
	if end > len(g) {
		return nil, malformed("simple glyph truncated in its coordinates")
	}
	out := make([]byte, 0, p+2+end-q)
	out = append(out, g[:p]...)
	out = append(out, 0, 0)
	return append(out, g[q:end]...), nil
}

// coordSize is the bytes one point's x (or y) takes given its flag byte.
func coordSize(flag, short, same byte) int {
	switch {
	case flag&short != 0:
		return 1
	case flag&same != 0:
		return 0
	default:
		return 2
	}
}

func stripComposite(g []byte) ([]byte, error) {
	p := 10
	var flagAt []int
	instructions := false
	for {
		if p+4 > len(g) {
			return nil, malformed("composite glyph truncated")
		}
		flags := be16(g[p:])
		n := 4 + 2             // flags, glyphIndex, two byte arguments
		if flags&0x0001 != 0 { // ARG_1_AND_2_ARE_WORDS
			n += 2
		}
		switch { // the order FreeType reads them in, should more than one be set
		case flags&0x0008 != 0: // WE_HAVE_A_SCALE
			n += 2
		case flags&0x0040 != 0: // WE_HAVE_AN_X_AND_Y_SCALE
			n += 4
		case flags&0x0080 != 0: // WE_HAVE_A_TWO_BY_TWO
			n += 8
		}
		if p+n > len(g) {
			return nil, malformed("composite glyph truncated")
		}
		flagAt = append(flagAt, p)
		instructions = instructions || flags&weHaveInstructions != 0
		p += n
		if flags&0x0020 == 0 { // MORE_COMPONENTS
			break
		}
	}
	if instructions {
		if p+2 > len(g) || p+2+int(be16(g[p:])) > len(g) {
			return nil, malformed("composite glyph truncated in its instructions")
		}
	}
	out := clone(g[:p])
	for _, at := range flagAt {
		binary.BigEndian.PutUint16(out[at:], be16(out[at:])&^weHaveInstructions)
	}
	return out, nil
}

// assemble writes an sfnt with the given tables: the directory sorted by tag, the table data in
// the order given, each padded to 4 bytes, and every checksum computed. head's
// checkSumAdjustment must be zero in tables.
func assemble(version uint32, tables []table) []byte {
	n := len(tables)
	size := 12 + 16*n
	for _, t := range tables {
		size += pad4(len(t.data))
	}
	out := make([]byte, 12+16*n, size)
	binary.BigEndian.PutUint32(out, version)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	pow := 1 << (bits.Len(uint(n)) - 1) // the largest power of two <= n
	binary.BigEndian.PutUint16(out[6:], uint16(16*pow))
	binary.BigEndian.PutUint16(out[8:], uint16(bits.Len(uint(n))-1))
	binary.BigEndian.PutUint16(out[10:], uint16(16*(n-pow)))

	type record struct {
		tag                 string
		sum, offset, length uint32
	}
	records := make([]record, 0, n)
	headAt := -1
	for _, t := range tables {
		if t.tag == "head" {
			headAt = len(out)
		}
		records = append(records, record{t.tag, checksum(t.data), uint32(len(out)), uint32(len(t.data))})
		out = append(out, t.data...)
		out = append(out, make([]byte, pad4(len(t.data))-len(t.data))...)
	}
	sort.Slice(records, func(i, j int) bool { return records[i].tag < records[j].tag })
	for i, r := range records {
		d := out[12+16*i:]
		copy(d, r.tag)
		binary.BigEndian.PutUint32(d[4:], r.sum)
		binary.BigEndian.PutUint32(d[8:], r.offset)
		binary.BigEndian.PutUint32(d[12:], r.length)
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], checksumMagic-checksum(out))
	}
	return out
}

// checksum is the sfnt table checksum: the sum of big-endian uint32s, the tail zero-padded.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += be32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var tail [4]byte
		copy(tail[:], b)
		sum += be32(tail[:])
	}
	return sum
}

func pad4(n int) int { return (n + 3) &^ 3 }

func clone(b []byte) []byte { return append([]byte(nil), b...) }

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
