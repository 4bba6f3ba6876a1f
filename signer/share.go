package signer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The share page is written from the id alone: the key it names, the size the check stored and
// the alt text the signer pinned (checked again, escaped by html/template). Nothing a user
// wrote is served as markup.

// GenericAlt is the image's alt text when the meme carries none.
const GenericAlt = "A meme made with memeforge"

// shareStyle is the page's only style; the CSP allows exactly it by hash.
const shareStyle = `body{margin:0;font:16px/1.4 system-ui,sans-serif;background:#16161a;color:#eee;text-align:center}` +
	`main{padding:16px}img{max-width:100%;height:auto;max-height:80vh}a{color:#9cf}`

// ShareCSP is the share page's Content-Security-Policy: no script at all, images and the one
// style from here, not framed.
var ShareCSP = func() string {
	sum := sha256.Sum256([]byte(shareStyle))
	return "default-src 'none'; img-src 'self'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// ShareCacheControl lets the CDN keep a share page for an hour; Delete invalidates it.
const ShareCacheControl = "public, max-age=3600"

var sharePage = template.Must(template.New("share").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<title>{{.Title}}</title>
{{- if .Found}}
<meta property="og:type" content="website">
<meta property="og:site_name" content="memeforge">
<meta property="og:title" content="{{.Title}}">
<meta property="og:url" content="{{.PageURL}}">
<meta property="og:image" content="{{.ImageURL}}">
<meta property="og:image:type" content="{{.Type}}">
{{- if .Width}}
<meta property="og:image:width" content="{{.Width}}">
<meta property="og:image:height" content="{{.Height}}">
{{- end}}
<meta property="og:image:alt" content="{{.Alt}}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{{.Title}}">
<meta name="twitter:image" content="{{.ImageURL}}">
<meta name="twitter:image:alt" content="{{.Alt}}">
{{- end}}
<style>{{.Style}}</style>
</head>
<body>
<main>
{{- if .Found}}
<img src="{{.ImagePath}}" alt="{{.Alt}}"{{if .Width}} width="{{.Width}}" height="{{.Height}}"{{end}}>
{{- else}}
<h1>This meme is gone</h1>
<p>It was deleted, or the link is wrong.</p>
{{- end}}
<p><a href="/">Make your own meme</a></p>
</main>
</body>
</html>
`))

type shareData struct {
	Found                                          bool
	Title, PageURL, ImageURL, ImagePath, Type, Alt string
	Width, Height                                  int
	Style                                          template.CSS
}

// SharePage writes the share page of meme id: 200 with its tags, or 404 when id is not a meme
// id or the meme is not (or no longer) published.
func (s *Signer) SharePage(ctx context.Context, id string) (int, []byte, error) {
	d := shareData{Title: "memeforge", Style: template.CSS(shareStyle)}
	status := http.StatusNotFound
	if key, ok := MemeKey(id); ok {
		head, err := s.check.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.cfg.Bucket, Key: &key})
		switch {
		case err == nil:
			status, d.Found = http.StatusOK, true
			d.Title = "A meme on memeforge"
			d.PageURL = s.cfg.PublicBaseURL + SharePrefix + id
			d.ImagePath = "/" + key
			d.ImageURL = s.cfg.PublicBaseURL + d.ImagePath
			d.Type = typeByExt[key[strings.LastIndexByte(key, '.')+1:]]
			d.Alt = GenericAlt
			if alt, ok := decodeAlt(head.Metadata[MetaAlt]); ok && alt != "" {
				d.Alt = alt
			}
			w, werr := strconv.Atoi(head.Metadata[MetaWidth])
			h, herr := strconv.Atoi(head.Metadata[MetaHeight])
			if werr == nil && herr == nil && w > 0 && h > 0 {
				d.Width, d.Height = w, h
			}
		case !notFound(err):
			return 0, nil, fmt.Errorf("signer: share: head %s: %w", key, err)
		}
	}
	var b bytes.Buffer
	if err := sharePage.Execute(&b, d); err != nil {
		return 0, nil, fmt.Errorf("signer: share: %w", err)
	}
	return status, b.Bytes(), nil
}
