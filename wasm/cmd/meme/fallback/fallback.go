// Package fallback embeds the fallback fonts of the core's font table
// (meme.Fallbacks) for the native CLI, so `go run ./wasm/cmd/meme` renders
// every script the browser does, from any directory.
//
// The files are byte-identical copies of those in wasm/fonts (git stores
// each content once, so the copies cost the repository nothing). go:embed
// cannot reach a parent directory, and embedding them in package fonts
// would put megabytes into the browser module, which loads them as separate
// cacheable files instead. Only the CLI imports this package;
// fallback_test.go fails if the copies drift from the originals or the
// table names a file that is not here.
package fallback

import (
	"embed"
	"fmt"

	"github.com/memeforge/memeforge/wasm/meme"
)

//go:embed *.ttf
var files embed.FS

// AddAll adds every font of the core's table to fs as a fallback, under
// the table's names.
func AddAll(fs *meme.FontSet) error {
	for _, f := range meme.Fallbacks {
		data, err := files.ReadFile(f.File)
		if err != nil {
			return fmt.Errorf("fallback: %s: %w", f.Name, err)
		}
		if _, err := fs.Add(f.Name, data, true); err != nil {
			return fmt.Errorf("fallback: %w", err)
		}
	}
	return nil
}

// Names are the fallbacks' names, in the table's order.
func Names() []string {
	var out []string
	for _, f := range meme.Fallbacks {
		out = append(out, f.Name)
	}
	return out
}
