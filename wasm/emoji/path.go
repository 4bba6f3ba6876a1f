package emoji

import (
	"fmt"
	"math"
	"strconv"
)

// Geometry is kept in float64 user units until drawing. Every product is
// wrapped in float64(...) so the compiler never fuses a multiply and an add
// (the Go spec allows it on some targets): native and WebAssembly must round
// the same way to give the same pixels. Only math.Sqrt, Sin, Cos and Atan2
// are used, which are exact (Sqrt) or pure Go on every target.

type pt struct{ x, y float64 }

type seg struct {
	op byte // 'M', 'L', 'Q', 'C' or 'Z'
	p  [3]pt
}

type outline []seg

// matrix is an SVG transform [a b c d e f]: x' = a x + c y + e, y' = b x + d y + f.
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

func (m matrix) apply(p pt) pt {
	return pt{float64(m[0]*p.x) + float64(m[2]*p.y) + m[4], float64(m[1]*p.x) + float64(m[3]*p.y) + m[5]}
}

// mul returns m then n: the transform that applies n first, then m.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		float64(m[0]*n[0]) + float64(m[2]*n[1]),
		float64(m[1]*n[0]) + float64(m[3]*n[1]),
		float64(m[0]*n[2]) + float64(m[2]*n[3]),
		float64(m[1]*n[2]) + float64(m[3]*n[3]),
		float64(m[0]*n[4]) + float64(m[2]*n[5]) + m[4],
		float64(m[1]*n[4]) + float64(m[3]*n[5]) + m[5],
	}
}

func (o outline) transform(m matrix) outline {
	if m == identity {
		return o
	}
	out := make(outline, len(o))
	for i, s := range o {
		out[i].op = s.op
		for k := range s.p {
			out[i].p[k] = m.apply(s.p[k])
		}
	}
	return out
}

// numbers scans SVG number lists: path data, points, viewBox, transforms.
type numbers struct {
	s   string
	pos int
}

func (n *numbers) skip() {
	for n.pos < len(n.s) {
		switch n.s[n.pos] {
		case ' ', '\t', '\n', '\r', ',':
			n.pos++
		default:
			return
		}
	}
}

// more reports whether a number comes next.
func (n *numbers) more() bool {
	n.skip()
	if n.pos >= len(n.s) {
		return false
	}
	c := n.s[n.pos]
	return c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')
}

func (n *numbers) num() (float64, error) {
	n.skip()
	start := n.pos
	if n.pos < len(n.s) && (n.s[n.pos] == '-' || n.s[n.pos] == '+') {
		n.pos++
	}
	digits := 0
	for n.pos < len(n.s) && n.s[n.pos] >= '0' && n.s[n.pos] <= '9' {
		n.pos++
		digits++
	}
	if n.pos < len(n.s) && n.s[n.pos] == '.' {
		n.pos++
		for n.pos < len(n.s) && n.s[n.pos] >= '0' && n.s[n.pos] <= '9' {
			n.pos++
			digits++
		}
	}
	if digits == 0 {
		return 0, fmt.Errorf("want a number at %q", clip(n.s[start:]))
	}
	if n.pos < len(n.s) && (n.s[n.pos] == 'e' || n.s[n.pos] == 'E') {
		j := n.pos + 1
		if j < len(n.s) && (n.s[j] == '-' || n.s[j] == '+') {
			j++
		}
		if j < len(n.s) && n.s[j] >= '0' && n.s[j] <= '9' {
			for j < len(n.s) && n.s[j] >= '0' && n.s[j] <= '9' {
				j++
			}
			n.pos = j
		}
	}
	v, err := strconv.ParseFloat(n.s[start:n.pos], 64)
	if err != nil || math.IsInf(v, 0) || math.Abs(v) > maxCoord {
		return 0, fmt.Errorf("number %q out of range", n.s[start:n.pos])
	}
	return v, nil
}

// maxCoord bounds every number so that scaled coordinates stay far inside
// fixed.Int26_6 at any size a caption can ask for.
const maxCoord = 1e5

// flag reads an arc flag, which may be written without a separator ("a1 1 0 011 1").
func (n *numbers) flag() (bool, error) {
	n.skip()
	if n.pos < len(n.s) && (n.s[n.pos] == '0' || n.s[n.pos] == '1') {
		n.pos++
		return n.s[n.pos-1] == '1', nil
	}
	return false, fmt.Errorf("want an arc flag at %q", clip(n.s[n.pos:]))
}

func (n *numbers) nums(dst []float64) error {
	for i := range dst {
		v, err := n.num()
		if err != nil {
			return err
		}
		dst[i] = v
	}
	return nil
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

// maxSegments bounds one file's geometry (Twemoji's largest has 1,599
// segments); a fuzzer's megabyte of "l0 0" must not become a huge outline.
const maxSegments = 20000

// parsePath reads SVG path data into an outline of absolute moves, lines,
// quadratic and cubic Béziers (arcs become cubics).
func parsePath(d string) (outline, error) {
	var o outline
	n := &numbers{s: d}
	var cur, start, ctrl pt // ctrl: last control point, for S and T
	var last byte           // previous command, upper case
	var cmd byte
	var a [7]float64
	for {
		n.skip()
		if n.pos >= len(n.s) {
			break
		}
		if len(o) > maxSegments {
			return nil, fmt.Errorf("path has more than %d segments", maxSegments)
		}
		c := n.s[n.pos]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
			cmd = c
			n.pos++
		} else if cmd == 0 {
			return nil, fmt.Errorf("path data starts with %q, not a command", clip(n.s[n.pos:]))
		} else if cmd == 'M' {
			cmd = 'L' // numbers after a move are lines
		} else if cmd == 'm' {
			cmd = 'l'
		} else if cmd == 'Z' || cmd == 'z' {
			return nil, fmt.Errorf("numbers after z at %q", clip(n.s[n.pos:]))
		}
		rel := cmd >= 'a'
		up := cmd &^ 0x20
		if up != 'M' && up != 'Z' && len(o) == 0 {
			return nil, fmt.Errorf("path data must start with a move, not %q", cmd)
		}
		off := func(p pt) pt {
			if rel {
				return pt{cur.x + p.x, cur.y + p.y}
			}
			return p
		}
		switch up {
		case 'M':
			if err := n.nums(a[:2]); err != nil {
				return nil, err
			}
			cur = off(pt{a[0], a[1]})
			start = cur
			o = append(o, seg{op: 'M', p: [3]pt{cur}})
		case 'L', 'H', 'V':
			p := cur
			v, err := n.num()
			if err != nil {
				return nil, err
			}
			switch up {
			case 'L':
				w, err := n.num()
				if err != nil {
					return nil, err
				}
				p = off(pt{v, w})
			case 'H':
				p.x = v
				if rel {
					p.x = cur.x + v
				}
			case 'V':
				p.y = v
				if rel {
					p.y = cur.y + v
				}
			}
			cur = p
			o = append(o, seg{op: 'L', p: [3]pt{p}})
		case 'C', 'S':
			var c1 pt
			if up == 'C' {
				if err := n.nums(a[:6]); err != nil {
					return nil, err
				}
				c1 = off(pt{a[0], a[1]})
				a[0], a[1], a[2], a[3] = a[2], a[3], a[4], a[5]
			} else {
				if err := n.nums(a[:4]); err != nil {
					return nil, err
				}
				c1 = cur
				if last == 'C' || last == 'S' {
					c1 = pt{2*cur.x - ctrl.x, 2*cur.y - ctrl.y}
				}
			}
			c2, p := off(pt{a[0], a[1]}), off(pt{a[2], a[3]})
			o = append(o, seg{op: 'C', p: [3]pt{c1, c2, p}})
			ctrl, cur = c2, p
		case 'Q', 'T':
			var c1 pt
			if up == 'Q' {
				if err := n.nums(a[:4]); err != nil {
					return nil, err
				}
				c1 = off(pt{a[0], a[1]})
				a[0], a[1] = a[2], a[3]
			} else {
				if err := n.nums(a[:2]); err != nil {
					return nil, err
				}
				c1 = cur
				if last == 'Q' || last == 'T' {
					c1 = pt{2*cur.x - ctrl.x, 2*cur.y - ctrl.y}
				}
			}
			p := off(pt{a[0], a[1]})
			o = append(o, seg{op: 'Q', p: [3]pt{c1, p}})
			ctrl, cur = c1, p
		case 'A':
			if err := n.nums(a[:3]); err != nil {
				return nil, err
			}
			large, err := n.flag()
			if err != nil {
				return nil, err
			}
			sweep, err := n.flag()
			if err != nil {
				return nil, err
			}
			if err := n.nums(a[3:5]); err != nil {
				return nil, err
			}
			p := off(pt{a[3], a[4]})
			o = arcTo(o, cur, a[0], a[1], a[2], large, sweep, p)
			cur = p
		case 'Z':
			o = append(o, seg{op: 'Z'})
			cur = start
		default:
			return nil, fmt.Errorf("unknown path command %q", cmd)
		}
		last = up
	}
	return o, nil
}

// arcTo appends the SVG elliptical arc from p0 to p as cubic Béziers of at
// most 90° each (SVG 1.1 implementation notes, F.6.5 and F.6.6).
func arcTo(o outline, p0 pt, rx, ry, phiDeg float64, large, sweep bool, p pt) outline {
	if p0 == p {
		return o
	}
	rx, ry = math.Abs(rx), math.Abs(ry)
	if rx == 0 || ry == 0 {
		return append(o, seg{op: 'L', p: [3]pt{p}})
	}
	phi := phiDeg * math.Pi / 180
	sin, cos := math.Sin(phi), math.Cos(phi)
	dx, dy := (p0.x-p.x)/2, (p0.y-p.y)/2
	x1 := float64(cos*dx) + float64(sin*dy)
	y1 := float64(-sin*dx) + float64(cos*dy)
	// Scale the radii up if they cannot reach.
	if l := float64(x1*x1)/float64(rx*rx) + float64(y1*y1)/float64(ry*ry); l > 1 {
		s := math.Sqrt(l)
		rx, ry = float64(rx*s), float64(ry*s)
	}
	num := float64(float64(rx*rx)*float64(ry*ry)) - float64(float64(rx*rx)*float64(y1*y1)) - float64(float64(ry*ry)*float64(x1*x1))
	den := float64(float64(rx*rx)*float64(y1*y1)) + float64(float64(ry*ry)*float64(x1*x1))
	coef := 0.0
	if num > 0 && den > 0 {
		coef = math.Sqrt(num / den)
	}
	if large == sweep {
		coef = -coef
	}
	cx1 := float64(coef * float64(rx*y1) / ry)
	cy1 := float64(-coef * float64(ry*x1) / rx)
	cx := float64(cos*cx1) - float64(sin*cy1) + (p0.x+p.x)/2
	cy := float64(sin*cx1) + float64(cos*cy1) + (p0.y+p.y)/2
	ux, uy := (x1-cx1)/rx, (y1-cy1)/ry
	vx, vy := (-x1-cx1)/rx, (-y1-cy1)/ry
	theta := math.Atan2(uy, ux)
	delta := math.Atan2(float64(ux*vy)-float64(uy*vx), float64(ux*vx)+float64(uy*vy))
	if !sweep && delta > 0 {
		delta -= 2 * math.Pi
	} else if sweep && delta < 0 {
		delta += 2 * math.Pi
	}
	n := int(math.Ceil(math.Abs(delta)/(math.Pi/2) - 1e-9))
	if n < 1 {
		n = 1
	}
	step := delta / float64(n)
	k := 4.0 / 3.0 * math.Tan(step/4)
	// point and derivative on the ellipse at angle t
	at := func(t float64) (pt, pt) {
		st, ct := math.Sin(t), math.Cos(t)
		ex, ey := float64(rx*ct), float64(ry*st)
		dx, dy := float64(-rx*st), float64(ry*ct)
		return pt{cx + float64(cos*ex) - float64(sin*ey), cy + float64(sin*ex) + float64(cos*ey)},
			pt{float64(cos*dx) - float64(sin*dy), float64(sin*dx) + float64(cos*dy)}
	}
	a, da := at(theta)
	a = p0
	for i := 1; i <= n; i++ {
		b, db := at(theta + float64(step*float64(i)))
		if i == n {
			b = p
		}
		o = append(o, seg{op: 'C', p: [3]pt{
			{a.x + float64(k*da.x), a.y + float64(k*da.y)},
			{b.x - float64(k*db.x), b.y - float64(k*db.y)},
			b,
		}})
		a, da = b, db
	}
	return o
}

// ellipse is a closed outline of four quarter arcs.
func ellipse(cx, cy, rx, ry float64) outline {
	const k = 0.5522847498307936 // 4/3 (sqrt 2 - 1)
	kx, ky := float64(k*rx), float64(k*ry)
	return outline{
		{op: 'M', p: [3]pt{{cx + rx, cy}}},
		{op: 'C', p: [3]pt{{cx + rx, cy + ky}, {cx + kx, cy + ry}, {cx, cy + ry}}},
		{op: 'C', p: [3]pt{{cx - kx, cy + ry}, {cx - rx, cy + ky}, {cx - rx, cy}}},
		{op: 'C', p: [3]pt{{cx - rx, cy - ky}, {cx - kx, cy - ry}, {cx, cy - ry}}},
		{op: 'C', p: [3]pt{{cx + kx, cy - ry}, {cx + rx, cy - ky}, {cx + rx, cy}}},
		{op: 'Z'},
	}
}
