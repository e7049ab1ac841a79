#!/bin/sh
# CLI tests: golden text and JSON for the example runner, every bad profile
# with its exact message and exit status 1, bad options with exit status 2,
# no partial output file on failure, and byte-for-byte determinism.
# usage: run.sh RUBDOWN_BINARY SOURCE_DIR [GEN_HISTORY_BINARY]
set -u
rd=$1
src=$2
gen=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# Golden outputs: the profile alone (sam), and the demo: the profile with
# the coach's training plan and the work calendar (demo).
demo_args="--plan $src/examples/sam-plan.ics --busy $src/examples/sam-busy.ics"
for case in sam demo; do
	extra=""
	[ $case = demo ] && extra=$demo_args
	for fmt in text json ics; do
		[ $case = sam ] && [ $fmt = ics ] && continue
		# shellcheck disable=SC2086
		(cd "$src" && "$rd" plan --profile examples/sam.yaml $extra --from 2026-11-23 --format $fmt) \
			>"$work/$case.$fmt" 2>"$work/err"
		if [ $? -eq 0 ] && cmp -s "$work/$case.$fmt" "$src/tests/cli/golden/$case.$fmt"; then ok; else
			bad "golden $case.$fmt differs"; diff "$src/tests/cli/golden/$case.$fmt" "$work/$case.$fmt" | head -20; fi
		# shellcheck disable=SC2086
		(cd "$src" && "$rd" plan --profile examples/sam.yaml $extra --from 2026-11-23 --format $fmt) >"$work/again"
		if cmp -s "$work/$case.$fmt" "$work/again"; then ok; else bad "$case.$fmt not deterministic"; fi
	done
	if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/$case.json"; then ok; else bad "$case JSON does not parse"; fi
done

# The demo's calendar: an independent parser reads it, one event per appointment.
if /usr/bin/python3 - "$work/demo.ics" "$work/demo.json" <<'PY'
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
plan = json.load(open(sys.argv[2]))
events = cal.walk('VEVENT')
assert len(events) == len(plan['appointments']), (len(events), len(plan['appointments']))
for ev, a in zip(events, plan['appointments']):
    assert str(ev.decoded('DTSTART'))[:10] == a['date'], (ev.decoded('DTSTART'), a['date'])
    assert a['modality'] in [str(c) for c in ev.get('CATEGORIES').cats], ev.get('CATEGORIES')
PY
then ok; else bad "demo.ics does not match demo.json"; fi

# Cross-training from the coach's calendar shows in the report, never as a run.
(cd "$src" && "$rd" plan --profile examples/sam.yaml $demo_args --from 2026-11-23 --format html) >"$work/demo.html"
if grep -q '+ Yoga (cross-training)' "$work/demo.html"; then ok; else bad "report lacks cross-training"; fi

# -v lists every calendar event with the kind it got and why.
(cd "$src" && "$rd" plan --profile examples/sam.yaml $demo_args --from 2026-11-23 -v) >/dev/null 2>"$work/verbose"
if grep -q 'examples/sam-plan.ics:[0-9]*: 2026-12-06 08:15 "Valencia Marathon": race 42.2 km' "$work/verbose" &&
	grep -q '"Yoga": cross-training' "$work/verbose" && grep -q '"Work": busy' "$work/verbose"; then ok; else
	bad "-v does not list the events"; head -5 "$work/verbose"; fi

# -o writes the same bytes as stdout.
(cd "$src" && "$rd" plan --profile examples/sam.yaml --from 2026-11-23 --format json -o "$work/out.json")
if cmp -s "$work/out.json" "$work/sam.json"; then ok; else bad "-o output differs from stdout"; fi

# Another locale changes nothing in machine output (decimal points stay '.').
(cd "$src" && LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 "$rd" plan --profile examples/sam.yaml --from 2026-11-23 --format json) >"$work/de.json" 2>/dev/null
if cmp -s "$work/de.json" "$work/sam.json"; then ok; else bad "output depends on the locale"; fi

# An output that cannot be written: a clear error, exit 1, nothing left behind.
(cd "$src" && "$rd" plan --profile examples/sam.yaml --from 2026-11-23 -o "$work/missing/dir/plan.txt") >/dev/null 2>"$work/err"
status=$?
if [ $status -eq 1 ] && grep -q "plan.txt: cannot write" "$work/err" && [ ! -e "$work/missing" ]; then ok; else
	bad "unwritable output: exit $status"; cat "$work/err"; fi

# Week days in any case, short or in full: Sam's profile with Tuesday, THU,
# Monday and monday plans exactly as the golden one.
sed 's/^  tue:/  Tuesday:/; s/^  thu:/  THU:/; s/days: \[mon,/days: [Monday,/; s/hours: {mon:/hours: {monday:/' \
	"$src/examples/sam.yaml" >"$work/sam-days.yaml"
if ! cmp -s "$src/examples/sam.yaml" "$work/sam-days.yaml" &&
	"$rd" plan --profile "$work/sam-days.yaml" --from 2026-11-23 --format json | cmp -s - "$src/tests/cli/golden/sam.json"
then ok; else bad "week days spelt in full or in capitals"; fi

# Every bad profile: exact message, exit 1, no output file.
while IFS='	' read -r file expected; do
	(cd "$src/tests/cli/bad" && "$rd" plan --profile "$file" --from 2026-11-23 -o "$work/never.txt") >/dev/null 2>"$work/err"
	status=$?
	got=$(cat "$work/err")
	if [ $status -eq 1 ] && [ "$got" = "$expected" ] && [ ! -e "$work/never.txt" ]; then ok; else
		bad "$file: exit $status, got '$got', want '$expected'"; fi
done <"$src/tests/cli/expected-errors.txt"

# A missing file and a directory.
"$rd" plan --profile "$work/nope.yaml" >/dev/null 2>"$work/err"
if [ $? -eq 1 ] && grep -q "nope.yaml: error: cannot open" "$work/err"; then ok; else bad "missing profile"; fi
"$rd" plan --profile "$work" >/dev/null 2>"$work/err"
if [ $? -eq 1 ] && grep -q "error:" "$work/err"; then ok; else bad "directory as profile"; fi

# Bad options: a usage line and exit 2.
for args in "plan" "plan --plan" "plan --profile x --weeks 0" "plan --profile x --weeks many" \
	"plan --profile x --from 2026-13-01" "plan --profile x --format xml" \
	"plan --profile x --frobnicate" "plan --profile x extra" "frobnicate" \
	"explain --profile x" "explain --profile x 2026-02-30" "rules extra" "" \
	"history" "history --format xml x" "history --frobnicate x" "help frobnicate"; do
	# shellcheck disable=SC2086
	"$rd" $args >/dev/null 2>"$work/err"
	status=$?
	if [ $status -eq 2 ] && grep -q "^usage: " "$work/err"; then ok; else bad "'$args': exit $status"; fi
done

"$rd" history --format xml x >/dev/null 2>"$work/err"
if grep -q "^rubdown: --format: 'xml' is not one of text, json$" "$work/err"; then ok; else
	bad "history --format xml: no message naming the option"; cat "$work/err"; fi

# --help, -h and help COMMAND: the command's usage and every option it
# takes, on stdout, exit 0, nothing on stderr.
for args in "plan --help:plan:--history PATH" "plan -h:plan:--output FILE" \
	"explain --help:explain:--from DATE" "history --help:history:--strict" \
	"help history:history:--quiet" "rules --help:rules:knowledge base" "--help:plan:help COMMAND"; do
	cmd=${args%%:*} rest=${args#*:}
	name=${rest%%:*} option=${rest#*:}
	# shellcheck disable=SC2086
	"$rd" $cmd >"$work/help" 2>"$work/err"
	status=$?
	if [ $status -eq 0 ] && head -n 1 "$work/help" | grep -q "^usage: rubdown $name" &&
		grep -q -e "$option" "$work/help" && [ ! -s "$work/err" ]; then ok; else
		bad "'$cmd': exit $status"; head -3 "$work/help" "$work/err"; fi
done

# rules lists every rule id of KNOWLEDGE.md.
"$rd" rules >"$work/rules.txt"
for id in R-AFTER-HARD R-NO-DEEP-BEFORE-DEMANDING R-RACE-LEAD R-MARATHON-DEEP-AFTER \
	R-REST-DAY-DEEP R-SWEDISH-DAY-BEFORE R-SPORTS-DAY-OF R-INJURY-ART R-PROBLEM-AREA-DEEP \
	R-FREQUENCY R-BUDGET R-PREFERENCE R-FOCUS R-ACHY-EASE-UP R-MOVEMENT-THERAPIST R-REST; do
	if grep -q "^$id " "$work/rules.txt"; then ok; else bad "rules: $id missing"; fi
done

# explain: the day before the marathon forbids deep work and says why.
"$rd" explain --profile "$src/examples/sam.yaml" --from 2026-11-23 2026-12-05 >"$work/explain.txt"
if grep -q "deep_tissue: forbidden by R-NO-DEEP-BEFORE-DEMANDING, R-RACE-LEAD, R-MARATHON-DEEP-AFTER" "$work/explain.txt" &&
	grep -q "Valencia Marathon" "$work/explain.txt" && grep -q "sports_post_event: forbidden by R-RACE-LEAD" "$work/explain.txt"; then ok; else
	bad "explain 2026-12-05"; cat "$work/explain.txt"; fi
"$rd" explain --profile "$src/examples/sam.yaml" --from 2026-11-23 2026-12-07 >"$work/explain.txt"
if grep -q "deep_tissue: allowed" "$work/explain.txt" && grep -q "PICKED" "$work/explain.txt"; then ok; else
	bad "explain 2026-12-07"; cat "$work/explain.txt"; fi

# A recorded history: a small synthetic export (bench/gen_history.c).
if [ -n "$gen" ]; then
	"$gen" --count 84 --days 84 "$work/gh" >/dev/null
	"$rd" history "$work/gh/export.zip" >"$work/history.txt" 2>"$work/err"
	if [ $? -eq 0 ] && grep -q "^84 activities; files: .* 0 rejected" "$work/history.txt" &&
		grep -q " race .*race: " "$work/history.txt" && grep -q " hard .*hard: " "$work/history.txt" &&
		grep -q "^2026-W47 " "$work/history.txt"; then ok; else bad "history of the export"; head -3 "$work/history.txt"; cat "$work/err"; fi
	# Pace for runs, speed for rides: every run with a distance has one.
	if ! grep -E "^[0-9-]+ [0-9:Z]+ +run +[a-z]+ +[0-9.]+ km" "$work/history.txt" |
		grep -vqE " h +[0-9]+:[0-5][0-9]/km " &&
		grep -qE "^[0-9-]+ [0-9:Z]+ +bike +other +[0-9.]+ km +[0-9:]+ h +[0-9]+\.[0-9] km/h " "$work/history.txt"
	then ok; else bad "history: pace and speed"; grep -m2 " run " "$work/history.txt"; fi
	"$rd" history --format json "$work/gh/export.zip" >"$work/history.json"
	if python3 - "$work/history.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))
acts = h["activities"]
assert len(acts) == 84, len(acts)
fit = [a for a in acts if a["source"].endswith(".fit")][0]
assert fit["start_utc"].endswith("Z") and fit["start_local"][-6] in "+-", fit
assert fit["kind"] in ("easy", "long", "hard", "race") and fit["reason"], fit
assert all(a["load"] >= 0 for a in acts)
assert {a["kind"] for a in acts} >= {"easy", "long", "hard", "race", "other"}
assert h["heart_rate"]["max_source"] == "estimated", h["heart_rate"]
weeks = h["weeks"]
import datetime
first = datetime.date.fromisoformat(min(a["date"] for a in acts if a["date"]))
assert 0 <= (first - datetime.date.fromisoformat(weeks[0]["monday"])).days < 7, weeks[0]
assert sum(w["sessions"] for w in weeks) == sum(1 for a in acts if a["date"]), weeks
assert abs(sum(w["load"] for w in weeks) - sum(a["load"] for a in acts if a["date"])) < 0.01  # 8 digits each
assert [w["monday"] for w in weeks] == sorted(w["monday"] for w in weeks)
assert weeks[-1]["week"] == "2026-W47" and weeks[-1]["monday"] == "2026-11-16", weeks[-1]
PY
	then ok; else bad "history --format json"; fi
	# Twelve runs at one heart rate: no maximum effort, so the estimated
	# hr_max is raised (docs/load.md), said, and the runs are not all hard.
	"$gen" --count 12 --days 28 "$work/gh12" >/dev/null
	"$rd" history "$work/gh12/export.zip" >"$work/gh12.txt" 2>"$work/err"
	"$rd" history --format json "$work/gh12/export.zip" >"$work/gh12.json" 2>>"$work/err"
	if grep -q "^heart rate: max 168 (estimated)" "$work/gh12.txt" &&
		grep -q "^  no run came near your maximum (highest 2-minute heart rate 147)" "$work/gh12.txt" &&
		[ "$(grep -c " run  *easy " "$work/gh12.txt")" = 11 ] &&
		python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["heart_rate"]["max_seen"] == 147' "$work/gh12.json" &&
		python3 - "$work/gh12.json" <<'PY' &&
import json, sys
j = json.load(open(sys.argv[1]))
f = j["form"]
assert f["date"] == max(a["date"] for a in j["activities"]), f
assert f["fitness"] > 0 and f["fatigue"] > 0 and abs(f["form"] - (f["fitness"] - f["fatigue"])) < 1e-4, f
PY
		grep -q "^on 20[0-9-]*, the last day: fitness [0-9]*, fatigue [0-9]*, form [-+][0-9]* (42- and 7-day load averages" "$work/gh12.txt"
	then ok; else bad "history without a maximum effort"; tail -3 "$work/gh12.txt"; cat "$work/err"; fi
	# One bad file among good ones: reported with its name, the rest read, exit 1.
	mkdir -p "$work/mixed"
	cp "$work/gh/export/activities/"*.tcx* "$work/mixed/" 2>/dev/null
	printf 'this is not a FIT file at all' >"$work/mixed/broken.fit"
	good=$(ls "$work/mixed" | grep -c tcx)
	"$rd" history "$work/mixed" >"$work/history.txt" 2>"$work/err"
	status=$?
	if [ $status -eq 1 ] && grep -q "broken.fit" "$work/err" &&
		grep -q "^$good activities; files: $good ok, 0 partial, 1 rejected" "$work/history.txt"; then ok; else
		bad "a bad file among good ones: exit $status"; cat "$work/err"; tail -2 "$work/history.txt"; fi
	"$rd" history "$work/nope" >/dev/null 2>"$work/err"
	if [ $? -eq 1 ] && grep -q "nope" "$work/err"; then ok; else bad "history of a missing path"; fi
	# The planner takes its training volume from the history.
	printf 'runner: {name: Kim}\n' >"$work/kim.yaml"
	"$rd" plan --profile "$work/kim.yaml" --from 2026-11-23 --format json >"$work/no-history.json"
	"$rd" plan --profile "$work/kim.yaml" --history "$work/gh/export.zip" --from 2026-11-23 --format json \
		>"$work/with-history.json" 2>"$work/err"
	if python3 - "$work/no-history.json" "$work/with-history.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
assert a["frequency"]["sessions_per_week"] == 0, a["frequency"]
assert 5 <= b["frequency"]["sessions_per_week"] <= 7.5, b["frequency"]
assert b["frequency"]["months"]["2026-12"]["target"] >= 2, b["frequency"]
assert b["appointments"], "a runner with a history gets massages"
assert a["frequency"]["usual_week_from_history"] is None
week = b["frequency"]["usual_week_from_history"]
assert week and all(d["day"] in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") and
                    d["kind"] in ("easy", "long", "hard") and d["title"].startswith("usual on ")
                    for d in week), week
PY
	then ok; else bad "plan --history"; fi
	# The usual week the history gave is said in the text and the report.
	"$rd" plan --profile "$work/kim.yaml" --history "$work/gh/export.zip" --from 2026-11-23 \
		>"$work/kim.txt" 2>/dev/null
	"$rd" plan --profile "$work/kim.yaml" --history "$work/gh/export.zip" --from 2026-11-23 \
		--format html >"$work/kim.html" 2>/dev/null
	if grep -q "^your usual week, from the history: [A-Z][a-z][a-z] [a-z]*.*; other days rest$" "$work/kim.txt" &&
		grep -q "<dt>Usual week</dt><dd>from the history: [A-Z][a-z][a-z] [a-z]*" "$work/kim.html"
	then ok; else bad "usual week in the text and the report"; head -4 "$work/kim.txt"; fi
	# --since lists the activities and weeks from a day on; the kinds come from
	# the whole history, so the listed lines are the full listing's own.
	"$rd" history --since 2026-11-09 "$work/gh/export.zip" >"$work/since.txt" 2>/dev/null
	"$rd" history "$work/gh/export.zip" >"$work/all.txt" 2>/dev/null
	"$rd" history --since 2026-11-09 --format json "$work/gh/export.zip" >"$work/since.json" 2>/dev/null
	grep "^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] " "$work/all.txt" | awk '$1 >= "2026-11-09"' >"$work/all-since.txt"
	if grep "^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] " "$work/since.txt" | cmp -s - "$work/all-since.txt" &&
		grep -q "^usual week in the history: [A-Z][a-z][a-z] [a-z]*.*; other days rest (a plan takes it when the profile gives no week)$" "$work/all.txt" &&
		[ -s "$work/all-since.txt" ] &&
		grep -q "^2026-W46 " "$work/since.txt" && ! grep -q "^2026-W45 " "$work/since.txt" &&
		python3 - "$work/since.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["activities"] and all(a["date"] >= "2026-11-09" for a in j["activities"]), j["activities"][0]
assert j["weeks"][0]["monday"] == "2026-11-09", j["weeks"][0]
PY
	then ok; else bad "history --since"; head -3 "$work/since.txt"; fi
	"$rd" history --since 2026-13-01 "$work/gh/export.zip" >/dev/null 2>"$work/err"
	if [ $? -eq 2 ] && grep -q "since" "$work/err"; then ok; else bad "history --since bad date"; cat "$work/err"; fi
	# -v shows the recorded activities of the 4 weeks before the plan, with
	# their kinds: the export's last runs are 2026-10-26..2026-11-22.
	"$rd" plan -v --profile "$work/kim.yaml" --history "$work/gh/export.zip" --from 2026-11-23 \
		>/dev/null 2>"$work/verbose-history"
	if grep -q "^$work/gh/export.zip!activities/[0-9]*\.[a-z.]*: 2026-11-2[0-2] [a-z]*, [a-z]*: " "$work/verbose-history" &&
		! grep -q ": 2026-10-2[0-5] " "$work/verbose-history" &&
		grep -q "^usual week from the history: [a-z]* [a-z]* (usual on [A-Z][a-z]*days: [0-9] of the last 8 weeks, " "$work/verbose-history"
	then ok; else bad "plan -v --history"; head -3 "$work/verbose-history"; fi
fi

# GPX times are UTC: with a time zone in the profile, a run's day is the
# runner's day there (22:30 in New York on 1 March, not 03:30 UTC on
# 2 March; daylight saving in July), without one the UTC day.
gpx_at() {
	printf '<?xml version="1.0"?>\n<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
	printf '<trk><type>running</type><trkseg>'
	printf '<trkpt lat="40.78" lon="-73.97"><time>%s</time></trkpt>' "$1" "$2"
	printf '</trkseg></trk></gpx>\n'
}
mkdir -p "$work/tz"
gpx_at 2024-03-02T03:30:00Z 2024-03-02T04:10:00Z >"$work/tz/winter.gpx"
gpx_at 2024-07-02T03:30:00Z 2024-07-02T04:10:00Z >"$work/tz/summer.gpx"
printf 'timezone: America/New_York\n' >"$work/ny.yaml"
"$rd" history --format json --profile "$work/ny.yaml" "$work/tz" >"$work/tz.json" 2>"$work/err"
"$rd" history --format json "$work/tz" >"$work/utc.json" 2>>"$work/err"
if python3 - "$work/tz.json" "$work/utc.json" <<'PY'
import json, sys
ny = [(a["date"], a["start_local"], a["local_from"]) for a in json.load(open(sys.argv[1]))["activities"]]
utc = [(a["date"], a["start_local"], a["local_from"]) for a in json.load(open(sys.argv[2]))["activities"]]
assert ny == [("2024-03-01", "2024-03-01T22:30:00-05:00", "timezone"),
              ("2024-07-01", "2024-07-01T23:30:00-04:00", "timezone")], ny
assert utc == [("2024-03-02", None, None), ("2024-07-02", None, None)], utc
PY
then ok; else bad "GPX days in the profile's time zone"; cat "$work/err"; fi
# A GPX without <type> has no sport: it counts as cross-training, and both
# commands say so (plan: only for the 4 weeks its rules look back on).
mkdir -p "$work/nosport"
gpx_at 2024-03-05T07:00:00Z 2024-03-05T07:40:00Z | sed 's|<type>running</type>||' >"$work/nosport/a.gpx"
"$rd" history "$work/nosport" >"$work/nosport.txt" 2>"$work/err"
printf 'runner: {name: Lee}\n' >"$work/lee.yaml"
"$rd" plan --profile "$work/lee.yaml" --history "$work/nosport" --from 2024-03-10 >/dev/null 2>"$work/nosport-plan" ||
	true
"$rd" plan --profile "$work/lee.yaml" --history "$work/nosport" --from 2024-04-10 >/dev/null 2>"$work/nosport-later" ||
	true
if grep -q "^2024-03-05 07:00Z  unknown   other " "$work/nosport.txt" &&
	grep -q "^1 activity has no sport in the file (a GPX without <type>?): counted as cross-training" "$work/nosport.txt" &&
	grep -q "^1 activity; files: 1 ok, 0 partial, 0 rejected; 0 duplicates dropped" "$work/nosport.txt" &&
	grep -q "^$work/nosport/a.gpx: warning: 1 activity of the 4 weeks before the plan has no sport" "$work/nosport-plan" &&
	! grep -q "no sport" "$work/nosport-later" &&
	grep -q "^rubdown: warning: the history ends on 2024-03-05, 36 days before the plan: it says nothing of your training now" "$work/nosport-later" &&
	! grep -q "history ends" "$work/nosport-plan"
then ok; else bad "activities without a sport"; cat "$work/nosport.txt" "$work/nosport-plan"; fi
# The JSON streams out one activity at a time: a full disk is an error.
if [ -w /dev/full ]; then
	"$rd" history --format json "$work/nosport/a.gpx" >/dev/full 2>"$work/err"
	if [ $? -eq 1 ] && grep -q "cannot write the output" "$work/err"; then ok; else
		bad "history --format json to a full disk"; cat "$work/err"; fi
fi
# A history with no activity: exit 1, but a whole JSON document ("form": null).
mkdir -p "$work/empty"
"$rd" history --format json "$work/empty" >"$work/empty.json" 2>"$work/err"
if [ $? -eq 1 ] && grep -q "no activity could be read" "$work/err" && ! grep -q "memory" "$work/err" &&
	python3 -c 'import json,sys; j = json.load(open(sys.argv[1])); assert j["form"] is None and j["activities"] == []' "$work/empty.json"
then ok; else bad "history of an empty folder"; cat "$work/err"; fi
# In a folder, a link to nothing and a FIFO named like activities are
# reported and skipped (a FIFO would block the reading); the rest is read.
mkdir -p "$work/odd"
gpx_at 2024-03-05T07:00:00Z 2024-03-05T07:40:00Z >"$work/odd/good.gpx"
ln -s "$work/odd/nowhere.fit" "$work/odd/gone.fit"
mkfifo "$work/odd/pipe.gpx"
timeout 10 "$rd" history "$work/odd" >"$work/odd.txt" 2>"$work/err"
if grep -q "^$work/odd/gone.fit: warning: a link to nothing; skipped" "$work/err" &&
	grep -q "^$work/odd/pipe.gpx: warning: not a regular file; skipped" "$work/err" &&
	grep -q "^1 activity; files: 1 ok" "$work/odd.txt"
then ok; else bad "odd folder entries"; cat "$work/err"; fi
# Without a profile time zone, the zone a plan calendar declares
# (X-WR-TIMEZONE) dates them for the plan: the run of 03:30 UTC on 2 March
# is New York's 1 March, outside the 4 weeks before 30 March, so one run
# (20 March) is left in them, not two.
mkdir -p "$work/tz2"
gpx_at 2024-03-02T03:30:00Z 2024-03-02T04:10:00Z >"$work/tz2/a.gpx"
gpx_at 2024-03-20T12:00:00Z 2024-03-20T12:40:00Z >"$work/tz2/b.gpx"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rubdown test//EN\r\nX-WR-TIMEZONE:%s\r\nEND:VCALENDAR\r\n' \
	America/New_York >"$work/ny.ics"
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rubdown test//EN\r\nEND:VCALENDAR\r\n' >"$work/nozone.ics"
for cal in ny nozone; do
	"$rd" plan --plan "$work/$cal.ics" --history "$work/tz2" --from 2024-03-30 \
		--format json >"$work/plan-$cal.json" 2>>"$work/err"
done
if python3 - "$work/plan-ny.json" "$work/plan-nozone.json" <<'PY'
import json, sys
ny, utc = (json.load(open(f))["frequency"]["sessions_per_week"] for f in sys.argv[1:3])
assert ny == 0.3 and utc == 0.5, (ny, utc)  # 1 and 2 runs in 4 weeks (one decimal)
PY
then ok; else bad "GPX days in the calendar's time zone"; cat "$work/err"; fi
# No heart rate anywhere: the summary says so instead of printing -1.
"$rd" history "$work/tz" >"$work/tz.txt" 2>"$work/err"
if grep -q "^heart rate: max unknown (no heart-rate data" "$work/tz.txt" && ! grep -q -- "max -1" "$work/tz.txt"
then ok; else bad "history without heart rate"; tail -2 "$work/tz.txt"; fi
# Weeks: the two runs' weeks, and the 17 empty weeks between them in one line.
if grep -q "^2024-W09 *1 *1 " "$work/tz.txt" && grep -q "^2024-W27 *1 *1 " "$work/tz.txt" &&
	grep -q "^2024-W10 \.\. 2024-W26  no activities (17 weeks)$" "$work/tz.txt" &&
	[ "$(grep -c "^2024-W" "$work/tz.txt")" = 3 ]
then ok; else bad "history weeks: empty weeks in one line"; grep "^2024-W" "$work/tz.txt"; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
