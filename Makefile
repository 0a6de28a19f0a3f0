# isms — two commands matter: `make run` and `make test`. See README.md.
BUILD     ?= build
DEMO_DB   ?= demo/isms.db
PORT      ?= 8080
JOBS      ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-unit demo clean fuzz bench screenshots format web-api web-watch

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake --preset release $(CMAKE_FLAGS)

configure: deps
	cmake --preset release $(CMAKE_FLAGS)

# The release binary lands at build/isms.
build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p $(dir $(DEMO_DB))
	$(BUILD)/isms --db $(DEMO_DB) demo

run: demo
	$(BUILD)/isms --db $(DEMO_DB) serve --host 127.0.0.1 --port $(PORT)

test: build
	cd $(BUILD) && ISMS_REQUIRE_PG=1 ctest --output-on-failure -j $(JOBS) --timeout 900

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

# The web application: refresh the API snapshot it is typed from; rebuild into web/dist on every change
# (serve it with `build/isms serve --web-root web/dist`); capture each main screen into docs/screenshots/.
web-api: build
	cd web && ISMS_BIN=$(abspath $(BUILD))/isms node scripts/openapi.mjs write

web-watch: deps
	cd web && npm run watch

screenshots: build
	cd web && ISMS_BIN=$(abspath $(BUILD))/isms node e2e/screenshots.mjs ../docs/screenshots

# libFuzzer targets (Debian's clang, preset "fuzz", folder build-fuzz; not part of the normal build): each runs
# FUZZ_SECONDS on its seeds (tests/fuzz/corpus/<name>) and the corpus it grew before; crashes go to
# build-fuzz/fuzz-artifacts/. See docs/security.md, "Fuzzing".
FUZZ_SECONDS ?= 60
# Inputs up to 256 KiB: deep nesting reaches the end of an 8 MiB stack only past about 40,000 levels (past 64 KiB),
# so a smaller limit would hide that class of crash (tests/fuzz/regressions/README.md).
FUZZ_MAX_LEN ?= 262144
FUZZ_TARGETS = query csv http oscal_json oscal_xml oscal_yaml records_import risk_import measurements_import
fuzz:
	cmake --preset fuzz
	cmake --build build-fuzz -j $(JOBS) $(addprefix --target isms_fuzz_,$(FUZZ_TARGETS))
	@mkdir -p build-fuzz/fuzz-artifacts
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t; \
	  case $$t in oscal_*) find tests/data/oscal -name "*.$${t#oscal_}" -size -64k -exec cp {} build-fuzz/corpus/$$t/ \; ;; esac; \
	  echo "fuzz: isms_fuzz_$$t for $(FUZZ_SECONDS) s"; \
	  build-fuzz/tests/fuzz/isms_fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -max_len=$(FUZZ_MAX_LEN) \
	    -print_final_stats=1 -artifact_prefix=build-fuzz/fuzz-artifacts/$$t- build-fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    $$(test -d tests/fuzz/regressions/$$t && echo tests/fuzz/regressions/$$t); \
	done

clean:
	rm -rf $(BUILD) build-dev build-asan build-fuzz

format:
	find src tools bench tests -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i
