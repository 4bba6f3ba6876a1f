// Package fonts holds the caption face built into the renderer.
//
// Only Anton is embedded: it is small (160 KB) and every meme uses it. The
// wide-coverage fallbacks in this directory (DejaVu Sans Bold, Droid Sans
// Fallback) are megabytes, so they are never compiled in; the browser fetches
// them as separate cacheable files and the CLI and tests read them from disk.
package fonts

import _ "embed"

// Anton is Anton-Regular.ttf (SIL OFL 1.1, see Anton-OFL.txt).
//
//go:embed Anton-Regular.ttf
var Anton []byte
