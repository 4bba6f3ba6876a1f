package signer

import (
	"errors"
	"fmt"
	"net/http"
)

// Code is an error kind the client may see. Anything that is not an *Error is internal.
type Code string

const (
	CodeBadRequest       Code = "bad_request"
	CodeForbidden        Code = "forbidden"
	CodeNotFound         Code = "not_found"
	CodeMethodNotAllowed Code = "method_not_allowed"
	CodeTooLarge         Code = "too_large"
	CodeUnsupportedType  Code = "unsupported_media_type"
	CodeInternal         Code = "internal"
)

// statusByCode is the one table from error kind to HTTP status.
var statusByCode = map[Code]int{
	CodeBadRequest:       http.StatusBadRequest,
	CodeForbidden:        http.StatusForbidden,
	CodeNotFound:         http.StatusNotFound,
	CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	CodeTooLarge:         http.StatusRequestEntityTooLarge,
	CodeUnsupportedType:  http.StatusUnsupportedMediaType,
	CodeInternal:         http.StatusInternalServerError,
}

// Error is an error whose Message is safe to show the client.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("signer: %s: %s", e.Code, e.Message) }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// statusOf maps err to its HTTP status, code and client message. Errors that are not *Error
// become 500 "internal error": their text may hold details the client must not see.
func statusOf(err error) (int, Code, string) {
	var e *Error
	if errors.As(err, &e) {
		if status, ok := statusByCode[e.Code]; ok && e.Code != CodeInternal {
			return status, e.Code, e.Message
		}
	}
	return http.StatusInternalServerError, CodeInternal, "internal error"
}
