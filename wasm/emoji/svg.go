package emoji

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Art is one parsed SVG picture, ready to draw at any size.
type Art struct {
	// viewBox: the picture's square in user units.
	minX, minY, w, h float64
	shapes           []shape
}

// shape is one filled or stroked outline in viewBox units (transforms applied).
type shape struct {
	o       outline
	rgba    [4]uint32 // premultiplied, 0-255, opacity included
	evenOdd bool
	stroke  *strokeStyle // nil: fill o
	clip    []clipPart   // nil: no clip; else coverage is the union of the parts
}

type strokeStyle struct {
	width float64 // user units, scaled by the transform
	cap   byte    // 'b'utt, 'r'ound, 's'quare
	join  byte    // 'm'iter (drawn bevelled), 'r'ound, 'b'evel
}

type clipPart struct {
	o       outline
	evenOdd bool
}

// style is the inherited part of SVG's presentation attributes.
type style struct {
	fill, stroke         paint
	fillOpacity, opacity float64 // opacity: on shapes only (Parse rejects it on groups)
	strokeOpacity        float64
	strokeWidth          float64
	fillRule, clipRule   bool // even-odd
	cap, join            byte
	ctm                  matrix
	clip                 string // id the element is clipped by ("" for none)
	clipCTM              matrix
}

type paint struct {
	set     bool // false: none
	r, g, b uint8
}

// ErrUnsupported is wrapped by every error about SVG that Parse understands
// but does not draw (an element, an attribute value), so a caller can tell
// "this file needs more of SVG" from "this is not SVG".
var ErrUnsupported = errors.New("unsupported")

// Parse reads an SVG picture in the subset Twemoji's files use: the svg
// root with a viewBox; g, defs, clipPath, path, circle, ellipse, rect,
// polygon, polyline and line; fill, stroke and their opacities, opacity,
// fill-rule and clip-rule, stroke-width/-linecap/-linejoin, transform and
// clip-path. Anything else that would change the picture is an error that
// names it.
func Parse(svg []byte) (*Art, error) {
	a, err := parse(svg)
	if err != nil {
		return nil, fmt.Errorf("emoji: parse svg: %w", err)
	}
	return a, nil
}

func parse(svg []byte) (*Art, error) {
	z := &tokenizer{b: svg}
	a := &Art{}
	var stack []frame
	clips := map[string][]clipPart{}
	type pending struct {
		i    int // index into a.shapes
		id   string
		ctm  matrix
		elem string
	}
	var refs []pending
	root := false
	segs := 0
	for {
		t, err := z.next()
		if err == errEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if t.end {
			if len(stack) == 0 || stack[len(stack)-1].name != t.name {
				return nil, fmt.Errorf("unexpected </%s>", t.name)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		var parent frame
		if len(stack) == 0 {
			if root {
				return nil, fmt.Errorf("<%s> after the svg element", t.name)
			}
			if t.name != "svg" {
				return nil, fmt.Errorf("root element is <%s>, want <svg>", t.name)
			}
			root = true
			parent.st = style{fill: paint{set: true}, fillOpacity: 1, opacity: 1, strokeOpacity: 1, strokeWidth: 1, cap: 'b', join: 'm', ctm: identity}
		} else {
			parent = stack[len(stack)-1]
		}
		f := frame{name: t.name, st: parent.st, clip: parent.clip}
		f.st.opacity = 1 // not inherited
		f.st.clip = ""
		if err := f.st.apply(t.name, t.attrs); err != nil {
			return nil, err
		}
		if parent.st.clip != "" && f.st.clip != "" {
			return nil, fmt.Errorf("<%s>: %w: a clip-path inside a clipped group", t.name, ErrUnsupported)
		}
		if f.st.clip == "" {
			f.st.clip, f.st.clipCTM = parent.st.clip, parent.st.clipCTM
		} else {
			f.st.clipCTM = f.st.ctm // userSpaceOnUse: the referencing element's user space
		}
		switch t.name {
		case "svg":
			if len(stack) > 0 {
				return nil, fmt.Errorf("<svg>: %w: nested svg", ErrUnsupported)
			}
			if err := a.viewBox(t.attrs); err != nil {
				return nil, err
			}
		case "g", "defs":
			if f.st.opacity != 1 {
				return nil, fmt.Errorf("<%s>: %w: opacity on a group", t.name, ErrUnsupported)
			}
		case "clipPath":
			if f.clip != "" {
				return nil, fmt.Errorf("<clipPath>: %w: nested clipPath", ErrUnsupported)
			}
			f.clip = get(t.attrs, "id")
			if f.clip == "" {
				return nil, errors.New("<clipPath> without an id")
			}
			if u := get(t.attrs, "clipPathUnits"); u != "" && u != "userSpaceOnUse" {
				return nil, fmt.Errorf("<clipPath>: %w: clipPathUnits=%q", ErrUnsupported, u)
			}
			if _, dup := clips[f.clip]; dup {
				return nil, fmt.Errorf("<clipPath>: duplicate id %q", f.clip)
			}
			clips[f.clip] = []clipPart{}
			// Its children are in the user space of whoever references it.
			f.st.ctm = identity
		case "title", "desc", "metadata":
			// no picture
		case "path", "circle", "ellipse", "rect", "polygon", "polyline", "line":
			o, err := geometry(t.name, t.attrs)
			if err != nil {
				return nil, fmt.Errorf("<%s>: %w", t.name, err)
			}
			if len(a.shapes)+len(clips) > maxShapes {
				return nil, fmt.Errorf("more than %d shapes", maxShapes)
			}
			o = o.transform(f.st.ctm)
			if segs += len(o); segs > maxSegments {
				return nil, fmt.Errorf("more than %d path segments", maxSegments)
			}
			if err := a.check(o); err != nil {
				return nil, fmt.Errorf("<%s>: %w", t.name, err)
			}
			if f.clip != "" {
				clips[f.clip] = append(clips[f.clip], clipPart{o: o, evenOdd: f.st.clipRule})
				break
			}
			if inDefs(stack) {
				break // defined for reuse, which Parse does not support; not drawn
			}
			add := func(s shape) {
				if f.st.clip != "" {
					refs = append(refs, pending{len(a.shapes), f.st.clip, f.st.clipCTM, t.name})
				}
				a.shapes = append(a.shapes, s)
			}
			if f.st.fill.set && t.name != "line" {
				add(shape{o: o, rgba: premul(f.st.fill, float64(f.st.fillOpacity*f.st.opacity)), evenOdd: f.st.fillRule})
			}
			if f.st.stroke.set && f.st.strokeWidth > 0 {
				// Stroke widths scale with the transform; Twemoji only strokes
				// under uniform scales, so the mean of the axes' scales is exact there.
				m := f.st.ctm
				s := (math.Sqrt(float64(m[0]*m[0])+float64(m[1]*m[1])) + math.Sqrt(float64(m[2]*m[2])+float64(m[3]*m[3]))) / 2
				if float64(f.st.strokeWidth*s) > farOut*max(a.w, a.h) {
					return nil, fmt.Errorf("<%s>: stroke-width %g is far wider than the viewBox", t.name, f.st.strokeWidth)
				}
				add(shape{o: o, rgba: premul(f.st.stroke, float64(f.st.strokeOpacity*f.st.opacity)),
					stroke: &strokeStyle{width: float64(f.st.strokeWidth * s), cap: f.st.cap, join: f.st.join}})
			}
		default:
			return nil, fmt.Errorf("<%s>: %w element", t.name, ErrUnsupported)
		}
		if !t.self {
			stack = append(stack, f)
		}
	}
	if !root {
		return nil, errors.New("no <svg> element")
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("<%s> is not closed", stack[len(stack)-1].name)
	}
	// Shapes clipped by the same clipPath in the same user space share one
	// slice, so Draw rasterizes that clip once.
	type use struct {
		id  string
		ctm matrix
	}
	resolved := map[use][]clipPart{}
	for _, r := range refs {
		parts, ok := clips[r.id]
		if !ok {
			return nil, fmt.Errorf("<%s>: clip-path refers to unknown id %q", r.elem, r.id)
		}
		cp, ok := resolved[use{r.id, r.ctm}]
		if !ok {
			cp = make([]clipPart, len(parts), max(len(parts), 1)) // never nil: nil means unclipped
			for i, p := range parts {
				cp[i] = clipPart{o: p.o.transform(r.ctm), evenOdd: p.evenOdd}
				if err := a.check(cp[i].o); err != nil {
					return nil, fmt.Errorf("<clipPath id=%q>: %w", r.id, err)
				}
			}
			resolved[use{r.id, r.ctm}] = cp
		}
		a.shapes[r.i].clip = cp
	}
	return a, nil
}

// maxShapes bounds one file (Twemoji's busiest has 53).
const maxShapes = 2000

// farOut is how many viewBox sizes geometry may reach beyond the viewBox
// (Twemoji's reaches 0.75). The rasterizer walks every scanline and cell a
// segment crosses, inside the picture or not, so this bounds a drawing's
// cost by its size.
const farOut = 4

// check rejects geometry far outside the viewBox.
func (a *Art) check(o outline) error {
	for _, s := range o {
		for _, p := range s.p {
			if p.x < a.minX-farOut*a.w || p.x > a.minX+(farOut+1)*a.w || p.y < a.minY-farOut*a.h || p.y > a.minY+(farOut+1)*a.h {
				return fmt.Errorf("point (%g, %g) is far outside the viewBox", p.x, p.y)
			}
		}
	}
	return nil
}

type frame struct {
	name string
	st   style
	clip string // id of the clipPath being defined, inside one
}

func inDefs(stack []frame) bool {
	for _, f := range stack {
		if f.name == "defs" {
			return true
		}
	}
	return false
}

func get(attrs []attr, name string) string {
	for _, a := range attrs {
		if a.name == name {
			return a.value
		}
	}
	return ""
}

func (a *Art) viewBox(attrs []attr) error {
	vb := get(attrs, "viewBox")
	if vb == "" {
		return fmt.Errorf("<svg>: %w: no viewBox", ErrUnsupported)
	}
	var v [4]float64
	n := &numbers{s: vb}
	if err := n.nums(v[:]); err != nil || n.more() {
		return fmt.Errorf("<svg>: bad viewBox %q", vb)
	}
	if v[2] <= 0 || v[3] <= 0 {
		return fmt.Errorf("<svg>: viewBox %q is empty", vb)
	}
	if p := get(attrs, "preserveAspectRatio"); p != "" && p != "xMidYMid meet" && p != "xMidYMid" {
		return fmt.Errorf("<svg>: %w: preserveAspectRatio=%q", ErrUnsupported, p)
	}
	a.minX, a.minY, a.w, a.h = v[0], v[1], v[2], v[3]
	return nil
}

// apply sets what an element's attributes say.
func (st *style) apply(elem string, attrs []attr) error {
	for _, at := range attrs {
		var err error
		switch at.name {
		case "fill":
			st.fill, err = parsePaint(at.value)
		case "stroke":
			st.stroke, err = parsePaint(at.value)
		case "fill-opacity":
			st.fillOpacity, err = unit(at.value)
		case "stroke-opacity":
			st.strokeOpacity, err = unit(at.value)
		case "opacity":
			st.opacity, err = unit(at.value)
		case "fill-rule":
			st.fillRule, err = rule(at.value)
		case "clip-rule":
			st.clipRule, err = rule(at.value)
		case "stroke-width":
			n := &numbers{s: at.value}
			st.strokeWidth, err = n.num()
			if err == nil && (n.more() || st.strokeWidth < 0) {
				err = fmt.Errorf("bad value %q", at.value)
			}
		case "stroke-linecap":
			switch at.value {
			case "butt", "round", "square":
				st.cap = at.value[0]
			default:
				err = fmt.Errorf("%w value %q", ErrUnsupported, at.value)
			}
		case "stroke-linejoin":
			switch at.value {
			case "miter", "round", "bevel":
				st.join = at.value[0]
			default:
				err = fmt.Errorf("%w value %q", ErrUnsupported, at.value)
			}
		case "transform":
			var m matrix
			m, err = parseTransform(at.value)
			st.ctm = st.ctm.mul(m)
		case "clip-path":
			id, ok := strings.CutPrefix(at.value, "url(#")
			if id, ok = strings.CutSuffix(id, ")"); !ok || id == "" {
				if at.value == "none" {
					continue
				}
				err = fmt.Errorf("%w value %q", ErrUnsupported, at.value)
			}
			st.clip = id
		case "style", "class", "mask", "filter", "stroke-dasharray", "display", "visibility", "href", "xlink:href":
			err = ErrUnsupported
		}
		if err != nil {
			return fmt.Errorf("<%s> %s: %w", elem, at.name, err)
		}
	}
	return nil
}

func unit(s string) (float64, error) {
	n := &numbers{s: s}
	v, err := n.num()
	if err != nil || n.more() {
		return 0, fmt.Errorf("bad value %q", s)
	}
	return math.Min(math.Max(v, 0), 1), nil
}

func rule(s string) (bool, error) {
	switch s {
	case "nonzero":
		return false, nil
	case "evenodd":
		return true, nil
	}
	return false, fmt.Errorf("bad value %q", s)
}

// named holds the colour keywords Twemoji uses, and a few neighbours.
var named = map[string][3]uint8{
	"black": {0, 0, 0}, "white": {255, 255, 255}, "red": {255, 0, 0}, "green": {0, 128, 0},
	"blue": {0, 0, 255}, "navy": {0, 0, 128}, "azure": {240, 255, 255}, "yellow": {255, 255, 0},
	"gray": {128, 128, 128}, "grey": {128, 128, 128}, "orange": {255, 165, 0},
}

func parsePaint(s string) (paint, error) {
	s = strings.TrimSpace(s)
	if s == "none" {
		return paint{}, nil
	}
	if h, ok := strings.CutPrefix(s, "#"); ok {
		var v [6]uint8
		if len(h) != 3 && len(h) != 6 {
			return paint{}, fmt.Errorf("bad colour %q", s)
		}
		for i := 0; i < len(h); i++ {
			c := h[i]
			switch {
			case c >= '0' && c <= '9':
				v[i] = c - '0'
			case c >= 'a' && c <= 'f':
				v[i] = c - 'a' + 10
			case c >= 'A' && c <= 'F':
				v[i] = c - 'A' + 10
			default:
				return paint{}, fmt.Errorf("bad colour %q", s)
			}
		}
		if len(h) == 3 {
			return paint{true, v[0] * 17, v[1] * 17, v[2] * 17}, nil
		}
		return paint{true, v[0]<<4 | v[1], v[2]<<4 | v[3], v[4]<<4 | v[5]}, nil
	}
	if c, ok := named[strings.ToLower(s)]; ok {
		return paint{true, c[0], c[1], c[2]}, nil
	}
	return paint{}, fmt.Errorf("%w colour %q", ErrUnsupported, s)
}

// premul turns a colour and an opacity into premultiplied 8-bit RGBA.
func premul(p paint, opacity float64) [4]uint32 {
	a := uint32(math.Round(float64(opacity * 255)))
	return [4]uint32{(uint32(p.r)*a + 127) / 255, (uint32(p.g)*a + 127) / 255, (uint32(p.b)*a + 127) / 255, a}
}

// parseTransform reads a transform list: matrix, translate, scale, rotate, skewX, skewY.
func parseTransform(s string) (matrix, error) {
	m := identity
	rest := strings.TrimSpace(s)
	for rest != "" {
		name, args, ok := strings.Cut(rest, "(")
		if !ok {
			return m, fmt.Errorf("bad transform %q", s)
		}
		args, rest, ok = strings.Cut(args, ")")
		if !ok {
			return m, fmt.Errorf("bad transform %q", s)
		}
		rest = strings.TrimLeft(rest, " \t\n\r,")
		var v []float64
		n := &numbers{s: args}
		for n.more() {
			x, err := n.num()
			if err != nil {
				return m, fmt.Errorf("bad transform %q: %w", s, err)
			}
			if len(v) == 6 {
				return m, fmt.Errorf("bad transform %q", s)
			}
			v = append(v, x)
		}
		if n.skip(); n.pos != len(n.s) {
			return m, fmt.Errorf("bad transform %q", s)
		}
		var t matrix
		switch name = strings.TrimSpace(name); {
		case name == "matrix" && len(v) == 6:
			t = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}
		case name == "translate" && (len(v) == 1 || len(v) == 2):
			v = append(v, 0)
			t = matrix{1, 0, 0, 1, v[0], v[1]}
		case name == "scale" && (len(v) == 1 || len(v) == 2):
			v = append(v, v[0])
			t = matrix{v[0], 0, 0, v[1], 0, 0}
		case name == "rotate" && (len(v) == 1 || len(v) == 3):
			r := v[0] * math.Pi / 180
			sin, cos := math.Sin(r), math.Cos(r)
			t = matrix{cos, sin, -sin, cos, 0, 0}
			if len(v) == 3 {
				t = matrix{1, 0, 0, 1, v[1], v[2]}.mul(t).mul(matrix{1, 0, 0, 1, -v[1], -v[2]})
			}
		case name == "skewX" && len(v) == 1:
			t = matrix{1, 0, math.Tan(v[0] * math.Pi / 180), 1, 0, 0}
		case name == "skewY" && len(v) == 1:
			t = matrix{1, math.Tan(v[0] * math.Pi / 180), 0, 1, 0, 0}
		default:
			return m, fmt.Errorf("bad transform %q", s)
		}
		m = m.mul(t)
	}
	return m, nil
}

// geometry reads a shape element's outline in its own user space.
func geometry(elem string, attrs []attr) (outline, error) {
	num := func(name string) (float64, error) {
		s := get(attrs, name)
		if s == "" {
			return 0, nil
		}
		n := &numbers{s: s}
		v, err := n.num()
		if err != nil || n.more() {
			return 0, fmt.Errorf("bad %s %q", name, s)
		}
		return v, nil
	}
	nums := func(names ...string) ([]float64, error) {
		v := make([]float64, len(names))
		for i, name := range names {
			var err error
			if v[i], err = num(name); err != nil {
				return nil, err
			}
		}
		return v, nil
	}
	switch elem {
	case "path":
		return parsePath(get(attrs, "d"))
	case "circle", "ellipse":
		var v []float64
		var err error
		if elem == "circle" {
			v, err = nums("cx", "cy", "r")
			if err == nil {
				v = append(v, v[2])
			}
		} else {
			v, err = nums("cx", "cy", "rx", "ry")
		}
		if err != nil {
			return nil, err
		}
		if v[2] <= 0 || v[3] <= 0 {
			return nil, nil
		}
		return ellipse(v[0], v[1], v[2], v[3]), nil
	case "rect":
		v, err := nums("x", "y", "width", "height", "rx", "ry")
		if err != nil {
			return nil, err
		}
		x, y, w, h, rx, ry := v[0], v[1], v[2], v[3], v[4], v[5]
		if w <= 0 || h <= 0 {
			return nil, nil
		}
		if get(attrs, "rx") == "" {
			rx = ry
		}
		if get(attrs, "ry") == "" {
			ry = rx
		}
		rx, ry = math.Min(math.Abs(rx), w/2), math.Min(math.Abs(ry), h/2)
		if rx == 0 || ry == 0 {
			return outline{{op: 'M', p: [3]pt{{x, y}}}, {op: 'L', p: [3]pt{{x + w, y}}},
				{op: 'L', p: [3]pt{{x + w, y + h}}}, {op: 'L', p: [3]pt{{x, y + h}}}, {op: 'Z'}}, nil
		}
		o := outline{{op: 'M', p: [3]pt{{x + rx, y}}}, {op: 'L', p: [3]pt{{x + w - rx, y}}}}
		o = arcTo(o, pt{x + w - rx, y}, rx, ry, 0, false, true, pt{x + w, y + ry})
		o = append(o, seg{op: 'L', p: [3]pt{{x + w, y + h - ry}}})
		o = arcTo(o, pt{x + w, y + h - ry}, rx, ry, 0, false, true, pt{x + w - rx, y + h})
		o = append(o, seg{op: 'L', p: [3]pt{{x + rx, y + h}}})
		o = arcTo(o, pt{x + rx, y + h}, rx, ry, 0, false, true, pt{x, y + h - ry})
		o = append(o, seg{op: 'L', p: [3]pt{{x, y + ry}}})
		o = arcTo(o, pt{x, y + ry}, rx, ry, 0, false, true, pt{x + rx, y})
		return append(o, seg{op: 'Z'}), nil
	case "line":
		v, err := nums("x1", "y1", "x2", "y2")
		if err != nil {
			return nil, err
		}
		return outline{{op: 'M', p: [3]pt{{v[0], v[1]}}}, {op: 'L', p: [3]pt{{v[2], v[3]}}}}, nil
	case "polygon", "polyline":
		n := &numbers{s: get(attrs, "points")}
		var o outline
		for n.more() {
			var v [2]float64
			if err := n.nums(v[:]); err != nil {
				return nil, fmt.Errorf("points: %w", err)
			}
			if len(o) > maxSegments {
				return nil, fmt.Errorf("more than %d points", maxSegments)
			}
			op := byte('L')
			if len(o) == 0 {
				op = 'M'
			}
			o = append(o, seg{op: op, p: [3]pt{{v[0], v[1]}}})
		}
		if n.skip(); n.pos != len(n.s) {
			return nil, fmt.Errorf("bad points %q", clip(n.s[n.pos:]))
		}
		if elem == "polygon" && len(o) > 0 {
			o = append(o, seg{op: 'Z'})
		}
		return o, nil
	}
	return nil, fmt.Errorf("%w element", ErrUnsupported)
}
