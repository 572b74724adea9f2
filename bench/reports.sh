#!/usr/bin/env bash
# Reports at scale, release build: simulates a network (STATIONS x PARTNERS x DAYS),
# loads its deliveries, routes and remittances, then times the daily report and the
# weekly review pack for the whole network (JSON and the workbook) and for one
# partner, RUNS each, and prints the median. Each run is a fresh process (it reads the
# daily facts and builds the model first, as a cron job would).
# Usage: bench/reports.sh   (STATIONS=100 PARTNERS=500 DAYS=35 VOLUME=1000 RUNS=5
#        WORK=/tmp/dspdesk-reports BIN=)
set -euo pipefail
cd "$(dirname "$0")/.."
STATIONS="${STATIONS:-100}"; PARTNERS="${PARTNERS:-500}"; DAYS="${DAYS:-35}"
VOLUME="${VOLUME:-1000}"; RUNS="${RUNS:-5}"; WORK="${WORK:-/tmp/dspdesk-reports}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
# BIN=path/to/dspdesk runs another build (a check of this script with a debug build).
if [ -z "${BIN:-}" ]; then
  cargo build --release -p dspdesk
  BIN="$CARGO_TARGET_DIR/release/dspdesk"
fi
rm -rf "$WORK"; mkdir -p "$WORK"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "== $STATIONS stations, $PARTNERS partners, $DAYS days, volume $VOLUME"
"$BIN" simulate --stations "$STATIONS" --partners "$PARTNERS" --days "$DAYS" --volume "$VOLUME" \
  --out "$WORK/sim" >/dev/null
D=(--data-dir "$WORK/data" --quiet)
for k in routes deliveries remittances; do
  f=$k.csv; [ "$k" = remittances ] && f=cod_remittances.csv
  "$BIN" "${D[@]}" ingest "$k" "$WORK/sim/$f" >/dev/null
done
echo "deliveries rows: $(($(wc -l < "$WORK/sim/deliveries.csv") - 1))"
partner=$(awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="partner") c=i} NR==2 {print $c}' "$WORK/sim/deliveries.csv")
time_it() {
  local label="$1"; shift
  local t=()
  for _ in $(seq 1 "$RUNS"); do
    s=$(date +%s.%N); "$BIN" "${D[@]}" "$@" >/dev/null; e=$(date +%s.%N)
    t+=("$(echo "$e - $s" | bc)")
  done
  printf '%-40s median %6.2f s  (runs: %s)\n' "$label" "$(printf '%s\n' "${t[@]}" | median)" "${t[*]}"
}
time_it "daily report, network, json" report daily --format json
time_it "daily report, one partner, json" report daily --partner "$partner" --format json
time_it "weekly pack, network, json" report weekly --format json
time_it "weekly pack, network, workbook" report weekly --format xlsx --out "$WORK/pack.xlsx"
time_it "weekly pack, one partner, json" report weekly --partner "$partner" --format json
ls -l "$WORK/pack.xlsx" | awk '{print "workbook bytes: " $5}'

# Scheduled sends: SUBS partner users subscribed to their own weekly pack, and one
# `report send` on the Monday morning after the last week, to an SMTP server on loopback
# (aiosmtpd; skipped where it is not installed). One run: each pack goes out once.
SUBS="${SUBS:-50}"
PY="${DSPDESK_SMTP_PYTHON:-$HOME/.cache/dspdesk-smtp/bin/python}"
if "$PY" -c "import aiosmtpd" 2>/dev/null; then
  port=$((20000 + RANDOM % 20000))
  "$PY" -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$WORK/maildir" &
  smtp=$!
  trap 'kill $smtp 2>/dev/null || true' EXIT
  last=$(awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="date") c=i} NR>1 && $c>m {m=$c} END {print m}' "$WORK/sim/deliveries.csv")
  monday=$(date -u -d "$last + 1 day" +%F)
  awk -F, 'NR==1 {for (i=1;i<=NF;i++) if ($i=="partner") c=i} NR>1 {print $c}' "$WORK/sim/deliveries.csv" \
    | sort -u | head -n "$SUBS" > "$WORK/subs.txt"
  while read -r p; do
    DSPDESK_PASSWORD=bench-password-1 "$BIN" "${D[@]}" users add "u-$p" --role partner --partner "$p" >/dev/null
    "$BIN" "${D[@]}" users email "u-$p" --email "u-$p@example.com" >/dev/null
    "$BIN" "${D[@]}" report subscribe --user "u-$p" --kind weekly --weekday monday --at 08:00 \
      --now "${last}T00:00:00Z" >/dev/null
  done < "$WORK/subs.txt"
  s=$(date +%s.%N)
  "$BIN" "${D[@]}" report send --smtp-url "smtp://127.0.0.1:$port" --now "${monday}T02:35:00Z"
  e=$(date +%s.%N)
  printf 'scheduled send, %s partner packs          %6.2f s  (%s messages)\n' \
    "$(wc -l < "$WORK/subs.txt")" "$(echo "$e - $s" | bc)" "$(ls "$WORK/maildir/new" | wc -l)"
else
  echo "scheduled send: skipped (no aiosmtpd for $PY)"
fi
