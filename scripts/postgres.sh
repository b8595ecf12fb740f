#!/usr/bin/env bash
# A private PostgreSQL cluster of our own, for ./run, ./test, ./bench and the tests.
#
#   scripts/postgres.sh start DIR PORT [--fast]   initdb if needed, start on 127.0.0.1:PORT, wait until ready
#   scripts/postgres.sh stop DIR                  stop it (fast shutdown)
#   scripts/postgres.sh status DIR                print the port and exit 0 if it is running, else exit 1
#   scripts/postgres.sh where DIR                 print the directory that holds the data
#   scripts/postgres.sh free-port                 print a free TCP port on 127.0.0.1
#
# Not root: the cluster runs as you, in DIR/data.
# Root: initdb refuses to run as root, so the cluster runs as the 'postgres' user. When that user
# can reach DIR (e.g. under /tmp) the data is in DIR/data as usual. When it cannot (DIR is inside
# root's home, mode 700), the data lives in $VIGIL_PG_HOME/<hash of DIR> (default
# /var/lib/postgresql/vigil, owned by postgres) and DIR/data is a symlink to it, so start, stop and
# status find it from DIR alone. Such a cluster whose DIR no longer links to it (the directory was
# deleted) is stopped and removed by the next start.
# --fast turns off durability (fsync, synchronous_commit) for throwaway test clusters only.
set -euo pipefail

shared_home=${VIGIL_PG_HOME:-/var/lib/postgresql/vigil}

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

is_root() { [ "$(id -u)" = 0 ]; }

# From /, because postgres may not be allowed into the current directory (pg_ctl would complain).
as_owner() {
  if is_root; then (cd / && exec runuser -u postgres -- "$@"); else "$@"; fi
}

# DIR as an absolute path, so it still means the same after as_owner's cd.
absolute() {
  if [ -d "$1" ]; then (cd "$1" && pwd -P); else echo "$1"; fi
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

# The directory holding data/ and postgres.log: DIR itself, or where DIR/data links to.
home_of() {
  local dir=$1
  if [ -L "$dir/data" ]; then dirname "$(readlink -m "$dir/data")"; else echo "$dir"; fi
}

ensure_postgres_user() {
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
}

# Clusters under $shared_home whose DIR was deleted (or now links elsewhere): nobody can reach them
# through scripts/postgres.sh any more, so they are stopped and removed.
collect_orphans() {
  local bin=$1 home owner
  [ -d "$shared_home" ] || return 0
  for home in "$shared_home"/*/; do
    home=${home%/}
    [ -f "$home/owner" ] || continue
    owner=$(cat "$home/owner")
    if [ -L "$owner/data" ] && [ "$(readlink -m "$owner/data")" = "$home/data" ]; then continue; fi
    if [ -f "$home/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$home/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    echo "scripts/postgres.sh: removing the cluster of $owner, which no longer exists ($home)" >&2
    rm -rf "$home"
  done
}

# As root: decide where DIR's cluster lives, making DIR/data a symlink when postgres cannot reach DIR.
place_as_root() {
  local dir=$1 bin=$2
  ensure_postgres_user
  collect_orphans "$bin"
  if [ -L "$dir/data" ]; then
    install -d -o postgres -m 700 "$(home_of "$dir")"
    return
  fi
  if (cd / && runuser -u postgres -- test -x "$(dirname "$dir")") 2>/dev/null; then
    chown postgres "$dir"
    chmod 700 "$dir"
    return
  fi
  if [ -f "$dir/data/PG_VERSION" ]; then
    echo "the cluster in $dir/data runs as the postgres user, who cannot enter $(dirname "$dir");" \
      "move it out or remove it (a new one is then made where postgres can reach it)" >&2
    exit 1
  fi
  rm -rf "${dir:?}/data" # what an initdb that failed for lack of access left behind
  local home
  home="$shared_home/$(printf '%s' "$dir" | sha256sum | cut -c1-16)"
  if [ -e "$home" ]; then
    # Left by an earlier directory of the same path that was deleted: its data went with it.
    if [ -f "$home/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$home/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$home"
  fi
  install -d -o postgres -m 755 "$shared_home"
  install -d -o postgres -m 700 "$home"
  ln -sfn "$home/data" "$dir/data"
  ln -sfn "$home/postgres.log" "$dir/postgres.log"
  # Written last: collect_orphans treats a home with an owner but no link to it as abandoned.
  printf '%s\n' "$dir" > "$home/owner"
  echo "scripts/postgres.sh: the postgres user cannot enter $(dirname "$dir"), so the data lives in" \
    "$home/data (linked from $dir/data)" >&2
}

running_port() {
  local data=$1 bin=$2
  [ -f "$data/postmaster.pid" ] || return 1
  as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 1
  sed -n 4p "$data/postmaster.pid"
}

start() {
  local dir=$1 port=$2 fast=${3:-}
  local bin; bin=$(find_bin)
  mkdir -p "$dir"
  dir=$(absolute "$dir")
  if is_root; then place_as_root "$dir" "$bin"; fi
  local home; home=$(home_of "$dir")
  local data="$home/data"
  local current
  if current=$(running_port "$data" "$bin"); then
    if [ "$current" = "$port" ]; then return 0; fi
    echo "the cluster in $data is already running on port $current, not $port;" \
      "stop it first (scripts/postgres.sh stop $dir)" >&2
    exit 1
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    # A half-made data directory (an earlier initdb that failed) would make initdb refuse.
    if [ -d "$data" ]; then rm -rf "${data:?}"/* "${data:?}"/.[!.]* 2>/dev/null || true; fi
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # A Unix socket path longer than 107 bytes is refused, and a clone may sit deep in the tree.
  local sockets=$home
  if [ $(( ${#home} + 20 )) -gt 100 ]; then sockets=/tmp; fi
  local opts="-p $port -k $sockets -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB"
  if [ "$fast" = "--fast" ]; then
    # The test suite runs four classes at once, several starting two hosts with pools of 50 on a
    # loaded machine, where slow queries grow every pool: 200 connections ran out.
    opts="$opts -c max_connections=500 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  as_owner "$bin/pg_ctl" -D "$data" -o "$opts" -l "$home/postgres.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$home/postgres.log" >&2; exit 1; }
}

stop() {
  local dir=$1
  [ -e "$dir/data" ] || return 0
  local bin; bin=$(find_bin)
  local data; data="$(home_of "$dir")/data"
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
}

status() {
  local dir=$1
  [ -e "$dir/data" ] || return 1
  local bin; bin=$(find_bin)
  running_port "$(home_of "$dir")/data" "$bin"
}

case "${1:-}" in
  start) start "$2" "$3" "${4:-}" ;;
  stop) stop "$(absolute "$2")" ;;
  status) status "$(absolute "$2")" ;;
  where) echo "$(home_of "$(absolute "$2")")/data" ;;
  free-port) free_port ;;
  *) echo "usage: $0 start DIR PORT [--fast] | stop DIR | status DIR | where DIR | free-port" >&2; exit 2 ;;
esac
