package meme

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	valid := `{"boxes":[{"text":"TOP","x":0.05,"y":0.03,"w":0.9,"h":0.2,"align":"center","valign":"top","font":"anton",
		"size":"auto","minSize":0.02,"fill":"#ffffff","outline":"#000000","outlineWidth":0.006,"transform":"upper","rotation":0}]}`
	t.Run("AcceptsThePlanExample", func(t *testing.T) {
		s, err := ParseSpec([]byte(valid))
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Boxes) != 1 || s.Boxes[0].Size != SizeAuto || s.Boxes[0].Text != "TOP" {
			t.Fatalf("got %+v", s)
		}
	})
	t.Run("AcceptsNumericSize", func(t *testing.T) {
		s, err := ParseSpec([]byte(`{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1,"size":0.1}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if s.Boxes[0].Size != 0.1 {
			t.Fatalf("size = %v", s.Boxes[0].Size)
		}
	})
	t.Run("DecodesEscapesAndNulls", func(t *testing.T) {
		s, err := ParseSpec([]byte(`{"boxes":[{"text":"\u00e9\ud83d\ude00\n\"\\\/\t","x":null,"y":0,"w":1,"h":1,"size":null,"fill":null}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if b := s.Boxes[0]; b.Text != "é😀\n\"\\/\t" || b.Size != SizeAuto || b.Fill != "" {
			t.Fatalf("got %+v", b)
		}
	})
	t.Run("LoneSurrogateBecomesReplacement", func(t *testing.T) {
		s, err := ParseSpec([]byte(`{"boxes":[{"text":"a\ud800b","w":1,"h":1}]}`))
		if err != nil || s.Boxes[0].Text != "a\ufffdb" {
			t.Fatalf("%+v %v", s.Boxes, err)
		}
	})
	t.Run("AcceptsNoBoxes", func(t *testing.T) {
		if _, err := ParseSpec([]byte(`{"boxes":[]}`)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("DefaultSpecRoundTrips", func(t *testing.T) {
		b, err := json.Marshal(DefaultSpec())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseSpec(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if len(s.Boxes) != 2 || s.Boxes[0] != DefaultSpec().Boxes[0] || s.Boxes[1] != DefaultSpec().Boxes[1] {
			t.Fatalf("round trip changed the spec: %s", b)
		}
	})

	box := func(fields string) string {
		return `{"boxes":[{"text":"a","x":0,"y":0,"w":0.5,"h":0.5` + fields + `}]}`
	}
	bad := []struct {
		name, json, want string
	}{
		{"RejectsUnknownField", box(`,"colour":"#fff"`), `unknown field "colour"`},
		{"RejectsUnknownTopLevelField", `{"boxes":[],"x":1}`, `unknown field "x"`},
		{"RejectsMissingBoxes", `{}`, `"boxes" is missing`},
		{"RejectsNullBoxes", `{"boxes":null}`, `"boxes" is missing`},
		{"RejectsTrailingData", `{"boxes":[]} {}`, "unexpected data"},
		{"RejectsNotJSON", `boxes`, "invalid character"},
		{"RejectsEmpty", ``, "unexpected end of input"},
		{"RejectsWrongType", box(`,"x":"0"`), "boxes[0].x: at byte 54: want a number, got string"},
		{"RejectsBoxNotObject", `{"boxes":[1]}`, "boxes[0].at byte 10: want an object, got number"},
		{"RejectsBoxesNotArray", `{"boxes":{}}`, `boxes: at byte 9: invalid character '{', want '['`},
		{"RejectsLeadingZero", box(`,"x":01`), "want ',' or '}'"},
		{"RejectsBareDot", box(`,"x":1.`), "boxes[0].x: at byte 56: malformed number"},
		{"RejectsPlusSign", box(`,"x":+1`), "want a number"},
		{"RejectsNaNLiteral", box(`,"x":NaN`), "want a number"},
		{"RejectsBadEscape", `{"boxes":[{"text":"\x"}]}`, `invalid escape \x`},
		{"RejectsRawNewlineInString", "{\"boxes\":[{\"text\":\"a\nb\"}]}", "control character"},
		{"RejectsUnterminatedString", `{"boxes":[{"text":"abc`, "unterminated string"},
		{"RejectsInvalidUTF8", "{\"boxes\":[{\"text\":\"\xff\"}]}", "invalid UTF-8"},
		{"RejectsMissingComma", `{"boxes":[] "x":1}`, "want ',' or '}'"},
		{"RejectsTrailingComma", `{"boxes":[{"text":"a"},]}`, "want an object"},
		{"RejectsSizeWord", box(`,"size":"big"`), `size "big": want "auto" or a number`},
		{"RejectsSizeZero", box(`,"size":0`), "size 0: must be > 0"},
		{"RejectsSizeNegative", box(`,"size":-1`), "must be > 0"},
		{"RejectsSizeTooBig", box(`,"size":2`), "boxes[0].size: 2 is out of range"},
		{"RejectsHugeNumber", box(`,"rotation":1e999`), "rotation"},
		{"RejectsNegativeX", box(`,"x":-0.1`), "boxes[0].x: -0.1 is negative"},
		{"RejectsZeroWidth", box(`,"w":0`), "boxes[0].w: 0 must be greater than 0"},
		{"RejectsBoxPastRightEdge", box(`,"x":0.6`), "boxes[0].w: box runs past the right edge"},
		{"RejectsBoxPastBottom", box(`,"y":0.7`), "boxes[0].h: box runs past the bottom edge"},
		{"RejectsMinSizeOutOfRange", box(`,"minSize":1.5`), "boxes[0].minSize: 1.5 is out of range"},
		{"RejectsThickOutline", box(`,"outlineWidth":0.5`), "boxes[0].outlineWidth"},
		{"RejectsWildRotation", box(`,"rotation":720`), "boxes[0].rotation: 720 is out of range"},
		{"RejectsBadAlign", box(`,"align":"middle"`), `boxes[0].align: "middle" is not one of left, center, right`},
		{"RejectsBadVAlign", box(`,"valign":"center"`), `boxes[0].valign`},
		{"RejectsBadTransform", box(`,"transform":"lower"`), `boxes[0].transform`},
		{"RejectsColourWithoutHash", box(`,"fill":"ffffff"`), `boxes[0].fill: bad colour "ffffff"`},
		{"RejectsColourName", box(`,"fill":"white"`), `boxes[0].fill: bad colour`},
		{"RejectsColourBadDigit", box(`,"outline":"#00g"`), `boxes[0].outline: bad colour "#00g"`},
		{"RejectsColourBadLength", box(`,"outline":"#00000"`), `boxes[0].outline: bad colour`},
		{"RejectsControlCharacter", `{"boxes":[{"text":"a\u0000b","x":0,"y":0,"w":1,"h":1}]}`, "boxes[0].text: control character U+0000"},
		{"RejectsLongText", `{"boxes":[{"text":"` + strings.Repeat("я", MaxTextLen+1) + `","x":0,"y":0,"w":1,"h":1}]}`, "boxes[0].text: 501 characters is over the limit of 500"},
		{"RejectsTooManyBoxes", `{"boxes":[` + strings.Repeat(`{"text":"a","x":0,"y":0,"w":1,"h":1},`, MaxBoxes) + `{"text":"a","x":0,"y":0,"w":1,"h":1}]}`, "21 boxes is over the limit of 20"},
		{"NamesTheBox", `{"boxes":[{"text":"a","x":0,"y":0,"w":1,"h":1},{"text":"b","x":0,"y":0,"w":1,"h":1,"fill":"#12"}]}`, "boxes[1].fill"},
		{"RejectsHugeSpec", `{"boxes":[],"pad":"` + strings.Repeat(" ", MaxSpecSize) + `"}`, "over the 1048576 byte limit"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec([]byte(tc.json))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	ok := Box{Text: "a", W: 1, H: 1}
	cases := []struct {
		name string
		mod  func(*Box)
		want string
	}{
		{"RejectsNaN", func(b *Box) { b.X = math.NaN() }, "boxes[0].x: NaN is not a number"},
		{"RejectsInf", func(b *Box) { b.Rotation = math.Inf(1) }, "boxes[0].rotation: +Inf is not finite"},
		{"RejectsNaNSize", func(b *Box) { b.Size = Size(math.NaN()) }, "boxes[0].size: NaN"},
		{"RejectsNegativeSize", func(b *Box) { b.Size = -0.1 }, "boxes[0].size: -0.1 is negative"},
		{"RejectsInvalidUTF8", func(b *Box) { b.Text = "\xff" }, "boxes[0].text: not valid UTF-8"},
		{"RejectsLongFontName", func(b *Box) { b.Font = strings.Repeat("f", 65) }, "boxes[0].font"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := ok
			tc.mod(&b)
			err := Spec{Boxes: []Box{b}}.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("AcceptsDefaultSpec", func(t *testing.T) {
		if err := DefaultSpec().Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("AcceptsNewlinesAndTabs", func(t *testing.T) {
		b := ok
		b.Text = "a\r\nb\tc"
		if err := (Spec{Boxes: []Box{b}}).Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParseColor(t *testing.T) {
	cases := []struct {
		in   string
		want [4]uint8
	}{
		{"#fff", [4]uint8{255, 255, 255, 255}},
		{"#0A8", [4]uint8{0, 0xaa, 0x88, 255}},
		{"#12345678", [4]uint8{0x12, 0x34, 0x56, 0x78}},
		{"#ff000080", [4]uint8{255, 0, 0, 0x80}},
	}
	for _, tc := range cases {
		c, err := parseColor(tc.in, c0)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := [4]uint8{c.R, c.G, c.B, c.A}; got != tc.want {
			t.Errorf("%s = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	r := Box{Text: "hé\r\nwörld\u00a0x\ty", W: 1, H: 1, Transform: "upper"}.resolve()
	if r.text != "HÉ\nWÖRLD X Y" {
		t.Errorf("text = %q", r.text)
	}
	if r.align != "center" || r.valign != "middle" || r.font != "anton" || r.minSize != DefaultMinSize {
		t.Errorf("defaults not applied: %+v", r)
	}
	if r.fill.A != 255 || r.fill.R != 255 || r.outline.R != 0 || r.outline.A != 255 {
		t.Errorf("colours: %+v %+v", r.fill, r.outline)
	}
}
