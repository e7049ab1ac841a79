#!/bin/sh
# history.sh BUILD_DIR: the history-ingestion benchmark (issue 4).
#
# 1. Generates the synthetic Strava-style export once, with BUILD_DIR/gen_history
#    (bench/gen_history.c: 1,500 activities over 5 years, 60% FIT, 30% GPX,
#    10% TCX, half gzipped, activities.csv), into BUILD_DIR/bench-history:
#    export.zip, export/ (unpacked), and plain/{fit,gpx,tcx}/ (every file
#    decompressed, for the tools that cannot read .gz or .zip).
# 2. Times `rubdown history --quiet` on the zip and on the folder, and the
#    floor: `zcat -f` of the same files (reading and inflating the bytes).
#    Prints activities/s, MB/s of uncompressed input and peak RSS
#    (/usr/bin/time -v).  Skips with a message while `rubdown history` does
#    not exist yet.
# 3. Where installed, times gpsbabel, python3-gpxpy and npm's @garmin/fitsdk
#    (found in `npm root -g`, ./node_modules, or $FITSDK_DIR) on the plain
#    files, side by side with `rubdown history` on the same folder, and
#    prints the ratios (tool time / rubdown time).
set -eu

BUILD=${1:?usage: sh bench/history.sh BUILD_DIR}
OUT=$BUILD/bench-history
RD=$BUILD/rubdown
GEN=$BUILD/gen_history
COUNT=1500

say() { printf '%s\n' "$*"; }

# timed LABEL CMD...: runs CMD under /usr/bin/time -v; sets SECS and RSS_MB,
# returns CMD's status.
timed() {
	label=$1
	shift
	log=$OUT/time.log
	set +e
	/usr/bin/time -v "$@" >/dev/null 2>"$log"
	st=$?
	set -e
	SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
	RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$log")
	if [ "$st" -ne 0 ]; then
		say "  $label: exit $st: $(grep -v -e '^	' -e 'Command exited' "$log" | head -n 1)"
	fi
	return "$st"
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

report() { # LABEL (uses SECS RSS_MB): activities/s, MB/s, peak RSS
	say "$(printf '  %-34s %7.2f s  %8s act/s  %7s MB/s  peak RSS %6s MB' "$1" "$SECS" \
		"$(rate "$COUNT" "$SECS")" "$(rate "$MB" "$SECS")" "$RSS_MB")"
}

generate() {
	if [ -f "$OUT/.done" ]; then
		return 0
	fi
	if [ ! -x "$GEN" ]; then
		cmake --build "$BUILD" --target gen_history >/dev/null
	fi
	rm -rf "$OUT"
	mkdir -p "$OUT"
	say "generating the synthetic history into $OUT (once)..."
	"$GEN" --count "$COUNT" "$OUT"
	for f in fit gpx tcx; do
		mkdir -p "$OUT/plain/$f"
	done
	for p in "$OUT"/export/activities/*; do
		b=$(basename "$p" .gz)
		zcat -f "$p" >"$OUT/plain/${b##*.}/$b"
	done
	du -sb "$OUT/plain" | awk '{ print $1 }' >"$OUT/.bytes"
	: >"$OUT/.done"
}

floor() {
	say "floor (reading the bytes):"
	timed "zcat -f export/ (all files)" sh -c 'find "$1" -type f -exec zcat -f {} + >/dev/null' \
		sh "$OUT/export" && report "zcat -f export/ (all files)"
	timed "cat plain/ (decompressed)" sh -c 'find "$1" -type f -exec cat {} + >/dev/null' \
		sh "$OUT/plain" && report "cat plain/ (decompressed)"
	FLOOR=$SECS
}

have_history() {
	[ -x "$RD" ] && { "$RD" history --help >/dev/null 2>&1 ||
		"$RD" --help 2>&1 | grep -qw history; }
}

rubdown_runs() {
	say "rubdown history --quiet:"
	if ! have_history; then
		say "  skipped: $RD has no 'history' command yet"
		return 0
	fi
	timed "rubdown export.zip" "$RD" history --quiet "$OUT/export.zip" &&
		report "rubdown export.zip"
	timed "rubdown export/ (folder)" "$RD" history --quiet "$OUT/export" &&
		report "rubdown export/ (folder)" &&
		say "  ratio to the zcat floor: $(ratio "$SECS" "$FLOOR")"
}

# side LABEL FORMAT CMD...: times a tool on plain/FORMAT and rubdown on the same.
side() {
	side_label=$1 fmt=$2
	shift 2
	if timed "$side_label" "$@"; then
		t_tool=$SECS rss_tool=$RSS_MB
		if have_history && timed "rubdown plain/$fmt" "$RD" history --quiet "$OUT/plain/$fmt"; then
			say "$(printf '  %-34s %7.2f s (peak %s MB)  rubdown %.2f s (peak %s MB)  ratio %s' \
				"$side_label" "$t_tool" "$rss_tool" "$SECS" "$RSS_MB" "$(ratio "$t_tool" "$SECS")")"
		else
			say "$(printf '  %-34s %7.2f s (peak %s MB)  rubdown: n/a' "$side_label" "$t_tool" \
				"$rss_tool")"
		fi
	fi
}

fitsdk_dir() {
	for d in "${FITSDK_DIR:-}" "$(npm root -g 2>/dev/null || true)/@garmin/fitsdk" \
		"$PWD/node_modules/@garmin/fitsdk"; do
		if [ -n "$d" ] && [ -f "$d/src/index.js" ]; then
			say "$d"
			return 0
		fi
	done
	return 1
}

others() {
	say "other tools on the decompressed files (tool time / rubdown time):"
	if command -v gpsbabel >/dev/null 2>&1; then
		for pair in fit:garmin_fit gpx:gpx tcx:gtrnctr; do
			fmt=${pair%%:*} in=${pair#*:}
			side "gpsbabel -i $in ($fmt)" "$fmt" sh -c 'for f in "$1"/*; do
				gpsbabel -i "$2" -f "$f" -o unicsv -F /dev/null || exit 1; done' \
				sh "$OUT/plain/$fmt" "$in"
		done
	else
		say "  gpsbabel: not installed (apt-get install gpsbabel)"
	fi
	if python3 -c 'import gpxpy' >/dev/null 2>&1; then
		side "python3-gpxpy (gpx)" gpx python3 -c 'import gpxpy, os, sys
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    with open(os.path.join(d, f)) as h:
        gpxpy.parse(h)' "$OUT/plain/gpx"
	else
		say "  python3-gpxpy: not installed (apt-get install python3-gpxpy)"
	fi
	if command -v node >/dev/null 2>&1 && dir=$(fitsdk_dir); then
		side "@garmin/fitsdk (fit)" fit node --input-type=module -e "
import fs from 'fs';
const { Decoder, Stream } = await import('$dir/src/index.js');
const d = process.argv[1];
for (const f of fs.readdirSync(d).sort()) {
	const dec = new Decoder(Stream.fromBuffer(fs.readFileSync(d + '/' + f)));
	const { errors } = dec.read();
	if (errors.length) { console.error(f, errors[0]); process.exit(1); }
}" "$OUT/plain/fit"
	else
		say "  @garmin/fitsdk: not installed (npm install -g @garmin/fitsdk, or set FITSDK_DIR)"
	fi
}

generate
MB=$(awk '{ printf "%.1f", $1 / 1e6 }' "$OUT/.bytes")
say "history: $COUNT activities, $MB MB uncompressed, $(du -sh "$OUT/export.zip" | cut -f1) zipped ($OUT)"
floor
rubdown_runs
others
