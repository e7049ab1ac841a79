# Developer commands over CMake.  `make demo` and `make check` install the
# Debian packages they need (as root) and build from scratch when needed.
BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS ?= 2
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fit gpx tcx profile plan csv gz zip ical

.PHONY: all deps demo check check-asan check-tsan bench fuzz clean

all: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

deps:
	@sh scripts/deps.sh build

# The example runner: profile, the coach's training plan and the work
# calendar; a fixed start date so the output is the README's.
demo: all
	./$(BUILD)/rubdown plan --profile examples/sam.yaml --plan examples/sam-plan.ics \
		--busy examples/sam-busy.ics --from 2026-11-23

check:
	@sh scripts/deps.sh test
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)
	@cd $(BUILD) && { ctest --output-on-failure -j$(JOBS) >ctest.log 2>&1; rc=$$?; \
		cat ctest.log; grep -E '^[0-9]+% tests passed' ctest.log | tail -1; exit $$rc; }

check-asan:
	@sh scripts/deps.sh asan
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRD_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && { ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j$(JOBS) >ctest.log 2>&1; rc=$$?; \
		cat ctest.log; grep -E '^[0-9]+% tests passed' ctest.log | tail -1; exit $$rc; }

# The tests under ThreadSanitizer: the history is read on two threads.  oom
# and ical_read start no thread and take minutes under TSan: left out.
# setarch -R turns address randomisation off for the run, as TSan needs on
# kernels with more mmap randomisation bits than gcc 12's TSan knows.
check-tsan:
	@sh scripts/deps.sh asan
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRD_TSAN=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j$(JOBS)
	@cd $(TSAN_BUILD) && { TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp \
		setarch "$$(uname -m)" -R ctest --output-on-failure -j$(JOBS) -E '^(oom|ical_read)$$' \
		>ctest.log 2>&1; rc=$$?; \
		cat ctest.log; grep -E '^[0-9]+% tests passed' ctest.log | tail -1; exit $$rc; }

# The other tools the history benchmark compares against: gpsbabel and
# python3-gpxpy from Debian, Garmin's own FIT SDK from npm.
bench: all
	@sh scripts/deps.sh bench
	@[ -d $(BUILD)/npm/node_modules/@garmin/fitsdk ] || ! command -v npm >/dev/null || \
		npm install --silent --prefix $(BUILD)/npm @garmin/fitsdk >/dev/null 2>&1 || \
		echo "npm install @garmin/fitsdk failed: the benchmark skips it" >&2
	@sh bench/run.sh $(BUILD)

# libFuzzer with clang-14, ASan and UBSan: every target for FUZZ_SECONDS
# (docs/fuzzing.md).  make check replays the corpora and findings already.
fuzz:
	@sh scripts/deps.sh fuzz
	@CC=clang-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRD_SANITIZE=ON \
		-DRD_FUZZ=ON -DRD_WERROR=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzzers
	@for t in $(FUZZ_TARGETS); do sh fuzz/run.sh $(FUZZ_BUILD) $$t $(FUZZ_SECONDS) || exit 1; done

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
