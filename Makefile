# memeforge — see README.md. Verbs a user types: run, test, bench, build, deploy, destroy, clean.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo dev)
GOFLAGS_BUILD := -trimpath -ldflags "-s -w -X main.version=$(VERSION)"
# The browser module's per-package compiler flags (why: the file's own comment).
WASM_GCFLAGS := $(addprefix -gcflags=,$(shell sed -e '/^\#/d' -e '/^[[:space:]]*$$/d' wasm/gcflags.txt))
WASM_PATH := $(GOROOT)/lib/wasm:$(PATH)
# Pure packages whose tests also run as WASM under Node.
WASM_TEST_PKGS := ./wasm ./wasm/meme/... ./wasm/imgio/... ./wasm/emoji/...

.PHONY: takedown run test deps-test deps-bench deps-run test-native test-wasm typecheck generate bench build wasm site signer deploy destroy clean

run: deps-run build
	$(GO) run ./scripts/run

# Debian packages (apt-get as root, else one line naming the command) and npm packages from the
# lock file, before anything is built or tested.
deps-test deps-bench deps-run: deps-%:
	scripts/deps.sh $*

test: deps-test
	$(MAKE) --no-print-directory build typecheck test-native test-wasm

# The site's JavaScript against site/memeforge.d.ts and site/messages.d.ts (typescript, pinned in
# package.json; scripts/deps.sh runs npm ci).
typecheck:
	@[ -x node_modules/.bin/tsc ] || { echo "typecheck: node_modules/.bin/tsc missing: run npm ci" >&2; exit 1; }
	node_modules/.bin/tsc -p site/tsconfig.json
	node_modules/.bin/tsc -p site/tsconfig.worker.json

# Files written from the Go packages: wasm/fonts/coverage.go and site/contract.js (tests fail when stale).
generate:
	$(GO) generate ./wasm/fonts ./scripts/gencontract

test-native:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./...

test-wasm:
	GOOS=js GOARCH=wasm PATH="$(WASM_PATH)" $(GO) test -count=1 -timeout 20m $(WASM_TEST_PKGS)

# The build's chatter goes to stderr, so stdout is only the figures.
bench:
	@scripts/deps.sh bench >&2
	@$(MAKE) --no-print-directory build >&2
	@scripts/bench.sh

build: site signer

wasm:
	mkdir -p dist
	GOOS=js GOARCH=wasm $(GO) build $(GOFLAGS_BUILD) $(WASM_GCFLAGS) -o dist/memeforge.wasm ./wasm

site: wasm
	scripts/build-site.sh dist/memeforge.wasm dist/site

signer:
	mkdir -p dist/signer
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build $(GOFLAGS_BUILD) -tags lambda.norpc -o dist/signer/bootstrap ./signer/cmd/bootstrap
	$(GO) build -C tools -o $(CURDIR)/dist/bin/ github.com/aws/aws-lambda-go/cmd/build-lambda-zip
	rm -f dist/signer.zip
	dist/bin/build-lambda-zip -o dist/signer.zip dist/signer/bootstrap

# A deploy builds first unless told not to (SKIP_BUILD=1) or only showing its calls (DRY_RUN=1); the
# Go program (scripts/deploy) needs credentials and nothing else: no AWS CLI.
deploy: $(if $(filter 1,$(SKIP_BUILD) $(DRY_RUN)),,build)
	$(GO) run ./scripts/deploy deploy

destroy:
	$(GO) run ./scripts/deploy destroy

# Remove one published meme by its link (share page or image); LOCAL=1 for the local stack.
takedown:
	@[ -n "$(URL)" ] || { echo 'usage: make takedown URL=<share link or image URL> [LOCAL=1]' >&2; exit 2; }
	$(GO) run ./scripts/takedown "$(URL)"

clean:
	rm -rf dist test-output
