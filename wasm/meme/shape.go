package meme

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-text/typesetting/bidi"
	"github.com/go-text/typesetting/di"
	gtfont "github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/harfbuzz"
	"github.com/go-text/typesetting/segmenter"
	"github.com/go-text/typesetting/shaping"

	"github.com/memeforge/memeforge/wasm/emoji"
)

// shapedText is a caption shaped once, at size 1: each paragraph split by
// bidi level, script and font (the box font first, then the fallbacks),
// each run shaped by HarfBuzz (go-text's port: GSUB/GPOS, so Arabic joins,
// Indic clusters reorder, marks attach and Latin kerns). It is the Measurer
// layout uses: widths of any piece come from prefix sums of the shaped
// advances, so auto-fit tries sizes without shaping again, and measuring
// and drawing place glyphs identically.
type shapedText struct {
	chain []*Font
	paras []*shapedPara
}

// emojiArt is what shaping asks of the emoji source: whether a cluster's
// art is loaded (drawn in colour) or not (drawn as the box font's .notdef
// box and reported missing, like a character no font has).
type emojiArt interface{ Has(key string) bool }

type shapedPara struct {
	text      []rune
	runs      []shapedRun // logical order
	adv       []float64   // adv[i]: advance of the clusters that start before rune i, ems
	breaks    []int
	graphemes []int
}

// shapedRun is text of one bidi level in one font, glyphs in HarfBuzz's
// output order (left to right as drawn, also for right-to-left runs). An
// emoji run is one emoji cluster with one glyph one em wide: emoji names
// its art (font is nil), or is empty when the art is not loaded and the
// glyph is font's .notdef box.
type shapedRun struct {
	start, end int
	level      bidi.Level
	font       *Font
	glyphs     []shapedGlyph
	emoji      string
}

type shapedGlyph struct {
	id      gtfont.GID
	cluster int     // the first rune of its cluster, in the paragraph
	ax      float64 // advance, ems
	dx, dy  float64 // offset from the pen, ems, y down
}

// fontmap picks, for each character, the first font of the chain that has
// it; the box font for characters none has (they shape to its .notdef box).
type fontmap []*Font

func (c fontmap) ResolveFace(r rune) *gtfont.Face {
	for _, f := range c {
		if f.Has(r) {
			return f.face
		}
	}
	return c[0].face
}

// normalize collapses runs of white space inside each paragraph to one
// space and trims them at its ends: what a person typing a caption means.
func normalize(text string) []string {
	paras := strings.Split(text, "\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return paras
}

func shapeText(chain []*Font, art emojiArt, text string) *shapedText {
	var sh shaper
	return sh.text(chain, art, text)
}

func (sh *shaper) text(chain []*Font, art emojiArt, text string) *shapedText {
	st := &shapedText{chain: chain}
	for _, p := range normalize(text) {
		st.paras = append(st.paras, sh.paragraph(chain, art, []rune(p)))
	}
	// Text that is nothing but blank lines draws nothing.
	blank := true
	for _, p := range st.paras {
		blank = blank && len(p.text) == 0
	}
	if blank {
		st.paras = nil
	}
	return st
}

// shaper holds the buffers shaping reuses. Its HarfBuzz buffer also keeps
// the shape plans HarfBuzz compiles per face, script, direction and
// language (their feature maps and lookups): compiling them was most of
// shaping a short caption, so a shaper that outlives one call shapes a
// keystroke's text about twice as fast.
type shaper struct {
	bidi bidi.Paragraph
	seg  shaping.Segmenter
	brk  segmenter.Segmenter
	buf  *harfbuzz.Buffer
}

// shapeCacheSize bounds the captions a FontSet keeps shaped: enough for
// every box of a spec (MaxBoxes) with room for the texts a keystroke just
// replaced.
const shapeCacheSize = 32

// shapeCache keeps captions shaped recently, so a text shaped for the
// preview is not shaped again for the final render, a GIF's frames or a
// canvas's band measure, and the shaper that HarfBuzz's plans live in. It
// belongs to a FontSet and is emptied whenever the set changes (gen): a
// shaped text holds its fonts and what emoji art there was.
type shapeCache struct {
	gen   int
	sh    shaper
	items map[shapeKey]*shapedEntry
	order []shapeKey // oldest first
}

// shapeKey is what a shaped caption depends on besides the set's
// generation: its box font (the fallbacks that follow it are the set's)
// and its text.
type shapeKey struct {
	font *Font
	text string
}

type shapedEntry struct {
	st   *shapedText
	miss []string // what missing says for the text; read-only
}

// shaped returns text shaped with chain (fs.chain of some name) and what
// it lacks (missing), from the cache when the same text was shaped with
// the same box font since fs last changed. Callers must not modify either.
func (fs *FontSet) shaped(chain []*Font, text string) (*shapedText, []string) {
	c := &fs.shapes
	if c.gen != fs.gen || c.items == nil {
		// New fonts or emoji art: drop the shapes and HarfBuzz's plans
		// (keyed by faces that may be gone).
		*c = shapeCache{gen: fs.gen, items: map[shapeKey]*shapedEntry{}}
	}
	k := shapeKey{font: chain[0], text: text}
	if e, ok := c.items[k]; ok {
		return e.st, e.miss
	}
	e := &shapedEntry{st: c.sh.text(chain, &fs.emoji, text), miss: missing(chain, &fs.emoji, nil, text)}
	if len(c.order) >= shapeCacheSize {
		delete(c.items, c.order[0])
		c.order = append(c.order[:0], c.order[1:]...)
	}
	c.items[k] = e
	c.order = append(c.order, k)
	return e.st, e.miss
}

func (sh *shaper) paragraph(chain []*Font, art emojiArt, text []rune) *shapedPara {
	sp := &shapedPara{text: text, adv: make([]float64, len(text)+1)}
	if len(text) == 0 {
		return sp
	}
	// Bidi levels per character; the paragraph's own level is the lowest
	// (from its first strong character: `50% خصم today` is a right-to-left
	// paragraph).
	levels := make([]bidi.Level, len(text))
	runs := sh.bidi.Segment(text, bidi.Neutral)
	base := bidi.Level(127)
	for i := range runs.NumRuns() {
		r := runs.Run(i)
		for k := r.Start; k < r.End; k++ {
			levels[k] = r.Level
		}
		base = min(base, r.Level)
	}
	dir := di.DirectionLTR
	if base%2 == 1 {
		dir = di.DirectionRTL
	}
	if sh.buf == nil {
		sh.buf = harfbuzz.NewBuffer()
	}
	byFace := map[*gtfont.Face]*Font{}
	for _, f := range chain {
		byFace[f.face] = f
	}
	// Emoji clusters are atomic: their own runs, whatever font or level
	// the characters inside them (ZWJ, tags, selectors) were given.
	clusters := emojiClusters(text)
	inEmoji := make([]int, len(text)) // 1 + index into clusters, or 0
	for i, c := range clusters {
		for k := c.start; k < c.end; k++ {
			inEmoji[k] = i + 1
		}
	}
	in := shaping.Input{Text: text, RunStart: 0, RunEnd: len(text), Direction: dir}
	for _, item := range sh.seg.Split(in, fontmap(chain)) {
		// Split by direction; levels of one direction may still differ
		// (embeddings), and reordering needs them exact. An emoji cluster
		// ends a run, and one that began in an earlier item was shaped
		// there.
		s := item.RunStart
		for s < item.RunEnd && inEmoji[s] != 0 && clusters[inEmoji[s]-1].start < s {
			s++
		}
		for s < item.RunEnd {
			if c := inEmoji[s]; c != 0 {
				cl := clusters[c-1]
				sp.runs = append(sp.runs, emojiRun(chain[0], art, cl, levels[s]))
				s = cl.end
				continue
			}
			e := s + 1
			for e < item.RunEnd && levels[e] == levels[s] && inEmoji[e] == 0 {
				e++
			}
			sp.runs = append(sp.runs, sh.shapeRun(byFace[item.Face], text, s, e, levels[s], item))
			s = e
		}
	}
	for _, r := range sp.runs {
		for _, g := range r.glyphs {
			sp.adv[g.cluster+1] += g.ax
		}
	}
	for i := 1; i < len(sp.adv); i++ {
		sp.adv[i] += sp.adv[i-1]
	}
	// UAX #14 and #29 keep emoji sequences whole already (LB8a, LB30a,
	// LB30b; GB11, GB12); dropping any offset inside a cluster keeps the
	// runs above whole whatever the segmenter's Unicode version.
	inside := func(i int) bool { return i < len(text) && inEmoji[i] != 0 && clusters[inEmoji[i]-1].start < i }
	sh.brk.Init(text)
	for it := sh.brk.LineIterator(); it.Next(); {
		l := it.Line()
		if b := l.Offset + len(l.Text); !inside(b) {
			sp.breaks = append(sp.breaks, b)
		}
	}
	for it := sh.brk.GraphemeIterator(); it.Next(); {
		g := it.Grapheme()
		if b := g.Offset + len(g.Text); !inside(b) {
			sp.graphemes = append(sp.graphemes, b)
		}
	}
	return sp
}

// runeCluster is an emoji cluster in rune offsets.
type runeCluster struct {
	start, end int
	key        string
}

// emojiClusters finds the emoji in text (UTS #51, package emoji).
func emojiClusters(text []rune) []runeCluster {
	s := string(text)
	cs := emoji.Clusters(s)
	if len(cs) == 0 {
		return nil
	}
	out := make([]runeCluster, len(cs))
	ri, bi := 0, 0 // rune and byte offset walked so far
	at := func(b int) int {
		for bi < b {
			bi += utf8.RuneLen(text[ri])
			ri++
		}
		return ri
	}
	for i, c := range cs {
		out[i].start = at(c.Start)
		out[i].end = at(c.End)
		out[i].key = c.Key
	}
	return out
}

// emojiEm is an emoji's advance and square, in ems (emoji.Glyph: one em).
const emojiEm = 1

// emojiInk is how far emoji art reaches above and below the baseline, in
// ems: its square, placed with emoji.Glyph's ascent.
var emojiInk = &glyph{top: emoji.AscentEm, bottom: emojiEm - emoji.AscentEm}

// emojiRun is the run for one emoji cluster: its art when art has it, else
// box's .notdef glyph (one box for the whole sequence).
func emojiRun(box *Font, art emojiArt, c runeCluster, level bidi.Level) shapedRun {
	r := shapedRun{start: c.start, end: c.end, level: level}
	if art != nil && art.Has(c.key) {
		r.emoji = c.key
		r.glyphs = []shapedGlyph{{cluster: c.start, ax: emojiEm}}
		return r
	}
	r.font = box
	r.glyphs = []shapedGlyph{{id: 0, cluster: c.start, ax: float64(box.face.HorizontalAdvance(0)) / box.upem}}
	return r
}

func (sh *shaper) shapeRun(f *Font, text []rune, start, end int, level bidi.Level, item shaping.Input) shapedRun {
	b := sh.buf
	b.Clear()
	b.AddRunes(text, start, end-start)
	d := di.DirectionLTR
	if level%2 == 1 {
		d = di.DirectionRTL
	}
	b.Props.Direction = d.Harfbuzz()
	b.Props.Script = item.Script
	b.Props.Language = item.Language
	b.Shape(f.hb, nil)
	run := shapedRun{start: start, end: end, level: level, font: f, glyphs: make([]shapedGlyph, len(b.Info))}
	for i, info := range b.Info {
		pos := b.Pos[i]
		run.glyphs[i] = shapedGlyph{
			id:      info.Glyph,
			cluster: info.Cluster,
			ax:      float64(pos.XAdvance) / f.upem,
			dx:      float64(pos.XOffset) / f.upem,
			dy:      -float64(pos.YOffset) / f.upem,
		}
	}
	return run
}

// Measurer.

func (st *shapedText) Paragraphs() int       { return len(st.paras) }
func (st *shapedText) Breaks(p int) []int    { return st.paras[p].breaks }
func (st *shapedText) Graphemes(p int) []int { return st.paras[p].graphemes }
func (st *shapedText) Width(p, from, to int) float64 {
	sp := st.paras[p]
	to = sp.trim(from, to)
	return sp.adv[to] - sp.adv[from]
}

// trim drops white space at the end of [from, to).
func (sp *shapedPara) trim(from, to int) int {
	for to > from && unicode.IsSpace(sp.text[to-1]) {
		to--
	}
	return to
}

func (st *shapedText) Ink(p, from, to int) (top, bottom float64) {
	st.line(p, from, to, func(_ *shapedRun, g *glyph, x, y float64) {
		top = max(top, g.top-y)
		bottom = max(bottom, g.bottom+y)
	})
	return top, bottom
}

// line calls fn for each glyph of [from, to) of paragraph p with an
// outline or emoji art (g is then emojiInk), left to right as drawn, at its
// position in ems from the left end of the line's baseline (y down). Runs are put in visual order by the
// bidi algorithm's rule L2: from the highest level down to the lowest odd
// one, every sequence of runs at that level or higher is reversed.
func (st *shapedText) line(p, from, to int, fn func(r *shapedRun, g *glyph, x, y float64)) float64 {
	to = st.paras[p].trim(from, to)
	x := 0.0
	for _, r := range st.visual(p, from, to) {
		for _, g := range r.glyphs {
			if g.cluster < from || g.cluster >= to {
				continue
			}
			switch {
			case fn == nil:
			case r.emoji != "":
				fn(r, emojiInk, x, 0)
			default:
				if gl := r.font.glyph(g.id); len(gl.ops) > 0 {
					fn(r, gl, x+g.dx, g.dy)
				}
			}
			x += g.ax
		}
	}
	return x
}

// visual is the runs of [from, to) of paragraph p in the order they are
// drawn, left to right.
func (st *shapedText) visual(p, from, to int) []*shapedRun {
	sp := st.paras[p]
	var order []*shapedRun
	var hi, lowOdd bidi.Level = 0, 127
	for i := range sp.runs {
		r := &sp.runs[i]
		if r.end <= from || r.start >= to {
			continue
		}
		order = append(order, r)
		hi = max(hi, r.level)
		if r.level%2 == 1 {
			lowOdd = min(lowOdd, r.level)
		}
	}
	for lvl := hi; lvl >= lowOdd && lvl > 0; lvl-- {
		for i := 0; i < len(order); {
			if order[i].level < lvl {
				i++
				continue
			}
			j := i
			for j < len(order) && order[j].level >= lvl {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
			}
			i = j
		}
	}
	return order
}

// ignorable characters have no visible form of their own (joiners,
// variation selectors, BOM, soft hyphen, bidi controls); they are not
// reported missing.
func ignorable(r rune) bool {
	return r == 0xAD || r == 0x34F || r == 0xFEFF ||
		(r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
		(r >= 0x2060 && r <= 0x206F) || (r >= 0xFE00 && r <= 0xFE0F) ||
		(r >= 0xE0000 && r <= 0xE0FFF)
}

// missing appends to dst each character of text that no font in chain
// covers, and each emoji cluster whose art is not in art, that dst does
// not hold yet.
func missing(chain []*Font, art emojiArt, dst []string, text string) []string {
	add := func(m string) {
		for _, d := range dst {
			if d == m {
				return
			}
		}
		dst = append(dst, m)
	}
	cs := emoji.Clusters(text)
next:
	for i, r := range text {
		for len(cs) > 0 && cs[0].End <= i {
			cs = cs[1:]
		}
		if len(cs) > 0 && cs[0].Start <= i {
			if cs[0].Start == i && (art == nil || !art.Has(cs[0].Key)) {
				add(text[cs[0].Start:cs[0].End])
			}
			continue
		}
		if r == '\n' || unicode.IsSpace(r) || ignorable(r) {
			continue
		}
		for _, f := range chain {
			if f.Has(r) {
				continue next
			}
		}
		add(string(r))
	}
	return dst
}
