package imgio

import (
	"encoding/binary"
	"errors"
	"image/color"
	"testing"
)

// TestDecodeAppliesEXIFOrientation stores an upright 64x32 picture (red,
// green / blue, yellow quadrants) the way a camera would for each EXIF
// orientation, and checks Decode hands it back upright. The stored layouts
// are written out by hand from the EXIF definitions, not computed by the
// code under test.
func TestDecodeAppliesEXIFOrientation(t *testing.T) {
	type layout struct{ tl, tr, bl, br color.RGBA }
	tests := []struct {
		name        string
		orientation int
		stored      layout // quadrants as stored in the file
		swapped     bool   // stored as 32x64
	}{
		{"1Normal", 1, layout{red, green, blue, yellow}, false},
		{"2MirroredHorizontally", 2, layout{green, red, yellow, blue}, false},
		{"3Rotated180", 3, layout{yellow, blue, green, red}, false},
		{"4MirroredVertically", 4, layout{blue, yellow, red, green}, false},
		{"5Transposed", 5, layout{red, blue, green, yellow}, true},
		{"6Rotated90CW", 6, layout{green, yellow, red, blue}, true},
		{"7Transversed", 7, layout{yellow, green, blue, red}, true},
		{"8Rotated90CCW", 8, layout{blue, red, yellow, green}, true},
	}
	for _, tt := range tests {
		for _, order := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
			t.Run(tt.name+"/"+order.String(), func(t *testing.T) {
				w, h := 64, 32
				if tt.swapped {
					w, h = h, w
				}
				stored := quadrants(w, h, tt.stored.tl, tt.stored.tr, tt.stored.bl, tt.stored.br)
				data := withExif(encodeJPEG(t, stored, 95), orientationTIFF(order, tt.orientation))

				m, info, err := Decode(data, 0)
				if err != nil {
					t.Fatal(err)
				}
				want := Info{Format: "jpeg", Width: 64, Height: 32, Orientation: tt.orientation}
				if info != want {
					t.Fatalf("info = %+v, want %+v", info, want)
				}
				if m.Rect.Dx() != 64 || m.Rect.Dy() != 32 {
					t.Fatalf("image is %v, want 64x32", m.Rect)
				}
				got := quadrantColours(m)
				for i, c := range []color.RGBA{red, green, blue, yellow} {
					if !near(got[i], c, 12) {
						t.Errorf("quadrant %d = %v, want %v", i, got[i], c)
					}
				}
			})
		}
	}
}

// Pixel-exact check of the orientation maths on a photo-like image with odd
// sizes (so off-by-one errors at the edges show), against a naive
// per-pixel reference written from the EXIF definitions.
func TestOrientMatchesReference(t *testing.T) {
	src := photoLike(37, 43) // odd sizes, and more rows than one conversion strip
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	for o := 1; o <= 8; o++ {
		t.Run("Orientation"+string(rune('0'+o)), func(t *testing.T) {
			got := orient(src, o)
			dw, dh := sw, sh
			if o >= 5 {
				dw, dh = sh, sw
			}
			if got.Rect.Dx() != dw || got.Rect.Dy() != dh {
				t.Fatalf("size %v, want %dx%d", got.Rect, dw, dh)
			}
			for y := 0; y < dh; y++ {
				for x := 0; x < dw; x++ {
					var sx, sy int
					switch o {
					case 1:
						sx, sy = x, y
					case 2:
						sx, sy = sw-1-x, y
					case 3:
						sx, sy = sw-1-x, sh-1-y
					case 4:
						sx, sy = x, sh-1-y
					case 5:
						sx, sy = y, x
					case 6:
						sx, sy = y, sh-1-x
					case 7:
						sx, sy = sw-1-y, sh-1-x
					case 8:
						sx, sy = sw-1-y, x
					}
					if g, w := got.RGBAAt(x, y), src.RGBAAt(sx, sy); g != w {
						t.Fatalf("pixel (%d,%d) = %v, want source (%d,%d) = %v", x, y, g, sx, sy, w)
					}
				}
			}
		})
	}
}

func TestDecodeIgnoresBrokenEXIF(t *testing.T) {
	jpg := encodeJPEG(t, quadrants(64, 32, red, green, blue, yellow), 95)
	tests := []struct {
		name string
		data []byte
	}{
		{"OrientationZero", withExif(jpg, orientationTIFF(binary.LittleEndian, 0))},
		{"OrientationNine", withExif(jpg, orientationTIFF(binary.BigEndian, 9))},
		{"IFDOffsetPastEnd", withExif(jpg, []byte("II*\x00\xff\xff\xff\x7f"))},
		{"BadByteOrder", withExif(jpg, []byte("XX*\x00\x08\x00\x00\x00\x00\x00"))},
		{"EmptyExif", withExif(jpg, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, info, err := Decode(tt.data, 0)
			if err != nil {
				t.Fatalf("a broken EXIF block made the photo undecodable: %v", err)
			}
			if info.Orientation != 1 || m.Rect.Dx() != 64 {
				t.Fatalf("info %+v, want it left as stored (orientation 1, 64 wide)", info)
			}
		})
	}
}

func TestJPEGOrientation(t *testing.T) {
	jpg := encodeJPEG(t, quadrants(8, 8, red, green, blue, yellow), 90)
	le, be := binary.LittleEndian, binary.BigEndian
	xmp := append([]byte("http://ns.adobe.com/xap/1.0/\x00"), "<x:xmpmeta/>"...)
	tests := []struct {
		name    string
		data    []byte
		want    int
		wantErr error
	}{
		{"ReadsLittleEndian", withExif(jpg, orientationTIFF(le, 6)), 6, nil},
		{"ReadsBigEndian", withExif(jpg, orientationTIFF(be, 8)), 8, nil},
		// withAPP1 inserts right after SOI, so XMP ends up first.
		{"ReadsAfterXMPSegment", withAPP1(withExif(jpg, orientationTIFF(le, 3)), xmp), 3, nil},
		{"ReadsAfterFillBytes", fillBefore(withExif(jpg, orientationTIFF(le, 5))), 5, nil},
		{"ReadsOnlyTagAmongMany", withExif(jpg, buildTIFF(be,
			tiffEntry{0x010f, 2, 4, 0}, tiffEntry{0x0110, 2, 4, 0}, tiffEntry{tagOrientation, 3, 1, 7},
			tiffEntry{0x011a, 5, 1, 0})), 7, nil},
		{"NoExifSegment", jpg, 0, errNoExif},
		{"OnlyXMP", withAPP1(jpg, xmp), 0, errNoExif},
		{"NotJPEG", []byte("\x89PNG"), 0, errNoExif},
		{"NoOrientationTag", withExif(jpg, buildTIFF(le, tiffEntry{0x010f, 2, 4, 0})), 0, errNoTag},
		{"OrientationAsLong", withExif(jpg, buildTIFF(le, tiffEntry{tagOrientation, 4, 1, 6})), 0, errExifCorrupt},
		{"OrientationCountTwo", withExif(jpg, buildTIFF(le, tiffEntry{tagOrientation, 3, 2, 6})), 0, errExifCorrupt},
		{"OrientationOutOfRange", withExif(jpg, orientationTIFF(le, 200)), 0, errExifCorrupt},
		{"EntryCountPastEnd", withExif(jpg, []byte("II*\x00\x08\x00\x00\x00\xff\xff")), 0, errExifCorrupt},
		{"IFDOffsetHuge", withExif(jpg, []byte("MM\x00*\xff\xff\xff\xff\x00\x00")), 0, errExifCorrupt},
		{"ShortTIFF", withExif(jpg, []byte("II*")), 0, errExifCorrupt},
		{"BadMagic", withExif(jpg, []byte("II+\x00\x08\x00\x00\x00\x00\x00")), 0, errExifCorrupt},
		{"SegmentLengthPastEnd", []byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 'E', 'x'}, 0, errExifCorrupt},
		{"SegmentLengthTooSmall", []byte{0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01}, 0, errExifCorrupt},
		{"SegmentLengthCutOff", []byte{0xff, 0xd8, 0xff, 0xe1, 0x00}, 0, errExifCorrupt},
		{"JunkBetweenSegments", []byte{0xff, 0xd8, 0x12, 0xff, 0xe1, 0x00, 0x02}, 0, errExifCorrupt},
		{"ExifAfterScanIgnored", append(append([]byte{}, jpg...), withExif([]byte{0xff, 0xd8}, orientationTIFF(le, 6))[2:]...), 0, errNoExif},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jpegOrientation(tt.data)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got (%d, %v), want error %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got (%d, %v), want %d", got, err, tt.want)
			}
		})
	}
}

// fillBefore adds 0xff fill bytes before the marker that follows SOI.
func fillBefore(jpg []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, 0xff, 0xff, 0xff)
	return append(out, jpg[2:]...)
}
