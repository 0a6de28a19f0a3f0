#!/usr/bin/env bash
# Requests/s of the filtered controls endpoint against a minimal route of the same HTTP server, same run.
#
#   bench/controls_http.sh [BUILD_DIR]        (default: build; needs build/isms and build/bench/isms_bench_http_server)
#
# A demo store is created in a temporary folder; isms_bench_http_server (the `isms serve` server plus
# GET /api/v1/bench/minimal, see http_bench_server.cpp) serves it on a free loopback port; wrk (Debian's)
# loads each URL with $CONNECTIONS connections for $DURATION seconds, alternating endpoint and minimal route
# for $ROUNDS rounds after a short warm-up. Any non-2xx answer or socket error fails the run. The last line
# printed is one JSON object: {"endpoint_rps", "minimal_rps", "ratio", …} (rates are means over the rounds).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-2}
ROUNDS=${ROUNDS:-3}
ENDPOINT=${ENDPOINT:-/api/v1/frameworks/iso27001-2022/controls?where=control_type%3DDetective%20and%20security_properties%3DIntegrity}
MINIMAL=/api/v1/bench/minimal
MINIMAL_AUTH=/api/v1/bench/minimal-authenticated

for f in "$build/isms" "$build/bench/isms_bench_http_server"; do
  [ -x "$f" ] || { echo "controls_http.sh: $f not built (make build)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "controls_http.sh: wrk is not installed (scripts/deps.sh)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/isms-bench-XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$build/isms" --db "$tmp/bench.db" --quiet demo
token=$("$build/isms" --db "$tmp/bench.db" --org kvarnberg --quiet token create --name bench --role viewer)
"$build/bench/isms_bench_http_server" --db "$tmp/bench.db" >"$tmp/server.out" 2>"$tmp/server.err" &
server=$!
port=""
for _ in $(seq 300); do
  port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$tmp/server.out")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/server.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "controls_http.sh: the server did not start" >&2; exit 1; }
base="http://127.0.0.1:$port"
org=(-H "X-Isms-Org: kvarnberg" -H "Authorization: Bearer $token")

# The endpoint must answer 200 with a non-empty selection, or the numbers mean nothing.
check=$(curl -sS -o "$tmp/check.json" -w '%{http_code}' "${org[@]}" "$base$ENDPOINT")
if [ "$check" != 200 ]; then
  echo "controls_http.sh: $ENDPOINT answered $check:" >&2; cat "$tmp/check.json" >&2; echo >&2; exit 1
fi
echo "endpoint: $ENDPOINT ($(wc -c <"$tmp/check.json") bytes)"

# rate URL SECONDS → requests/s; fails on non-2xx answers or socket errors.
rate() {
  local out
  out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$2"s --timeout 10s "${org[@]}" "$base$1")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "controls_http.sh: errors while loading $1:" >&2; echo "$out" >&2; exit 1
  fi
  awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

rate "$ENDPOINT" 1 >/dev/null
rate "$MINIMAL" 1 >/dev/null
rate "$MINIMAL_AUTH" 1 >/dev/null
e_sum=0; m_sum=0; a_sum=0
for r in $(seq "$ROUNDS"); do
  # Rotate which goes first so that drift (thermal, neighbours) does not favour one side.
  case $(( r % 3 )) in
    1) e=$(rate "$ENDPOINT" "$DURATION"); m=$(rate "$MINIMAL" "$DURATION"); a=$(rate "$MINIMAL_AUTH" "$DURATION") ;;
    2) m=$(rate "$MINIMAL" "$DURATION"); a=$(rate "$MINIMAL_AUTH" "$DURATION"); e=$(rate "$ENDPOINT" "$DURATION") ;;
    0) a=$(rate "$MINIMAL_AUTH" "$DURATION"); e=$(rate "$ENDPOINT" "$DURATION"); m=$(rate "$MINIMAL" "$DURATION") ;;
  esac
  echo "round $r: endpoint $e req/s, minimal $m req/s, minimal behind authentication $a req/s"
  e_sum=$(awk -v a="$e_sum" -v b="$e" 'BEGIN {print a + b}')
  m_sum=$(awk -v a="$m_sum" -v b="$m" 'BEGIN {print a + b}')
  a_sum=$(awk -v x="$a_sum" -v b="$a" 'BEGIN {print x + b}')
done
# ratio: against the bare minimal route; ratio_authenticated: against the minimal route behind the same
# authentication (the endpoint's own work alone).
awk -v e="$e_sum" -v m="$m_sum" -v a="$a_sum" -v n="$ROUNDS" -v c="$CONNECTIONS" -v d="$DURATION" -v url="$ENDPOINT" 'BEGIN {
  printf "{\"benchmark\":\"controls_http\",\"endpoint\":\"%s\",\"endpoint_rps\":%.1f,\"minimal_rps\":%.1f,\"minimal_authenticated_rps\":%.1f,\"ratio\":%.3f,\"ratio_authenticated\":%.3f,\"connections\":%d,\"duration_s\":%d,\"rounds\":%d}\n",
         url, e / n, m / n, a / n, (m > 0 ? e / m : 0), (a > 0 ? e / a : 0), c, d, n }'
