package meme

import (
	"cmp"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a spec. They bound the work a single render can be asked to do.
const (
	MaxBoxes    = 20  // boxes in one spec
	MaxTextLen  = 500 // characters (runes) in one box's text
	MaxSpecSize = 1 << 20

	MaxFontName = 64 // bytes in a font name

	// DefaultMinSize is the smallest auto size (fraction of image height)
	// used when a box leaves minSize at 0.
	DefaultMinSize = 0.02
	MaxOutline     = 0.1 // outlineWidth, a fraction of the image height
	MaxRotation    = 360 // degrees either way
)

// The values a box's option fields take; "" takes the Default below. The
// page reads these lists, the limits above and the defaults from
// site/contract.js.
var (
	Aligns     = []string{"left", "center", "right"}
	VAligns    = []string{"top", "middle", "bottom"}
	Transforms = []string{"upper", "none"}
)

// Defaults an empty field takes.
const (
	DefaultAlign     = "center"
	DefaultVAlign    = "middle"
	DefaultFont      = BuiltinFont
	DefaultFill      = "#ffffff"
	DefaultOutline   = "#000000"
	DefaultTransform = "none"
)

// Spec is a meme: caption boxes drawn over an image, in order.
//
// A spec without a canvas is one image with the boxes over it, as it always
// was. With a canvas the output is a canvas holding up to MaxImages images
// (see Canvas) and the boxes are placed on the canvas.
type Spec struct {
	Canvas *Canvas `json:"canvas,omitempty"`
	Boxes  []Box   `json:"boxes"`
}

// Box is one caption. Positions and sizes are fractions of the image so the
// same spec looks the same at any resolution: X and W of the width, Y, H,
// Size, MinSize and OutlineWidth of the height.
//
// Empty strings take defaults: Align "center", VAlign "middle", Font "anton",
// Fill "#ffffff", Outline "#000000", Transform "none", and no Background or
// Shadow. Background is a box drawn behind the text's lines (a label);
// Shadow a copy of the text drawn a little down and to the right.
type Box struct {
	Text         string  `json:"text"`
	X            float64 `json:"x"`
	Y            float64 `json:"y"`
	W            float64 `json:"w"`
	H            float64 `json:"h"`
	Align        string  `json:"align"`  // left | center | right
	VAlign       string  `json:"valign"` // top | middle | bottom
	Font         string  `json:"font"`
	Size         Size    `json:"size"`
	MinSize      float64 `json:"minSize"` // smallest auto size; 0 means DefaultMinSize
	Fill         string  `json:"fill"`
	Outline      string  `json:"outline"`
	OutlineWidth float64 `json:"outlineWidth"`         // visible outline thickness outside the glyph; 0 for none
	Transform    string  `json:"transform"`            // upper | none
	Rotation     float64 `json:"rotation"`             // degrees, clockwise, about the box centre
	Background   string  `json:"background,omitempty"` // colour of a box behind the text; "" for none
	Shadow       string  `json:"shadow,omitempty"`     // colour of a drop shadow; "" for none
}

// Size is a font size as a fraction of the image height (the em size), or
// SizeAuto: the largest size at which the wrapped text fits the box. In JSON
// it is the string "auto" or a positive number.
type Size float64

// SizeAuto asks for the largest size that fits.
const SizeAuto Size = 0

// MarshalJSON writes "auto" or the number.
func (s Size) MarshalJSON() ([]byte, error) {
	if s == SizeAuto {
		return []byte(`"auto"`), nil
	}
	f := float64(s)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("size %v is not a number", f)
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// UnmarshalJSON reads "auto" or a positive number.
func (s *Size) UnmarshalJSON(b []byte) error {
	p := &jsonParser{data: b}
	v, err := p.size()
	if err != nil {
		return err
	}
	if p.peek() != 0 {
		return errors.New("size: unexpected data after the value")
	}
	*s = v
	return nil
}

// DefaultSpec is the spec a new image starts with: a top and a bottom box,
// white Anton with a black outline, upper case, sized to fit. Their text is
// empty; the editor puts its own placeholder words in.
func DefaultSpec() Spec {
	return Spec{Boxes: []Box{newBox(0.03, "top"), newBox(0.77, "bottom")}}
}

// NewBox is the box the editor adds: DefaultSpec's style across the middle.
func NewBox() Box { return newBox(0.4, "middle") }

func newBox(y float64, valign string) Box {
	return Box{
		X: 0.05, Y: y, W: 0.9, H: 0.2,
		Align: DefaultAlign, VAlign: valign, Font: DefaultFont, Size: SizeAuto, MinSize: DefaultMinSize,
		Fill: DefaultFill, Outline: DefaultOutline, OutlineWidth: 0.006, Transform: "upper",
	}
}

// ParseSpec reads a spec strictly: unknown fields, trailing data and
// anything Validate rejects are errors.
func ParseSpec(data []byte) (Spec, error) {
	if len(data) > MaxSpecSize {
		return Spec{}, Kind(ErrBadSpec, fmt.Errorf("meme: spec: %d bytes is over the %d byte limit", len(data), MaxSpecSize))
	}
	s, err := parseSpecJSON(data)
	if err != nil {
		return Spec{}, Kind(ErrBadSpec, fmt.Errorf("meme: spec: %w", err))
	}
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// Validate reports the first problem with the spec, naming the box (by
// index, from 0) and the field.
func (s Spec) Validate() error {
	if len(s.Boxes) > MaxBoxes {
		return Kind(ErrBadSpec, fmt.Errorf("meme: spec: %d boxes is over the limit of %d", len(s.Boxes), MaxBoxes))
	}
	for i, b := range s.Boxes {
		if err := b.validate(); err != nil {
			return Kind(ErrBadSpec, fmt.Errorf("meme: spec: boxes[%d].%w", i, err))
		}
	}
	if s.Canvas != nil {
		if err := s.Canvas.validate(len(s.Boxes)); err != nil {
			return Kind(ErrBadSpec, fmt.Errorf("meme: spec: canvas.%w", err))
		}
	}
	return nil
}

func (b Box) validate() error {
	if !utf8.ValidString(b.Text) {
		return errors.New("text: not valid UTF-8")
	}
	if n := utf8.RuneCountInString(b.Text); n > MaxTextLen {
		return fmt.Errorf("text: %d characters is over the limit of %d", n, MaxTextLen)
	}
	for _, r := range b.Text {
		if r != '\n' && r != '\r' && r != '\t' && unicode.IsControl(r) {
			return fmt.Errorf("text: control character %U", r)
		}
	}
	nums := []struct {
		name   string
		v      float64
		lo, hi float64
		loOpen bool
	}{
		{"x", b.X, 0, 1, false},
		{"y", b.Y, 0, 1, false},
		{"w", b.W, 0, 1, true},
		{"h", b.H, 0, 1, true},
		{"minSize", b.MinSize, 0, 1, false},
		{"outlineWidth", b.OutlineWidth, 0, MaxOutline, false},
		{"rotation", b.Rotation, -MaxRotation, MaxRotation, false},
	}
	for _, n := range nums {
		if err := checkRange(n.v, n.lo, n.hi, n.loOpen); err != nil {
			return fmt.Errorf("%s: %w", n.name, err)
		}
	}
	if b.Size != SizeAuto {
		if err := checkRange(float64(b.Size), 0, 1, true); err != nil {
			return fmt.Errorf("size: %w", err)
		}
	}
	const slack = 1e-9
	if b.X+b.W > 1+slack {
		return fmt.Errorf("w: box runs past the right edge (x+w = %v > 1)", b.X+b.W)
	}
	if b.Y+b.H > 1+slack {
		return fmt.Errorf("h: box runs past the bottom edge (y+h = %v > 1)", b.Y+b.H)
	}
	if err := oneOf(b.Align, Aligns...); err != nil {
		return fmt.Errorf("align: %w", err)
	}
	if err := oneOf(b.VAlign, VAligns...); err != nil {
		return fmt.Errorf("valign: %w", err)
	}
	if err := oneOf(b.Transform, Transforms...); err != nil {
		return fmt.Errorf("transform: %w", err)
	}
	if len(b.Font) > MaxFontName {
		return fmt.Errorf("font: name longer than %d bytes", MaxFontName)
	}
	if _, err := parseColor(b.Fill, color.NRGBA{}); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	if _, err := parseColor(b.Outline, color.NRGBA{}); err != nil {
		return fmt.Errorf("outline: %w", err)
	}
	if _, err := parseColor(b.Background, color.NRGBA{}); err != nil {
		return fmt.Errorf("background: %w", err)
	}
	if _, err := parseColor(b.Shadow, color.NRGBA{}); err != nil {
		return fmt.Errorf("shadow: %w", err)
	}
	return nil
}

func checkRange(v, lo, hi float64, loOpen bool) error {
	switch {
	case math.IsNaN(v):
		return errors.New("NaN is not a number")
	case math.IsInf(v, 0):
		return fmt.Errorf("%v is not finite", v)
	case v < 0 && lo >= 0:
		return fmt.Errorf("%v is negative", v)
	case loOpen && v <= lo:
		return fmt.Errorf("%v must be greater than %v", v, lo)
	case v < lo || v > hi:
		return fmt.Errorf("%v is out of range [%v, %v]", v, lo, hi)
	}
	return nil
}

func oneOf(v string, allowed ...string) error {
	if v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
}

// parseColor reads #rgb, #rrggbb or #rrggbbaa; "" gives def.
func parseColor(s string, def color.NRGBA) (color.NRGBA, error) {
	if s == "" {
		return def, nil
	}
	bad := fmt.Errorf("bad colour %q: want #rgb, #rrggbb or #rrggbbaa", s)
	if s[0] != '#' {
		return color.NRGBA{}, bad
	}
	h := s[1:]
	var v [8]byte
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return color.NRGBA{}, bad
		}
		if i < len(v) {
			v[i] = c
		}
	}
	switch len(h) {
	case 3:
		return color.NRGBA{v[0] * 17, v[1] * 17, v[2] * 17, 255}, nil
	case 6:
		return color.NRGBA{v[0]<<4 | v[1], v[2]<<4 | v[3], v[4]<<4 | v[5], 255}, nil
	case 8:
		return color.NRGBA{v[0]<<4 | v[1], v[2]<<4 | v[3], v[4]<<4 | v[5], v[6]<<4 | v[7]}, nil
	}
	return color.NRGBA{}, bad
}

// resolved is a box with defaults applied and text transformed: the form
// layout and drawing work from, and the key the layer cache uses.
type resolved struct {
	text          string
	x, y, w, h    float64
	align, valign string
	font          string
	size, minSize float64
	fill, outline color.NRGBA
	outlineWidth  float64
	rotation      float64
	background    color.NRGBA // zero: none
	shadow        color.NRGBA // zero: none
}

func (b Box) resolve() resolved {
	r := resolved{
		text: b.Text, x: b.X, y: b.Y, w: b.W, h: b.H,
		align: b.Align, valign: b.VAlign, font: b.Font,
		size: float64(b.Size), minSize: b.MinSize,
		outlineWidth: b.OutlineWidth, rotation: b.Rotation,
	}
	if r.align == "" {
		r.align = DefaultAlign
	}
	if r.valign == "" {
		r.valign = DefaultVAlign
	}
	if r.font == "" {
		r.font = DefaultFont
	}
	if r.minSize == 0 {
		r.minSize = DefaultMinSize
	}
	r.fill, _ = parseColor(cmp.Or(b.Fill, DefaultFill), color.NRGBA{})
	r.outline, _ = parseColor(cmp.Or(b.Outline, DefaultOutline), color.NRGBA{})
	r.background, _ = parseColor(b.Background, color.NRGBA{})
	r.shadow, _ = parseColor(b.Shadow, color.NRGBA{})
	if b.Transform == "upper" {
		r.text = strings.ToUpper(r.text)
	}
	// Line breaks become \n and every other kind of space a plain space, so
	// wrapping splits on them and no font needs more than U+0020.
	r.text = strings.ReplaceAll(r.text, "\r\n", "\n")
	r.text = strings.Map(func(c rune) rune {
		switch {
		case c == '\r':
			return '\n'
		case c != '\n' && unicode.IsSpace(c):
			return ' '
		}
		return c
	}, r.text)
	return r
}
