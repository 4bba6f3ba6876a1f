package meme

import (
	"bytes"
	"encoding/json"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// FuzzParseSpec: any bytes give a spec that validates or an error, never a
// panic; an accepted spec survives a JSON round trip unchanged.
func FuzzParseSpec(f *testing.F) {
	def, _ := json.Marshal(DefaultSpec())
	for _, s := range []string{
		string(def),
		`{"boxes":[]}`,
		`{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"size":0.5,"rotation":-45}]}`,
		`{"boxes":[{"text":"Привет 你好","x":0.1,"y":0.1,"w":0.8,"h":0.3,"fill":"#ff000080"}]}`,
		`{"boxes":[{"size":"auto"}]}`,
		`{"boxes":null}`,
		`[1,2,3]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSpec(data)
		// Differential check: where encoding/json (strict) also accepts the
		// input, both parsers must read the same boxes.
		var ref Spec
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err == nil && dec.Decode(&ref) == nil && len(ref.Boxes) == len(s.Boxes) {
			for i := range ref.Boxes {
				if ref.Boxes[i] != s.Boxes[i] {
					t.Fatalf("box %d: encoding/json read %+v, ParseSpec %+v", i, ref.Boxes[i], s.Boxes[i])
				}
			}
		}
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ParseSpec accepted a spec Validate rejects: %v", err)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		s2, err := ParseSpec(b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		if len(s2.Boxes) != len(s.Boxes) {
			t.Fatal("round trip lost boxes")
		}
		for i := range s.Boxes {
			if s.Boxes[i] != s2.Boxes[i] {
				t.Fatalf("box %d changed: %+v -> %+v", i, s.Boxes[i], s2.Boxes[i])
			}
		}
	})
}

// FuzzRenderBytes drives the whole bytes-in entry point with hostile image
// bytes and specs. The pixel limit is lowered so each input stays fast; the
// limit itself is tested in imgio and TestRenderBytes.
func FuzzRenderBytes(f *testing.F) {
	img := testImage(24, 16)
	var p, j, g bytes.Buffer
	png.Encode(&p, img)
	jpeg.Encode(&j, img, nil)
	gif.Encode(&g, img, nil)
	spec, _ := json.Marshal(Spec{Boxes: []Box{
		{Text: "HI 你 \U00010000", X: 0, Y: 0, W: 1, H: 0.5, Rotation: 30, OutlineWidth: 0.05},
		{Text: "x", X: 0.5, Y: 0.5, W: 0.5, H: 0.5, Size: 0.9, Align: "right", VAlign: "bottom"},
	}})
	for _, b := range [][]byte{p.Bytes(), j.Bytes(), g.Bytes(), p.Bytes()[:40], nil} {
		f.Add(b, spec)
	}
	f.Add(p.Bytes(), []byte(`{"boxes":[]}`))
	fs := fullFontSet(f)
	f.Fuzz(func(t *testing.T, data, specJSON []byte) {
		s, err := ParseSpec(specJSON)
		if err != nil {
			return
		}
		out, res, err := renderBytes(data, s, fs, 1<<16)
		if err != nil {
			return
		}
		if out == nil || out.Rect.Empty() {
			t.Fatal("no image and no error")
		}
		for _, i := range res.Overflow {
			if i < 0 || i >= len(s.Boxes) {
				t.Fatalf("overflow index %d out of range", i)
			}
		}
	})
}
