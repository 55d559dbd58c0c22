#!/usr/bin/env bash
# Run a command next to a throwaway PostgreSQL cluster, e.g.
#   scripts/with-postgres.sh .venv/bin/python -m pytest
# initdb into a temporary directory (as the `postgres` system user when run as
# root: PostgreSQL refuses to run as root), start it on a free 127.0.0.1 port with
# durability off (it is thrown away), export POSTGRES_TEST_URL, run the command,
# always stop the cluster and delete it, and exit with the command's status.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

initdb_path="$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$initdb_path" ]]; then
  initdb_path="$(command -v initdb || true)"
fi
if [[ -z "$initdb_path" ]]; then
  echo "with-postgres: initdb not found (run scripts/ensure-services.sh," \
    "or apt-get install postgresql)" >&2
  exit 1
fi
bindir="$(dirname "$initdb_path")"

as_owner=()
if [[ "$(id -u)" -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root but there is no 'postgres' user to own the" \
      "cluster (the Debian postgresql package creates it)" >&2
    exit 1
  fi
  as_owner=(runuser -u postgres --)
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/cocrea-pg.XXXXXX")"
chmod 755 "$tmp"
[[ ${#as_owner[@]} -gt 0 ]] && chown postgres "$tmp"
started=0

cleanup() {
  if [[ "$started" -eq 1 ]]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')"

if ! "${as_owner[@]}" "$bindir/initdb" -D "$tmp/data" -U cocrea -A trust -E UTF8 \
  --no-sync >"$tmp/initdb.log" 2>&1; then
  echo "with-postgres: initdb failed:" >&2
  sed 's/^/  | /' "$tmp/initdb.log" >&2
  exit 1
fi
# Durability off: this cluster lives for one test run.
opts="-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off"
opts+=" -c synchronous_commit=off -c full_page_writes=off -c max_connections=150"
if ! "${as_owner[@]}" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/postgres.log" -o "$opts" \
  -w -t 30 start >/dev/null; then
  echo "with-postgres: PostgreSQL did not start; its log:" >&2
  sed 's/^/  | /' "$tmp/postgres.log" >&2 || true
  exit 1
fi
started=1
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U cocrea cocrea

export POSTGRES_TEST_URL="postgres://cocrea@127.0.0.1:$port/cocrea"

status=0
"$@" || status=$?
exit "$status"
