package meme

import (
	"bytes"
	"encoding/json"
	"image/gif"
	"image/jpeg"
	"image/png"
	"reflect"
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
		`{"canvas":{"aspect":1.5,"background":"#00000080","padding":{"top":0.1,"left":0.02},"images":[{"x":0,"y":0,"w":0.5,"h":1,"fit":"contain","crop":{"x":0.1,"y":0,"w":0.8,"h":1},"rotate":90},{"x":0.5,"y":0,"w":0.5,"h":1}]},"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":0.2,"background":"#fff8","shadow":"#000"}]}`,
		`{"canvas":{"band":{"side":"top","box":0,"size":0.05}},"boxes":[{"text":"bar","x":0.05,"y":0,"w":0.9,"h":0.1}]}`,
		`{"canvas":{"images":[]},"canvas":{"aspect":2},"boxes":[]}`,
		`{"canvas":null,"boxes":[]}`,
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
		if err == nil && dec.Decode(&ref) == nil && !sameSpec(ref, s) {
			t.Fatalf("encoding/json read %s, ParseSpec %s", dump(ref), dump(s))
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
		if !sameSpec(s, s2) {
			t.Fatalf("round trip changed %s to %s", dump(s), dump(s2))
		}
	})
}

// sameSpec compares specs field by field, taking an empty slice and nil as
// the same ([] and none both mean the default).
func sameSpec(a, b Spec) bool {
	norm := func(s Spec) Spec {
		if len(s.Boxes) == 0 {
			s.Boxes = nil
		}
		if s.Canvas != nil {
			c := *s.Canvas
			if len(c.Images) == 0 {
				c.Images = nil
			}
			s.Canvas = &c
		}
		return s
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

func dump(s Spec) string {
	b, _ := json.Marshal(s)
	return string(b)
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
