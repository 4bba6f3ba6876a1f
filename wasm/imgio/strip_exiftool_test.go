//go:build !js

package imgio

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// exiftoolPath is Debian's exiftool; the oracle tests fail (never skip)
// without it, naming the package.
func exiftoolPath(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("exiftool")
	if err != nil {
		t.Fatal("exiftool not found: install it with apt-get install libimage-exiftool-perl")
	}
	return p
}

// testICC is a small, well-formed ICC profile (header, one 'cprt' tag) for
// exiftool to embed and read back.
func testICC() []byte {
	text := []byte("text\x00\x00\x00\x00memeforge test profile\x00")
	p := make([]byte, 128+4+12)
	be := binary.BigEndian
	copy(p[4:], "none")
	be.PutUint32(p[8:], 0x02100000)
	copy(p[12:], "mntr")
	copy(p[16:], "RGB ")
	copy(p[20:], "XYZ ")
	copy(p[36:], "acsp")
	be.PutUint32(p[68:], 0x0000f6d6) // D50 illuminant
	be.PutUint32(p[72:], 0x00010000)
	be.PutUint32(p[76:], 0x0000d32d)
	be.PutUint32(p[128:], 1)
	copy(p[132:], "cprt")
	be.PutUint32(p[136:], uint32(len(p)))
	be.PutUint32(p[140:], uint32(len(text)))
	p = append(p, text...)
	be.PutUint32(p[0:], uint32(len(p)))
	return p
}

// exiftoolTags reads every tag exiftool finds, grouped by family 1 ("GPS:GPSLatitude").
func exiftoolTags(t *testing.T, tool, path string) map[string]any {
	t.Helper()
	out, err := exec.Command(tool, "-j", "-a", "-G1", "-n", "-e", path).CombinedOutput()
	if err != nil {
		t.Fatalf("exiftool %s: %v\n%s", path, err, out)
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 {
		t.Fatalf("exiftool output: %v\n%s", err, out)
	}
	return res[0]
}

// TestStripExiftool writes what a phone and an editing app leave in a photo
// with exiftool, strips it, and asks exiftool what is left: only the
// orientation and the ICC profile, and the same pixels.
func TestStripExiftool(t *testing.T) {
	tool := exiftoolPath(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(in, encodeJPEG(t, photoLike(64, 48), 90), 0o644); err != nil {
		t.Fatal(err)
	}
	icc := filepath.Join(dir, "test.icc")
	if err := os.WriteFile(icc, testICC(), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-q", "-overwrite_original",
		"-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E",
		"-GPSAltitude=35", "-Make=Acme", "-Model=Phone 9", "-SerialNumber=SN-1234567",
		"-DateTimeOriginal=2026:11:30 12:00:00", "-Orientation#=6",
		"-XMP-dc:Creator=Alice Example", "-XMP-exif:GPSLatitude=48.8584",
		"-IPTC:Keywords=secret", "-IPTC:City=Paris", "-Comment=shot at home", "-ICC_Profile<=" + icc, in}
	if out, err := exec.Command(tool, args...).CombinedOutput(); err != nil {
		t.Fatalf("exiftool write: %v\n%s", err, out)
	}
	before := exiftoolTags(t, tool, in)
	for _, k := range []string{"GPS:GPSLatitude", "IFD0:Make", "ExifIFD:SerialNumber", "XMP-dc:Creator", "IPTC:City", "File:Comment", "ICC-header:ProfileClass"} {
		if _, ok := before[k]; !ok {
			t.Fatalf("exiftool did not write %s (the test's own setup); it read %v", k, before)
		}
	}

	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	out, s, err := Strip(data)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Location {
		t.Error("Stripped.Location false for a photo with GPS")
	}
	stripped := filepath.Join(dir, "stripped.jpg")
	if err := os.WriteFile(stripped, out, 0o644); err != nil {
		t.Fatal(err)
	}
	after := exiftoolTags(t, tool, stripped)
	t.Logf("exiftool reads after stripping: %v", after)
	for k, v := range after {
		group, _, _ := strings.Cut(k, ":")
		switch group {
		case "SourceFile", "ExifTool", "System", "File", "Composite", "JFIF":
			if k == "File:Comment" {
				t.Errorf("comment kept: %v", v)
			}
			continue
		case "ICC_Profile", "ICC-header", "ICC-meas", "ICC-view":
			continue
		case "IFD0":
			if k == "IFD0:Orientation" {
				continue
			}
		}
		t.Errorf("exiftool still finds %s = %v", k, v)
	}
	if o, _ := after["IFD0:Orientation"].(float64); o != 6 {
		t.Errorf("orientation %v, want 6", after["IFD0:Orientation"])
	}
	if after["ICC-header:ProfileClass"] != before["ICC-header:ProfileClass"] || after["ICC_Profile:ProfileCopyright"] != "memeforge test profile" {
		t.Errorf("ICC profile not kept: %v", after)
	}
	m0, i0, err := Decode(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	m1, i1, err := Decode(out, 0)
	if err != nil {
		t.Fatal(err)
	}
	if i0 != i1 || i1.Orientation != 6 || !bytes.Equal(m0.Pix, m1.Pix) {
		t.Errorf("stripped %+v, original %+v, or their pixels differ", i1, i0)
	}
}
