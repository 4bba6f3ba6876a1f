package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

var (
	staticImport  = regexp.MustCompile(`(?m)^import\s[^'"]*['"]\./([\w.-]+\.js)['"];?\s*$`)
	modulePreload = regexp.MustCompile(`<link rel="modulepreload" href="([\w.-]+\.js)">`)
)

// TestPreloadsFollowImports keeps index.html's modulepreload list (there so the browser fetches
// every module of the page in one wave) equal to app.js and everything it imports statically: a
// module missing from the list is fetched a round trip late, one no longer imported is fetched
// for nothing before the first preview.
func TestPreloadsFollowImports(t *testing.T) {
	src := filepath.Join("..")
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var want []string
	todo := []string{"app.js"}
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		if slices.Contains(want, name) {
			continue
		}
		want = append(want, name)
		for _, m := range staticImport.FindAllStringSubmatch(read(name), -1) {
			todo = append(todo, m[1])
		}
	}
	if len(want) < 10 {
		t.Fatalf("found only %v from app.js's imports: is the import pattern still right?", want)
	}
	var got []string
	for _, m := range modulePreload.FindAllStringSubmatch(read("index.html"), -1) {
		got = append(got, m[1])
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("index.html preloads %v\napp.js and its imports are %v", got, want)
	}
}
