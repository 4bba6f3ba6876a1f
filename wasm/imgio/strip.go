package imgio

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Strip removes what a photo says about where, when and with what it was
// taken, without touching a single coded pixel: it rewrites the container
// (JPEG segments, PNG chunks, RIFF chunks, GIF blocks) and copies the image
// data through byte for byte, so the stripped file decodes to exactly the
// same pixels and is no bigger than the input.
//
// What stays is what display needs: a JPEG's JFIF header, ICC profile, Adobe
// colour-transform marker and EXIF orientation (rewritten as an EXIF block
// holding that one tag: applying it would mean re-encoding a lossy JPEG);
// PNG's transparency, colour (iCCP, gAMA, cHRM, sRGB, cICP, sBIT), pixel
// density, background and APNG animation chunks; WebP's ICC profile,
// animation and alpha; GIF's graphic control, plain-text, NETSCAPE2.0 looping
// and ICC extensions. Everything else (EXIF with GPS and maker notes, XMP,
// IPTC/Photoshop, comments, text chunks, timestamps, unknown chunks and any
// bytes after the end of the image) is removed; an allow-list, so metadata
// no one has thought of yet goes too.
//
// Every error wraps ErrUnsupported, ErrEmpty or ErrCorrupt.
func Strip(data []byte) ([]byte, Stripped, error) {
	if len(data) == 0 {
		return nil, Stripped{}, fmt.Errorf("imgio: strip: no bytes: %w", ErrEmpty)
	}
	format, ok := Sniff(data)
	if !ok {
		return nil, Stripped{}, fmt.Errorf("imgio: strip: %w (want JPEG, PNG, GIF or WebP)", ErrUnsupported)
	}
	s := Stripped{Format: format.Name}
	var out []byte
	var err error
	switch format.Name {
	case "jpeg":
		out, err = stripJPEG(data, &s)
	case "png":
		out, err = stripPNG(data, &s)
	case "gif":
		out, err = stripGIF(data, &s)
	case "webp":
		out, err = stripWebP(data, &s)
	}
	if err != nil {
		return nil, Stripped{}, fmt.Errorf("imgio: strip %s: %w: %w", format.Name, ErrCorrupt, err)
	}
	s.Frames = max(s.Frames, 1)
	return out, s, nil
}

// Stripped reports what Strip found and removed.
type Stripped struct {
	// Format is "jpeg", "png", "gif" or "webp".
	Format string
	// Removed names each kind of block removed, once, in the order first met:
	// "exif", "xmp", "iptc", "comment", "text", "time", "trailer", "other".
	Removed []string
	// Location is true when the removed EXIF held a GPS block.
	Location bool
	// Frames is how many frames the file holds: GIF images, APNG frame
	// controls, WebP animation frames; 1 for a still image.
	Frames int
}

func (s *Stripped) removed(kind string) {
	for _, k := range s.Removed {
		if k == kind {
			return
		}
	}
	s.Removed = append(s.Removed, kind)
}

// ---- JPEG ----

// stripJPEG walks every marker segment up to EOI, including those between
// the scans of a progressive JPEG, copying entropy-coded data verbatim.
func stripJPEG(data []byte, s *Stripped) ([]byte, error) {
	out := make([]byte, 0, len(data))
	out = append(out, 0xff, 0xd8)
	i := 2
	orientation := 0
	wroteOrientation := false
	// The orientation block goes right after the first APP0 (JFIF wants to
	// be first) or, without one, before the first segment that is not APP0.
	flushOrientation := func() {
		if wroteOrientation {
			return
		}
		wroteOrientation = true
		if orientation > 1 {
			out = append(out, exifOrientationSegment(orientation)...)
		}
	}
	if o, err := jpegOrientation(data); err == nil {
		orientation = o
	}
	for {
		// Markers may be preceded by fill bytes.
		start := i
		for i < len(data) && data[i] == 0xff {
			i++
		}
		if i >= len(data) {
			return nil, fmt.Errorf("no end-of-image marker")
		}
		if i == start {
			return nil, fmt.Errorf("junk before marker at byte %d", i)
		}
		marker := data[i]
		i++
		switch {
		case marker == 0xd9: // EOI: whatever follows (phone trailers, appended images) goes
			flushOrientation()
			out = append(out, 0xff, 0xd9)
			if i < len(data) {
				s.removed("trailer")
			}
			return out, nil
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			out = append(out, 0xff, marker)
			continue
		case marker == 0xd8 || marker == 0x00:
			return nil, fmt.Errorf("unexpected marker 0x%02x at byte %d", marker, i-1)
		}
		if i+2 > len(data) {
			return nil, fmt.Errorf("segment length cut off")
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return nil, fmt.Errorf("segment 0x%02x length %d out of range", marker, n)
		}
		seg := data[i-2 : i+n] // marker, length and body
		body := data[i+2 : i+n]
		i += n
		if marker != 0xe0 {
			flushOrientation()
		}
		if keep, kind := keepJPEGSegment(marker, body, s); keep {
			out = append(out, seg...)
		} else if orientation > 1 && bytes.Equal(seg, exifOrientationSegment(orientation)) {
			// Our own orientation block, written again above: nothing removed.
		} else {
			s.removed(kind)
		}
		if marker == 0xe0 && !wroteOrientation {
			flushOrientation()
		}
		if marker != 0xda {
			continue
		}
		// Entropy-coded data runs to the next marker that is neither a
		// stuffed zero nor a restart marker.
		j := i
		for {
			k := bytes.IndexByte(data[j:], 0xff)
			if k < 0 {
				return nil, fmt.Errorf("scan data runs off the end")
			}
			j += k
			if j+1 >= len(data) {
				return nil, fmt.Errorf("scan data runs off the end")
			}
			if m := data[j+1]; m == 0x00 || (m >= 0xd0 && m <= 0xd7) || m == 0xff {
				j++
				if m != 0xff {
					j++
				}
				continue
			}
			break
		}
		out = append(out, data[i:j]...)
		i = j
	}
}

// keepJPEGSegment decides one segment: the frame, tables and scans stay,
// and of the application segments only JFIF, ICC profiles and Adobe's
// colour-transform flag (decoders need it to tell YCbCr from RGB).
func keepJPEGSegment(marker byte, body []byte, s *Stripped) (bool, string) {
	has := func(p string) bool { return bytes.HasPrefix(body, []byte(p)) }
	switch {
	case marker == 0xe0:
		return has("JFIF\x00"), "other" // JFXX carries a thumbnail
	case marker == 0xe1:
		if has("Exif\x00\x00") {
			if exifHasGPS(body[6:]) {
				s.Location = true
			}
			return false, "exif"
		}
		if has("http://ns.adobe.com/") {
			return false, "xmp"
		}
		return false, "other"
	case marker == 0xe2:
		return has("ICC_PROFILE\x00"), "other" // FlashPix, MPF (more images)
	case marker == 0xed:
		return false, "iptc"
	case marker == 0xee:
		return has("Adobe"), "other"
	case marker >= 0xe3 && marker <= 0xef:
		return false, "other"
	case marker == 0xfe:
		return false, "comment"
	}
	return true, ""
}

// exifOrientationSegment is an APP1 EXIF block whose IFD0 holds only the
// orientation tag.
func exifOrientationSegment(o int) []byte {
	seg := []byte{0xff, 0xe1, 0, 0}
	seg = append(seg, "Exif\x00\x00"...)
	seg = append(seg, "MM\x00\x2a\x00\x00\x00\x08"...) // big-endian TIFF, IFD0 at 8
	seg = append(seg, 0, 1)                            // one entry
	seg = append(seg, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0)
	seg = append(seg, 0, 0, 0, 0) // no next IFD
	binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
	return seg
}

// exifHasGPS reports whether IFD0 of a TIFF structure points at a GPS IFD.
func exifHasGPS(tiff []byte) bool {
	if len(tiff) < 8 {
		return false
	}
	var order binary.ByteOrder = binary.BigEndian
	if string(tiff[:2]) == "II" {
		order = binary.LittleEndian
	}
	off := uint64(order.Uint32(tiff[4:]))
	if off+2 > uint64(len(tiff)) {
		return false
	}
	count := uint64(order.Uint16(tiff[off:]))
	for k := uint64(0); k < count; k++ {
		e := off + 2 + k*12
		if e+12 > uint64(len(tiff)) {
			return false
		}
		if order.Uint16(tiff[e:]) == 0x8825 {
			return true
		}
	}
	return false
}

// ---- PNG ----

// pngKeep is the allow-list of chunks: the critical ones, transparency,
// colour, density, background and APNG animation.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "iCCP": true, "gAMA": true, "cHRM": true, "sRGB": true, "cICP": true, "sBIT": true,
	"pHYs": true, "bKGD": true, "acTL": true, "fcTL": true, "fdAT": true,
}

func stripPNG(data []byte, s *Stripped) ([]byte, error) {
	out := make([]byte, 0, len(data))
	out = append(out, pngSignature...)
	i := len(pngSignature)
	for {
		if i+8 > len(data) {
			return nil, fmt.Errorf("no IEND chunk")
		}
		n := uint64(binary.BigEndian.Uint32(data[i:]))
		typ := string(data[i+4 : i+8])
		end := uint64(i) + 12 + n
		if n > 1<<31-1 || end > uint64(len(data)) {
			return nil, fmt.Errorf("chunk %q length %d out of range", typ, n)
		}
		for _, c := range []byte(typ) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return nil, fmt.Errorf("bad chunk type %q", typ)
			}
		}
		if pngKeep[typ] {
			out = append(out, data[i:end]...)
			if typ == "fcTL" {
				s.Frames++
			}
		} else {
			switch typ {
			case "tEXt", "zTXt", "iTXt":
				if bytes.HasPrefix(data[i+8:end], []byte("XML:com.adobe.xmp\x00")) {
					s.removed("xmp")
				} else {
					s.removed("text")
				}
			case "eXIf":
				if exifHasGPS(data[i+8 : end-4]) {
					s.Location = true
				}
				s.removed("exif")
			case "tIME":
				s.removed("time")
			default:
				if typ[0] >= 'A' && typ[0] <= 'Z' {
					return nil, fmt.Errorf("unknown critical chunk %q", typ)
				}
				s.removed("other")
			}
		}
		i = int(end)
		if typ == "IEND" {
			if i < len(data) {
				s.removed("trailer")
			}
			return out, nil
		}
	}
}

// ---- WebP ----

// VP8X flag bits.
const (
	vp8xICC  = 0x20
	vp8xEXIF = 0x08
	vp8xXMP  = 0x04
)

func stripWebP(data []byte, s *Stripped) ([]byte, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("RIFF header cut off")
	}
	riff := uint64(binary.LittleEndian.Uint32(data[4:]))
	if riff < 4 || 8+riff > uint64(len(data)) {
		return nil, fmt.Errorf("RIFF size %d out of range", riff)
	}
	if 8+riff < uint64(len(data)) {
		s.removed("trailer")
	}
	body := data[12 : 8+riff]
	out := make([]byte, 12, len(data))
	copy(out, "RIFF\x00\x00\x00\x00WEBP")
	vp8x := -1 // offset in out of the VP8X flags byte
	icc := false
	for i := 0; i < len(body); {
		if i+8 > len(body) {
			return nil, fmt.Errorf("chunk header cut off")
		}
		typ := string(body[i : i+4])
		n := uint64(binary.LittleEndian.Uint32(body[i+4:]))
		end := uint64(i) + 8 + n
		if end > uint64(len(body)) {
			return nil, fmt.Errorf("chunk %q length %d out of range", typ, n)
		}
		padded := end + end&1
		if padded > uint64(len(body)) {
			padded = end // a missing final pad byte is common; write it ourselves
		}
		switch typ {
		case "VP8X":
			if n < 10 {
				return nil, fmt.Errorf("VP8X chunk of %d bytes", n)
			}
			vp8x = len(out) + 8
			fallthrough
		case "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF", "ICCP":
			icc = icc || typ == "ICCP"
			out = append(out, body[i:end]...)
			if typ == "ANMF" {
				s.Frames++
			}
			if n&1 == 1 {
				out = append(out, 0)
			}
		case "EXIF":
			if e := body[i+8 : end]; exifHasGPS(e) || bytes.HasPrefix(e, []byte("Exif\x00\x00")) && exifHasGPS(e[6:]) {
				s.Location = true
			}
			s.removed("exif")
		case "XMP ":
			s.removed("xmp")
		default:
			s.removed("other")
		}
		i = int(padded)
	}
	if vp8x >= 0 {
		out[vp8x] &^= vp8xEXIF | vp8xXMP
		if !icc {
			out[vp8x] &^= vp8xICC
		}
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}

// ---- GIF ----

func stripGIF(data []byte, s *Stripped) ([]byte, error) {
	if len(data) < 13 {
		return nil, fmt.Errorf("header cut off")
	}
	i := 13
	if flags := data[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1)
	}
	if i > len(data) {
		return nil, fmt.Errorf("global colour table cut off")
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:i]...)
	// subBlocks returns the end of a run of data sub-blocks starting at j.
	subBlocks := func(j int) (int, error) {
		for {
			if j >= len(data) {
				return 0, fmt.Errorf("data sub-blocks run off the end")
			}
			n := int(data[j])
			j += 1 + n
			if n == 0 {
				return j, nil
			}
		}
	}
	for {
		if i >= len(data) {
			return nil, fmt.Errorf("no trailer")
		}
		switch data[i] {
		case 0x3b: // trailer
			out = append(out, 0x3b)
			if i+1 < len(data) {
				s.removed("trailer")
			}
			return out, nil
		case 0x2c: // image descriptor, colour table, LZW code size, data
			j := i + 10
			if j > len(data) {
				return nil, fmt.Errorf("image descriptor cut off")
			}
			if flags := data[i+9]; flags&0x80 != 0 {
				j += 3 << (flags&7 + 1)
			}
			j++ // LZW minimum code size
			end, err := subBlocks(j)
			if err != nil {
				return nil, err
			}
			out = append(out, data[i:end]...)
			i = end
			s.Frames++
		case 0x21: // extension
			if i+2 > len(data) {
				return nil, fmt.Errorf("extension cut off")
			}
			label := data[i+1]
			end, err := subBlocks(i + 2)
			if err != nil {
				return nil, err
			}
			keep, kind := true, ""
			switch label {
			case 0xf9, 0x01: // graphic control, plain text (drawn on the image)
			case 0xfe:
				keep, kind = false, "comment"
			case 0xff:
				app := data[i+2 : min(end, i+3+11)]
				switch {
				case bytes.Equal(app, []byte("\x0bNETSCAPE2.0")), bytes.Equal(app, []byte("\x0bANIMEXTS1.0")),
					bytes.Equal(app, []byte("\x0bICCRGBG1012")):
				case bytes.Equal(app, []byte("\x0bXMP DataXMP")):
					keep, kind = false, "xmp"
				default:
					keep, kind = false, "other"
				}
			default:
				keep, kind = false, "other"
			}
			if keep {
				out = append(out, data[i:end]...)
			} else {
				s.removed(kind)
			}
			i = end
		default:
			return nil, fmt.Errorf("unknown block 0x%02x at byte %d", data[i], i)
		}
	}
}
