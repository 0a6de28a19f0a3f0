#!/usr/bin/env bash
# Installs everything isms needs to build, test and run, from Debian's packages and npm.
# Idempotent: packages already present are not reinstalled; safe to run on every `make`.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libsoci-dev libboost-dev libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-contrib
  libcpp-httplib-dev nlohmann-json3-dev libyaml-cpp-dev libpugixml-dev libxml2-dev libxml2-utils
  libvalijson-dev libicu-dev libcli11-dev libfmt-dev libspdlog-dev libxlsxwriter-dev libsodium-dev libssl-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  wrk chromium python3 python3-numpy curl poppler-utils iproute2
)
# Node.js and npm: use the machine's own when present (some images ship a newer Node with its npm).
if ! command -v npm >/dev/null 2>&1; then APT_PACKAGES+=(nodejs npm); fi

# One dpkg-query for all packages (a package it does not know is simply absent from its answer).
# dpkg-query exits non-zero when some names are unknown to it (a fresh machine): not a failure here.
installed=" $({ dpkg-query -W -f='${Package} ${Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true; } |
  awk '/ install ok installed$/ {printf "%s ", $1}') "
missing=()
for p in "${APT_PACKAGES[@]}"; do
  [[ "$installed" == *" $p "* ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: all Debian packages present"
fi

# The web application and the browser tests (playwright-core drives Debian's chromium; no browser download).
if [ -f web/package.json ]; then
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
    echo "deps: npm ci in web/"
    (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
fi
