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
# 3. FIT decoding against reading the bytes: `rubdown history` on plain/fit
#    against `cat` of the same files (MB/s of each and the ratio).
# 4. PASS/FAIL lines for the targets of issue 4: ingest of the whole export
#    (zip and folder) under 3 s wall clock, peak RSS under 64 MB, FIT within
#    3x of reading the bytes.  Wall clock only means something on idle
#    cores, so the CPU time (user+sys) is printed too, and a warning when
#    the load average says another process is busy.
# 5. Where installed, times gpsbabel, python3-gpxpy and npm's @garmin/fitsdk
#    (found in $FITSDK_DIR, BUILD_DIR/npm, `npm root -g` or ./node_modules)
#    on the plain files, side by side with `rubdown history` on the same
#    folder, and prints the ratios (tool time / rubdown time).  It installs
#    nothing itself.
# 6. Memory against size: generates (once) the same export with the files
#    twice and four times (gen_history --copies K: K times the activities,
#    the same records each) and with every activity twice as long (--stretch
#    2: the same activities, twice the records) and compares peak RSS with
#    the export's, as a zip and as a folder: neither activities nor records
#    may make it grow.  With heaptrack installed, the peak heap of the export
#    and of the largest copy decide (RSS also counts the allocator's
#    fragmentation).  RD_BENCH_COPIES lists the factors (default "2 4"; 0
#    skips).
# 7. Peak RSS on a hostile zip of 1,000,000 empty entries (made once with
#    python3), against the 64 MB target.
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
	CPU=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$log")
	if [ "$st" -ne 0 ]; then
		say "  $label: exit $st: $(grep -v -e '^	' -e 'Command exited' "$log" | head -n 1)"
	fi
	return "$st"
}

# median LABEL CMD...: timed, RD_BENCH_RUNS times (default 5); SECS and CPU
# of the run with the median wall clock, RSS_MB the largest peak RSS, and
# RUNS_SECS every wall clock, sorted.  One busy moment on a VM moves a single
# run by several percent; the median does not move with it.
median() {
	label=$1
	shift
	runs=${RD_BENCH_RUNS:-5}
	: >"$OUT/median.log"
	i=0
	while [ "$i" -lt "$runs" ]; do
		timed "$label" "$@" || return 1
		printf '%s %s %s\n' "$SECS" "$CPU" "$RSS_MB" >>"$OUT/median.log"
		i=$((i + 1))
	done
	set -- $(sort -n "$OUT/median.log" | awk -v m=$(((runs + 1) / 2)) 'NR == m')
	SECS=$1 CPU=$2
	RSS_MB=$(awk '$3 > m { m = $3 } END { print m }' "$OUT/median.log")
	RUNS_SECS=$(sort -n "$OUT/median.log" | awk '{ printf "%s%s", sep, $1; sep = " " }')
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

report() { # LABEL (uses SECS RSS_MB CPU): activities/s, MB/s, peak RSS
	say "$(printf '  %-34s %7.2f s  %8s act/s  %7s MB/s  peak RSS %6s MB  cpu %s s' "$1" \
		"$SECS" "$(rate "$COUNT" "$SECS")" "$(rate "$MB" "$SECS")" "$RSS_MB" "$CPU")"
}

# verdict NAME VALUE LIMIT UNIT: "PASS"/"FAIL" line for VALUE < LIMIT.
verdict() {
	v=$(awk -v a="$2" -v b="$3" 'BEGIN { print (a < b ? "PASS" : "FAIL") }')
	say "$(printf '%s  %-44s %8s %s (target < %s %s)' "$v" "$1" "$2" "$4" "$3" "$4")"
}

# A core busy with something else makes wall-clock numbers meaningless.
busy_note() {
	load=$(cut -d' ' -f1 /proc/loadavg)
	cores=$(nproc)
	if awk -v l="$load" 'BEGIN { exit !(l >= 0.7) }'; then
		say "  note: load average $load on $cores cores before the runs: another process" \
			"is busy, wall-clock times are pessimistic (compare cpu times)"
	fi
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
	FLOOR=$SECS
	timed "cat plain/ (decompressed)" sh -c 'find "$1" -type f -exec cat {} + >/dev/null' \
		sh "$OUT/plain" && report "cat plain/ (decompressed)"
}

have_history() {
	[ -x "$RD" ] && { "$RD" history --help >/dev/null 2>&1 ||
		"$RD" --help 2>&1 | grep -qw history; }
}

ZIP_SECS='' DIR_SECS='' ZIP_RSS='' DIR_RSS=''
rubdown_runs() {
	say "rubdown history --quiet:"
	if ! have_history; then
		say "  skipped: $RD has no 'history' command yet"
		return 0
	fi
	busy_note
	say "  (median of ${RD_BENCH_RUNS:-5} runs each; every run's wall clock in brackets)"
	median "rubdown export.zip" "$RD" history --quiet "$OUT/export.zip" &&
		report "rubdown export.zip" && ZIP_SECS=$SECS ZIP_RSS=$RSS_MB &&
		say "    [$RUNS_SECS]"
	median "rubdown export/ (folder)" "$RD" history --quiet "$OUT/export" &&
		report "rubdown export/ (folder)" && DIR_SECS=$SECS DIR_RSS=$RSS_MB &&
		say "    [$RUNS_SECS]" &&
		say "  ratio to the zcat floor: $(ratio "$SECS" "$FLOOR")"
}

# FIT decoding (reader, activity mapping, accumulator, and the history
# around it) against cat of the same bytes.
FIT_RATIO=''
fit_vs_bytes() {
	say "FIT decoding against reading the bytes (plain/fit):"
	fit_mb=$(du -sb "$OUT/plain/fit" | awk '{ printf "%.1f", $1 / 1e6 }')
	timed "cat plain/fit" sh -c 'find "$1" -type f -exec cat {} + >/dev/null' \
		sh "$OUT/plain/fit" || return 0
	t_cat=$SECS
	have_history || return 0
	timed "rubdown plain/fit" "$RD" history --quiet "$OUT/plain/fit" || return 0
	FIT_RATIO=$(awk -v a="$SECS" -v b="$t_cat" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
	say "$(printf '  %-34s %7.2f s  %7s MB/s' "cat plain/fit ($fit_mb MB)" "$t_cat" \
		"$(rate "$fit_mb" "$t_cat")")"
	say "$(printf '  %-34s %7.2f s  %7s MB/s  cpu %s s  ratio %sx' "rubdown plain/fit" \
		"$SECS" "$(rate "$fit_mb" "$SECS")" "$CPU" "$FIT_RATIO")"
}

targets() {
	say "targets (issue 4):"
	[ -n "$ZIP_SECS" ] && verdict "ingest export.zip, wall clock" "$ZIP_SECS" 3 s
	[ -n "$DIR_SECS" ] && verdict "ingest export/ (folder), wall clock" "$DIR_SECS" 3 s
	[ -n "$ZIP_RSS" ] && verdict "peak RSS, export.zip" "$ZIP_RSS" 64 MB
	[ -n "$DIR_RSS" ] && verdict "peak RSS, export/ (folder)" "$DIR_RSS" 64 MB
	[ -n "$FIT_RATIO" ] && verdict "FIT decoding time / cat of the bytes" "$FIT_RATIO" 3 x
	return 0
}

# scaled NAME ARGS...: BUILD_DIR/bench-history-NAME, generated once with
# gen_history ARGS; sets DIR.
scaled() {
	name=$1
	shift
	DIR=$BUILD/bench-history-$name
	if [ ! -f "$DIR/.done" ]; then
		rm -rf "$DIR"
		say "generating $DIR ($*) (once)..."
		"$GEN" "$@" "$DIR" >/dev/null
		: >"$DIR/.done"
	fi
}

# Peak RSS against the number of activities: the export against the same
# files RD_BENCH_COPIES times over (default "2 4": 3,000 and 6,000
# activities, the copies in earlier years; 0 skips), as a zip and as a
# folder; and against the same activities with twice the records
# (--stretch 2).  Growth under 2% counts as not growing: RSS moves by a few
# hundred kilobytes from run to run.
scale() {
	ks=${RD_BENCH_COPIES:-2 4}
	[ "$ks" != 0 ] && [ -n "$ZIP_RSS" ] && [ -n "$DIR_RSS" ] && have_history || return 0
	say "memory against activities and records (largest of ${RD_BENCH_RUNS:-5} runs):"
	line() { say "$(printf '  %-40s %6s MB zip  %6s MB folder' "$1" "$2" "$3")"; }
	line "$COUNT activities (the export)" "$ZIP_RSS" "$DIR_RSS"
	top_n=$COUNT top_zip=$ZIP_RSS top_dir=$DIR_RSS
	for k in $ks; do
		n=$((COUNT * k))
		scaled "x$k" --count "$COUNT" --copies "$k"
		median "rubdown $n activities, zip" "$RD" history --quiet "$DIR/export.zip" || return 0
		top_zip=$RSS_MB
		median "rubdown $n activities, folder" "$RD" history --quiet "$DIR/export" || return 0
		top_dir=$RSS_MB top_n=$n
		line "$n activities, the files $k times" "$top_zip" "$top_dir"
	done
	scaled stretch2 --count "$COUNT" --stretch 2
	median "rubdown 2 x records" "$RD" history --quiet "$DIR/export.zip" || return 0
	more_recs=$RSS_MB
	say "$(printf '  %-40s %6s MB zip' "$COUNT activities, 2 x the records" "$more_recs")"
	growth=$(awk -v z="$top_zip" -v d="$top_dir" -v z0="$ZIP_RSS" -v d0="$DIR_RSS" \
		'BEGIN { a = (z - z0) / z0; b = (d - d0) / d0; printf "%.1f", 100 * (a > b ? a : b) }')
	say "  RSS growth, $COUNT to $top_n activities: $growth % (the allocator's" \
		"fragmentation moves it by a few hundred KB: the heap below is the measure)"
	verdict "peak RSS, $top_n activities (zip)" "$top_zip" 64 MB
	verdict "peak RSS, 2 x the records" "$more_recs" 64 MB
	heap_growth "$OUT/export.zip" "$DIR/export.zip" "$top_n"
}

# heap_growth SMALL BIG N: peak heap (heaptrack: every byte malloc'd and not
# yet freed, at its highest) of the export against N activities.
heap_growth() {
	if ! command -v heaptrack >/dev/null 2>&1; then
		say "  heaptrack not installed: no heap figures (apt-get install heaptrack)"
		return 0
	fi
	h0=$(peak_heap "$1") h1=$(peak_heap "$2")
	[ -n "$h0" ] && [ -n "$h1" ] || return 0
	say "$(printf '  %-40s %6s MB  %6s MB at %s activities' "peak heap (heaptrack), zip" \
		"$h0" "$h1" "$3")"
	verdict "heap growth, $COUNT to $3 activities" \
		"$(awk -v a="$h1" -v b="$h0" 'BEGIN { printf "%.1f", 100 * (a - b) / b }')" 1 %
}

peak_heap() {
	heaptrack -o "$OUT/heaptrack" "$RD" history --quiet "$1" >/dev/null 2>&1 || :
	heaptrack_print "$OUT/heaptrack.zst" 2>/dev/null | awk '/^peak heap memory consumption/ {
		v = $NF; u = substr(v, length(v)); n = substr(v, 1, length(v) - 1) + 0
		if (u == "K") n /= 1024; else if (u == "G") n *= 1024; else if (u == "B") n /= 1048576
		printf "%.2f", n }'
	rm -f "$OUT/heaptrack.zst"
}

# A hostile archive (BAD-INPUTS Z07): 1,000,000 empty entries in 88 MB.
# libarchive would keep its whole directory (about 290 bytes an entry, per
# reading thread); rubdown walks the directory itself, one header at a time,
# keeps the names seen on disk (SQLite), and stops at the 200,000-entry
# limit.  Made once with
# python3's zipfile (skipped without python3).
hostile_zip() {
	command -v python3 >/dev/null 2>&1 && have_history || return 0
	zip=$BUILD/bench-hostile/many-entries.zip
	if [ ! -f "$zip" ]; then
		mkdir -p "$BUILD/bench-hostile"
		python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for i in range(1000000):
        z.writestr(str(i), b"")' "$zip.tmp" && mv "$zip.tmp" "$zip" || return 0
	fi
	say "a zip of 1,000,000 empty entries (BAD-INPUTS Z07):"
	timed "rubdown many-entries.zip" "$RD" history --quiet "$zip" || : # exits 1: the limit
	say "$(printf '  %-34s %7.2f s  peak RSS %6s MB' "rubdown many-entries.zip" "$SECS" "$RSS_MB")"
	verdict "peak RSS, 1,000,000-entry zip" "$RSS_MB" 64 MB
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
	for d in "${FITSDK_DIR:-}" "$BUILD/npm/node_modules/@garmin/fitsdk" \
		"$(npm root -g 2>/dev/null || true)/@garmin/fitsdk" \
		"$PWD/node_modules/@garmin/fitsdk"; do
		if [ -n "$d" ] && [ -f "$d/src/index.js" ]; then
			(cd "$d" && pwd) # import() wants an absolute path
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
	py=''
	for p in python3 /usr/bin/python3; do # Debian's package is for /usr/bin's
		if "$p" -c 'import gpxpy' >/dev/null 2>&1; then
			py=$p
			break
		fi
	done
	if [ -n "$py" ]; then
		side "python3-gpxpy (gpx)" gpx "$py" -c 'import gpxpy, os, sys
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
		say "  @garmin/fitsdk: not installed (npm install --prefix $BUILD/npm @garmin/fitsdk)"
	fi
}

generate
MB=$(awk '{ printf "%.1f", $1 / 1e6 }' "$OUT/.bytes")
say "history: $COUNT activities, $MB MB uncompressed, $(du -sh "$OUT/export.zip" | cut -f1) zipped ($OUT)"
floor
rubdown_runs
fit_vs_bytes
others
scale
hostile_zip
targets
