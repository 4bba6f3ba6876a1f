package emoji

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Cluster is one emoji in a text: the bytes s[Start:End] and the Twemoji
// file that draws them (Key + ".svg").
type Cluster struct {
	Start, End int
	Key        string
}

const (
	zwj       = '\u200D'
	vs15      = '\uFE0E' // text presentation selector
	vs16      = '\uFE0F' // emoji presentation selector
	keycap    = '\u20E3'
	tagFirst  = '\U000E0020'
	tagLast   = '\U000E007E'
	tagCancel = '\U000E007F'
	riFirst   = '\U0001F1E6'
	riLast    = '\U0001F1FF'
)

func isRI(r rune) bool  { return r >= riFirst && r <= riLast }
func isTag(r rune) bool { return r >= tagFirst && r <= tagLast }

func isKeycapBase(r rune) bool { return r == '#' || r == '*' || (r >= '0' && r <= '9') }

var sequences = sync.OnceValue(func() (s struct {
	zwj  map[string]string // ZWJ sequence without FE0F -> fully qualified
	tag  map[string]bool
	flag map[string]bool
}) {
	s.zwj = map[string]string{}
	for _, q := range strings.Split(strings.TrimSuffix(rgiZWJ, "\n"), "\n") {
		s.zwj[strings.ReplaceAll(q, string(vs16), "")] = q
	}
	s.tag = set(rgiTag)
	s.flag = set(rgiFlag)
	return s
})

func set(lines string) map[string]bool {
	m := map[string]bool{}
	for _, q := range strings.Split(strings.TrimSuffix(lines, "\n"), "\n") {
		m[q] = true
	}
	return m
}

// Clusters returns the emoji in s in order. Characters that are emoji only
// in text presentation by default (digits, ©, ♀, ❤ ...) count only when a
// U+FE0F, a skin tone, a keycap mark or a ZWJ sequence makes them emoji; a
// U+FE0E keeps one as text. A ZWJ sequence Twemoji has no picture for (not
// one of Unicode's recommended ones) falls apart into its emoji, as on every
// other platform.
func Clusters(s string) []Cluster {
	var out []Cluster
	for i := 0; i < len(s); {
		c, ok := next(s, i)
		if !ok {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		out = append(out, c)
		i = c.End
	}
	return out
}

// Needed returns the distinct keys of the emoji in text, in the order they
// first appear: the files a page must fetch to draw it.
func Needed(text string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, c := range Clusters(text) {
		if !seen[c.Key] {
			seen[c.Key] = true
			keys = append(keys, c.Key)
		}
	}
	return keys
}

// element is one emoji_zwj_element: a character with what modifies it.
type element struct {
	start, end int
	runes      []rune // as written, without FE0F
	emoji      bool   // shown as emoji on its own
}

// readElement reads the element at s[i:], or returns ok=false if s[i] starts none.
func readElement(s string, i int) (e element, ok bool) {
	r, n := utf8.DecodeRuneInString(s[i:])
	e.start, e.end = i, i+n
	e.runes = []rune{r}
	peek := func() (rune, int) {
		if e.end >= len(s) {
			return -1, 0
		}
		return utf8.DecodeRuneInString(s[e.end:])
	}
	switch {
	case isRI(r):
		e.emoji = true
		if r2, n2 := peek(); isRI(r2) && sequences().flag[string([]rune{r, r2})] {
			e.runes = append(e.runes, r2)
			e.end += n2
		}
		return e, true
	case isKeycapBase(r):
		j := e.end
		r2, n2 := peek()
		if r2 == vs16 {
			e.end += n2
			r2, n2 = peek()
		}
		if r2 != keycap {
			e.end = j
			return e, false
		}
		e.end += n2
		e.runes = append(e.runes, keycap)
		e.emoji = true
		return e, true
	case !unicode.Is(isEmoji, r) && !unicode.Is(isPictographic, r):
		return e, false
	}
	e.emoji = unicode.Is(isPresentation, r)
	switch r2, n2 := peek(); {
	case r2 == vs15:
		e.emoji = false
		e.end += n2
	case r2 == vs16:
		e.emoji = true
		e.end += n2
	case unicode.Is(isModifier, r2) && unicode.Is(isModifierBase, r):
		e.emoji = true
		e.runes = append(e.runes, r2)
		e.end += n2
	case isTag(r2):
		// A tag sequence: base, tags, cancel tag. Only the recommended ones
		// have their own picture; any other shows its base, tags unseen.
		j := e.end
		for j < len(s) {
			t, m := utf8.DecodeRuneInString(s[j:])
			if !isTag(t) {
				if t == tagCancel {
					tags := s[e.end : j+m]
					if sequences().tag[string(r)+tags] {
						e.runes = []rune(string(r) + tags)
						e.emoji = true
					}
					e.end = j + m
				}
				break
			}
			j += m
		}
	}
	return e, true
}

// next finds the cluster that starts at s[i], if one does.
func next(s string, i int) (Cluster, bool) {
	first, ok := readElement(s, i)
	if !ok {
		return Cluster{}, false
	}
	// Gather first ZWJ second ZWJ third ...
	els := []element{first}
	for j := first.end; strings.HasPrefix(s[j:], string(zwj)); {
		e, ok := readElement(s, j+len(string(zwj)))
		if !ok || e.start == e.end {
			break
		}
		els = append(els, e)
		j = e.end
	}
	// The longest recommended ZWJ sequence that starts here.
	for k := len(els); k >= 2; k-- {
		var b strings.Builder
		for m, e := range els[:k] {
			if m > 0 {
				b.WriteRune(zwj)
			}
			b.WriteString(string(e.runes))
		}
		if q, ok := sequences().zwj[b.String()]; ok {
			return Cluster{Start: i, End: els[k-1].end, Key: key(q, true)}, true
		}
	}
	if !first.emoji {
		return Cluster{}, false
	}
	return Cluster{Start: i, End: first.end, Key: key(string(first.runes), false)}, true
}

// key names a sequence's Twemoji file: lowercase hex code points without
// leading zeros joined by '-'. Twemoji keeps U+FE0F in the names of ZWJ
// sequences and drops it everywhere else (its own lookup does the same).
func key(seq string, keepVS16 bool) string {
	k := hexKey(seq, keepVS16)
	if f, ok := renamed[k]; ok {
		return f
	}
	return k
}

// renamed lists the sequences whose Twemoji file breaks that rule
// (TestEveryRecommendedSequenceHasArt finds any new one).
var renamed = map[string]string{
	"1f441-fe0f-200d-1f5e8-fe0f": "1f441-200d-1f5e8", // eye in speech bubble
}

func hexKey(seq string, keepVS16 bool) string {
	var b strings.Builder
	for _, r := range seq {
		if r == vs16 && !keepVS16 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.FormatInt(int64(r), 16))
	}
	return b.String()
}
