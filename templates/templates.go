// Package templates holds memeforge's meme templates: one folder a template,
// holding spec.json (a meme spec), its images named 1.jpg, 2.jpg, ... in
// slot order (.jpg, .jpeg, .png, .gif or .webp), LICENSE (where each image
// comes from and its licence) and an optional title.txt. A folder without
// images is a blank format, applied to the person's own images.
//
// A deployer adds a template by dropping a folder in here: the CLI embeds
// them all (Builtin), and scripts/templates writes the site's index from
// the folder on disk. This package only reads files; parsing the spec is
// the renderer's (package meme) job, so the renderer's tests can use it.
package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Builtin is this folder, embedded.
//
//go:embed *
var Builtin embed.FS

// Blank are the blank formats, in the order a gallery shows them first.
var Blank = []string{"classic", "caption-bar", "two-panel", "four-panel", "labels"}

// Template is one folder's files.
type Template struct {
	Name   string
	Title  string
	Spec   []byte   // spec.json as it is
	Images []string // image file names, in slot order; none for a blank format
}

// imageExts are the extensions an image file may have.
var imageExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp"}

// List returns every template in fsys: the blank formats first in Blank's
// order, then the others by name. A folder is a template when it has
// spec.json.
func List(fsys fs.FS) ([]Template, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	var out []Template
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), "spec.json")); err != nil {
			continue
		}
		t, err := Load(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	rank := func(name string) int {
		if i := slices.Index(Blank, name); i >= 0 {
			return i
		}
		return len(Blank)
	}
	slices.SortStableFunc(out, func(a, b Template) int {
		if ra, rb := rank(a.Name), rank(b.Name); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// Names lists the templates in fsys, in List's order.
func Names(fsys fs.FS) ([]string, error) {
	ts, err := List(fsys)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name
	}
	return names, nil
}

// Load reads template name from fsys. Its images must be numbered from 1
// without gaps.
func Load(fsys fs.FS, name string) (Template, error) {
	if name == "" || name == "." || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return Template{}, fmt.Errorf("templates: %q is not a template name", name)
	}
	spec, err := fs.ReadFile(fsys, path.Join(name, "spec.json"))
	if err != nil {
		if _, serr := fs.Stat(fsys, name); serr != nil {
			return Template{}, fmt.Errorf("templates: no template %q", name)
		}
		return Template{}, fmt.Errorf("templates: %s: %w", name, err)
	}
	t := Template{Name: name, Spec: spec, Title: titleOf(name)}
	if b, err := fs.ReadFile(fsys, path.Join(name, "title.txt")); err == nil {
		if line, _, _ := strings.Cut(string(b), "\n"); strings.TrimSpace(line) != "" {
			t.Title = strings.TrimSpace(line)
		}
	}
	entries, err := fs.ReadDir(fsys, name)
	if err != nil {
		return Template{}, fmt.Errorf("templates: %s: %w", name, err)
	}
	byNum := map[int]string{}
	for _, e := range entries {
		ext := strings.ToLower(path.Ext(e.Name()))
		if e.IsDir() || !slices.Contains(imageExts, ext) {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
		if err != nil || n < 1 {
			return Template{}, fmt.Errorf("templates: %s/%s: name images 1%s, 2%s, ... in slot order", name, e.Name(), ext, ext)
		}
		if prev, dup := byNum[n]; dup {
			return Template{}, fmt.Errorf("templates: %s: both %s and %s are image %d", name, prev, e.Name(), n)
		}
		byNum[n] = e.Name()
	}
	for i := 1; i <= len(byNum); i++ {
		f, ok := byNum[i]
		if !ok {
			return Template{}, fmt.Errorf("templates: %s: image %d is missing (images are numbered from 1)", name, i)
		}
		t.Images = append(t.Images, f)
	}
	if len(t.Images) > 0 {
		if _, err := fs.Stat(fsys, path.Join(name, "LICENSE")); err != nil {
			return Template{}, fmt.Errorf("templates: %s: images need a LICENSE file saying where they come from", name)
		}
	}
	return t, nil
}

// titleOf makes a title from a folder name: "two-panel" -> "Two panel".
func titleOf(name string) string {
	s := strings.ReplaceAll(name, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ReadImages returns t's image files' bytes, in slot order.
func (t Template) ReadImages(fsys fs.FS) ([][]byte, error) {
	out := make([][]byte, len(t.Images))
	for i, f := range t.Images {
		b, err := fs.ReadFile(fsys, path.Join(t.Name, f))
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", t.Name, err)
		}
		out[i] = b
	}
	return out, nil
}
