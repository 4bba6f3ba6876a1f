package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/memeforge/memeforge/wasm/imgio"
)

// checkedObjects is objects once nothing is left in the holding prefix: the check has
// published or refused every upload (the page waits only for the meme's).
func checkedObjects(t *testing.T, s *testSite) map[string][]object {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		objs := objects(t, s)
		if len(objs["incoming"]) == 0 {
			return objs
		}
		if time.Now().After(deadline) {
			t.Fatalf("still unchecked after 30 s: %v", keys(map[string][]object{"incoming": objs["incoming"]}))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func exiftool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("exiftool")
	if err != nil {
		t.Fatal("exiftool not found: install it with apt-get install libimage-exiftool-perl")
	}
	return p
}

// gpsTagged copies a photo and writes a phone's metadata into it with exiftool.
func gpsTagged(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "gps-photo.jpg")
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exiftool(t), "-q", "-overwrite_original",
		"-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E",
		"-Make=Acme", "-SerialNumber=SN-1234567", "-XMP-dc:Creator=Alice Example",
		"-IPTC:City=Paris", "-Comment=shot at home", dst).CombinedOutput()
	if err != nil {
		t.Fatalf("exiftool: %v\n%s", err, out)
	}
	if tags := exifTags(t, dst); tags["GPS:GPSLatitude"] == nil {
		t.Fatalf("exiftool wrote no GPS position: %v", tags)
	}
	return dst
}

func exifTags(t *testing.T, path string) map[string]any {
	t.Helper()
	out, err := exec.Command(exiftool(t), "-j", "-a", "-G1", "-n", path).CombinedOutput()
	if err != nil {
		t.Fatalf("exiftool %s: %v\n%s", path, err, out)
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 {
		t.Fatalf("exiftool output: %v\n%s", err, out)
	}
	return res[0]
}

// assertStripped checks a stored original: exiftool finds no location, camera, XMP, IPTC or
// comment in it, and it decodes to the source's pixels.
func assertStripped(t *testing.T, source, stored []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stored.jpg")
	if err := os.WriteFile(p, stored, 0o644); err != nil {
		t.Fatal(err)
	}
	for k, v := range exifTags(t, p) {
		group, name, _ := strings.Cut(k, ":")
		if strings.Contains(k, "GPS") || group == "XMP-dc" || group == "IPTC" || name == "Comment" || name == "Make" || name == "SerialNumber" {
			t.Errorf("the stored original still has %s = %v", k, v)
		}
	}
	m0, _, err := imgio.Decode(source, 0)
	if err != nil {
		t.Fatal(err)
	}
	m1, _, err := imgio.Decode(stored, 0)
	if err != nil {
		t.Fatalf("the stored original does not decode: %v", err)
	}
	if !bytes.Equal(m0.Pix, m1.Pix) {
		t.Error("the stored original decodes to other pixels than the photo")
	}
}
