#!/usr/bin/env bash
# Measures dspdesk against DuckDB doing the same work on the same files, paired in one
# run, RUNS times, and prints each run and the medians:
#   1. ingest: a CSV of about ROWS delivery rows into a lake of one Parquet file per
#      station-day, then the daily facts.
#      dspdesk: `ingest deliveries` (validates every row, writes the lake, computes and
#      stores the facts; then refreshes flags and cases, timed apart as "follow-ups").
#      DuckDB: COPY (SELECT * FROM read_csv(…)) TO … (FORMAT parquet,
#      PARTITION_BY (station, date)), then the facts' GROUP BY over that lake.
#   2. recompute: every daily fact from the lake's Parquet files (dspdesk also computes
#      route blocks, VAS and supervisors and stores them all; DuckDB: the facts' GROUP
#      BY over dspdesk's lake).
# Peak memory from /usr/bin/time -v. DuckDB comes from PyPI in a throwaway venv.
# Usage: bench/duckdb-compare.sh [ROWS]   (default 10000000; RUNS=3, WORK=/tmp/dspdesk-bench,
#        BIN=path/to/dspdesk to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-10000000}"
RUNS="${RUNS:-3}"
WORK="${WORK:-/tmp/dspdesk-bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }
. bench/lib.sh

if [ -z "${BIN:-}" ]; then
  cargo build --release -p dspdesk
  BIN="$CARGO_TARGET_DIR/release/dspdesk"
fi
mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q duckdb
fi
DAYS=$(( (ROWS + 99999) / 100000 ))
if [ ! -f "$WORK/sim/deliveries.csv" ] || [ "$(cat "$WORK/sim/.rows" 2>/dev/null)" != "$ROWS" ]; then
  "$BIN" simulate --stations 100 --partners 500 --days "$DAYS" --volume 1000 --out "$WORK/sim"
  echo "$ROWS" > "$WORK/sim/.rows"
fi
peak() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
secs() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; printf "%.2f", s}' "$1"; }

cat > "$WORK/duck.py" <<PY
import duckdb, shutil, sys, time
lake, out = sys.argv[1], sys.argv[2]
facts = """
  SELECT count(*) FROM (
    SELECT partner, station, date,
      count(*) AS dispatched,
      count(*) FILTER (status = 'delivered') AS delivered,
      count(*) FILTER (status = 'delivered' AND delivered_at <= promised_by) AS on_time,
      count(*) FILTER (status = 'attempted') AS attempted,
      count(*) FILTER (status = 'rejected') AS rejected,
      count(*) FILTER (status = 'rts') AS rts,
      count(*) FILTER (status IN ('lost', 'damaged')) AS lost,
      sum(declared_value) FILTER (status IN ('lost', 'damaged')) AS nl_value,
      sum(cod_amount) FILTER (status = 'delivered') AS cod_due,
      count(vas) FILTER (vas <> '') AS vas_dispatched,
      count(vas) FILTER (vas <> '' AND status = 'delivered') AS vas_delivered,
      count(DISTINCT route_id) AS routes,
      count(route_id) AS packages_routed
    FROM read_parquet('{}', hive_partitioning = {})
    GROUP BY ALL)"""
shutil.rmtree(out, ignore_errors=True)
con = duckdb.connect()
t = time.perf_counter()
con.execute(f"""COPY (SELECT * FROM read_csv('$WORK/sim/deliveries.csv', header = true))
  TO '{out}' (FORMAT parquet, PARTITION_BY (station, date))""")
copy = time.perf_counter() - t
t = time.perf_counter()
con.execute(facts.format(out + '/*/*/*.parquet', 'true')).fetchone()
own = time.perf_counter() - t
t = time.perf_counter()
n = con.execute(facts.format(lake + '/deliveries/*/*/*.parquet', 'false')).fetchone()[0]
ours = time.perf_counter() - t
print(f"{copy:.2f} {own:.2f} {ours:.2f} {n}")
PY

echo "DuckDB $("$WORK/venv/bin/python" -c 'import duckdb; print(duckdb.__version__)') (all cores), $RUNS paired runs"
: > "$WORK/runs.txt"
for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/data" "$WORK/duck"
  "$BIN" --quiet --data-dir "$WORK/data" ingest routes "$WORK/sim/routes.csv" >/dev/null 2>&1
  $TIME -v "$BIN" --quiet --data-dir "$WORK/data" ingest deliveries "$WORK/sim/deliveries.csv" \
    > "$WORK/ingest.out" 2> "$WORK/ingest.time"
  # The load's own seconds, as the command prints them ("…; 41.7s (297625 rows/s)").
  load=$(grep -o '[0-9.]*s ([0-9]* rows/s)' "$WORK/ingest.out" | head -1 | cut -d s -f1)
  ingest=$(secs "$WORK/ingest.time")
  $TIME -v "$BIN" --quiet --data-dir "$WORK/data" recompute > /dev/null 2> "$WORK/recompute.time"
  recompute=$(secs "$WORK/recompute.time")
  read -r copy own ours facts < <("$WORK/venv/bin/python" "$WORK/duck.py" "$WORK/data/lake" "$WORK/duck")
  duck_ingest=$(echo "$copy + $own" | bc -l)
  echo "$ingest $load $recompute $duck_ingest $ours $(peak "$WORK/ingest.time") $(peak "$WORK/recompute.time")" >> "$WORK/runs.txt"
  printf 'run %s: dspdesk ingest %ss (load %ss, peak %s MiB), recompute %ss | DuckDB partitioned copy %ss + facts %ss = %.2fs, facts from dspdesk lake %ss (%s facts)\n' \
    "$run" "$ingest" "$load" "$(peak "$WORK/ingest.time")" "$recompute" "$copy" "$own" "$duck_ingest" "$ours" "$facts"
done
col() { awk -v c="$1" '{print $c}' "$WORK/runs.txt" | median; }
ing=$(col 1); load=$(col 2); rec=$(col 3); dcopy=$(col 4); dfacts=$(col 5)
echo "medians of $RUNS:"
printf '  ingest   dspdesk %.2fs (load %.2fs; flags and cases %.2fs), DuckDB %.2fs: %.2fx (load alone %.2fx)\n' \
  "$ing" "$load" "$(echo "$ing - $load" | bc -l)" "$dcopy" "$(echo "$ing / $dcopy" | bc -l)" "$(echo "$load / $dcopy" | bc -l)"
printf '  recompute dspdesk %.2fs, DuckDB %.2fs: %.2fx\n' "$rec" "$dfacts" "$(echo "$rec / $dfacts" | bc -l)"
printf '  peak memory: ingest %s MiB, recompute %s MiB (medians)\n' "$(col 6)" "$(col 7)"
