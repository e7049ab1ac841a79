#!/bin/sh
# make bench: every benchmark of the project, on this machine.
#   - planning: time per 8-week plan for the example runner (target: well
#     under a millisecond), and per 52-week plan;
#   - history ingest (bench/history.sh), when that part is built.
# usage: run.sh BUILD_DIR
set -eu
build=${1:-build}
here=$(dirname "$0")
cmake --build "$build" --target plan_bench >/dev/null
echo "== planning (bench/plan_bench.c)"
"$build/plan_bench" "$here/../examples/sam.yaml" 2026-11-23 2000
if [ -f "$here/history.sh" ]; then
	echo "== history ingest (bench/history.sh)"
	sh "$here/history.sh" "$build"
fi
