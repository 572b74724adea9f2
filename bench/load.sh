#!/usr/bin/env bash
# Holds 200 connections of normal page requests plus 300 slow clients (headers sent a
# byte at a time) against the demo for 30 s, and prints errors and latency.
# Usage: bench/load.sh [CONNS] [SLOW] [SECONDS]   (WORK=/tmp/dspdesk-load)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNS="${1:-200}"; SLOW="${2:-300}"; SECONDS_="${3:-30}"
WORK="${WORK:-/tmp/dspdesk-load}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
cargo build --release -p dspdesk
BIN="$CARGO_TARGET_DIR/release/dspdesk"
# 600 open sockets on each side, and the server's.
ulimit -n 65536 2>/dev/null || ulimit -n 4096
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rm -rf "$WORK"; mkdir -p "$WORK"
"$BIN" demo --dir "$WORK/demo" --stations 8 --partners 30 --days 70 --addr "127.0.0.1:$PORT" >"$WORK/demo.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
python3 bench/load.py "http://127.0.0.1:$PORT" --conns "$CONNS" --slow "$SLOW" --seconds "$SECONDS_"
