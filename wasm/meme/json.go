package meme

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A spec is parsed by hand rather than with encoding/json: the reflection
// based decoder adds about 100 KB (brotli) to the WASM module, a tenth of its
// budget, for one fixed, flat schema. The parser is strict the same way:
// unknown fields, wrong types and trailing data are errors, and every error
// names the box and field. Specs still marshal with encoding/json (the struct
// tags and Size.MarshalJSON are the contract), and FuzzParseSpec checks the
// two agree on round trips.

type jsonParser struct {
	data []byte
	pos  int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at byte %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *jsonParser) ws() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *jsonParser) peek() byte {
	p.ws()
	if p.pos >= len(p.data) {
		return 0
	}
	return p.data[p.pos]
}

func (p *jsonParser) expect(c byte) error {
	switch got := p.peek(); {
	case got == c:
		p.pos++
		return nil
	case p.pos >= len(p.data):
		return p.errorf("unexpected end of input, want %q", c)
	default:
		return p.errorf("invalid character %q, want %q", got, c)
	}
}

// kind names the JSON type of the next value, for error messages.
func (p *jsonParser) kind() string {
	switch c := p.peek(); {
	case c == '"':
		return "string"
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "number"
	case c == 0:
		return "end of input"
	default:
		return fmt.Sprintf("invalid character %q", c)
	}
}

// null consumes a null literal if one is next.
func (p *jsonParser) null() bool {
	if p.peek() == 'n' && len(p.data)-p.pos >= 4 && string(p.data[p.pos:p.pos+4]) == "null" {
		p.pos += 4
		return true
	}
	return false
}

func (p *jsonParser) str() (string, error) {
	if p.peek() != '"' {
		return "", p.errorf("want a string, got %s", p.kind())
	}
	p.pos++
	var out []byte
	for {
		if p.pos >= len(p.data) {
			return "", p.errorf("unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(out), nil
		case c < 0x20:
			return "", p.errorf("control character %#02x in string", c)
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.errorf("invalid UTF-8 in string")
			}
			out = append(out, p.data[p.pos:p.pos+n]...)
			p.pos += n
			continue
		case c != '\\':
			out = append(out, c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.data) {
			return "", p.errorf("unterminated string")
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					save := p.pos
					p.pos += 2
					if r2, err = p.hex4(); err != nil {
						return "", err
					}
					if utf16.DecodeRune(r, r2) == utf8.RuneError {
						p.pos = save
						r2 = -1
					}
				}
				if r2 < 0 {
					r = utf8.RuneError
				} else {
					r = utf16.DecodeRune(r, r2)
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", p.errorf("invalid escape \\%c", e)
		}
	}
}

func (p *jsonParser) hex4() (rune, error) {
	if len(p.data)-p.pos < 4 {
		return 0, p.errorf("short \\u escape")
	}
	v, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 16)
	if err != nil {
		return 0, p.errorf("bad \\u escape %q", p.data[p.pos:p.pos+4])
	}
	p.pos += 4
	return rune(v), nil
}

// num reads a number with JSON's grammar (no leading +, no leading zeros,
// no bare dot, no NaN or Infinity).
func (p *jsonParser) num() (float64, error) {
	p.ws()
	start := p.pos
	d := p.data
	i := p.pos
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	if i < len(d) && d[i] == '0' {
		i++
	} else if digits() == 0 {
		return 0, p.errorf("want a number, got %s", p.kind())
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			p.pos = i
			return 0, p.errorf("malformed number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return 0, p.errorf("malformed number")
		}
	}
	p.pos = i
	v, err := strconv.ParseFloat(string(d[start:i]), 64)
	if err != nil {
		return 0, fmt.Errorf("at byte %d: number %s is out of range", start, d[start:i])
	}
	return v, nil
}

// object calls field for each key of an object; field consumes the value.
func (p *jsonParser) object(field func(key string) error) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	if p.peek() == '}' {
		p.pos++
		return nil
	}
	for {
		key, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return p.errorf("want ',' or '}' after object member, got %s", p.kind())
		}
	}
}

func parseSpecJSON(data []byte) (Spec, error) {
	p := &jsonParser{data: data}
	var boxes []Box
	var canvas *Canvas
	seen := false
	err := p.object(func(key string) error {
		if key == "canvas" {
			if p.null() {
				return nil
			}
			// A key given twice merges into what the first gave, as
			// encoding/json does (FuzzParseSpec holds the two together).
			if canvas == nil {
				canvas = new(Canvas)
			}
			if err := p.canvas(canvas); err != nil {
				return fmt.Errorf("canvas.%w", err)
			}
			return nil
		}
		if key != "boxes" {
			return fmt.Errorf("unknown field %q", key)
		}
		if p.null() {
			return nil
		}
		seen = true
		prev := boxes
		boxes = nil
		if err := p.expect('['); err != nil {
			return fmt.Errorf("boxes: %w", err)
		}
		if p.peek() == ']' {
			p.pos++
			return nil
		}
		for {
			if len(boxes) > MaxBoxes {
				return fmt.Errorf("boxes: more than %d", MaxBoxes)
			}
			var b Box
			if len(boxes) < len(prev) {
				b = prev[len(boxes)]
			}
			if err := p.box(&b); err != nil {
				return fmt.Errorf("boxes[%d].%w", len(boxes), err)
			}
			boxes = append(boxes, b)
			switch p.peek() {
			case ',':
				p.pos++
			case ']':
				p.pos++
				return nil
			default:
				return p.errorf("boxes: want ',' or ']', got %s", p.kind())
			}
		}
	})
	if err != nil {
		return Spec{}, err
	}
	if p.peek() != 0 {
		return Spec{}, errors.New("unexpected data after the JSON object")
	}
	if !seen {
		return Spec{}, errors.New(`"boxes" is missing`)
	}
	if boxes == nil {
		boxes = []Box{}
	}
	if canvas != nil && canvas.Images != nil && len(canvas.Images) == 0 {
		canvas.Images = nil // [] and none both mean one slot filling the canvas
	}
	return Spec{Canvas: canvas, Boxes: boxes}, nil
}

// fields reads an object whose members are all numbers or strings, with
// nums and strs naming where each goes; other maps the rest (nil: unknown).
func (p *jsonParser) fields(nums map[string]*float64, strs map[string]*string, other func(key string) (bool, error)) error {
	if p.peek() != '{' {
		return p.errorf("want an object, got %s", p.kind())
	}
	return p.object(func(key string) error {
		if other != nil {
			if ok, err := other(key); ok || err != nil {
				return err
			}
		}
		np, sp := nums[key], strs[key]
		if np == nil && sp == nil {
			return fmt.Errorf("%s: unknown field %q", key, key)
		}
		// null leaves a field at its zero value, as encoding/json does.
		if p.null() {
			return nil
		}
		var err error
		if sp != nil {
			*sp, err = p.str()
		} else {
			*np, err = p.num()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
}

// integer reads a number written as an integer, as encoding/json wants for
// an int field (no fraction, no exponent).
func (p *jsonParser) integer() (int, error) {
	p.ws()
	start := p.pos
	f, err := p.num()
	if err != nil {
		return 0, err
	}
	for _, c := range p.data[start:p.pos] {
		if c == '.' || c == 'e' || c == 'E' {
			return 0, fmt.Errorf("at byte %d: want an integer, got %s", start, p.data[start:p.pos])
		}
	}
	if f < -1<<31 || f > 1<<31-1 {
		return 0, fmt.Errorf("at byte %d: %s is out of range", start, p.data[start:p.pos])
	}
	return int(f), nil
}

func (p *jsonParser) canvas(c *Canvas) error {
	return p.fields(
		map[string]*float64{"aspect": &c.Aspect},
		map[string]*string{"background": &c.Background},
		func(key string) (bool, error) {
			switch key {
			case "padding":
				if p.null() {
					return true, nil
				}
				pd := &c.Padding
				err := p.fields(map[string]*float64{"top": &pd.Top, "right": &pd.Right, "bottom": &pd.Bottom, "left": &pd.Left}, nil, nil)
				if err != nil {
					return true, fmt.Errorf("padding.%w", err)
				}
				return true, nil
			case "band":
				if p.null() {
					c.Band = nil
					return true, nil
				}
				b := c.Band
				if b == nil {
					b = new(Band)
				}
				err := p.fields(map[string]*float64{"size": &b.Size}, map[string]*string{"side": &b.Side},
					func(key string) (bool, error) {
						if key != "box" {
							return false, nil
						}
						if p.null() {
							return true, nil
						}
						v, err := p.integer()
						if err != nil {
							return true, fmt.Errorf("box: %w", err)
						}
						b.Box = v
						return true, nil
					})
				if err != nil {
					return true, fmt.Errorf("band.%w", err)
				}
				c.Band = b
				return true, nil
			case "images":
				prev := c.Images
				c.Images = nil
				if p.null() {
					return true, nil
				}
				if err := p.expect('['); err != nil {
					return true, fmt.Errorf("images: %w", err)
				}
				if p.peek() == ']' {
					p.pos++
					c.Images = []Slot{}
					return true, nil
				}
				for {
					if len(c.Images) >= MaxImages {
						return true, fmt.Errorf("images: more than %d", MaxImages)
					}
					var sl Slot
					if len(c.Images) < len(prev) {
						sl = prev[len(c.Images)]
						if sl.Crop != nil {
							cp := *sl.Crop
							sl.Crop = &cp
						}
					}
					if err := p.slot(&sl); err != nil {
						return true, fmt.Errorf("images[%d].%w", len(c.Images), err)
					}
					c.Images = append(c.Images, sl)
					switch p.peek() {
					case ',':
						p.pos++
					case ']':
						p.pos++
						return true, nil
					default:
						return true, p.errorf("images: want ',' or ']', got %s", p.kind())
					}
				}
			}
			return false, nil
		})
}

func (p *jsonParser) slot(s *Slot) error {
	return p.fields(
		map[string]*float64{"x": &s.X, "y": &s.Y, "w": &s.W, "h": &s.H},
		map[string]*string{"fit": &s.Fit},
		func(key string) (bool, error) {
			switch key {
			case "rotate":
				if p.null() {
					return true, nil
				}
				v, err := p.integer()
				if err != nil {
					return true, fmt.Errorf("rotate: %w", err)
				}
				s.Rotate = v
				return true, nil
			case "crop":
				if p.null() {
					s.Crop = nil
					return true, nil
				}
				r := s.Crop
				if r == nil {
					r = new(Rect)
				}
				if err := p.fields(map[string]*float64{"x": &r.X, "y": &r.Y, "w": &r.W, "h": &r.H}, nil, nil); err != nil {
					return true, fmt.Errorf("crop.%w", err)
				}
				s.Crop = r
				return true, nil
			}
			return false, nil
		})
}

func (p *jsonParser) box(b *Box) error {
	if p.peek() != '{' {
		return p.errorf("want an object, got %s", p.kind())
	}
	return p.object(func(key string) error {
		var sp *string
		var np *float64
		switch key {
		case "text":
			sp = &b.Text
		case "align":
			sp = &b.Align
		case "valign":
			sp = &b.VAlign
		case "font":
			sp = &b.Font
		case "fill":
			sp = &b.Fill
		case "outline":
			sp = &b.Outline
		case "transform":
			sp = &b.Transform
		case "background":
			sp = &b.Background
		case "shadow":
			sp = &b.Shadow
		case "x":
			np = &b.X
		case "y":
			np = &b.Y
		case "w":
			np = &b.W
		case "h":
			np = &b.H
		case "minSize":
			np = &b.MinSize
		case "outlineWidth":
			np = &b.OutlineWidth
		case "rotation":
			np = &b.Rotation
		case "size":
			if p.null() {
				return nil
			}
			s, err := p.size()
			if err != nil {
				return err
			}
			b.Size = s
			return nil
		default:
			return fmt.Errorf("%s: unknown field %q", key, key)
		}
		// null leaves a field at its zero value, as encoding/json does.
		if p.null() {
			return nil
		}
		var err error
		if sp != nil {
			*sp, err = p.str()
		} else {
			*np, err = p.num()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		return nil
	})
}

// size reads "auto" or a positive number.
func (p *jsonParser) size() (Size, error) {
	if p.peek() == '"' {
		s, err := p.str()
		if err != nil {
			return 0, fmt.Errorf("size: %w", err)
		}
		if s != "auto" {
			return 0, fmt.Errorf("size %q: want \"auto\" or a number", s)
		}
		return SizeAuto, nil
	}
	if k := p.kind(); k != "number" {
		return 0, fmt.Errorf("size: want \"auto\" or a number, got %s", k)
	}
	f, err := p.num()
	if err != nil {
		return 0, fmt.Errorf("size: %w", err)
	}
	if f <= 0 {
		return 0, fmt.Errorf("size %v: must be > 0 (or \"auto\")", f)
	}
	return Size(f), nil
}
