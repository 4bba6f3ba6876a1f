package signer

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// MaxRequestBytes bounds the JSON request body; a real request is under 100 bytes.
const MaxRequestBytes = 4 << 10

const allowMethods = "OPTIONS, POST"

// statusSuffix is the path of the status query, next to the signing path (/api/sign,
// /api/status): GET /api/status?key=<the key Sign returned> answers {"state": ...}.
const statusSuffix = "/status"

// Handler answers POST /api/sign (and its CORS preflight) over API Gateway v2 or net/http.
type Handler struct {
	s       *Signer
	origins map[string]bool
}

// NewHandler returns the request path shared by the Lambda and the local HTTP server.
func NewHandler(s *Signer) *Handler {
	h := &Handler{s: s, origins: map[string]bool{}}
	for _, o := range s.cfg.AllowedOrigins {
		h.origins[o] = true
	}
	return h
}

// request is what both faces reduce an HTTP request to.
type request struct {
	method, origin, preflightMethod string
	path, key                       string
	body                            []byte
	tooLarge                        bool
	bodyErr                         *Error // the body could not be read or decoded
	id                              string // for logs
}

// reply is what both faces turn back into an HTTP response.
type reply struct {
	status int
	header map[string]string
	body   []byte
}

func (h *Handler) handle(ctx context.Context, r request) reply {
	out := reply{header: map[string]string{"Vary": "Origin"}}
	if h.origins[r.origin] {
		out.header["Access-Control-Allow-Origin"] = r.origin
	}
	switch {
	case strings.HasPrefix(r.path, SharePrefix):
		return h.share(ctx, r)
	case strings.HasPrefix(r.path, MemesAPIPrefix):
		return h.deleteMeme(ctx, out, r)
	case strings.HasSuffix(r.path, statusSuffix):
		return h.status(ctx, out, r)
	}
	switch r.method {
	case http.MethodOptions:
		out.status = http.StatusNoContent
		out.header["Allow"] = allowMethods
		if h.origins[r.origin] && r.preflightMethod == http.MethodPost {
			out.header["Access-Control-Allow-Methods"] = allowMethods
			out.header["Access-Control-Allow-Headers"] = "Content-Type"
			out.header["Access-Control-Max-Age"] = "600"
		}
		return out
	case http.MethodPost:
	default:
		out.header["Allow"] = allowMethods
		return h.fail(ctx, out, r, errorf(CodeMethodNotAllowed, "method %s is not allowed; use POST", r.method))
	}
	if r.bodyErr != nil {
		return h.fail(ctx, out, r, r.bodyErr)
	}
	if r.tooLarge || len(r.body) > MaxRequestBytes {
		return h.fail(ctx, out, r, errorf(CodeTooLarge, "request body is over %d bytes", MaxRequestBytes))
	}
	req, err := decodeRequest(r.body)
	if err != nil {
		return h.fail(ctx, out, r, err)
	}
	resp, err := h.s.Sign(ctx, req)
	if err != nil {
		return h.fail(ctx, out, r, err)
	}
	body, err := json.Marshal(resp)
	if err != nil {
		return h.fail(ctx, out, r, fmt.Errorf("signer: encode response: %w", err))
	}
	out.status = http.StatusOK
	setJSON(out.header)
	out.body = body
	return out
}

// status answers where an upload is (Checker.Status): same-origin GETs from the page, never
// cached, because the answer changes within seconds.
func (h *Handler) status(ctx context.Context, out reply, r request) reply {
	if r.method != http.MethodGet {
		out.header["Allow"] = http.MethodGet
		return h.fail(ctx, out, r, errorf(CodeMethodNotAllowed, "method %s is not allowed; use GET", r.method))
	}
	state, err := h.s.check.Status(ctx, r.key)
	if err != nil {
		return h.fail(ctx, out, r, err)
	}
	body, _ := json.Marshal(map[string]string{"state": string(state)})
	out.status = http.StatusOK
	setJSON(out.header)
	out.body = body
	return out
}

// share answers GET /m/<id> with the meme's share page (SharePage), its own strict CSP and no
// CORS: it is a page, not an API.
func (h *Handler) share(ctx context.Context, r request) reply {
	out := reply{header: map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"Content-Security-Policy": ShareCSP,
		"X-Frame-Options":         "DENY",
	}}
	if r.method != http.MethodGet && r.method != http.MethodHead {
		out.header["Allow"] = "GET, HEAD"
		return h.fail(ctx, out, r, errorf(CodeMethodNotAllowed, "method %s is not allowed; use GET", r.method))
	}
	status, page, err := h.s.SharePage(ctx, strings.TrimPrefix(r.path, SharePrefix))
	if err != nil {
		return h.fail(ctx, out, r, err)
	}
	out.status = status
	out.header["Content-Type"] = "text/html; charset=utf-8"
	out.header["Cache-Control"] = ShareCacheControl
	if status != http.StatusOK {
		out.header["Cache-Control"] = "public, max-age=60"
	}
	if r.method == http.MethodGet {
		out.body = page
	}
	return out
}

// deleteMeme answers DELETE /api/memes/<id> with a DeleteRequest body: 204 when deleted,
// 403 when a token does not match (nothing is deleted), 404 for no such meme.
func (h *Handler) deleteMeme(ctx context.Context, out reply, r request) reply {
	if r.method != http.MethodDelete {
		out.header["Allow"] = http.MethodDelete
		return h.fail(ctx, out, r, errorf(CodeMethodNotAllowed, "method %s is not allowed; use DELETE", r.method))
	}
	if r.bodyErr != nil {
		return h.fail(ctx, out, r, r.bodyErr)
	}
	if r.tooLarge || len(r.body) > MaxRequestBytes {
		return h.fail(ctx, out, r, errorf(CodeTooLarge, "request body is over %d bytes", MaxRequestBytes))
	}
	var req DeleteRequest
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return h.fail(ctx, out, r, errorf(CodeBadRequest, `send JSON {"token": ..., "original": {"key", "token"}}: %s`, jsonProblem(err)))
	}
	if err := h.s.Delete(ctx, strings.TrimPrefix(r.path, MemesAPIPrefix), req); err != nil {
		return h.fail(ctx, out, r, err)
	}
	out.status = http.StatusNoContent
	out.header["Cache-Control"] = "no-store"
	return out
}

func (h *Handler) fail(ctx context.Context, out reply, r request, err error) reply {
	status, code, msg := statusOf(err)
	if status == http.StatusInternalServerError {
		h.s.log.ErrorContext(ctx, "signer: internal error", "err", err, "request", r.id)
	}
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"code": string(code), "message": msg}})
	out.status = status
	setJSON(out.header)
	out.body = body
	return out
}

func setJSON(h map[string]string) {
	h["Content-Type"] = "application/json"
	h["Cache-Control"] = "no-store"
	h["X-Content-Type-Options"] = "nosniff"
}

// wireRequest keeps size as the raw token so that whole numbers too big for int64 are "too
// large", not "bad JSON", and quoted or fractional sizes are refused.
type wireRequest struct {
	Kind        *string          `json:"kind"`
	ContentType *string          `json:"contentType"`
	Size        *json.RawMessage `json:"size"`
	Alt         *string          `json:"alt"`
}

func decodeRequest(body []byte) (Request, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return Request{}, errorf(CodeBadRequest, `request body is empty; send JSON {"kind","contentType","size"}`)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var w wireRequest
	if err := dec.Decode(&w); err != nil {
		return Request{}, errorf(CodeBadRequest, "bad JSON: %s", jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Request{}, errorf(CodeBadRequest, "bad JSON: unexpected data after the object")
	}
	if f, ok := unknownField(body); ok {
		return Request{}, errorf(CodeBadRequest, "bad JSON: unknown field %q", f)
	}
	var missing []string
	if w.Kind == nil {
		missing = append(missing, "kind")
	}
	if w.ContentType == nil {
		missing = append(missing, "contentType")
	}
	if w.Size == nil {
		missing = append(missing, "size")
	}
	if len(missing) > 0 {
		return Request{}, errorf(CodeBadRequest, "missing field(s): %s", strings.Join(missing, ", "))
	}
	r := Request{Kind: *w.Kind, ContentType: *w.ContentType}
	if w.Alt != nil {
		r.Alt = *w.Alt
	}
	size := string(*w.Size)
	n, ok := new(big.Int).SetString(size, 10)
	switch {
	case !ok:
		if len(size) > 32 {
			size = size[:32] + "..."
		}
		return Request{}, errorf(CodeBadRequest, "size must be a whole number of bytes, not %s", size)
	case !n.IsInt64() && n.Sign() > 0:
		r.Size = 1<<63 - 1 // over any limit: Validate answers 413
	case !n.IsInt64():
		return Request{}, errorf(CodeBadRequest, "size must be a positive number of bytes")
	default:
		r.Size = n.Int64()
	}
	return r, nil
}

// jsonProblem describes a decode error without echoing large input back.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q must be a %s", typeErr.Field, typeErr.Type.Kind())
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("syntax error at byte %d", syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of input"
	}
	return "not a JSON object"
}

// wireFields are wireRequest's JSON names.
var wireFields = func() []string {
	t := reflect.TypeFor[wireRequest]()
	out := make([]string, t.NumField())
	for i := range out {
		out[i] = t.Field(i).Tag.Get("json")
	}
	return out
}()

// unknownField returns the first key of the (already decoded) object body
// that wireRequest has no field for, matched as encoding/json matches names.
// It walks the keys itself rather than read encoding/json's error text.
func unknownField(body []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil { // {
		return "", false
	}
	for dec.More() {
		t, err := dec.Token()
		key, ok := t.(string)
		if err != nil || !ok {
			return "", false
		}
		if !slices.ContainsFunc(wireFields, func(k string) bool { return strings.EqualFold(k, key) }) {
			return key, true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}

// ServeHTTP is the net/http face (the local stack mounts it at /api/sign).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := request{
		method:          r.Method,
		origin:          r.Header.Get("Origin"),
		preflightMethod: r.Header.Get("Access-Control-Request-Method"),
		path:            r.URL.Path,
		key:             r.URL.Query().Get("key"),
	}
	if r.Method == http.MethodPost || r.Method == http.MethodDelete {
		if r.ContentLength > MaxRequestBytes {
			req.tooLarge = true
		} else {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				req.tooLarge = true
			case err != nil:
				req.bodyErr = errorf(CodeBadRequest, "could not read the request body")
			default:
				req.body = body
			}
		}
	}
	h.write(w, h.handle(r.Context(), req))
}

func (h *Handler) write(w http.ResponseWriter, out reply) {
	for k, v := range out.header {
		w.Header().Set(k, v)
	}
	if out.body != nil {
		w.Header().Set("Content-Length", strconv.Itoa(len(out.body)))
	}
	w.WriteHeader(out.status)
	w.Write(out.body)
}

// HandleAPIGateway is the Lambda face: API Gateway HTTP API, payload format 2.0. Routing is
// API Gateway's job; the path only tells the status query from signing.
func (h *Handler) HandleAPIGateway(ctx context.Context, e events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	req := request{
		method:          strings.ToUpper(e.RequestContext.HTTP.Method),
		origin:          header(e.Headers, "origin"),
		preflightMethod: header(e.Headers, "access-control-request-method"),
		id:              e.RequestContext.RequestID,
		path:            e.RawPath,
		key:             e.QueryStringParameters["key"],
	}
	body := []byte(e.Body)
	if e.IsBase64Encoded {
		// Decoded size is at most 3/4 of the encoded; check before decoding a huge body.
		if base64.StdEncoding.DecodedLen(len(e.Body)) > MaxRequestBytes+3 {
			req.tooLarge = true
			body = nil
		} else {
			b, err := base64.StdEncoding.DecodeString(e.Body)
			if err != nil {
				req.bodyErr = errorf(CodeBadRequest, "request body is not valid base64")
			}
			body = b
		}
	}
	req.body = body
	return toAPIGateway(h.handle(ctx, req)), nil
}

func toAPIGateway(out reply) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: out.status, Headers: out.header, Body: string(out.body)}
}

// header finds a header in API Gateway's map; v2 lower-cases names, but be lenient.
func header(h map[string]string, name string) string {
	if v, ok := h[name]; ok {
		return v
	}
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
