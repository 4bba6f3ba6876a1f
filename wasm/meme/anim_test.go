package meme

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"testing"

	"github.com/memeforge/memeforge/internal/testgif"
	"github.com/memeforge/memeforge/wasm/imgio"
)

// animSpecs are the caption sets the round trip runs: the default white on
// black, and colours no test palette has (they must get entries of their
// own), one box translucent.
func animSpecs(t testing.TB) map[string]Spec {
	t.Helper()
	def := DefaultSpec()
	// Big enough to have solid pixels on the 48x32 test GIFs.
	def.Boxes[0].Text, def.Boxes[1].Text = "top", "bottom"
	def.Boxes[0].MinSize, def.Boxes[1].MinSize = 0.25, 0.25
	odd, err := ParseSpec([]byte(`{"boxes":[
		{"text":"HEY","x":0.05,"y":0.3,"w":0.9,"h":0.4,"fill":"#ff00ff","outline":"#00ff80","outlineWidth":0.04},
		{"text":"ghost","x":0,"y":0,"w":1,"h":0.3,"fill":"#ffffff80"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Spec{"default": def, "odd-colours": odd}
}

func animCases() []testgif.Case {
	return append(testgif.Cases(), testgif.Case{Name: "real", Data: testgif.Real(40, 292, 107)})
}

// TestGIFRoundTrip decodes each test GIF, captions it, encodes it, decodes
// the result and checks what a viewer would see: the same frames, delays
// and loop count; outside the captions every frame exactly as the source
// shows it; caption pixels in their exact fill and outline colours; and a
// file at most 1.5 times the source's size.
func TestGIFRoundTrip(t *testing.T) {
	fs := fullFontSet(t)
	for _, c := range animCases() {
		for sname, spec := range animSpecs(t) {
			t.Run(c.Name+"/"+sname, func(t *testing.T) {
				a, err := imgio.DecodeAnimation(c.Data, 0)
				if err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				if _, err := EncodeAnimation(&out, a, spec, fs); err != nil {
					t.Fatal(err)
				}
				b, err := imgio.DecodeAnimation(out.Bytes(), 0)
				if err != nil {
					t.Fatal(err)
				}
				if len(b.Frames) != len(a.Frames) || b.LoopCount != a.LoopCount {
					t.Fatalf("%d frames, loop %d; want %d, %d", len(b.Frames), b.LoopCount, len(a.Frames), a.LoopCount)
				}
				for i := range a.Delay {
					if a.Delay[i] != b.Delay[i] {
						t.Errorf("frame %d: delay %d, want %d", i, b.Delay[i], a.Delay[i])
					}
				}
				e := &gifEncoder{screen: image.Rect(0, 0, a.Width, a.Height), isSolid: map[uint32]bool{}}
				var lc layerCache
				if e.caps, _, err = lc.layers(spec, fs, a.Width, a.Height); err != nil {
					t.Fatal(err)
				}
				e.prepareCaptions()
				e.target = image.NewRGBA(e.screen)
				if len(e.solids) == 0 {
					t.Fatal("no opaque caption pixels: the test proves nothing")
				}
				ca, cb := a.NewComposer(), b.NewComposer()
				var edges, solid int
				for i := range a.Frames {
					copy(e.target.Pix, ca.Frame(i).Pix)
					e.paintCaptions()
					want, got := words(e.target.Pix), words(cb.Frame(i).Pix)
					for k := range want {
						x, y := k%a.Width, k/a.Width
						switch {
						case !e.inMask(x, y):
							if got[k] != want[k] {
								t.Fatalf("frame %d, %d,%d outside the captions: %08x, source shows %08x", i, x, y, got[k], want[k])
							}
						case e.isSolid[want[k]]:
							solid++
							if got[k] != want[k] {
								t.Fatalf("frame %d, %d,%d caption colour %08x, want %08x", i, x, y, got[k], want[k])
							}
						default:
							edges++
							if (got[k]>>24 == 0) != (want[k]>>24 == 0) || dist(got[k], want[k]) > 3*128*128 {
								t.Fatalf("frame %d, %d,%d caption edge %08x, want about %08x", i, x, y, got[k], want[k])
							}
						}
					}
				}
				if solid == 0 {
					t.Error("no caption pixel checked")
				}
				if ratio := float64(out.Len()) / float64(len(c.Data)); ratio > 1.5 {
					t.Errorf("output %d bytes is %.2fx the input's %d", out.Len(), ratio, len(c.Data))
				} else {
					t.Logf("%d -> %d bytes (%.2fx), %d solid and %d edge caption pixels", len(c.Data), out.Len(), ratio, solid, edges)
				}
			})
		}
	}
}

// TestAnimationFrameUsesCachedCaptions: playing frames re-rasterizes no
// caption, and frame i is the composed frame with the captions on top.
func TestAnimationFrameUsesCachedCaptions(t *testing.T) {
	fs := fullFontSet(t)
	c := animCases()[0]
	a, err := imgio.DecodeAnimation(c.Data, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRenderer(fs)
	if err := r.SetAnimation(a); err != nil {
		t.Fatal(err)
	}
	spec := animSpecs(t)["default"]
	if _, _, err := r.AnimationFrame(spec, 0, 96, 64); err != nil {
		t.Fatal(err)
	}
	before := fmt.Sprint(r.previewLayers.cached)
	comp := a.NewComposer()
	for i := range a.Frames {
		img, _, err := r.AnimationFrame(spec, i, 96, 64)
		if err != nil {
			t.Fatal(err)
		}
		want := image.NewRGBA(image.Rect(0, 0, 96, 64))
		scaleRGBA(want, comp.Frame(i))
		caps, _, _ := r.previewLayers.layers(spec, fs, 96, 64)
		paint(want, caps)
		if !bytes.Equal(img.Pix, want.Pix) {
			t.Fatalf("frame %d differs from composed+scaled+captioned", i)
		}
	}
	if after := fmt.Sprint(r.previewLayers.cached); after != before {
		t.Error("caption layers were rasterized again while playing")
	}
	if _, _, err := r.AnimationFrame(spec, len(a.Frames), 96, 64); err == nil {
		t.Error("frame past the end accepted")
	}
	// The still image is the first frame: a PNG of an animation is frame 0.
	if !bytes.Equal(r.src.Pix, comp.Frame(0).Pix) {
		t.Error("the still image is not the first frame")
	}
}

const gifHashFile = "testdata/gif-hashes.json"

// TestGIFHashes is "the same GIF bytes everywhere": hashes of every
// captioned test GIF (and of frame 3 of each preview) are generated natively
// with -update, and the same test runs under GOOS=js GOARCH=wasm.
func TestGIFHashes(t *testing.T) {
	fs := fullFontSet(t)
	got := map[string]string{}
	for _, c := range animCases() {
		a, err := imgio.DecodeAnimation(c.Data, 0)
		if err != nil {
			t.Fatal(err)
		}
		for sname, spec := range animSpecs(t) {
			var out bytes.Buffer
			if _, err := EncodeAnimation(&out, a, spec, fs); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(out.Bytes())
			got[c.Name+"/"+sname] = hex.EncodeToString(sum[:16])
			r := NewRenderer(fs)
			if err := r.SetAnimation(a); err != nil {
				t.Fatal(err)
			}
			img, _, err := r.AnimationFrame(spec, min(3, len(a.Frames)-1), 77, 51)
			if err != nil {
				t.Fatal(err)
			}
			got[c.Name+"/"+sname+"/preview"] = hashPix(img)
		}
	}
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := writeFileAtomic(gifHashFile, append(b, '\n')); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(gifHashFile)
	if err != nil {
		t.Fatalf("%v (generate with go test ./wasm/meme -run TestGIFHashes -update)", err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	for n, h := range got {
		if want[n] != h {
			t.Errorf("%s: got %s, want %s", n, h, want[n])
		}
	}
	if len(want) != len(got) {
		t.Errorf("%d cases, %s has %d", len(got), gifHashFile, len(want))
	}
}
