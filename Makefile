# Causeway: make help lists the targets.
GO        ?= go
TOOL      := $(GO) tool -modfile=tools/go.mod
PKGS      := ./...
FUZZTIME  ?= 1m
BENCHTIME ?= 1s
# Corpora of real attack telemetry used by the tests (skipped when absent).
export CAUSEWAY_CORPORA ?= $(abspath ../shared/corpora)

.PHONY: help build test test-short lint fuzz bench demo clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/causeway
	$(GO) build -o bin/causeway ./cmd/causeway

test: ## run every test with the race detector (what CI runs)
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

test-short: ## run the unit tests only, without the corpora
	CAUSEWAY_CORPORA=/nonexistent $(GO) test -count=1 $(PKGS)

lint: ## gofmt, go vet and golangci-lint (pinned in tools/go.mod)
	@out=$$(gofmt -l cmd internal); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(TOOL) golangci-lint run $(PKGS)

fuzz: ## run every fuzz target for FUZZTIME each
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

bench: ## run the benchmarks on one core
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -cpu 1 $(PKGS)

demo: build ## run the demo
	bin/causeway demo

clean: ## remove build output
	rm -rf bin
