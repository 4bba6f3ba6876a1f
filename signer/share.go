package signer

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// The share page is written from the id alone: the key it names, the size the check stored and
// the alt text the signer pinned (checked again, escaped on output). Nothing a user
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

type shareData struct {
	Found                                          bool
	Title, PageURL, ImageURL, ImagePath, Type, Alt string
	Width, Height                                  int
}

// render writes the page. Every value goes through html.EscapeString (all are in double-quoted
// attributes or text). Not html/template: its reflection keeps every exported method of every
// type in the binary alive, which doubled the Lambda zip (6.6 MB against 3.8 MB).
func (d shareData) render() []byte {
	e := html.EscapeString
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
		"<meta name=\"referrer\" content=\"strict-origin-when-cross-origin\">\n")
	b.WriteString("<title>" + e(d.Title) + "</title>\n")
	meta := func(attr, name, content string) {
		b.WriteString("<meta " + attr + "=\"" + name + "\" content=\"" + e(content) + "\">\n")
	}
	if d.Found {
		meta("property", "og:type", "website")
		meta("property", "og:site_name", "memeforge")
		meta("property", "og:title", d.Title)
		meta("property", "og:url", d.PageURL)
		meta("property", "og:image", d.ImageURL)
		meta("property", "og:image:type", d.Type)
		if d.Width > 0 {
			meta("property", "og:image:width", strconv.Itoa(d.Width))
			meta("property", "og:image:height", strconv.Itoa(d.Height))
		}
		meta("property", "og:image:alt", d.Alt)
		meta("name", "twitter:card", "summary_large_image")
		meta("name", "twitter:title", d.Title)
		meta("name", "twitter:image", d.ImageURL)
		meta("name", "twitter:image:alt", d.Alt)
	}
	b.WriteString("<style>" + shareStyle + "</style>\n</head>\n<body>\n<main>\n")
	if d.Found {
		b.WriteString("<img src=\"" + e(d.ImagePath) + "\" alt=\"" + e(d.Alt) + "\"")
		if d.Width > 0 {
			b.WriteString(" width=\"" + strconv.Itoa(d.Width) + "\" height=\"" + strconv.Itoa(d.Height) + "\"")
		}
		b.WriteString(">\n")
	} else {
		b.WriteString("<h1>This meme is gone</h1>\n<p>It was deleted, or the link is wrong.</p>\n")
	}
	b.WriteString("<p><a href=\"/\">Make your own meme</a></p>\n</main>\n</body>\n</html>\n")
	return []byte(b.String())
}

// SharePage writes the share page of meme id: 200 with its tags, or 404 when id is not a meme
// id or the meme is not (or no longer) published.
func (s *Signer) SharePage(ctx context.Context, id string) (int, []byte, error) {
	d := shareData{Title: "memeforge"}
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
	return status, d.render(), nil
}
