package imgio

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The EXIF reader below reads exactly one value, the orientation tag of IFD0,
// so it is a few bounds-checked slice reads over the input: it allocates
// nothing and its work is linear in the number of JPEG segments before the
// image data, whatever offsets or counts the file claims.

var (
	errNoExif      = errors.New("no EXIF block")
	errNoTag       = errors.New("no orientation tag")
	errExifCorrupt = errors.New("malformed EXIF block")
)

const tagOrientation = 0x0112

// jpegOrientation returns the EXIF orientation (1-8) of a JPEG file, or an
// error when it has no readable one.
func jpegOrientation(data []byte) (int, error) {
	tiff, err := jpegExif(data)
	if err != nil {
		return 0, err
	}
	return exifOrientation(tiff)
}

// jpegExif returns the TIFF structure inside the first APP1 "Exif" segment
// of a JPEG, looking only at the segments before the image data.
func jpegExif(data []byte) ([]byte, error) {
	if len(data) < 2 || data[0] != 0xff || data[1] != 0xd8 {
		return nil, fmt.Errorf("not a JPEG: %w", errNoExif)
	}
	i := 2
	for {
		// Markers may be preceded by any number of 0xff fill bytes.
		start := i
		for i < len(data) && data[i] == 0xff {
			i++
		}
		if i >= len(data) {
			return nil, errNoExif
		}
		if i == start {
			return nil, fmt.Errorf("junk before marker at byte %d: %w", i, errExifCorrupt)
		}
		marker := data[i]
		i++
		switch {
		case marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			continue // standalone markers carry no length
		case marker == 0xda || marker == 0xd9:
			return nil, errNoExif // start of scan or end of image: EXIF must come before
		}
		if i+2 > len(data) {
			return nil, fmt.Errorf("segment length cut off: %w", errExifCorrupt)
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return nil, fmt.Errorf("segment 0x%02x length %d out of range: %w", marker, n, errExifCorrupt)
		}
		seg := data[i+2 : i+n]
		i += n
		if marker == 0xe1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return seg[6:], nil
		}
	}
}

// exifOrientation reads the orientation tag from IFD0 of a TIFF structure
// (the body of a JPEG's EXIF segment).
func exifOrientation(tiff []byte) (int, error) {
	if len(tiff) < 8 {
		return 0, fmt.Errorf("TIFF header cut off: %w", errExifCorrupt)
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0, fmt.Errorf("bad byte order %q: %w", tiff[:2], errExifCorrupt)
	}
	if order.Uint16(tiff[2:]) != 42 {
		return 0, fmt.Errorf("bad TIFF magic: %w", errExifCorrupt)
	}
	off := uint64(order.Uint32(tiff[4:]))
	if off+2 > uint64(len(tiff)) {
		return 0, fmt.Errorf("IFD0 offset %d out of range: %w", off, errExifCorrupt)
	}
	count := uint64(order.Uint16(tiff[off:]))
	entries := off + 2
	if entries+count*12 > uint64(len(tiff)) {
		return 0, fmt.Errorf("IFD0 claims %d entries, only room for %d: %w",
			count, (uint64(len(tiff))-entries)/12, errExifCorrupt)
	}
	for k := uint64(0); k < count; k++ {
		e := tiff[entries+k*12 : entries+k*12+12]
		if order.Uint16(e[0:]) != tagOrientation {
			continue
		}
		const typeShort = 3
		if typ, n := order.Uint16(e[2:]), order.Uint32(e[4:]); typ != typeShort || n != 1 {
			return 0, fmt.Errorf("orientation tag has type %d count %d, want one SHORT: %w", typ, n, errExifCorrupt)
		}
		// A single SHORT sits in the first two bytes of the value field.
		v := int(order.Uint16(e[8:]))
		if v < 1 || v > 8 {
			return 0, fmt.Errorf("orientation %d not in 1-8: %w", v, errExifCorrupt)
		}
		return v, nil
	}
	return 0, errNoTag
}
