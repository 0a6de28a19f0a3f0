#!/usr/bin/env bash
# Many organisations in one store: throughput and latency of the main list, filter and read endpoints of one
# organisation when the store holds ORGS organisations, against the same endpoints on a store that holds only
# that one organisation (the baseline), both served at the same time and loaded alternately in the same run.
# See docs/performance.md, "Many organisations in one store".
#
#   bench/consultancy_http.sh [BUILD_DIR]          (default: build; needs build/isms and
#                                                   build/bench/isms_bench_consultancy_data)
#
# Environment (the defaults are the full size: 100 organisations × 2,000 risks, 5,000 assets, 1,000 documents):
#   BACKENDS="sqlite postgresql"   PostgreSQL: PG_URL=postgresql://user@host/postgres names a server where the
#                                  user may create databases (one per store, dropped at the end); without it a
#                                  throw-away cluster is started with tests/pg/cluster.sh and stopped at the end
#   ORGS="10 100"                  store sizes compared with the one-organisation baseline
#   RISKS=2000 ASSETS=5000 DOCUMENTS=1000 PERSONS=100      per organisation (every organisation the same data)
#   CONNECTIONS="32 128" DURATION=10 ROUNDS=2 WRK_THREADS=2
#   DURATION_<endpoint>=S          another duration for one endpoint, e.g. DURATION_risks=30 (the whole register
#                                  of 2,000 risks takes seconds per answer under load)
#   SERVER_THREADS=160             isms serve --threads: a keep-alive connection holds a worker thread, so
#                                  there must be more threads than connections
#   ENDPOINTS="risks risks_filter assets assets_filter assets_search documents asset"   (see endpoint_path)
#
# wrk (Debian's) loads each endpoint of organisation org-1 with each connection count for DURATION seconds,
# ROUNDS times, alternating which store goes first; every endpoint is first checked to answer 200 with data on
# both stores. Non-2xx answers and socket errors (including wrk's timeouts, set to 30 s) are counted, not
# hidden. One JSON line per backend, store size, endpoint and connection count:
#   {"backend","orgs","endpoint","connections","rps","p50_ms","p99_ms","errors","requests",
#    "baseline_rps","baseline_p50_ms","baseline_p99_ms","baseline_errors","baseline_requests","ratio","p99_over_p50"}
# with ratio = rps / baseline_rps (goal ≥ 0.5) and p99_over_p50 of the large store (goal ≤ 5); rates and
# latencies are means over the rounds, requests are the answers counted over all rounds. A result with fewer
# answers than twice the connections on either side (an endpoint slower than DURATION allows) is listed under
# "too_few_requests" in the last line and left out of its worst figures: raise DURATION for it. The last line is
# one JSON object with every result and the worst figures.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
BACKENDS=${BACKENDS:-sqlite postgresql}
ORGS=${ORGS:-10 100}
RISKS=${RISKS:-2000}
ASSETS=${ASSETS:-5000}
DOCUMENTS=${DOCUMENTS:-1000}
PERSONS=${PERSONS:-100}
CONNECTIONS=${CONNECTIONS:-32 128}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
WRK_THREADS=${WRK_THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-160}
ENDPOINTS=${ENDPOINTS:-risks risks_filter assets assets_filter assets_search documents asset}

for f in "$build/isms" "$build/bench/isms_bench_consultancy_data"; do
  [ -x "$f" ] || { echo "consultancy_http.sh: $f not built (make build)" >&2; exit 2; }
done
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "consultancy_http.sh: $tool is not installed (scripts/deps.sh)" >&2; exit 2; }
done

endpoint_path() {
  case $1 in
    risks) echo "/api/v1/risks" ;;                                                   # the whole register
    risks_filter) echo "/api/v1/risks?where=level%20in%20(high%2C%20critical)" ;;
    assets) echo "/api/v1/records/asset?limit=50" ;;                                 # first page
    assets_filter) echo "/api/v1/records/asset?where=classification%20%3D%20restricted%20and%20asset_type%20in%20(software%2C%20service)&limit=50" ;;
    assets_search) echo "/api/v1/records/asset?q=payroll&limit=50" ;;
    documents) echo "/api/v1/records/document?limit=50" ;;
    asset) echo "/api/v1/records/asset/AST-$(( ASSETS / 2 ))" ;;                     # one record
    *) echo "consultancy_http.sh: unknown endpoint $1" >&2; exit 2 ;;
  esac
}

tmp=$(mktemp -d /tmp/isms-bench-consultancy-XXXXXX)
chmod 755 "$tmp"
servers=()
pg_state=""
pg_admin=${PG_URL:-}
pg_dbs=()
cleanup() {
  for pid in "${servers[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for db in "${pg_dbs[@]}"; do psql -X -q "$pg_admin" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  if [ -n "$pg_state" ]; then tests/pg/cluster.sh stop "$pg_state" >/dev/null 2>&1 || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# new_store BACKEND NAME → STORE_URL: the --db URL of a new, empty store (in this shell: it records what to
# clean up)
new_store() {
  if [ "$1" = sqlite ]; then
    STORE_URL="$tmp/$2.db"
    return
  fi
  if [ -z "$pg_admin" ]; then
    pg_state="$tmp/pg"
    tests/pg/cluster.sh start "$pg_state" >&2
    pg_admin=$(cat "$pg_state/url")
  fi
  local db="isms_bench_$2_$$"
  psql -X -q "$pg_admin" -c "CREATE DATABASE $db" >/dev/null
  pg_dbs+=("$db")
  STORE_URL="${pg_admin%/*}/$db"
}

# generate URL ORGS → the data set, and a token for org-1 in $tmp/token-<ORGS>
generate() {
  local log="$tmp/generate-$2.log"
  "$build/bench/isms_bench_consultancy_data" --db "$1" --orgs "$2" --risks "$RISKS" --assets "$ASSETS" \
    --documents "$DOCUMENTS" --persons "$PERSONS" >"$log"
  echo "  generated $2 organisation(s): $(tail -1 "$log")" >&2
  "$build/isms" --db "$1" --org org-1 --quiet token create --name bench --role viewer
}

# serve URL → SERVE_PID, SERVE_PORT: isms serve on a free loopback port (in this shell, so that the cleanup
# stops it)
serve() {
  local out="$tmp/serve-$RANDOM"
  "$build/isms" --db "$1" serve --host 127.0.0.1 --port 0 --threads "$SERVER_THREADS" --log-level warn \
    >"$out.out" 2>"$out.err" &
  local pid=$! port=""
  servers+=("$pid")
  for _ in $(seq 600); do
    port=$(sed -n 's|^isms serving .* on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$out.out")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$out.err" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "consultancy_http.sh: the server did not start" >&2; exit 1; }
  SERVE_PID=$pid
  SERVE_PORT=$port
}

stop() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# check PORT TOKEN PATH: 200 with data, or the run is meaningless
check() {
  local code
  code=$(curl -sS -o "$tmp/check.json" -w '%{http_code}' -H "X-Isms-Org: org-1" -H "Authorization: Bearer $2" \
    "http://127.0.0.1:$1$3")
  if [ "$code" != 200 ] || ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ("items" not in d or d["items"]) else 1)' "$tmp/check.json"; then
    echo "consultancy_http.sh: $3 answered $code (or no items):" >&2; head -c 500 "$tmp/check.json" >&2; echo >&2; exit 1
  fi
}

# load PORT TOKEN PATH CONNECTIONS SECONDS → "rps p50_ms p99_ms errors requests"
load() {
  local out
  out=$(wrk -t"$WRK_THREADS" -c"$4" -d"$5"s --timeout 30s --latency -H "X-Isms-Org: org-1" \
    -H "Authorization: Bearer $2" "http://127.0.0.1:$1$3")
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^Requests\/sec:/ { rps = $2 }
    / requests in / { requests = $1 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    END { printf "%s %.3f %.3f %d %d\n", rps, p50, p99, errors + 0, requests + 0 }' <<<"$out"
}

results="$tmp/results.jsonl"
: >"$results"
echo "per organisation: $PERSONS persons, $ASSETS assets, $DOCUMENTS documents, $RISKS risks; connections $CONNECTIONS;" \
  "${DURATION}s × $ROUNDS rounds; isms serve --threads $SERVER_THREADS"
for backend in $BACKENDS; do
  echo "== $backend"
  new_store "$backend" base
  base_url=$STORE_URL
  base_token=$(generate "$base_url" 1)
  serve "$base_url"
  base_pid=$SERVE_PID base_port=$SERVE_PORT
  for orgs in $ORGS; do
    new_store "$backend" "orgs$orgs"
    url=$STORE_URL
    token=$(generate "$url" "$orgs")
    serve "$url"
    pid=$SERVE_PID port=$SERVE_PORT
    for ep in $ENDPOINTS; do
      path=$(endpoint_path "$ep")
      check "$base_port" "$base_token" "$path"
      check "$port" "$token" "$path"
      d_var="DURATION_$ep"
      d=${!d_var:-$DURATION}
      for c in $CONNECTIONS; do
        load "$base_port" "$base_token" "$path" "$c" 1 >/dev/null   # warm-up
        load "$port" "$token" "$path" "$c" 1 >/dev/null
        sums="0 0 0 0 0 0 0 0 0 0"
        for r in $(seq "$ROUNDS"); do
          if (( r % 2 )); then
            b=$(load "$base_port" "$base_token" "$path" "$c" "$d"); n=$(load "$port" "$token" "$path" "$c" "$d")
          else
            n=$(load "$port" "$token" "$path" "$c" "$d"); b=$(load "$base_port" "$base_token" "$path" "$c" "$d")
          fi
          sums=$(awk -v s="$sums" -v n="$n" -v b="$b" 'BEGIN { split(s, a); split(n, x); split(b, y);
            printf "%f %f %f %d %f %f %f %d %d %d", a[1]+x[1], a[2]+x[2], a[3]+x[3], a[4]+x[4], a[5]+y[1], a[6]+y[2],
              a[7]+y[3], a[8]+y[4], a[9]+x[5], a[10]+y[5] }')
        done
        awk -v s="$sums" -v k="$ROUNDS" -v be="$backend" -v o="$orgs" -v e="$ep" -v c="$c" 'BEGIN { split(s, a);
          printf "{\"backend\":\"%s\",\"orgs\":%d,\"endpoint\":\"%s\",\"connections\":%d,\"rps\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"errors\":%d,\"requests\":%d,\"baseline_rps\":%.1f,\"baseline_p50_ms\":%.2f,\"baseline_p99_ms\":%.2f,\"baseline_errors\":%d,\"baseline_requests\":%d,\"ratio\":%.3f,\"p99_over_p50\":%.2f}\n",
            be, o, e, c, a[1]/k, a[2]/k, a[3]/k, a[4], a[9], a[5]/k, a[6]/k, a[7]/k, a[8], a[10],
            (a[5] > 0 ? a[1]/a[5] : 0), (a[2] > 0 ? a[3]/a[2] : 0) }' | tee -a "$results"
      done
    done
    stop "$pid"
    if [ "$backend" = sqlite ]; then rm -f "$url" "$url-wal" "$url-shm"; fi
  done
  stop "$base_pid"
done

python3 - "$results" "$PERSONS" "$ASSETS" "$DOCUMENTS" "$RISKS" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
enough = [r for r in rows if min(r["requests"], r["baseline_requests"]) >= 2 * r["connections"]]
print(json.dumps({
    "benchmark": "consultancy_http",
    "per_org": {"persons": int(sys.argv[2]), "assets": int(sys.argv[3]), "documents": int(sys.argv[4]),
                "risks": int(sys.argv[5])},
    "results": rows,
    "errors": sum(r["errors"] + r["baseline_errors"] for r in rows),
    "worst_ratio": min((r["ratio"] for r in enough), default=None),
    "worst_p99_over_p50": max((r["p99_over_p50"] for r in enough), default=None),
    "too_few_requests": ["%s/%d orgs/%s/%d connections" % (r["backend"], r["orgs"], r["endpoint"], r["connections"])
                         for r in rows if r not in enough],
}, separators=(",", ":")))
EOF
