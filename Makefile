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

clean:
	rm -rf $(BUILD) build-dev build-asan

format:
	find src tools bench tests -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

# Fuzzing (libFuzzer, clang + ASan/UBSan): every target in tests/fuzz for FUZZ_SECONDS each, seeded with the
# fixtures in tests/data. Crashes are written to build-fuzz/findings/.
FUZZ_SECONDS ?= 60
fuzz:
	cmake --preset fuzz
	cmake --build build-fuzz -j $(JOBS) --target isms_fuzz_oscal_json isms_fuzz_oscal_xml isms_fuzz_oscal_yaml
	@mkdir -p build-fuzz/findings
	@for fmt in json xml yaml; do \
	  mkdir -p build-fuzz/corpus/oscal_$$fmt; \
	  find tests/data/oscal -name "*.$$fmt" -size -64k -exec cp {} build-fuzz/corpus/oscal_$$fmt/ \; ; \
	  echo "fuzz: oscal $$fmt for $(FUZZ_SECONDS)s"; \
	  build-fuzz/tests/fuzz/isms_fuzz_oscal_$$fmt build-fuzz/corpus/oscal_$$fmt -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=65536 -artifact_prefix=build-fuzz/findings/oscal_$$fmt- -print_final_stats=1 || exit 1; \
	done
