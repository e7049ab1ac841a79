#!/bin/sh
# deps.sh [build|test|asan|bench|fuzz]: installs the Debian 12 packages rubdown needs
# when they are missing.  Installing needs root (apt-get); as another user it
# prints the apt-get command to run and fails.
set -eu
build="cmake make gcc pkg-config libyaml-dev libjansson-dev libcmocka-dev libical-dev libexpat1-dev zlib1g-dev libarchive-dev libsqlite3-dev"
test="python3 python3-icalendar chromium valgrind"
case "${1:-build}" in
build) want="$build" ;;
test) want="$build $test" ;;
asan) want="$build $test" ;;
bench) want="$build time gpsbabel python3-gpxpy heaptrack" ;;
fuzz) want="$build clang-14 libclang-rt-14-dev" ;;
*) echo "usage: deps.sh [build|test|asan|bench|fuzz]" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *"ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "rubdown needs these Debian packages:$missing" >&2
	echo "run as root: apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends $missing >&2
