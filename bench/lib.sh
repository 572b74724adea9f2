# Shared by the bench scripts; sourced, not run.

# The network's size from the arguments: STATIONS PARTNERS DAYS VOLUME (default a year
# of 100 stations and 500 partners), and BIN, built unless given.
network_args() {
  STATIONS="${1:-100}"; PARTNERS="${2:-500}"; DAYS="${3:-364}"; VOLUME="${4:-150}"
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dspdesk-target}"
  if [ -z "${BIN:-}" ]; then
    cargo build --release -p dspdesk
    BIN="$CARGO_TARGET_DIR/release/dspdesk"
  fi
}

# Simulates the network into $1/sim unless the same size is already there; returns 1
# when it was (nothing new).
simulate_once() {
  local key="$STATIONS-$PARTNERS-$DAYS-$VOLUME"
  [ "$(cat "$1/.key" 2>/dev/null)" = "$key" ] && return 1
  rm -rf "$1/sim"
  "$BIN" simulate --stations "$STATIONS" --partners "$PARTNERS" --days "$DAYS" \
    --volume "$VOLUME" --out "$1/sim" >/dev/null
  echo "$key" > "$1/.key"
}

# The resident memory of `serve` (binary $1) on data folder $2, once every page below
# has been asked for as an admin.
rss() {
  local bin="$1" data="$2"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  DSPDESK_PASSWORD=bench-password "$bin" --quiet --data-dir "$data" users add bench --role admin >/dev/null 2>&1 || true
  "$bin" --quiet --data-dir "$data" serve --addr "127.0.0.1:$port" --jobs-every 0 >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  python3 - "http://127.0.0.1:$port" <<'PY'
import http.cookiejar, re, sys, urllib.parse, urllib.request
base = sys.argv[1]
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = op.open(base + "/login").read().decode()
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
op.open(base + "/login", urllib.parse.urlencode({"username": "bench", "password": "bench-password", "csrf": csrf}).encode())
for p in ["/", "/partners", "/scores", "/profit", "/ev", "/vas", "/supervisors", "/cod", "/overview", "/stations", "/invoices", "/reports/daily", "/reports/weekly", "/followups"]:
    try:
        op.open(base + p).read()
    except Exception as e:  # a page that fails still counts as asked
        print(f"  {p}: {e}", file=sys.stderr)
PY
  awk '/VmRSS/ {r=$2} /VmHWM/ {h=$2} END {printf "%.0f MiB (peak %.0f MiB)", r/1024, h/1024}' "/proc/$pid/status"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
