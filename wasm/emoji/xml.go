package emoji

import (
	"bytes"
	"errors"
	"fmt"
)

// A tiny XML tokenizer for the SVG files Parse reads. encoding/xml would do,
// but it adds about 190 KB to the WebAssembly module (measured with a minimal
// program), and the renderer's module has a 1 MB brotli budget it nearly
// fills; Twemoji's files need only tags and attributes.

type token struct {
	name  string
	attrs []attr
	end   bool // </name>, or the end half of <name/>
	self  bool // <name/>: the start token is followed by its own end token
}

type attr struct{ name, value string }

type tokenizer struct {
	b   []byte
	pos int
}

var errEOF = errors.New("end of input")

// next returns the next start or end tag, skipping text, comments,
// processing instructions and declarations.
func (z *tokenizer) next() (token, error) {
	for {
		i := bytes.IndexByte(z.b[z.pos:], '<')
		if i < 0 {
			return token{}, errEOF
		}
		z.pos += i
		rest := z.b[z.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := z.skipPast("-->"); err != nil {
				return token{}, err
			}
			continue
		case bytes.HasPrefix(rest, []byte("<?")):
			if err := z.skipPast("?>"); err != nil {
				return token{}, err
			}
			continue
		case bytes.HasPrefix(rest, []byte("<!")):
			if err := z.skipPast(">"); err != nil {
				return token{}, err
			}
			continue
		case bytes.HasPrefix(rest, []byte("</")):
			z.pos += 2
			name := z.name()
			z.space()
			if name == "" || z.pos >= len(z.b) || z.b[z.pos] != '>' {
				return token{}, fmt.Errorf("malformed end tag at byte %d", z.pos)
			}
			z.pos++
			return token{name: name, end: true}, nil
		}
		z.pos++
		t := token{name: z.name()}
		if t.name == "" {
			return token{}, fmt.Errorf("malformed tag at byte %d", z.pos)
		}
		for {
			z.space()
			if z.pos >= len(z.b) {
				return token{}, fmt.Errorf("unterminated <%s>", t.name)
			}
			switch c := z.b[z.pos]; {
			case c == '>':
				z.pos++
				return t, nil
			case c == '/' && z.pos+1 < len(z.b) && z.b[z.pos+1] == '>':
				z.pos += 2
				t.self = true
				return t, nil
			}
			name := z.name()
			z.space()
			if name == "" || z.pos >= len(z.b) || z.b[z.pos] != '=' {
				return token{}, fmt.Errorf("<%s>: malformed attribute at byte %d", t.name, z.pos)
			}
			z.pos++
			z.space()
			if z.pos >= len(z.b) || (z.b[z.pos] != '"' && z.b[z.pos] != '\'') {
				return token{}, fmt.Errorf("<%s>: attribute %s: want a quoted value", t.name, name)
			}
			q := z.b[z.pos]
			j := bytes.IndexByte(z.b[z.pos+1:], q)
			if j < 0 {
				return token{}, fmt.Errorf("<%s>: attribute %s: unterminated value", t.name, name)
			}
			v := z.b[z.pos+1 : z.pos+1+j]
			if bytes.IndexByte(v, '&') >= 0 {
				return token{}, fmt.Errorf("<%s>: attribute %s: entities are not supported", t.name, name)
			}
			t.attrs = append(t.attrs, attr{name, string(v)})
			z.pos += j + 2
		}
	}
}

func (z *tokenizer) skipPast(s string) error {
	i := bytes.Index(z.b[z.pos:], []byte(s))
	if i < 0 {
		return fmt.Errorf("unterminated markup at byte %d", z.pos)
	}
	z.pos += i + len(s)
	return nil
}

func (z *tokenizer) name() string {
	start := z.pos
	for z.pos < len(z.b) {
		c := z.b[z.pos]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '=' || c == '>' || c == '/' || c == '<' || c == '"' || c == '\'' {
			break
		}
		z.pos++
	}
	return string(z.b[start:z.pos])
}

func (z *tokenizer) space() {
	for z.pos < len(z.b) {
		switch z.b[z.pos] {
		case ' ', '\t', '\n', '\r':
			z.pos++
		default:
			return
		}
	}
}
