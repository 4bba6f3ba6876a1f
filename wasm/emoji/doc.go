// Package emoji finds emoji in text and draws them in colour from Twemoji's
// SVG art.
//
// Clusters splits text into the emoji a reader sees as one picture, per
// Unicode Technical Standard #51: single emoji, presentation sequences
// (U+FE0F), skin-tone modifier sequences, flags (regional-indicator pairs and
// subdivision tag sequences), keycaps and ZWJ sequences. Each cluster carries
// its Key, the name of the Twemoji file that draws it, so a page can fetch
// only the files a caption needs (Needed).
//
// Parse reads one Twemoji SVG (the subset those files use: paths with every
// command, circles, ellipses, rects, polygons, groups, transforms, clip
// paths, fill and stroke colours, opacity, fill rules) and Art draws it at any
// size with golang/freetype's rasterizer and integer compositing, so the
// pixels are the same natively and in WebAssembly.
//
// Like the rest of the renderer's core it never touches the network or the
// file system: the caller hands it the SVG bytes.
package emoji
