package meme

// Measurer is text as layout sees it: paragraphs (the hard lines), where
// each may break (UAX #14 opportunities, and grapheme boundaries for words
// too long for any line), and how wide and how tall any piece of a
// paragraph is when set as one line. Everything is at font size 1, in ems:
// nothing is hinted, so width is linear in size and the text is shaped
// once however many sizes layout tries. Offsets count characters (runes)
// from the start of the paragraph.
type Measurer interface {
	// Paragraphs is how many paragraphs the text has.
	Paragraphs() int
	// Breaks are the offsets in paragraph p where a line may end,
	// ascending, the last being the paragraph's length; none for an empty
	// paragraph.
	Breaks(p int) []int
	// Graphemes are the offsets in paragraph p between user-perceived
	// characters: where a word too wide for any line is broken.
	Graphemes(p int) []int
	// Width is the advance of [from, to) of paragraph p set as one line,
	// white space at its end not counted.
	Width(p, from, to int) float64
	// Ink is how far the glyphs of [from, to) reach above and below the
	// baseline (0, 0 when they draw nothing).
	Ink(p, from, to int) (top, bottom float64)
}

// LayoutParams describe the box text is laid out in. Width, Height, Size and
// MinSize share one unit (the renderer uses image heights); Pitch is ems.
type LayoutParams struct {
	Width, Height float64
	Size          float64 // 0: the largest size that fits, searched down to MinSize
	MinSize       float64
	Pitch         float64 // baseline to baseline, the same for every line
	Align         string  // left | center | right
	VAlign        string  // top | middle | bottom
}

// Layout is laid-out text: lines with their baseline origins relative to the
// box's top-left corner, in the box's unit.
type Layout struct {
	Size     float64
	Lines    []Line
	Overflow bool // the text does not fit the box even at the size chosen
}

// Line is [From, To) of paragraph Para set as one line; (X, Y) is the left
// end of its baseline. Top and Bottom are its ink extent in ems.
type Line struct {
	Para, From, To int
	X, Y, Width    float64
	Top, Bottom    float64
}

// searchSteps is fixed rather than a pixel tolerance so that the same box
// gets the same size, and so the same line breaks, at every resolution.
const searchSteps = 24

// tol absorbs float rounding in "fits" comparisons.
const tol = 1 + 1e-9

// LayoutText picks the size (the largest at which the fewest possible lines
// fit the box, when Size is 0), breaks each paragraph into that many lines
// as evenly as it can, and places the lines by their ink: a top-aligned
// block's highest ink touches the box's top, a bottom-aligned block's
// lowest ink its bottom, so captions sit the same distance from their edges
// whatever the case or script. Words wider than a line are broken between
// characters only when nothing smaller fits.
func LayoutText(m Measurer, p LayoutParams) Layout {
	np := m.Paragraphs()
	pitch := p.Pitch
	if pitch <= 0 {
		pitch = 1
	}
	// The text's ink over all paragraphs bounds every line's; fitting uses
	// it, so the size does not depend on which glyphs land on which line.
	inkTop, inkBot, maxSeg := 0.0, 0.0, 0.0
	blank := true
	for i := range np {
		br := m.Breaks(i)
		if len(br) == 0 {
			continue
		}
		blank = false
		t, b := m.Ink(i, 0, br[len(br)-1])
		inkTop, inkBot = max(inkTop, t), max(inkBot, b)
		prev := 0
		for _, b := range br {
			maxSeg = max(maxSeg, m.Width(i, prev, b))
			prev = b
		}
	}
	if blank {
		// Text that is nothing but blank lines draws nothing and takes no room.
		size := p.Size
		if size <= 0 {
			size = p.MinSize
		}
		return Layout{Size: size}
	}
	inkH := inkTop + inkBot
	if inkH <= 0 {
		inkH = pitch
	}
	height := func(lines int) float64 { return inkH + float64(lines-1)*pitch }
	fits := func(size float64) bool {
		n, ok := 0, true
		for i := range np {
			k, fit := greedyLines(m, i, p.Width/size)
			n += k
			ok = ok && fit
		}
		return ok && height(n)*size <= p.Height*tol
	}
	size := p.Size
	if size <= 0 {
		// Upper bound: one line as tall as the box, and the widest
		// unbreakable piece as wide.
		hi := p.Height / inkH
		if maxSeg > 0 && p.Width/maxSeg < hi {
			hi = p.Width / maxSeg
		}
		lo := p.MinSize
		switch {
		case hi <= lo || !fits(lo):
			size = lo
		case fits(hi):
			size = hi
		default:
			for range searchSteps {
				mid := (lo + hi) / 2
				if fits(mid) {
					lo = mid
				} else {
					hi = mid
				}
			}
			size = lo
		}
	}
	out := Layout{Size: size}
	maxW := p.Width / size
	for i := range np {
		out.Lines = append(out.Lines, balance(m, i, maxW)...)
	}
	for i := range out.Lines {
		ln := &out.Lines[i]
		ln.Width = m.Width(ln.Para, ln.From, ln.To) * size
		ln.Top, ln.Bottom = m.Ink(ln.Para, ln.From, ln.To)
		if ln.Top == 0 && ln.Bottom == 0 {
			ln.Top, ln.Bottom = inkTop, inkBot // a blank line: as tall as the text
		}
		if ln.Width > p.Width*tol {
			out.Overflow = true
		}
		switch p.Align {
		case "center", "":
			ln.X = (p.Width - ln.Width) / 2
		case "right":
			ln.X = p.Width - ln.Width
		}
	}
	first, last := out.Lines[0], out.Lines[len(out.Lines)-1]
	span := float64(len(out.Lines)-1) * pitch * size
	blockH := first.Top*size + span + last.Bottom*size
	if blockH > p.Height*tol {
		out.Overflow = true
	}
	y0 := first.Top * size // top
	switch p.VAlign {
	case "middle", "":
		y0 = (p.Height-blockH)/2 + first.Top*size
	case "bottom":
		y0 = p.Height - last.Bottom*size - span
	}
	for i := range out.Lines {
		out.Lines[i].Y = y0 + float64(i)*pitch*size
	}
	return out
}

// greedyLines is how many lines paragraph p needs at maxW ems, the fewest
// any breaking can give; fit is false when some unbreakable piece is wider
// than maxW.
func greedyLines(m Measurer, p int, maxW float64) (n int, fit bool) {
	br := m.Breaks(p)
	if len(br) == 0 {
		return 1, true
	}
	limit := maxW * tol
	fit = true
	start, last := 0, 0 // the current line starts at start and can end at last
	for _, b := range br {
		if m.Width(p, start, b) <= limit {
			last = b
			continue
		}
		if last > start {
			n++
			start = last
		}
		if m.Width(p, start, b) > limit {
			fit = false // b's piece alone is too wide: it takes a line anyway
			n++
			start = b
		}
		last = b
	}
	if last > start {
		n++
	}
	return max(n, 1), fit
}

// balance breaks paragraph p into the fewest lines no wider than maxW and,
// among those, the ones whose lengths are most alike (least sum of squared
// slack), so "BENCHMARK A MEME GENERATOR" sets as "BENCHMARK A / MEME
// GENERATOR" rather than leaving "GENERATOR" alone. A piece wider than maxW
// is broken between graphemes; one that cannot be gets a line of its own.
func balance(m Measurer, p int, maxW float64) []Line {
	br := m.Breaks(p)
	if len(br) == 0 {
		return []Line{{Para: p}}
	}
	limit := maxW * tol
	// Candidate ends: the break opportunities, plus grapheme boundaries
	// inside any piece too wide for a line.
	cand := []int{0}
	gr := m.Graphemes(p)
	gi := 0
	for _, b := range br {
		a := cand[len(cand)-1]
		if m.Width(p, a, b) > limit {
			for gi < len(gr) && gr[gi] <= a {
				gi++
			}
			for ; gi < len(gr) && gr[gi] < b; gi++ {
				cand = append(cand, gr[gi])
			}
		}
		cand = append(cand, b)
	}
	type state struct {
		lines int
		cost  float64
		from  int
	}
	best := make([]state, len(cand))
	for j := 1; j < len(cand); j++ {
		best[j] = state{lines: -1}
		for i := j - 1; i >= 0; i-- {
			w := m.Width(p, cand[i], cand[j])
			if w > limit && i < j-1 {
				break // wider still from further back
			}
			if best[i].lines < 0 {
				continue
			}
			slack := maxW - w
			s := state{best[i].lines + 1, best[i].cost + slack*slack, i}
			if b := best[j]; b.lines < 0 || s.lines < b.lines || (s.lines == b.lines && s.cost < b.cost) {
				best[j] = s
			}
		}
	}
	var lines []Line
	for j := len(cand) - 1; j > 0; j = best[j].from {
		lines = append(lines, Line{Para: p, From: cand[best[j].from], To: cand[j]})
	}
	for i, k := 0, len(lines)-1; i < k; i, k = i+1, k-1 {
		lines[i], lines[k] = lines[k], lines[i]
	}
	return lines
}
