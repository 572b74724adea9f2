#!/usr/bin/env bash
# Measures dspdesk against DuckDB doing the same work on the same files, in one run:
#   1. ingest: CSV of ROWS delivery rows → Parquet (DuckDB: COPY (SELECT … FROM read_csv) TO parquet;
#      dspdesk: `ingest deliveries`, which also validates every row, writes one file per
#      station-day and computes and stores the daily facts)
#   2. recompute: every daily fact from the lake's Parquet files (DuckDB: the same GROUP BY)
# Peak memory from /usr/bin/time -v. DuckDB comes from PyPI in a throwaway venv.
# Usage: bench/duckdb-compare.sh [ROWS]   (default 10000000; WORK=/tmp/dspdesk-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-10000000}"
WORK="${WORK:-/tmp/dspdesk-bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
BIN="$CARGO_TARGET_DIR/release/dspdesk"
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs /usr/bin/time (apt-get install time)"; exit 1; }

cargo build --release -p dspdesk
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
rm -rf "$WORK/data" "$WORK/duck.parquet"
peak() { awk -F': ' '/Maximum resident set size/ {printf "%.0f MiB", $2/1024}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }

echo "== dspdesk"
"$BIN" --quiet --data-dir "$WORK/data" ingest routes "$WORK/sim/routes.csv"
$TIME -v "$BIN" --quiet --data-dir "$WORK/data" ingest deliveries "$WORK/sim/deliveries.csv" 2> "$WORK/ingest.time"
echo "   ingest wall $(wall "$WORK/ingest.time"), peak $(peak "$WORK/ingest.time")"
$TIME -v "$BIN" --quiet --data-dir "$WORK/data" recompute 2> "$WORK/recompute.time"
echo "   recompute wall $(wall "$WORK/recompute.time"), peak $(peak "$WORK/recompute.time")"

echo "== DuckDB $("$WORK/venv/bin/python" -c 'import duckdb; print(duckdb.__version__)') (threads: all cores)"
cat > "$WORK/duck.py" <<PY
import duckdb, time, sys
con = duckdb.connect()
t = time.perf_counter()
con.execute("""COPY (SELECT * FROM read_csv('$WORK/sim/deliveries.csv', header = true)) TO '$WORK/duck.parquet' (FORMAT parquet)""")
print(f"   ingest (COPY csv → parquet) {time.perf_counter() - t:.2f}s")
t = time.perf_counter()
n = con.execute("""
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
    FROM read_parquet('$WORK/data/lake/deliveries/*/*/*.parquet')
    GROUP BY ALL)""").fetchone()[0]
print(f"   recompute (GROUP BY over the lake) {time.perf_counter() - t:.2f}s, {n} daily facts")
PY
$TIME -v "$WORK/venv/bin/python" "$WORK/duck.py" 2> "$WORK/duck.time"
echo "   whole DuckDB script peak $(peak "$WORK/duck.time")"
