#!/usr/bin/env bash
# A private PostgreSQL cluster in a directory of our own, for ./run, ./test and the tests.
#
#   scripts/postgres.sh start DIR PORT [--fast]   initdb if needed, start on 127.0.0.1:PORT, wait until ready
#   scripts/postgres.sh stop DIR                  stop it (fast shutdown)
#   scripts/postgres.sh free-port                 print a free TCP port on 127.0.0.1
#
# initdb refuses to run as root, so as root the cluster runs as the 'postgres' user (runuser).
# --fast turns off durability (fsync, synchronous_commit) for throwaway test clusters only.
set -euo pipefail

find_bin() {
  if [ -n "${VIGIL_PG_BIN:-}" ]; then echo "$VIGIL_PG_BIN"; return; fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$d" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL server binaries not found; installing them with apt-get..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1; } || true
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  if [ -z "$d" ]; then
    echo "PostgreSQL server binaries (initdb, pg_ctl) not found. Install PostgreSQL or set VIGIL_PG_BIN." >&2
    exit 1
  fi
  echo "$d"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

start() {
  local dir=$1 port=$2 fast=${3:-}
  local bin; bin=$(find_bin)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$dir"
    chmod 700 "$dir"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB"
  if [ "$fast" = "--fast" ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$dir/postgres.log" >&2; exit 1; }
}

stop() {
  local dir=$1
  local bin; bin=$(find_bin)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  start) start "$2" "$3" "${4:-}" ;;
  stop) stop "$2" ;;
  free-port) free_port ;;
  *) echo "usage: $0 start DIR PORT [--fast] | stop DIR | free-port" >&2; exit 2 ;;
esac
