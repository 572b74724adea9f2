#!/usr/bin/env bash
# Loads a network one station-day file at a time, as a network really sends it: the
# routes and deliveries of STATIONS stations × DAYS days split into one CSV per
# station-day, loaded by one `ingest` command each (every file its own transaction; the
# flags and cases are refreshed once per command). Prints files per second and the
# server's resident memory with everything loaded. BEFORE=/path/to/an/older/dspdesk
# loads the same files with that binary in the same run, side by side.
# KINDS="remittances" loads the COD deposits instead, a file per station-day (each
# file's references are checked against every stored deposit).
# Usage: bench/small-files.sh [STATIONS] [PARTNERS] [DAYS] [VOLUME]
#        (default 100 500 364 150; WORK=/tmp/dspdesk-small, BIN=…, KINDS="routes deliveries")
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${WORK:-/tmp/dspdesk-small}"
. bench/lib.sh
network_args "$@"
mkdir -p "$WORK"
KINDS="${KINDS:-routes deliveries}"
if simulate_once "$WORK" || [ ! -d "$WORK/split" ] || [ ! -d "$WORK/split/remittances" ]; then
  rm -rf "$WORK/split"
  # One file per station-day and kind, named so that a glob lists them by date.
  python3 - "$WORK/sim" "$WORK/split" <<'PY'
import csv, os, sys
sim, out = sys.argv[1], sys.argv[2]
for kind, name in (("routes", "routes"), ("deliveries", "deliveries"), ("remittances", "cod_remittances")):
    os.makedirs(f"{out}/{kind}", exist_ok=True)
    with open(f"{sim}/{name}.csv", newline="") as f:
        r = csv.reader(f)
        head = next(r)
        s, d = head.index("station"), head.index("date")
        # At most 512 files open at once: a year is tens of thousands of station-days.
        files, started = {}, set()
        for row in r:
            k = (row[d], row[s])
            w = files.get(k)
            if w is None:
                if len(files) >= 512:
                    for h, _ in files.values():
                        h.close()
                    files.clear()
                h = open(f"{out}/{kind}/{row[d]}_{row[s]}.csv", "a" if k in started else "w", newline="")
                w = files[k] = (h, csv.writer(h))
                if k not in started:
                    w[1].writerow(head)
                    started.add(k)
            w[1].writerow(row)
        for h, _ in files.values():
            h.close()
PY
fi
last=${KINDS##* }
files=$(ls "$WORK/split/$last" | wc -l)
rows=$(($(find "$WORK/split/$last" -name "*.csv" -exec cat {} + | wc -l) - files))
echo "$files station-days, $rows $last rows, one file each, of: $KINDS"
nkinds=$(echo $KINDS | wc -w)

# Loads every file with binary $1 into a fresh folder; prints seconds.
load() {
  local bin="$1" data="$WORK/data-$2"
  rm -rf "$data"
  local t0 t1
  t0=$(date +%s.%N)
  for kind in $KINDS; do
    (cd "$WORK/split/$kind" && ls | xargs "$bin" --quiet --data-dir "$data" ingest "$kind" >/dev/null)
  done
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

RUNS="${RUNS:-1}"
: > "$WORK/now"; : > "$WORK/before"
for i in $(seq 1 "$RUNS"); do
  if [ -n "${BEFORE:-}" ]; then
    b=$(load "$BEFORE" before); echo "$b" >> "$WORK/before"
    echo "run $i before: $b s ($(echo "$nkinds * $files / $b" | bc) files/s), serve RSS $(rss "$BEFORE" "$WORK/data-before")"
  fi
  n=$(load "$BIN" now); echo "$n" >> "$WORK/now"
  echo "run $i now:    $n s ($(echo "$nkinds * $files / $n" | bc) files/s), serve RSS $(rss "$BIN" "$WORK/data-now")"
done
echo "median now: $(median < "$WORK/now") s"
[ -n "${BEFORE:-}" ] && echo "median before: $(median < "$WORK/before") s"
exit 0
