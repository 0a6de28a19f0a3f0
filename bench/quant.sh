#!/usr/bin/env bash
# FAIR engine vs the numpy baseline, side by side in one run (issue: quantitative risk).
#   bench/quant.sh [BUILD_DIR]      (default build/; run `make build` first)
# Runs the reference workload (100 risks × 1,000,000 years) with the engine, with a plain standard-library
# sampler and with bench/fair/numpy_fair.py (Debian's python3-numpy), then the single-risk interactive case
# (100,000 years) and the memory growth with years. The last line is one JSON object:
#   {"engine_s", "numpy_s", "ratio", "stdlib_s", "engine_vs_stdlib", "engine_mean", "engine_p99",
#    "numpy_mean", "numpy_p99", "single_risk_ms", "rss_kb_by_years"}
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BENCH=$BUILD/bench/isms_quant_bench
[ -x "$BENCH" ] || { echo "quant.sh: $BENCH not built (make build)" >&2; exit 1; }
THREADS=${THREADS:-2}

engine=$("$BENCH" --impl engine --risks 100 --years 1000000 --threads "$THREADS")
echo "engine: $engine"
stdlib=$("$BENCH" --impl stdlib --risks 100 --years 1000000 --threads "$THREADS")
echo "stdlib: $stdlib"
# Older OpenBLAS workarounds slow a current numpy; unset them for this command only (see the workplace notes).
numpy=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/fair/numpy_fair.py --risks 100 --draws 1000000)
echo "numpy: $numpy"
single=$("$BENCH" --impl engine --risks 1 --years 100000 --threads 1)
echo "single risk: $single"
rss=""
for n in 250000 1000000 4000000; do
  r=$("$BENCH" --impl engine --risks 10 --years $n --threads "$THREADS")
  rss="$rss\"$n\": $(python3 -c "import json,sys; print(json.loads(sys.argv[1])['peak_rss_kb'])" "$r"),"
done
python3 - "$engine" "$stdlib" "$numpy" "$single" "{${rss%,}}" <<'PY'
import json, sys
e, s, n, one, rss = (json.loads(a) for a in sys.argv[1:6])
print(json.dumps({
    "engine_s": round(e["elapsed_s"], 3), "numpy_s": round(n["elapsed_s"], 3),
    "ratio": round(n["elapsed_s"] / e["elapsed_s"], 2),
    "stdlib_s": round(s["elapsed_s"], 3), "engine_vs_stdlib": round(s["elapsed_s"] / e["elapsed_s"], 2),
    "engine_mean": e["mean"], "engine_p99": e["p99"], "numpy_mean": n["mean"], "numpy_p99": n["p99"],
    "single_risk_ms": round(one["elapsed_s"] * 1000, 1), "rss_kb_by_years": rss}))
PY
