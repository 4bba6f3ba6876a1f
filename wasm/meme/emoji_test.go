package meme

import (
	"image"
	"reflect"
	"slices"
	"testing"

	"golang.org/x/image/draw"
)

// TestEmojiResolutionIndependent renders one emoji spec as a 400x300
// preview and at 1600x1200, and compares the preview with the final image
// scaled down: the art is drawn at each size from its vectors, so both show
// the same picture, not a bitmap blown up.
func TestEmojiResolutionIndependent(t *testing.T) {
	var prev, final renderCase
	for _, c := range renderCases() {
		switch c.name {
		case "emoji-preview":
			prev = c
		case "emoji-final":
			final = c
		}
	}
	p, _ := prev.render(t)
	p = cloneRGBA(p)
	f, _ := final.render(t)
	down := image.NewRGBA(p.Rect)
	draw.CatmullRom.Scale(down, down.Rect, f, f.Rect, draw.Src, nil)
	d := compare(p, down)
	t.Logf("preview vs final scaled down: %+v", d)
	if d.err != nil || d.mean > 3 || d.bigFrac > 0.02 {
		t.Fatalf("the preview is not the final image at a quarter of the size: %+v", d)
	}
	// A negative control: the final with two emoji swapped must fail it.
	swapped := final
	swapped.spec = script2(final.spec, "WHEN IT WORKS 🔥👍🏽", "1️⃣ 🇺🇦 👨‍👩‍👧")
	g, _ := swapped.render(t)
	draw.CatmullRom.Scale(down, down.Rect, g, g.Rect, draw.Src, nil)
	if d := compare(p, down); d.mean <= 3 && d.bigFrac <= 0.02 {
		t.Fatalf("the negative control passes: %+v", d)
	}
}

// script2 is spec with its two boxes' texts replaced.
func script2(spec Spec, top, bottom string) Spec {
	out := Spec{Boxes: slices.Clone(spec.Boxes)}
	out.Boxes[0].Text, out.Boxes[1].Text = top, bottom
	return out
}

func TestEmojiNeeded(t *testing.T) {
	fs := fullFontSet(t)
	spec := specOf(withText(DefaultSpec().Boxes[0], "WHEN IT WORKS 🔥👍🏽 🔥"), withText(DefaultSpec().Boxes[1], "👨‍👩‍👧 🇺🇦 1️⃣ #"))
	want := []string{"1f525", "1f44d-1f3fd", "1f468-200d-1f469-200d-1f467", "1f1fa-1f1e6", "31-20e3"}
	if got := EmojiNeeded(spec, fs); !reflect.DeepEqual(got, want) {
		t.Fatalf("EmojiNeeded = %q, want %q", got, want)
	}
	t.Run("MissingListsWholeClusters", func(t *testing.T) {
		m, err := Missing(spec, fs)
		if err != nil {
			t.Fatal(err)
		}
		if w := []string{"🔥", "👍🏽", "👨‍👩‍👧", "🇺🇦", "1️⃣"}; !reflect.DeepEqual(m, w) {
			t.Fatalf("Missing = %q, want %q", m, w)
		}
	})
	t.Run("FontsNeededLeavesEmojiToTheirArt", func(t *testing.T) {
		// ❤ is in DejaVu, but ❤️ (with U+FE0F) is an emoji: no font for it.
		s := specOf(withText(DefaultSpec().Boxes[0], "I ❤️ GO"))
		if got, err := FontsNeeded(s, NewFontSet()); err != nil || len(got) != 0 {
			t.Fatalf("FontsNeeded = %q, want none", got)
		}
	})
	addEmojiFor(t, fs, spec)
	if got := EmojiNeeded(spec, fs); len(got) != 0 {
		t.Fatalf("after adding, EmojiNeeded = %q", got)
	}
	if m, _ := Missing(spec, fs); len(m) != 0 {
		t.Fatalf("after adding, Missing = %q", m)
	}
	t.Run("RejectsBadKeys", func(t *testing.T) {
		for _, k := range []string{"", "../etc/passwd", "1F525", "1f525-", "-1f525", "1f525--1f3fd", "1f525.svg"} {
			if err := fs.AddEmoji(k, []byte("<svg/>")); err == nil {
				t.Errorf("AddEmoji(%q) accepted", k)
			}
		}
		if err := fs.AddEmoji("1f525", []byte("not svg")); err == nil {
			t.Error("AddEmoji took bytes that are not SVG")
		}
	})
}

// TestEmojiLayout checks what layout sees: one emoji cluster is one
// em-wide piece that no line break or grapheme break splits.
func TestEmojiLayout(t *testing.T) {
	fs := fullFontSet(t)
	text := "A 👨‍👩‍👧👍🏽🇺🇦1️⃣ B"
	addEmojiFor(t, fs, specOf(Box{Text: text}))
	chain, _ := fs.chain(BuiltinFont)
	st := shapeText(chain, &fs.emoji, text)
	// Offsets of the clusters in runes: family 5, thumb 2, flag 2, keycap 3.
	fam, thumb, flag, key := 2, 7, 9, 11
	for _, b := range append(slices.Clone(st.Breaks(0)), st.Graphemes(0)...) {
		for _, c := range [][2]int{{fam, fam + 5}, {thumb, thumb + 2}, {flag, flag + 2}, {key, key + 3}} {
			if b > c[0] && b < c[1] {
				t.Errorf("break at %d splits the emoji at [%d, %d)", b, c[0], c[1])
			}
		}
	}
	if w := st.Width(0, fam, key+3); w != 4*emojiEm {
		t.Errorf("four emoji are %v em wide, want 4", w)
	}
	if !slices.Contains(st.Breaks(0), thumb) || !slices.Contains(st.Breaks(0), flag) {
		t.Errorf("no break between emoji (UAX #14 allows one): %v", st.Breaks(0))
	}
	if top, bot := st.Ink(0, fam, fam+5); top != 0.88 || bot != 0.12 {
		t.Errorf("emoji ink %v above, %v below the baseline; want 0.88, 0.12", top, bot)
	}
}
