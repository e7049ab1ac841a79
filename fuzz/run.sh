#!/bin/sh
# fuzz/run.sh BUILD TARGET SECONDS: runs one libFuzzer target (built by
# `make fuzz` in BUILD) for SECONDS, one process at a time.  Seeds:
# fuzz/corpus/TARGET (read only); new inputs go to BUILD/fuzz-corpus/TARGET,
# findings (crash-*, leak-*, timeout-*, oom-*) to BUILD/fuzz-crashes/TARGET/,
# the whole log to BUILD/fuzz-TARGET.log.  Exits 1 when there is a finding.
#
# FUZZ_KEEP_GOING=1 runs in libFuzzer's fork mode with one job (-fork=1) and
# keeps fuzzing after a finding, for long campaigns (docs/fuzzing.md).
set -eu
build=$1 t=$2 secs=$3
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/fuzz_$t
[ -x "$bin" ] || { echo "fuzz/run.sh: no $bin (make fuzz builds it)" >&2; exit 2; }
mkdir -p "$build/fuzz-corpus/$t" "$build/fuzz-crashes/$t"
dict=""
[ -f "$src/fuzz/$t.dict" ] && dict="-dict=$src/fuzz/$t.dict"
max_len=262144
case $t in plan|profile) max_len=16384 ;; esac
mode=""
[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && mode="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
log=$build/fuzz-$t.log
echo "fuzz $t: $secs s, log $log"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$bin" "$build/fuzz-corpus/$t" "$src/fuzz/corpus/$t" $dict $mode \
	-max_len=$max_len -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
	-max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$build/fuzz-crashes/$t/" >"$log" 2>&1 || true
grep -E '^#[0-9]+' "$log" | tail -n 1
grep -E '^stat::|^SUMMARY' "$log" || true
if ls "$build/fuzz-crashes/$t/" | grep -q .; then
	echo "fuzz $t: findings in $build/fuzz-crashes/$t/" >&2
	exit 1
fi
