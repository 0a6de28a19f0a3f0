#!/usr/bin/env bash
# Resolving NIST's SP 800-53 rev5 MODERATE baseline: `isms oscal resolve` against NIST's own XSLT resolver
# (usnistgov/OSCAL v1.1.2, src/utils/resolver-pipeline/oscal-profile-RESOLVE.xsl) run by SaxonJS (npm
# package xslt3 2.7), same machine, same run, end to end (process start, reading, resolving, writing XML).
#
#   OSCAL_RESOLVER_DIR=/path/to/OSCAL/src/utils/resolver-pipeline bench/oscal_resolve.sh [BUILD_DIR]
#
# The stylesheets are not part of this project: point OSCAL_RESOLVER_DIR at a checkout of usnistgov/OSCAL
# (tag v1.1.2 is the reference; docs/performance.md says which copies the recorded figures used). Without it
# the script measures isms alone and says that the comparison was skipped.
# xslt3 is installed from npm into BUILD_DIR/bench-node when it is not there. Each tool runs $ROUNDS times
# after one warm-up run; the median is reported. The last line is one JSON object.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
ROUNDS=${ROUNDS:-5}
data=tests/data/oscal/nist/800-53-rev5-5.0.1
profile=$data/NIST_SP-800-53_rev5_MODERATE-baseline_profile.xml
[ -x "$build/isms" ] || { echo "oscal_resolve.sh: $build/isms not built (make build)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/isms-oscal-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_runs() {  # command… → median seconds
  "$@" >/dev/null 2>&1  # warm-up (and a check that it works)
  for _ in $(seq "$ROUNDS"); do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" 'BEGIN {printf "%.4f\n", e - s}' 
  done | median
}

isms_s=$(time_runs "$build/isms" oscal resolve "$profile" --format xml -o "$tmp/isms.xml")
controls=$(grep -c '<control ' "$tmp/isms.xml" || true)
echo "isms oscal resolve: ${isms_s}s (median of $ROUNDS), $controls controls"

if [ -z "${OSCAL_RESOLVER_DIR:-}" ] || [ ! -f "${OSCAL_RESOLVER_DIR}/oscal-profile-RESOLVE.xsl" ]; then
  echo "SKIPPED the XSLT comparison: set OSCAL_RESOLVER_DIR to usnistgov/OSCAL v1.1.2 src/utils/resolver-pipeline"
  echo "{\"isms_seconds\": $isms_s, \"xslt_seconds\": null, \"ratio\": null, \"controls\": $controls}"
  exit 0
fi

node_dir=$build/bench-node
if [ ! -x "$node_dir/node_modules/.bin/xslt3" ]; then
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error xslt3@2.7 >/dev/null
fi
xslt3=$node_dir/node_modules/.bin/xslt3
xslt_s=$(time_runs "$xslt3" -xsl:"$OSCAL_RESOLVER_DIR/oscal-profile-RESOLVE.xsl" -s:"$profile" -o:"$tmp/xslt.xml")
xslt_controls=$(grep -c '<control ' "$tmp/xslt.xml" || true)
echo "NIST XSLT resolver (SaxonJS xslt3): ${xslt_s}s (median of $ROUNDS), $xslt_controls controls"
ratio=$(awk -v a="$xslt_s" -v b="$isms_s" 'BEGIN {printf "%.2f", a / b}')
printf 'isms is %.1f times faster\n' "$ratio"
echo "{\"isms_seconds\": $isms_s, \"xslt_seconds\": $xslt_s, \"ratio\": $ratio, \"controls\": $controls, \"xslt_controls\": $xslt_controls}"
