#!/usr/bin/env bash
# Every page and API route that takes no parameter (and a partner's scorecard), under
# CONNS connections for SECONDS each (wrk, loopback), against the demo, as the program
# team and as a partner user: p50, p99 and requests per second per route, then the
# slowest five by p99. Release build.
# DATA=path/to/a/data/folder serves that folder instead of the demo (a year loaded by
# bench/serve-memory.sh, say), with a program user and a partner user added to it.
# Usage: bench/pages.sh [CONNS] [SECONDS]
#   (STATIONS=8 PARTNERS=30 DAYS=120 WORK=/tmp/dspdesk-pages BIN=path/to/dspdesk ONLY="/vas /ev"
#    DATA=…)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS="${1:-200}"; SECS="${2:-3}"
STATIONS="${STATIONS:-8}"; PARTNERS="${PARTNERS:-30}"; DAYS="${DAYS:-120}"
WORK="${WORK:-/tmp/dspdesk-pages}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build --release -p dspdesk
  BIN="$CARGO_TARGET_DIR/release/dspdesk"
fi
ulimit -n 65536 2>/dev/null || ulimit -n 4096
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
rm -rf "$WORK"; mkdir -p "$WORK"
if [ -n "${DATA:-}" ]; then
  # The first partner by code, and a user of each role the routes are asked as.
  partner=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT code FROM partners ORDER BY code LIMIT 1").fetchone()[0])' "$DATA/dspdesk.db")
  DSPDESK_PASSWORD=program-demo-password "$BIN" --quiet --data-dir "$DATA" users add program --role program >/dev/null 2>&1 || true
  DSPDESK_PASSWORD=partner-demo-password "$BIN" --quiet --data-dir "$DATA" users add partner --role partner --partner "$partner" >/dev/null 2>&1 || true
  echo "serving $DATA; the partner user is $partner's" > "$WORK/demo.log"
  "$BIN" --quiet --data-dir "$DATA" serve --addr "127.0.0.1:$PORT" --jobs-every 0 >>"$WORK/demo.log" 2>&1 &
else
  "$BIN" demo --dir "$WORK/demo" --stations "$STATIONS" --partners "$PARTNERS" --days "$DAYS" \
    --addr "127.0.0.1:$PORT" --jobs-every 0 >"$WORK/demo.log" 2>&1 &
fi
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 1
done
# A session cookie for ROLE (the demo's users and passwords).
cookie() {
  local jar="$WORK/$1.jar"
  local csrf
  csrf=$(curl -s -c "$jar" "$BASE/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "username=$1" \
    --data-urlencode "password=$1-demo-password" --data-urlencode "csrf=$csrf" "$BASE/login"
  awk '!/^#/ && NF >= 7 {printf "%s=%s; ", $6, $7} /^#HttpOnly_/ {printf "%s=%s; ", $6, $7}' "$jar"
}
PAGES="/ /overview /partners /stations /scores /flags /followups /followups/sla /goals /profit /cod
  /reviews /plans /documents /onboarding /launches /ev /vas /supervisors /invoices
  /reports/daily /reports/weekly /notifications"
APIS=$(curl -s "$BASE/api/v1/openapi.json" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["paths"]:
    if "{" not in p and "openapi" not in p:
        print(p)')
# ONLY="/vas /ev" measures just those routes.
if [ -n "${ONLY:-}" ]; then PAGES="$ONLY"; APIS=""; fi
[ -n "${DATA:-}" ] || partner=$(grep -oE 'partner \(([A-Z0-9]+)\)' "$WORK/demo.log" | head -n1 | sed -E 's/.*\((.*)\)/\1/')
run() {
  local role="$1" path="$2" c="$3"
  local out
  out=$(wrk -t2 -c "$CONNS" -d "${SECS}s" --latency -H "Cookie: $c" "$BASE$path" 2>&1)
  local p50 p99 rps non2xx
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '%-8s %-45s p50 %9s  p99 %9s  %9s req/s %s\n' "$role" "$path" "$p50" "$p99" "$rps" \
    "${non2xx:+ non-2xx $non2xx}" | tee -a "$WORK/results.txt"
}
if [ -n "${DATA:-}" ]; then
  echo "== $CONNS connections, ${SECS} s a route; $DATA"
else
  echo "== $CONNS connections, ${SECS} s a route; demo: $STATIONS stations, $PARTNERS partners, $DAYS days"
fi
P=$(cookie program); Q=$(cookie partner)
# Each route asked for once first, so that the first one measured does not carry the
# process's first read of the data (measured on its own: the first request's time).
for path in $PAGES $APIS; do
  curl -s -o /dev/null -w "first request %{time_total} s $path\n" -H "Cookie: $P" "$BASE$path" >> "$WORK/first.txt"
done
for path in $PAGES $APIS; do run program "$path" "$P"; done
EXTRA="/partners/$partner/scorecard"; [ -n "${ONLY:-}" ] && EXTRA=""
for path in $PAGES $EXTRA; do run partner "$path" "$Q"; done
echo "== the slowest five by p99"
python3 - "$WORK/results.txt" <<'PY'
import re, sys
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    if not m: return float("inf")
    x, u = float(m[1]), m[2]
    return x / 1000 if u == "us" else x if u == "ms" else x * 1000
rows = []
for line in open(sys.argv[1]):
    f = line.split()
    rows.append((ms(f[5]), line.rstrip()))
for _, line in sorted(rows, reverse=True)[:5]:
    print(line)
PY
