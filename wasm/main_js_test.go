//go:build js && wasm

package main

import (
	"errors"
	"strings"
	"syscall/js"
	"testing"
)

// await blocks until p settles; Go's js/wasm runtime returns to the event
// loop while this goroutine waits, so the Promise can settle.
func await(p js.Value) (v js.Value, ok bool) {
	type settled struct {
		v  js.Value
		ok bool
	}
	ch := make(chan settled, 1)
	then := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- settled{a[0], true}; return nil })
	catch := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- settled{a[0], false}; return nil })
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	s := <-ch
	return s.v, s.ok
}

func TestPromise(t *testing.T) {
	cases := []struct {
		name    string
		prepare func() (func() (any, error), error)
		ok      bool
		want    string
	}{
		{"Resolves", func() (func() (any, error), error) { return func() (any, error) { return 42, nil }, nil }, true, ""},
		{"RejectsArgumentError", func() (func() (any, error), error) { return nil, errors.New("width: bad") }, false, "memeforge.m: width: bad"},
		{"RejectsWorkError", func() (func() (any, error), error) {
			return func() (any, error) { return nil, errors.New("boom") }, nil
		}, false, "memeforge.m: boom"},
		{"PanicInPrepareRejects", func() (func() (any, error), error) { panic("prep exploded") }, false, "memeforge.m: internal error: prep exploded"},
		{"PanicInWorkRejects", func() (func() (any, error), error) {
			return func() (any, error) { var m map[string]int; m["x"] = 1; return nil, nil }, nil
		}, false, "internal error: assignment to entry in nil map"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := await(promise("m", tc.prepare))
			if ok != tc.ok {
				t.Fatalf("settled ok=%v with %v", ok, v)
			}
			if ok {
				if v.Int() != 42 {
					t.Fatalf("resolved %v", v)
				}
				return
			}
			if !v.InstanceOf(js.Global().Get("Error")) || !strings.Contains(v.Get("message").String(), tc.want) {
				t.Fatalf("rejected with %v, want an Error containing %q", v, tc.want)
			}
		})
	}
}

func TestFitIn(t *testing.T) {
	cases := []struct {
		name             string
		w, h, boxW, boxH int
		wantW, wantH     int
	}{
		{"ShrinksToTheNarrowerSide", 800, 600, 400, 400, 400, 300},
		{"ShrinksToTheShorterSide", 800, 600, 1000, 300, 400, 300},
		{"NeverLargerThanTheMeme", 320, 240, 1000, 1000, 320, 240},
		{"RoundsAsThePageDid", 320, 480, 100, 100, 67, 100},
		{"AtLeastOnePixel", 4000, 10, 100, 100, 100, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if w, h := fitIn(tc.w, tc.h, tc.boxW, tc.boxH); w != tc.wantW || h != tc.wantH {
				t.Fatalf("fitIn(%d, %d, %d, %d) = %dx%d, want %dx%d", tc.w, tc.h, tc.boxW, tc.boxH, w, h, tc.wantW, tc.wantH)
			}
		})
	}
}
