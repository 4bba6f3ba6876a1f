package main

import "testing"

func TestMetric(t *testing.T) {
	tests := []struct {
		name, bench, unit string
		in                float64
		wantName, wantU   string
		want              float64
	}{
		{"NanosecondsBecomeMilliseconds", "preview", "ns/op", 2.5e6, "preview", "ms", 2.5},
		{"CustomMetricSplitsOnLastDash", "sign", "p99-us", 7, "sign_p99", "us", 7},
		{"PlainCustomUnitKeepsName", "zip", "MB", 3, "zip", "MB", 3},
		{"BytesPerOp", "final", "B/op", 10, "final_alloc", "B", 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, u, v := metric(tc.bench, tc.unit, tc.in)
			if n != tc.wantName || u != tc.wantU || v != tc.want {
				t.Errorf("metric(%q, %q, %v) = %q %q %v, want %q %q %v", tc.bench, tc.unit, tc.in, n, u, v, tc.wantName, tc.wantU, tc.want)
			}
		})
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{
		"PreviewKeystroke":     "preview_keystroke",
		"Final4000x3000":       "final4000x3000",
		"EncodeJPEG/4000x3000": "encode_jpeg_4000x3000",
		"SignPOST":             "sign_post",
	} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}
