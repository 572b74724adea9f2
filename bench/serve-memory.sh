#!/usr/bin/env bash
# The resident memory of `dspdesk serve` with a year of a network loaded, once every
# main page has been asked for: a year of STATIONS stations and PARTNERS partners
# (routes, deliveries and COD deposits) loaded as whole files, then `serve` started on
# it and its VmRSS and peak (VmHWM) read from /proc. BEFORE=/path/to/an/older/dspdesk
# measures that binary on the same folder in the same run.
# Usage: bench/serve-memory.sh [STATIONS] [PARTNERS] [DAYS] [VOLUME]
#        (default 100 500 364 150; WORK=/tmp/dspdesk-memory, BIN=…, RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${WORK:-/tmp/dspdesk-memory}"
. bench/lib.sh
network_args "$@"
mkdir -p "$WORK"
if simulate_once "$WORK" || [ ! -d "$WORK/data" ]; then
  rm -rf "$WORK/data"
  "$BIN" --quiet --data-dir "$WORK/data" ingest routes "$WORK/sim/routes.csv" >/dev/null
  "$BIN" --quiet --data-dir "$WORK/data" ingest deliveries "$WORK/sim/deliveries.csv" >/dev/null
  "$BIN" --quiet --data-dir "$WORK/data" ingest remittances "$WORK/sim/cod_remittances.csv" >/dev/null
fi
for i in $(seq 1 "${RUNS:-3}"); do
  [ -n "${BEFORE:-}" ] && echo "run $i before: serve RSS $(rss "$BEFORE" "$WORK/data")"
  echo "run $i now:    serve RSS $(rss "$BIN" "$WORK/data")"
done
