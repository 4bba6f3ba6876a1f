// Command meme draws captions on an image: the native face of the renderer,
// running the same core (package meme) as the browser module.
//
//	meme -in photo.jpg -top "TOP TEXT" -bottom "BOTTOM TEXT" -out meme.png
//	meme -in photo.jpg -spec spec.json -out meme.jpg -quality 85
//	meme -in photo.jpg -top "HI" -font MyFont.ttf -out meme.png
//	meme -template caption-bar -in photo.jpg -top "TEXT" -out meme.png
//	meme -template two-panel -in a.jpg -in b.jpg -top "A" -bottom "B" -out meme.png
//	meme -template four-panel -in a.jpg -in b.jpg -in c.jpg -in d.jpg -text 1 -text 2 -text 3 -text 4 -out meme.png
//	meme -template cat-stare -top "NEW TOP" -out meme.png   (a starter template brings its image)
//	meme -templates                                         (lists every template, one a line)
//
// -top sets a spec's first caption and -bottom its last; -text sets them in
// order. A template takes as many -in as it has image slots; a starter
// template takes none to use its own images.
//
// The output format follows the -out extension (.png, .jpg, .jpeg, .gif).
// A GIF written from a GIF keeps its animation (every frame captioned, the
// source's timing and loop count); an animated input written as PNG or JPEG
// gives its first frame, and a note on stderr says so. Any bad
// input ends the program with a one-line error and a non-zero status (2 for
// bad usage, 1 for everything else), and never leaves a partial output file:
// the image is written to a temporary file beside -out and renamed into
// place. Characters no font covers are reported on stderr as a warning.
//
// The fallback fonts (DejaVu Sans Bold, Droid Sans Fallback) are embedded;
// -font adds a TTF/OTF under the name "user", which -top/-bottom captions
// then use and a spec can name.
//
// Colour emoji are drawn from Twemoji's SVG files, read for the emoji the
// captions use from -emoji DIR, or by default from node_modules/@twemoji/svg
// (what npm ci installs in the repository) found by looking up from the
// working directory, then from the program's own directory. A caption with
// emoji and no such directory is an error that says how to get one.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/memeforge/memeforge/templates"
	"github.com/memeforge/memeforge/wasm/cmd/meme/fallback"
	"github.com/memeforge/memeforge/wasm/imgio"
	"github.com/memeforge/memeforge/wasm/meme"
)

// Input size limits: bigger files are refused before they are read whole
// (fonts get the core's meme.MaxFontBytes).
const (
	maxImageBytes = 256 << 20 // far above any 50-megapixel JPEG/PNG worth decoding
	maxEmojiBytes = 1 << 20   // Twemoji's largest SVG is about 30 KB
)

// twemojiPath is where npm puts Twemoji's art, relative to a directory
// holding node_modules.
var twemojiPath = filepath.Join("node_modules", "@twemoji", "svg")

// userFontName is the name -font adds its font under.
const userFontName = "user"

// usageError is bad command-line usage: exit status 2, like package flag.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	err := runErr(args, stdout, stderr)
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	// One line, whatever the error text holds.
	msg := strings.Join(strings.Fields(err.Error()), " ")
	// The core prefixes its errors with "meme: " too; say it once.
	msg = strings.ReplaceAll(strings.TrimPrefix(msg, "meme: "), ": meme: ", ": ")
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "meme: %s (run meme -h for usage)\n", msg)
		return 2
	}
	fmt.Fprintf(stderr, "meme: %s\n", msg)
	return 1
}

type options struct {
	in              []string
	texts           []string
	out, spec, font string
	emoji           string
	template        string
	listTemplates   bool
	top, bottom     string
	quality         int
	set             map[string]bool // flags given explicitly
}

// list is a flag that may be given many times.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, stdout io.Writer) (options, error) {
	var o options
	fl := flag.NewFlagSet("meme", flag.ContinueOnError)
	// Errors are reported by run as one line; usage goes out only for -h.
	fl.SetOutput(io.Discard)
	fl.Var((*list)(&o.in), "in", "input image: JPEG, PNG, GIF or WebP; once per image slot of the spec or template")
	fl.Var((*list)(&o.texts), "text", "a caption, once per box in order (instead of -top/-bottom)")
	fl.StringVar(&o.template, "template", "", "template: a blank format (classic, caption-bar, two-panel, four-panel, labels) or a starter (see -templates)")
	fl.BoolVar(&o.listTemplates, "templates", false, "list every template name, one a line, and exit")
	fl.StringVar(&o.out, "out", "", "output image: .png, .jpg, .jpeg, or .gif for a GIF input (keeps its animation) (required)")
	fl.StringVar(&o.top, "top", "", "top caption (default spec: white Anton, black outline, upper case)")
	fl.StringVar(&o.bottom, "bottom", "", "bottom caption")
	fl.StringVar(&o.spec, "spec", "", "spec JSON file with every caption box (instead of -top/-bottom)")
	fl.IntVar(&o.quality, "quality", 90, "JPEG quality, 1-100 (JPEG output only)")
	fl.StringVar(&o.font, "font", "", `TTF/OTF font file, added as "`+userFontName+`" and used by -top/-bottom`)
	fl.StringVar(&o.emoji, "emoji", "", "directory of Twemoji SVG files (default: "+twemojiPath+" in this directory or above, or above the program)")
	// package flag calls Usage on every parse error; print it only for -h.
	fl.Usage = func() {}
	usage := func() {
		fmt.Fprintf(stdout, "usage: meme [-template NAME] -in IMAGE... (-top TEXT -bottom TEXT | -text TEXT... | -spec SPEC.json) -out OUT.png|OUT.jpg|OUT.gif [-quality N] [-font FILE.ttf] [-emoji DIR]\n       meme -templates\n\n")
		fl.SetOutput(stdout)
		fl.PrintDefaults()
		fl.SetOutput(io.Discard)
	}
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return o, err
		}
		return o, usageError{err.Error()}
	}
	o.set = map[string]bool{}
	fl.Visit(func(f *flag.Flag) { o.set[f.Name] = true })

	texts := o.set["top"] || o.set["bottom"] || o.set["text"]
	switch {
	case fl.NArg() > 0:
		return o, usageError{fmt.Sprintf("unexpected argument %q", fl.Arg(0))}
	case o.listTemplates:
		if len(o.set) > 1 {
			return o, usageError{"-templates takes no other flags"}
		}
		return o, nil
	case len(o.in) == 0 && o.template == "":
		return o, usageError{"-in is required"}
	case o.out == "":
		return o, usageError{"-out is required"}
	case o.spec != "" && o.template != "":
		return o, usageError{"use -spec or -template, not both"}
	case o.spec != "" && texts:
		return o, usageError{"use -spec or -top/-bottom/-text, not both"}
	case o.set["text"] && (o.set["top"] || o.set["bottom"]):
		return o, usageError{"use -text or -top/-bottom, not both"}
	case o.spec == "" && o.template == "" && !texts:
		return o, usageError{"nothing to draw: give -top and/or -bottom, -text, -spec or -template"}
	}
	return o, nil
}

// setTexts puts the command line's captions into spec: -top in the first
// box, -bottom in the last, -text in each box in order.
func setTexts(spec *meme.Spec, o options, name string) error {
	n := len(spec.Boxes)
	what := "the spec"
	if name != "" {
		what = "template " + name
	}
	put := func(i int, text string) {
		spec.Boxes[i].Text = text
		if o.font != "" {
			spec.Boxes[i].Font = userFontName
		}
	}
	switch {
	case o.set["text"]:
		if len(o.texts) > n {
			return usageError{fmt.Sprintf("%d -text for %s, which has %d caption boxes", len(o.texts), what, n)}
		}
		for i, t := range o.texts {
			put(i, t)
		}
	default:
		if o.set["bottom"] && n < 2 {
			return usageError{fmt.Sprintf("%s has %d caption box: -top sets it, there is no -bottom", what, n)}
		}
		if o.set["top"] {
			put(0, o.top)
		}
		if o.set["bottom"] {
			put(n-1, o.bottom)
		}
	}
	return nil
}

func runErr(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	if o.listTemplates {
		names, err := templates.Names(templates.Builtin)
		if err != nil {
			return err
		}
		for _, n := range names {
			fmt.Fprintln(stdout, n)
		}
		return nil
	}
	// Everything that can be checked cheaply is checked before decoding.
	format, err := imgio.FormatFromPath(o.out)
	if strings.EqualFold(filepath.Ext(o.out), ".gif") {
		format, err = "gif", nil
	}
	if err != nil {
		return usageError{fmt.Sprintf("-out %s: unknown image type (want .png, .jpg, .jpeg or .gif)", o.out)}
	}
	if format == "jpeg" && (o.quality < 1 || o.quality > 100) {
		return usageError{fmt.Sprintf("-quality %d: want 1-100", o.quality)}
	}
	if format != "jpeg" && o.set["quality"] {
		return usageError{fmt.Sprintf("-quality applies to JPEG output only, and -out %s is %s", o.out, format)}
	}

	fs := meme.NewFontSet()
	if err := fallback.AddAll(fs); err != nil {
		return fmt.Errorf("embedded fallback font: %w", err)
	}
	if o.font != "" {
		data, err := readFile(o.font, meme.MaxFontBytes)
		if err != nil {
			return fmt.Errorf("-font: %w", err)
		}
		if _, err := fs.Add(userFontName, data, false); err != nil {
			return fmt.Errorf("-font %s: %w", o.font, err)
		}
	}

	var spec meme.Spec
	var tmpl *templates.Template
	switch {
	case o.template != "":
		t, err := templates.Load(templates.Builtin, o.template)
		if err != nil {
			return usageError{fmt.Sprintf("-template: unknown template %q (meme -templates lists them)", o.template)}
		}
		tmpl = &t
		if spec, err = meme.ParseSpec(t.Spec); err != nil {
			return fmt.Errorf("-template %s: %w", o.template, err)
		}
		if err := setTexts(&spec, o, o.template); err != nil {
			return err
		}
		if err := spec.Validate(); err != nil {
			return err
		}
		switch n := spec.Slots(); {
		case len(o.in) == 0 && len(t.Images) == 0:
			return usageError{fmt.Sprintf("-template %s is a blank format: give it %s with -in", o.template, images(n))}
		case len(o.in) != 0 && len(o.in) != n:
			return usageError{fmt.Sprintf("-template %s takes %s (-in), got %d", o.template, images(n), len(o.in))}
		}
	case o.spec != "":
		data, err := readFile(o.spec, meme.MaxSpecSize)
		if err != nil {
			return fmt.Errorf("-spec: %w", err)
		}
		if spec, err = meme.ParseSpec(data); err != nil {
			return fmt.Errorf("-spec %s: %w", o.spec, err)
		}
	case o.set["text"]:
		spec = meme.DefaultSpec()
		if err := setTexts(&spec, o, ""); err != nil {
			return err
		}
		if err := spec.Validate(); err != nil {
			return err
		}
	default:
		spec = meme.DefaultSpec()
		spec.Boxes[0].Text, spec.Boxes[1].Text = o.top, o.bottom
		if o.font != "" {
			spec.Boxes[0].Font, spec.Boxes[1].Font = userFontName, userFontName
		}
		if err := spec.Validate(); err != nil {
			return err
		}
	}

	// A font the spec names but nobody loaded is a mistake to report before
	// the (much slower) decode.
	for i, b := range spec.Boxes {
		if _, ok := fs.Font(b.Font); b.Font != "" && !ok {
			return fmt.Errorf("box %d: font %q is not loaded (have %q, fallbacks %q, and %q with -font)",
				i, b.Font, meme.BuiltinFont, fallback.Names(), userFontName)
		}
	}

	if err := addEmoji(fs, spec, o.emoji); err != nil {
		return err
	}

	if tmpl == nil && len(o.in) != spec.Slots() {
		return usageError{fmt.Sprintf("the spec takes %s (-in), got %d", images(spec.Slots()), len(o.in))}
	}
	// Decoding in steps, so each error can name the file at fault.
	var datas [][]byte
	var names []string
	if len(o.in) > 0 {
		for _, in := range o.in {
			data, err := readFile(in, maxImageBytes)
			if err != nil {
				return fmt.Errorf("-in: %w", err)
			}
			datas, names = append(datas, data), append(names, "-in "+in)
		}
	} else {
		files, err := tmpl.ReadImages(templates.Builtin)
		if err != nil {
			return err
		}
		for i, data := range files {
			datas, names = append(datas, data), append(names, fmt.Sprintf("-template %s: %s", tmpl.Name, tmpl.Images[i]))
		}
	}
	var res meme.Result
	if format == "gif" {
		// An animation keeps every frame; any GIF is one (of one frame or more).
		if len(datas) != 1 || spec.Canvas != nil {
			return usageError{fmt.Sprintf("-out %s: GIF output takes one GIF image and no canvas (write .png or .jpg)", o.out)}
		}
		if !bytes.HasPrefix(datas[0], []byte("GIF8")) {
			return usageError{fmt.Sprintf("-out %s: GIF output needs a GIF input, and %s is not one (write .png or .jpg)", o.out, names[0])}
		}
		a, err := imgio.DecodeAnimation(datas[0], imgio.DefaultMaxPixels)
		if err != nil {
			return fmt.Errorf("%s: %w", names[0], err)
		}
		err = writeAtomically(o.out, func(w io.Writer) error {
			res, err = meme.EncodeAnimation(w, a, spec, fs)
			return err
		})
		if err != nil {
			return err
		}
		warn(stderr, res)
		return nil
	}
	var imgs []*image.RGBA
	for i, data := range datas {
		img, _, err := imgio.Decode(data, imgio.DefaultMaxPixels)
		if err != nil {
			return fmt.Errorf("%s: %w", names[i], err)
		}
		imgs = append(imgs, img)
	}
	img := imgs[0]
	if spec.Canvas == nil {
		// In place: no second full-size buffer.
		res, err = meme.Draw(img, spec, fs)
	} else {
		r := meme.NewRenderer(fs)
		if err = r.SetImages(imgs); err == nil {
			img, res, err = r.Final(spec)
		}
	}
	if err != nil {
		return err
	}
	err = writeAtomically(o.out, func(w io.Writer) error {
		return imgio.Encode(w, img, format, o.quality)
	})
	if err != nil {
		return err
	}
	for i, data := range datas {
		if imgio.Animated(data) {
			fmt.Fprintf(stderr, "meme: note: %s is animated; %s has its first frame only (write .gif to keep a GIF's animation)\n", strings.TrimPrefix(names[i], "-in "), o.out)
		}
	}
	warn(stderr, res)
	return nil
}

// addEmoji reads the Twemoji art spec's captions need into fs, from dir or
// the directory findTwemoji finds. An emoji Twemoji has no file for is left
// to the renderer (a box, reported as missing).
func addEmoji(fs *meme.FontSet, spec meme.Spec, dir string) error {
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usageError{fmt.Sprintf("-emoji %s: not a directory", dir)}
		}
	}
	keys := meme.EmojiNeeded(spec, fs)
	if len(keys) == 0 {
		return nil
	}
	flagName := "-emoji " + dir
	if dir == "" {
		if dir = findTwemoji(); dir == "" {
			return fmt.Errorf("the captions have emoji and no Twemoji art was found (%s in this directory or above, or above the program): run npm ci in the memeforge repository, or give -emoji DIR", twemojiPath)
		}
		flagName = dir
	}
	for _, k := range keys {
		name := filepath.Join(dir, k+".svg")
		data, err := readFile(name, maxEmojiBytes)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", flagName, err)
		}
		if err := fs.AddEmoji(k, data); err != nil {
			return fmt.Errorf("%s: %w", flagName, err)
		}
	}
	return nil
}

// findTwemoji looks for twemojiPath in the working directory and each one
// above it, then in the program's directory and each one above that (a
// binary built into the repository, or beside a node_modules); "" if none.
func findTwemoji() string {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			starts = append(starts, filepath.Dir(exe))
		}
	}
	for _, d := range starts {
		for {
			p := filepath.Join(d, twemojiPath)
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				return p
			}
			up := filepath.Dir(d)
			if up == d {
				break
			}
			d = up
		}
	}
	return ""
}

// warn reports what the render could not do perfectly.
func warn(stderr io.Writer, res meme.Result) {
	if len(res.Missing) > 0 {
		fmt.Fprintf(stderr, "meme: warning: no font or emoji art has %s; drawn as empty boxes\n", describeAll(res.Missing))
	}
	for _, i := range res.Overflow {
		fmt.Fprintf(stderr, "meme: warning: the text of box %d does not fit its box, even at its smallest size\n", i)
	}
}

// readFile reads a whole file, refusing one larger than limit bytes without
// reading it all.
func readFile(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is over the %d MB limit", name, limit>>20)
	}
	return data, nil
}

// writeAtomically runs write on a temporary file in out's directory and
// renames it to out only when everything (render, encode, close) worked, so a
// failure leaves neither a partial file nor a changed old one.
func writeAtomically(out string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return fmt.Errorf("-out: cannot write to %s: %w", filepath.Dir(out), unwrapPath(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return fmt.Errorf("-out %s: %w", out, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("-out: write %s: %w", out, err)
	}
	// CreateTemp makes the file 0600; an output image is for sharing.
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	if err = os.Rename(tmp.Name(), out); err != nil {
		// Say why (e.g. "-out x.png: is a directory") without the temp name.
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		if st, serr := os.Stat(out); serr == nil && st.IsDir() {
			err = errors.New("is a directory") // rename(2) says "file exists"
		}
		return fmt.Errorf("-out %s: %w", out, err)
	}
	return nil
}

// unwrapPath drops *PathError's operation and temporary-file name, which
// say nothing to the user, and keeps the reason.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describeAll names each missing character or emoji with its code points:
// "🔥" (U+1F525).
func describeAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		var cps []string
		for _, r := range s {
			cps = append(cps, fmt.Sprintf("U+%04X", r))
		}
		q[i] = fmt.Sprintf("%q (%s)", s, strings.Join(cps, " "))
	}
	return strings.Join(q, ", ")
}

// images says "1 image" or "n images".
func images(n int) string {
	if n == 1 {
		return "1 image"
	}
	return fmt.Sprintf("%d images", n)
}
