// Command templates publishes the meme templates for the site: it copies each template folder
// (spec.json, images, LICENSE) from SRC to OUT, renders a thumbnail of each (thumb.jpg: blank formats
// with grey placeholders and numbered captions), and writes OUT/index.json, the one file the
// gallery reads. scripts/build-site.sh runs it, so `make run` and `make deploy` publish whatever
// folders SRC holds: a deployer adds a template by dropping a folder into templates/.
//
//	go run ./scripts/templates SRC OUT
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/memeforge/memeforge/templates"
	"github.com/memeforge/memeforge/wasm/cmd/meme/fallback"
	"github.com/memeforge/memeforge/wasm/imgio"
	"github.com/memeforge/memeforge/wasm/meme"
)

// thumbWidth is the width of every thumbnail; the height follows the template's shape.
const thumbWidth = 320

// Entry is one template in index.json. Paths are relative to the index.
type Entry struct {
	Name      string   `json:"name"`
	Title     string   `json:"title"`
	Blank     bool     `json:"blank"` // a format for the person's own images: Images is empty
	Slots     int      `json:"slots"` // how many images the spec takes
	Spec      string   `json:"spec"`
	Images    []string `json:"images"`
	Thumbnail string   `json:"thumbnail"`
	License   string   `json:"license,omitempty"`
}

// Index is index.json.
type Index struct {
	Templates []Entry `json:"templates"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: templates SRC OUT")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "templates:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	fsys := os.DirFS(src)
	list, err := templates.List(fsys)
	if err != nil {
		return err
	}
	fonts := meme.NewFontSet()
	if err := fallback.AddAll(fonts); err != nil {
		return err
	}
	idx := Index{Templates: []Entry{}}
	for _, t := range list {
		e, err := publish(fsys, t, fonts, out)
		if err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
		idx.Templates = append(idx.Templates, e)
	}
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "index.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "templates: %d templates in %s\n", len(idx.Templates), filepath.Join(out, "index.json"))
	return nil
}

func publish(fsys fs.FS, t templates.Template, fonts *meme.FontSet, out string) (Entry, error) {
	spec, err := meme.ParseSpec(t.Spec)
	if err != nil {
		return Entry{}, err
	}
	if n := len(t.Images); n != 0 && n != spec.Slots() {
		return Entry{}, fmt.Errorf("%d images for %d slots", n, spec.Slots())
	}
	dir := filepath.Join(out, t.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Entry{}, err
	}
	e := Entry{Name: t.Name, Title: t.Title, Blank: len(t.Images) == 0, Slots: spec.Slots(),
		Spec: t.Name + "/spec.json", Images: []string{}, Thumbnail: t.Name + "/thumb.jpg"}
	copyFile := func(name string) error {
		b, err := fs.ReadFile(fsys, t.Name+"/"+name)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	if err := copyFile("spec.json"); err != nil {
		return Entry{}, err
	}
	if _, err := fs.Stat(fsys, t.Name+"/LICENSE"); err == nil {
		if err := copyFile("LICENSE"); err != nil {
			return Entry{}, err
		}
		e.License = t.Name + "/LICENSE"
	}
	var imgs []*image.RGBA
	data, err := t.ReadImages(fsys)
	if err != nil {
		return Entry{}, err
	}
	for i, b := range data {
		if err := copyFile(t.Images[i]); err != nil {
			return Entry{}, err
		}
		e.Images = append(e.Images, t.Name+"/"+t.Images[i])
		img, _, err := imgio.Decode(b, imgio.DefaultMaxPixels)
		if err != nil {
			return Entry{}, fmt.Errorf("%s: %w", t.Images[i], err)
		}
		imgs = append(imgs, img)
	}
	if e.Blank {
		for i := range spec.Slots() {
			imgs = append(imgs, placeholder(4+i))
		}
		for i := range spec.Boxes {
			spec.Boxes[i].Text = fmt.Sprintf("Text %d", i+1)
		}
	}
	thumb, err := render(spec, imgs, fonts)
	if err != nil {
		return Entry{}, err
	}
	var buf bytes.Buffer
	if err := imgio.Encode(&buf, thumb, "jpeg", 80); err != nil {
		return Entry{}, err
	}
	return e, os.WriteFile(filepath.Join(dir, "thumb.jpg"), buf.Bytes(), 0o644)
}

// render draws the thumbnail: the template at thumbWidth wide.
func render(spec meme.Spec, imgs []*image.RGBA, fonts *meme.FontSet) (*image.RGBA, error) {
	r := meme.NewRenderer(fonts)
	if err := r.SetImages(imgs); err != nil {
		return nil, err
	}
	w, h, err := r.Size(spec)
	if err != nil {
		return nil, err
	}
	th := max(1, (h*thumbWidth+w/2)/w)
	img, _, err := r.Preview(spec, thumbWidth, th)
	return img, err
}

// placeholder is a grey 4:3 picture standing for a person's image, a shade per slot.
func placeholder(shade int) *image.RGBA {
	const w, h = 400, 300
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(150 + shade*8 - (x+y)*40/(w+h))
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = v, v, v+10, 255
		}
	}
	return img
}
