package meme

import (
	"bytes"
	"image"
	"image/draw"
	"testing"
)

// TestPreviewFrame drives one Renderer through a session of edits the way
// the browser does — passing the frame it holds, copying only Changed — and
// checks after every step that both the Renderer's image and the caller's
// copy equal a fresh render of the same spec.
func TestPreviewFrame(t *testing.T) {
	fs := fullFontSet(t)
	src := testImage(1200, 900)
	spec := DefaultSpec()
	spec.Boxes[0].Text = "top text"
	spec.Boxes[1].Text = "bottom text"
	third := spec.Boxes[0]
	third.Text, third.Y, third.Fill = "middle", 0.4, "#ff0000"

	r := NewRenderer(fs)
	r.SetImage(src)
	var held *image.RGBA // what the caller shows
	var have uint64
	w, h := 800, 600

	type step struct {
		name string
		edit func()
		// partial: the change must be smaller than the image; empty: nothing changed.
		partial, empty bool
	}
	steps := []step{
		{name: "First", edit: func() {}},
		{name: "Typing", edit: func() { spec.Boxes[1].Text = "bottom text!" }, partial: true},
		{name: "SameSpecAgain", edit: func() {}, empty: true},
		{name: "Moving", edit: func() { spec.Boxes[0].Y = 0.1 }, partial: true},
		{name: "Colour", edit: func() { spec.Boxes[0].Fill = "#00ff00" }, partial: true},
		{name: "AddBox", edit: func() { spec.Boxes = append(spec.Boxes, third) }, partial: true},
		{name: "OverlapBelow", edit: func() { spec.Boxes[2].Y = spec.Boxes[0].Y }, partial: true},
		{name: "Reorder", edit: func() { spec.Boxes[0], spec.Boxes[2] = spec.Boxes[2], spec.Boxes[0] }, partial: true},
		{name: "RemoveBox", edit: func() { spec.Boxes = spec.Boxes[:2] }, partial: true},
		{name: "EmptyText", edit: func() { spec.Boxes[1].Text = "" }, partial: true},
		{name: "Rotate", edit: func() { spec.Boxes[0].Rotation = 30 }, partial: true},
		{name: "Resize", edit: func() { w, h = 400, 300 }},
		{name: "TypingAfterResize", edit: func() { spec.Boxes[1].Text = "back" }, partial: true},
		{name: "NewImage", edit: func() { r.SetImage(testImage(1200, 900)) }},
		{name: "CallerLostFrame", edit: func() { held, have = nil, 0 }},
		{name: "CallerHasOlderFrame", edit: func() { have--; spec.Boxes[1].Text = "older" }},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.edit()
			f, res, err := r.PreviewFrame(spec, w, h, have)
			if err != nil {
				t.Fatal(err)
			}
			if f.ID <= have {
				t.Fatalf("frame %d after %d", f.ID, have)
			}
			whole := f.Image.Rect
			switch {
			case st.empty && !f.Changed.Empty():
				t.Fatalf("nothing changed but Changed is %v", f.Changed)
			case st.partial && (f.Changed.Empty() || f.Changed == whole):
				t.Fatalf("Changed is %v of %v, want a part", f.Changed, whole)
			case !st.partial && !st.empty && f.Changed != whole:
				t.Fatalf("Changed is %v, want all of %v", f.Changed, whole)
			}
			if held == nil || held.Rect != whole {
				held = image.NewRGBA(whole)
			}
			draw.Draw(held, f.Changed, f.Image, f.Changed.Min, draw.Src)
			have = f.ID

			fresh := NewRenderer(fs)
			fresh.SetImage(src)
			want, wantRes, err := fresh.Preview(spec, w, h)
			if err != nil {
				t.Fatal(err)
			}
			if hashPix(f.Image) != hashPix(want) {
				t.Fatal("the Renderer's frame differs from a fresh render")
			}
			if hashPix(held) != hashPix(want) {
				t.Fatal("the caller's copy, updated by Changed only, differs from a fresh render")
			}
			if len(res.Missing) != len(wantRes.Missing) || len(res.Overflow) != len(wantRes.Overflow) {
				t.Fatalf("result %+v, fresh %+v", res, wantRes)
			}
		})
	}
	t.Run("ErrorKeepsFrame", func(t *testing.T) {
		bad := spec
		bad.Boxes = append([]Box(nil), spec.Boxes...)
		bad.Boxes[0].Font = "no-such-font"
		before := hashPix(r.preview)
		if _, _, err := r.PreviewFrame(bad, w, h, have); err == nil {
			t.Fatal("unknown font accepted")
		}
		if hashPix(r.preview) != before {
			t.Fatal("a failed preview changed the frame")
		}
		f, _, err := r.PreviewFrame(spec, w, h, have)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Changed.Empty() {
			t.Fatalf("the frame after a failed one changed %v though the spec did not", f.Changed)
		}
	})
}

// TestPreviewFramePanicMidRepaint: a repaint that stops half way (here a
// base image broken on purpose, so restore panics as the face would see
// it) must not leave the next frame patching a half-painted image.
func TestPreviewFramePanicMidRepaint(t *testing.T) {
	fs := fullFontSet(t)
	src := testImage(800, 600)
	spec := DefaultSpec()
	spec.Boxes[0].Text = "before"
	r := NewRenderer(fs)
	r.SetImage(src)
	f, _, err := r.PreviewFrame(spec, 400, 300, 0)
	if err != nil {
		t.Fatal(err)
	}
	good := r.base
	r.base = &image.RGBA{Stride: good.Stride, Rect: good.Rect} // no pixels
	spec.Boxes[0].Text = "during"
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the broken base did not panic; the test no longer tests anything")
			}
		}()
		r.PreviewFrame(spec, 400, 300, f.ID)
	}()
	r.base = good
	spec.Boxes[0].Text = "after"
	got, _, err := r.PreviewFrame(spec, 400, 300, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Changed != got.Image.Rect {
		t.Fatalf("after a failed repaint Changed is %v, want the whole %v", got.Changed, got.Image.Rect)
	}
	fresh := NewRenderer(fs)
	fresh.SetImage(src)
	want, _, _ := fresh.Preview(spec, 400, 300)
	if hashPix(got.Image) != hashPix(want) {
		t.Fatal("the frame after a failed repaint differs from a fresh render")
	}
}

// TestSubImageSource: an image whose rows are wider than its pixels (a
// SubImage) renders as a copy of it would.
func TestSubImageSource(t *testing.T) {
	fs := fullFontSet(t)
	big := testImage(900, 700)
	sub := big.SubImage(image.Rect(100, 50, 700, 500)).(*image.RGBA)
	cp := image.NewRGBA(image.Rect(0, 0, 600, 450))
	draw.Draw(cp, cp.Rect, sub, sub.Rect.Min, draw.Src)
	spec := DefaultSpec()
	spec.Boxes[0].Text = "sub image"
	for _, size := range [][2]int{{600, 450}, {300, 225}} {
		a, b := NewRenderer(fs), NewRenderer(fs)
		a.SetImage(sub)
		b.SetImage(cp)
		pa, _, err := a.Preview(spec, size[0], size[1])
		if err != nil {
			t.Fatal(err)
		}
		pb, _, _ := b.Preview(spec, size[0], size[1])
		if hashPix(pa) != hashPix(pb) {
			t.Fatalf("preview %v of a sub-image differs from its copy", size)
		}
	}
	a, b := NewRenderer(fs), NewRenderer(fs)
	a.SetImage(sub)
	b.SetImage(cp)
	fa, _, err := a.Final(spec)
	if err != nil {
		t.Fatal(err)
	}
	fb, _, _ := b.Final(spec)
	if hashPix(fa) != hashPix(fb) {
		t.Fatal("final of a sub-image differs from its copy")
	}
}

// TestBlend checks blend against the per-channel arithmetic it replaces,
// for every destination channel value and every k, with source channels
// at their largest (alpha) and smallest (zero).
func TestBlend(t *testing.T) {
	for k := uint32(0); k <= 255; k++ {
		a := 255 - k
		for d := uint32(0); d <= 255; d++ {
			for _, s := range []uint32{a | a<<8 | a<<16 | a<<24, a << 24, a/2 | a/3<<8 | a<<24} {
				dw := d | (255-d)<<8 | (d/2)<<16 | (d^0x5a)<<24
				var want uint32
				for sh := 0; sh < 32; sh += 8 {
					want |= ((s>>sh)&0xff + ((dw>>sh)&0xff*k+127)/255) << sh
				}
				if got := blend(s, dw, k); got != want {
					t.Fatalf("blend(%#08x, %#08x, %d) = %#08x, want %#08x", s, dw, k, got, want)
				}
			}
		}
	}
}

// TestFinalRepaintsOnlyChangedLayers: a Final after a Final on the same
// image puts back only where changed captions were or are. Whatever the
// sequence (a caption changed, moved, emptied, added, the same spec again,
// a canvas in between, a new image), every Final must equal a fresh
// renderer's.
func TestFinalRepaintsOnlyChangedLayers(t *testing.T) {
	fs := fullFontSet(t)
	img := testImage(640, 480)
	other := testImage(640, 480)
	for i := range other.Pix {
		other.Pix[i] ^= 0x55
	}
	spec := func(texts ...string) Spec {
		s := DefaultSpec()
		s.Boxes = s.Boxes[:0]
		for i, text := range texts {
			b := NewBox()
			b.Y, b.Text = 0.05+0.3*float64(i), text
			s.Boxes = append(s.Boxes, b)
		}
		return s
	}
	moved := spec("top", "bottom")
	moved.Boxes[1].X, moved.Boxes[1].W, moved.Boxes[1].Rotation = 0.2, 0.7, 30
	overlap := func(second string) Spec {
		s := spec("first caption", second)
		s.Boxes[1].Y = s.Boxes[0].Y + 0.05 // the layers overlap
		return s
	}
	steps := []struct {
		name string
		spec Spec
		set  *image.RGBA
	}{
		{"First", spec("top", "bottom"), nil},
		{"SameAgain", spec("top", "bottom"), nil},
		{"BottomChanged", spec("top", "bottom 2"), nil},
		{"TopChanged", spec("top 2", "bottom 2"), nil},
		{"Moved", moved, nil},
		{"Emptied", spec("", "bottom 2"), nil},
		{"Added", spec("", "bottom 2", "a third caption"), nil},
		{"Removed", spec("top"), nil},
		{"Overlapping", overlap("second caption"), nil},
		{"OverlappingChanged", overlap("SECOND"), nil},
		{"Canvas", tmplSpec("four-panel", "a", "b", "c", "d"), nil},
		{"AfterCanvas", spec("top", "bottom"), nil},
		{"NewImage", spec("top", "bottom"), other},
		{"NewImageChanged", spec("top", "bottom 3"), nil},
	}
	r := NewRenderer(fs)
	cur := img
	if err := r.SetImage(cur); err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if st.set != nil {
			cur = st.set
			if err := r.SetImage(cur); err != nil {
				t.Fatal(err)
			}
		}
		got, _, err := r.Final(st.spec)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		fresh := NewRenderer(fs)
		if err := fresh.SetImage(cur); err != nil {
			t.Fatal(err)
		}
		want, _, err := fresh.Final(st.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
			t.Fatalf("%s: differs from a fresh renderer's final", st.name)
		}
	}
}
