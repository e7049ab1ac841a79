#!/bin/sh
# fuzz/run.sh BUILD TARGET SECONDS: runs one libFuzzer target (built by
# `make fuzz` in BUILD) for SECONDS on one job.  Seeds: fuzz/corpus/TARGET
# (read only); new inputs go to BUILD/fuzz-corpus/TARGET, findings to
# BUILD/fuzz-crashes/TARGET/.  Exits non-zero on a finding.
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
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$bin" "$build/fuzz-corpus/$t" "$src/fuzz/corpus/$t" $dict \
	-max_len=$max_len -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
	-max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$build/fuzz-crashes/$t/" 2>&1 |
	tee "$build/fuzz-$t.log" | grep -E '^(#[0-9]+.*(DONE|pulse)|stat::|==[0-9]+==|SUMMARY)' || true
! ls "$build/fuzz-crashes/$t/" | grep -q .
