#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: initdb into DIR, the server run as the `postgres`
# system user when we are root (the server refuses root), listening only on a Unix socket in
# DIR (no TCP), trust auth, fsync off. Used by the state tests (tests/pg_cluster.cpp) and
# usable from integration tests:
#   pg_cluster.sh start DIR           starts it (DIR must not exist; as root, DIR's parent is
#                                     made traversable for postgres); prints the URI of the
#                                     database `postgres`: postgresql:///postgres?host=DIR&user=postgres
#   pg_cluster.sh createdb DIR NAME   creates database NAME; prints its URI
#   pg_cluster.sh stop DIR            stops the server (immediate) and removes DIR
# Binaries: $XS_PG_BIN, else the newest /usr/lib/postgresql/*/bin. Exit 1 with the reason on
# stderr when the cluster cannot start.
set -euo pipefail

die() { echo "pg_cluster: $*" >&2; exit 1; }

bin=${XS_PG_BIN:-}
if [ -z "$bin" ]; then
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
[ -n "$bin" ] && [ -x "$bin/initdb" ] || die "no PostgreSQL server binaries (install postgresql, or set XS_PG_BIN)"

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: pg_cluster.sh start|stop|createdb DIR [NAME]"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root and there is no postgres system user"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

uri() { echo "postgresql:///$1?host=$dir&user=postgres"; }

case "$cmd" in
  start)
    [ ! -e "$dir" ] || die "$dir already exists"
    mkdir -p "$dir"
    chmod 0700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      # The server must reach DIR: a parent made by mkdtemp (0700) is opened for traversal.
      parent=$(dirname "$dir")
      runuser -u postgres -- test -x "$parent" || chmod o+x "$parent"
      runuser -u postgres -- test -x "$dir" || die "the postgres user cannot reach $dir"
    fi
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
      >"$dir/initdb.log" 2>&1 || die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -c listen_addresses= -c fsync=off -c max_connections=200" start \
      >"$dir/pg_ctl.log" 2>&1 || die "the server did not start: $(tail -n 5 "$dir/server.log" 2>/dev/null)"
    uri postgres
    ;;
  createdb)
    name=${3:-}
    [ -n "$name" ] || die "createdb needs a NAME"
    "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres -d postgres \
      -c "CREATE DATABASE \"$name\"" >/dev/null || die "cannot create database $name"
    uri "$name"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *) die "unknown command $cmd" ;;
esac
