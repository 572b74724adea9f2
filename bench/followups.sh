#!/usr/bin/env bash
# Follow-ups at scale, release build:
#  1. case detection on a simulated network (STATIONS x PARTNERS x DAYS): the first
#     evaluation (opens every case) and re-evaluations (open nothing), RUNS each, median;
#  2. the queue with 10,000 open follow-ups: seeds points through the JSON API, then
#     holds CONNS connections on the queue page, its overdue filter and the API, and
#     prints each one's latency percentiles.
# Usage: bench/followups.sh   (STATIONS=50 PARTNERS=250 DAYS=60 RUNS=3 POINTS=10000 CONNS=50 DURATION=20
#        WORK=/tmp/dspdesk-followups; PART=detection or PART=queue runs one half)
set -euo pipefail
cd "$(dirname "$0")/.."
STATIONS="${STATIONS:-50}"; PARTNERS="${PARTNERS:-250}"; DAYS="${DAYS:-60}"; RUNS="${RUNS:-3}"
POINTS="${POINTS:-10000}"; CONNS="${CONNS:-50}"; DURATION="${DURATION:-20}"; PART="${PART:-all}"
WORK="${WORK:-/tmp/dspdesk-followups}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
cargo build --release -p dspdesk
BIN="$CARGO_TARGET_DIR/release/dspdesk"
rm -rf "$WORK"; mkdir -p "$WORK"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if [ "$PART" != queue ]; then
echo "== detection: $STATIONS stations, $PARTNERS partners, $DAYS days"
"$BIN" simulate --stations "$STATIONS" --partners "$PARTNERS" --days "$DAYS" --out "$WORK/sim" >/dev/null
D=(--data-dir "$WORK/data" --quiet)
for k in routes deliveries remittances; do
  f=$k.csv; [ "$k" = remittances ] && f=cod_remittances.csv
  "$BIN" "${D[@]}" ingest "$k" "$WORK/sim/$f" >/dev/null
done
rows=$(($(wc -l < "$WORK/sim/deliveries.csv") - 1))
echo "deliveries rows: $rows"
first=(); again=()
for i in $(seq 1 "$RUNS"); do
  # A fresh copy of the loaded data without its cases, so each first run opens them all.
  rm -rf "$WORK/run"; cp -r "$WORK/data" "$WORK/run"
  sqlite3_cmd="DELETE FROM followup_lines; DELETE FROM followup_comments; DELETE FROM notifications; DELETE FROM followups; DELETE FROM audit_log WHERE entity = 'followup';"
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()" "$WORK/run/dspdesk.db" "$sqlite3_cmd"
  s=$(date +%s.%N); out=$("$BIN" --data-dir "$WORK/run" --quiet cases detect); e=$(date +%s.%N)
  first+=("$(echo "$e - $s" | bc)"); echo "  run $i first:  $(echo "$e - $s" | bc) s  $out"
  s=$(date +%s.%N); out=$("$BIN" --data-dir "$WORK/run" --quiet cases detect); e=$(date +%s.%N)
  again+=("$(echo "$e - $s" | bc)"); echo "  run $i again:  $(echo "$e - $s" | bc) s  $out"
done
echo "detection, first evaluation, median of $RUNS: $(printf '%s\n' "${first[@]}" | median) s"
echo "detection, re-evaluation,   median of $RUNS: $(printf '%s\n' "${again[@]}" | median) s"
fi
[ "$PART" = detection ] && exit 0

echo "== the queue with $POINTS open follow-ups"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" demo --dir "$WORK/demo" --stations 8 --partners 30 --days 70 --addr "127.0.0.1:$PORT" --jobs-every 0 >"$WORK/demo.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
TOKEN=$("$BIN" --data-dir "$WORK/demo/data" --quiet tokens create program --name bench | grep -oE '[A-Za-z0-9_-]{30,}' | head -1)
python3 - "$PORT" "$TOKEN" "$POINTS" <<'PY'
import http.client, json, sys, time
port, token, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
h = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
partners = [p["partner"] for p in json.loads((c.request("GET", "/api/v1/partners", headers=h), c.getresponse().read())[1])["partners"]]
t = time.time()
for i in range(n):
    body = json.dumps({"partner": partners[i % len(partners)], "title": f"Bench point {i}", "text": "seeded by bench/followups.sh"})
    c.request("POST", "/api/v1/followups", body, h)
    r = c.getresponse(); r.read()
    assert r.status == 201, r.status
print(f"seeded {n} points through the API in {time.time() - t:.1f} s")
PY
for path in "/followups" "/followups?overdue=1&kind=point" "/api/v1/followups?per_page=50"; do
  echo "-- $path, $CONNS connections, ${DURATION} s, as program"
  python3 bench/load.py "http://127.0.0.1:$PORT" --conns "$CONNS" --slow 0 --seconds "$DURATION" --user program --password program-demo-password --path "$path"
done
