#!/usr/bin/env bash
# Runs the README's test command on a fresh clone of this repository, RUNS times while busy loops hold
# every core, then once with no load, and prints one line per run (wall time, pass or fail).
# Usage: etc/suite-under-load.sh [RUNS]   (default 5). Logs go to work/suite-under-load/.
set -uo pipefail
runs="${1:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="$here/work/suite-under-load"
# Beside this checkout, so the tests find ../shared/data as they do in CI.
clone="$(mktemp -d "$(dirname "$here")/suite-clone.XXXX")/arbor"
mkdir -p "$logs"
git clone -q "$here" "$clone"
echo "fresh clone of $(git -C "$clone" rev-parse --short HEAD) in $clone; $(nproc) cores"

busy=()
stop_busy() { for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null; done; busy=(); }
trap stop_busy EXIT

run_suite() { # $1: label
  local start end code
  start=$(date +%s)
  (cd "$clone" && CI=true mvn -B test) > "$logs/$1.log" 2>&1
  code=$?
  end=$(date +%s)
  local tests
  tests=$(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures' "$logs/$1.log" | grep -v ' -- in ' \
    | awk -F'[ ,]+' '{n+=$4} END {print n+0}')
  printf '%s: %s in %d s (%s tests), load average %s\n' "$1" "$([ $code -eq 0 ] && echo pass || echo FAIL)" \
    $((end - start)) "$tests" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

for i in $(seq 1 "$(nproc)"); do (while :; do :; done) & busy+=($!); done
for r in $(seq 1 "$runs"); do run_suite "loaded-$r"; done
stop_busy
run_suite "idle"
