// Command benchfmt turns `go test -bench` output on stdin into the one-figure-a-line form that
// `make bench` prints: `name value unit`. ns/op becomes ms; a custom metric reported as
// b.ReportMetric(v, "p99-ms") becomes `<bench>_p99_<suffix> v ms`. Anything else passes to stderr, so
// a failing benchmark's output is still seen.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

func main() {
	suffix := flag.String("suffix", "", "appended to every name, e.g. native or wasm")
	flag.Parse()
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	found := 0
	for sc.Scan() {
		line := sc.Text()
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			if !isHeader(line) {
				fmt.Fprintln(os.Stderr, line)
			}
			continue
		}
		found++
		base := snake(m[1])
		fields := strings.Fields(m[2])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			name, unit, val := metric(base, fields[i+1], v)
			if *suffix != "" {
				name += "_" + *suffix
			}
			fmt.Printf("%s %s %s\n", name, strconv.FormatFloat(val, 'g', 4, 64), unit)
		}
	}
	if found == 0 {
		fmt.Fprintln(os.Stderr, "benchfmt: no benchmark lines in input")
		os.Exit(1)
	}
}

// isHeader reports the lines go test prints around every benchmark run, which carry no figure.
func isHeader(line string) bool {
	for _, p := range []string{"goos:", "goarch:", "pkg:", "cpu:", "PASS", "ok "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

func metric(base, unit string, v float64) (string, string, float64) {
	switch unit {
	case "ns/op":
		return base, "ms", v / 1e6
	case "B/op":
		return base + "_alloc", "B", v
	case "allocs/op":
		return base + "_allocs", "allocs", v
	case "MB/s":
		return base + "_throughput", "MB/s", v
	}
	if i := strings.LastIndexByte(unit, '-'); i > 0 {
		return base + "_" + snake(unit[:i]), unit[i+1:], v
	}
	return base, unit, v
}

// snake turns "PreviewKeystroke/800x800" into "preview_keystroke_800x800".
func snake(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			prevLower = true
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			prevLower = false
		}
	}
	return strings.Trim(b.String(), "_")
}
