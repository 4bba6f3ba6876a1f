#!/usr/bin/env bash
# Prints the signer's benchmark figures, one a line as `name value unit`: signature time in
# process (Go benchmarks, p50/p99), /api/sign under wrk load on loopback, the bootstrap's cold
# start under the Lambda RIE, and dist/signer.zip's size. Needs wrk and a built dist/signer.zip
# (make signer). Usage: scripts/bench-signer.sh
set -euo pipefail
if [ $# -ne 0 ]; then
  echo "usage: scripts/bench-signer.sh" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
go test -run '^$' -bench '^BenchmarkSigner' -benchtime 3s -count 1 ./signer | go run ./scripts/benchfmt
go run ./scripts/benchsigner
