# concbench front door.
#
#   make          install missing Debian packages, configure and build
#   make test     the same, then run the ctest suite
#   make bench    the same, then run the benchmark matrix and draw the charts
#   make perf     the same, then concbench against curl, nginx and the memory bandwidth
#   make soak     the same, then every strategy under injected faults, repeatedly
#
# Everything the project needs comes from Debian packages; `deps` installs
# what is missing (apt-get, with sudo only when not root).

BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

PACKAGES = build-essential cmake pkg-config libcurl4-openssl-dev libcjson-dev \
           libevent-dev libxxhash-dev hyperfine gnuplot-nox curl jq python3 \
           python3-aiohttp python3-requests python3-xxhash openmpi-bin libopenmpi-dev \
           ninja-build

# What only the tests use: a browser to open the HTML report in.
TEST_PACKAGES = chromium
FUZZ_PACKAGES = clang libclang-rt-14-dev
PERF_PACKAGES = wrk nginx-light libnginx-mod-http-echo strace
PERF_ROUNDS  ?= 5
FUZZ_SECONDS ?= 60

# A new build tree is generated for Ninja: with nothing to rebuild it
# answers in 0.2 s where CMake's Makefiles took 1.2-1.9 s on the 2-core VM
# (every make bench, test and perf starts with one). A tree that exists
# keeps the generator it was made with.
generator = $(if $(wildcard $(1)/CMakeCache.txt),,-G Ninja)

.PHONY: all deps build test test-asan test-tsan bench perf soak fuzz readme clean

all: build

deps:
	@scripts/install-deps.sh $(PACKAGES)

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) $(call generator,$(BUILD)) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	@scripts/install-deps.sh $(TEST_PACKAGES)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Sanitizer suites: separate build trees so the main build stays optimised.
# Timing-ratio tests are left out: an unoptimised, instrumented build says
# nothing about speed.
test-asan: deps
	@scripts/install-deps.sh $(TEST_PACKAGES)
	cmake -S . -B build-asan $(call generator,build-asan) -DCMAKE_BUILD_TYPE=Debug -DCONCBENCH_SANITIZE=address
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ctest --output-on-failure -j $(JOBS) -LE timing

test-tsan: deps
	@scripts/install-deps.sh $(TEST_PACKAGES)
	cmake -S . -B build-tsan $(call generator,build-tsan) -DCMAKE_BUILD_TYPE=Debug -DCONCBENCH_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && ctest --output-on-failure -j $(JOBS) -LE timing

bench: build
	scripts/bench.sh

# concbench against outside yardsticks (curl --parallel, nginx, the memory
# bandwidth), interleaved: results/perf/<UTC timestamp>/perf.md and .json.
perf: build
	@scripts/install-deps.sh $(PERF_PACKAGES)
	python3 scripts/perf.py --bin $(BUILD)/concbench --rounds $(PERF_ROUNDS) \
	    --out results/perf/$$(date -u +%Y%m%dT%H%M%SZ)

# Every strategy, round after round, against ~30% injected faults: exact
# counts, no temporary file, no descriptor kept, flat server RSS (<= 5 min).
soak: build
	scripts/soak.sh $(BUILD)/concbench

# README's plug-in tables, regenerated from the binary's own registry.
readme: build
	$(BUILD)/concbench list --json > $(BUILD)/plugins.json
	python3 scripts/plugins_md.py $(BUILD)/plugins.json README.md

# libFuzzer targets (clang, ASan+UBSan), each run FUZZ_SECONDS; crashes are
# saved to fuzz/regressions/ and replayed by `make test` from then on.
fuzz: deps
	@scripts/install-deps.sh $(FUZZ_PACKAGES)
	cmake -S . -B build-fuzz $(call generator,build-fuzz) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	      -DCONCBENCH_SANITIZE=address -DCONCBENCH_FUZZ=ON -DCONCBENCH_TESTS=OFF
	cmake --build build-fuzz -j $(JOBS) --target fuzz_links fuzz_names
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
