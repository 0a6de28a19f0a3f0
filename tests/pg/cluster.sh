#!/usr/bin/env bash
# Throw-away PostgreSQL cluster for the tests: `cluster.sh start STATE_DIR` / `cluster.sh stop STATE_DIR`;
# `pause STATE_DIR` / `resume STATE_DIR` stop and restart the server on the same port, keeping its data
# (for tests of a database server that goes away and comes back).
# Uses Debian's postgresql package (initdb, pg_ctl), a free loopback port and a Unix socket in a temporary
# folder, trust authentication for the user "isms". initdb refuses to run as root, so as root the cluster
# runs as the unprivileged system user "isms-pg" (created on first use). STATE_DIR/url receives the
# connection URL of the "postgres" database over the Unix socket (the host is the socket's folder,
# percent-encoded, as libpq and `isms --db` read it); STATE_DIR/tcp_url the same over loopback TCP.
# `stop` shuts the server down and removes its files.
set -euo pipefail
cmd=${1:?start|stop}
state=${2:?state dir}
mkdir -p "$state"

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ]; then
  echo "cluster.sh: PostgreSQL server binaries not found (run scripts/deps.sh)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u isms-pg -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ -f "$state/dir" ] && [ -d "$(cat "$state/dir")" ]; then "$0" stop "$state" || true; fi
  if [ "$(id -u)" = 0 ] && ! id isms-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin isms-pg
  fi
  dir=$(mktemp -d /tmp/isms-pg-XXXXXX)
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown isms-pg "$dir"; fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$bindir/initdb" -D "$dir/data" -U isms --auth=trust -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1
  as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  echo "$dir" >"$state/dir"
  echo "$port" >"$state/port"
  echo "postgresql://isms@${dir//\//%2F}:$port/postgres" >"$state/url"
  echo "postgresql://isms@127.0.0.1:$port/postgres" >"$state/tcp_url"
  echo "cluster.sh: PostgreSQL running on port $port ($dir)"
  ;;
stop)
  if [ -f "$state/dir" ]; then
    dir=$(cat "$state/dir")
    if [ -d "$dir/data" ]; then as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    rm -f "$state/dir" "$state/url" "$state/tcp_url" "$state/port"
  fi
  echo "cluster.sh: stopped"
  ;;
pause)
  dir=$(cat "$state/dir")
  as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  echo "cluster.sh: paused"
  ;;
resume)
  dir=$(cat "$state/dir")
  port=$(cat "$state/port")
  as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  echo "cluster.sh: resumed on port $port"
  ;;
*) echo "usage: cluster.sh start|stop|pause|resume STATE_DIR" >&2; exit 2 ;;
esac
