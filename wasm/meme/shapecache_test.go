package meme

import (
	"fmt"
	"reflect"
	"testing"
)

func TestShapeCache(t *testing.T) {
	texts := []string{
		"WHEN THE CODE COMPILES",
		"مرحبا بالعالم 50% خصم today",
		"नमस्ते दुनिया",
		"这是一个很长的中文标题",
		"TWO\nPARAGRAPHS  WITH   SPACES",
		"",
	}
	t.Run("HitIsAFreshShape", func(t *testing.T) {
		fs := fullFontSet(t)
		chain, _ := fs.chain(BuiltinFont)
		// Shape every text once to warm the shaper (its HarfBuzz plans),
		// then compare what the cache hands back with a shaper that has
		// seen nothing, field by field.
		for _, text := range texts {
			fs.shaped(chain, text)
		}
		for _, text := range texts {
			st, miss := fs.shaped(chain, text)
			again, _ := fs.shaped(chain, text)
			if again != st {
				t.Errorf("%q: shaped again instead of taken from the cache", text)
			}
			if fresh := shapeText(chain, &fs.emoji, text); !reflect.DeepEqual(st, fresh) {
				t.Errorf("%q: the cached shape differs from a fresh one", text)
			}
			if want := missing(chain, &fs.emoji, nil, text); !reflect.DeepEqual(miss, want) {
				t.Errorf("%q: missing %q, want %q", text, miss, want)
			}
		}
	})
	t.Run("LayoutFromCacheMatchesFresh", func(t *testing.T) {
		fs := fullFontSet(t)
		chain, _ := fs.chain(BuiltinFont)
		for _, text := range texts {
			fs.shaped(chain, text)
		}
		for _, text := range texts {
			st, _ := fs.shaped(chain, text)
			fresh := shapeText(chain, &fs.emoji, text)
			lp := LayoutParams{Width: 3, Height: 1, MinSize: 0.05, Pitch: pitch(chain, fresh), Align: "center", VAlign: "middle"}
			if got, want := LayoutText(st, lp), LayoutText(fresh, lp); !reflect.DeepEqual(got, want) {
				t.Errorf("%q: layout %+v, want %+v", text, got, want)
			}
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		fs := NewFontSet()
		chain, _ := fs.chain(BuiltinFont)
		first, _ := fs.shaped(chain, "TEXT 0")
		for i := range 3 * shapeCacheSize {
			fs.shaped(chain, fmt.Sprintf("TEXT %d", i))
			if n := len(fs.shapes.items); n > shapeCacheSize || n != len(fs.shapes.order) {
				t.Fatalf("after %d texts the cache holds %d items, %d in order; want at most %d", i+1, n, len(fs.shapes.order), shapeCacheSize)
			}
		}
		if again, _ := fs.shaped(chain, "TEXT 0"); again == first {
			t.Error("the oldest text is still cached after the cache filled up")
		}
	})
	t.Run("FontChangeInvalidates", func(t *testing.T) {
		fs := NewFontSet()
		chain, _ := fs.chain(BuiltinFont)
		before, miss := fs.shaped(chain, "ЖУРНАЛ")
		if len(miss) == 0 {
			t.Fatal("Anton alone should lack Cyrillic")
		}
		if _, err := fs.Add("dejavu", fallbackFonts(t)["dejavu"], true); err != nil {
			t.Fatal(err)
		}
		chain, _ = fs.chain(BuiltinFont)
		after, miss := fs.shaped(chain, "ЖУРНАЛ")
		if after == before || len(after.chain) != 2 {
			t.Fatal("the text was not shaped again with the new fallback")
		}
		if len(miss) != 0 {
			t.Errorf("missing %q after the fallback was added", miss)
		}
		if !reflect.DeepEqual(after, shapeText(chain, &fs.emoji, "ЖУРНАЛ")) {
			t.Error("the shape after the change differs from a fresh one")
		}
	})
	t.Run("ReplacedFontInvalidates", func(t *testing.T) {
		fs := NewFontSet()
		fb := fallbackFonts(t)
		if _, err := fs.Add("x", fb["dejavu"], false); err != nil {
			t.Fatal(err)
		}
		chain, _ := fs.chain("x")
		before, _ := fs.shaped(chain, "HELLO")
		if _, err := fs.Add("x", fb["cantarell"], false); err != nil {
			t.Fatal(err)
		}
		chain, _ = fs.chain("x")
		after, _ := fs.shaped(chain, "HELLO")
		if after == before || after.chain[0] != chain[0] {
			t.Fatal("the text was not shaped again with the replacing font")
		}
	})
}
