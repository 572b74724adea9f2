#!/usr/bin/env bash
# Times loading the real Olist sample (7,165 rows over 2,745 station-days: a small file
# spread thin, one lake file per station-day) RUNS times into a fresh folder and prints
# each run and the median. BEFORE=/path/to/an/older/dspdesk pairs each run with that
# binary, side by side.
# Usage: bench/olist-load.sh [RUNS]   (default 5; WORK=/tmp/dspdesk-olist)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
WORK="${WORK:-/tmp/dspdesk-olist}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
cargo build --release -p dspdesk --example olist_prepare
BIN="$CARGO_TARGET_DIR/release/dspdesk"
mkdir -p "$WORK"
"$CARGO_TARGET_DIR/release/examples/olist_prepare" ../shared/data/olist "$WORK/olist.csv" >/dev/null
once() {
  rm -rf "$WORK/data"
  local t0 t1
  t0=$(date +%s.%N)
  "$1" --data-dir "$WORK/data" --quiet ingest deliveries "$WORK/olist.csv" \
    --profile examples/olist/olist.toml --skip-bad-rows >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
: > "$WORK/now"; : > "$WORK/before"
for i in $(seq 1 "$RUNS"); do
  if [ -n "${BEFORE:-}" ]; then b=$(once "$BEFORE"); echo "$b" >> "$WORK/before"; else b="-"; fi
  n=$(once "$BIN"); echo "$n" >> "$WORK/now"
  echo "run $i: before $b s, now $n s"
done
now=$(median < "$WORK/now")
echo "median now: $now s ($(echo "7165 / $now" | bc) rows/s)"
if [ -n "${BEFORE:-}" ]; then
  before=$(median < "$WORK/before")
  echo "median before: $before s ($(echo "7165 / $before" | bc) rows/s)"
fi
