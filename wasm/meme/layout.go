package meme

import "strings"

// Measurer measures a run of text at font size 1, so widths are in ems.
// Layout scales them by the size it tries; nothing is hinted, so width is
// linear in size and a string is measured once however many sizes are tried.
type Measurer interface {
	Width(s string) float64
}

// LayoutParams describe the box text is laid out in. Width, Height, Size and
// MinSize share one unit (the renderer uses image heights); Ascent and
// Descent are ems.
type LayoutParams struct {
	Width, Height float64
	Size          float64 // 0: the largest size that fits, searched down to MinSize
	MinSize       float64
	Ascent        float64 // from the top of a line to its baseline
	Descent       float64 // from the baseline to the bottom of a line
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

// Line is one line of text; (X, Y) is the left end of its baseline.
type Line struct {
	Text  string
	X, Y  float64
	Width float64
}

// searchSteps is fixed rather than a pixel tolerance so that the same box
// gets the same size, and so the same line breaks, at every resolution.
const searchSteps = 24

// LayoutText wraps text by words (breaking words longer than a line only
// when nothing smaller fits), picks the size and aligns the lines.
func LayoutText(m Measurer, text string, p LayoutParams) Layout {
	w := newWrapper(m, text)
	pitch := p.Ascent + p.Descent
	if pitch <= 0 {
		pitch = 1
	}
	fits := func(size float64) bool {
		lines, ok := w.wrap(p.Width/size, false)
		return ok && float64(len(lines))*pitch*size <= p.Height*(1+1e-9)
	}
	size := p.Size
	if size <= 0 {
		// Upper bound: one line as tall as the box, and the widest word as wide.
		hi := p.Height / pitch
		if w.maxWord > 0 && p.Width/w.maxWord < hi {
			hi = p.Width / w.maxWord
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
	lines, _ := w.wrap(p.Width/size, true)
	out := Layout{Size: size, Lines: make([]Line, len(lines))}
	blockH := float64(len(lines)) * pitch * size
	out.Overflow = blockH > p.Height*(1+1e-9)
	top := 0.0
	switch p.VAlign {
	case "middle", "":
		top = (p.Height - blockH) / 2
	case "bottom":
		top = p.Height - blockH
	}
	for i, s := range lines {
		lw := m.Width(s) * size
		if lw > p.Width*(1+1e-9) {
			out.Overflow = true
		}
		x := 0.0
		switch p.Align {
		case "center", "":
			x = (p.Width - lw) / 2
		case "right":
			x = p.Width - lw
		}
		out.Lines[i] = Line{Text: s, X: x, Y: top + (float64(i)*pitch+p.Ascent)*size, Width: lw}
	}
	return out
}

// wrapper holds text split into paragraphs and words, each measured once.
type wrapper struct {
	m       Measurer
	paras   [][]word
	space   float64
	maxWord float64
}

type word struct {
	s string
	w float64
}

func newWrapper(m Measurer, text string) *wrapper {
	w := &wrapper{m: m, space: m.Width(" ")}
	widths := map[string]float64{}
	for _, para := range strings.Split(text, "\n") {
		var ws []word
		for _, f := range strings.Fields(para) {
			fw, ok := widths[f]
			if !ok {
				fw = m.Width(f)
				widths[f] = fw
			}
			w.maxWord = max(w.maxWord, fw)
			ws = append(ws, word{f, fw})
		}
		w.paras = append(w.paras, ws)
	}
	// Text that is nothing but blank lines draws nothing and takes no room.
	blank := true
	for _, p := range w.paras {
		blank = blank && len(p) == 0
	}
	if blank {
		w.paras = nil
	}
	return w
}

// wrap fills lines greedily up to maxW ems. A word wider than a line is
// broken between characters when breakWords is set; otherwise ok is false.
func (w *wrapper) wrap(maxW float64, breakWords bool) (lines []string, ok bool) {
	ok = true
	limit := maxW * (1 + 1e-9)
	for _, para := range w.paras {
		var cur []string
		curW := 0.0
		flush := func() {
			lines = append(lines, strings.Join(cur, " "))
			cur, curW = cur[:0], 0
		}
		for _, wd := range para {
			if len(cur) > 0 && curW+w.space+wd.w <= limit {
				cur = append(cur, wd.s)
				curW += w.space + wd.w
				continue
			}
			if len(cur) > 0 {
				flush()
			}
			if wd.w <= limit {
				cur, curW = append(cur, wd.s), wd.w
				continue
			}
			if !breakWords {
				ok = false
				cur, curW = append(cur, wd.s), wd.w
				continue
			}
			pieces := w.breakWord(wd.s, limit)
			for _, p := range pieces[:len(pieces)-1] {
				lines = append(lines, p)
			}
			last := pieces[len(pieces)-1]
			cur, curW = append(cur, last), w.m.Width(last)
		}
		if len(cur) > 0 || len(para) == 0 {
			flush()
		}
	}
	return lines, ok
}

// breakWord splits s into pieces no wider than limit, each at least one
// character, taking the longest prefix that fits each time.
func (w *wrapper) breakWord(s string, limit float64) []string {
	var out []string
	for s != "" {
		rs := []rune(s)
		// Longest prefix of n runes with Width <= limit, found by bisection.
		lo, hi := 1, len(rs)
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if w.m.Width(string(rs[:mid])) <= limit {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		out = append(out, string(rs[:lo]))
		s = string(rs[lo:])
	}
	return out
}
