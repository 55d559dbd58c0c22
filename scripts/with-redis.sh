#!/usr/bin/env bash
# Run a command next to a throwaway Redis, e.g.
#   scripts/with-redis.sh .venv/bin/python -m pytest
# Starts redis-server on a free 127.0.0.1 port with no persistence, in its own
# temporary directory; exports REDIS_TEST_URL and CHROMIUM_PATH; runs the
# command; always stops Redis on the way out; exits with the command's status.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "with-redis: redis-server not found (run scripts/ensure-services.sh," \
    "or apt-get install redis-server)" >&2
  exit 1
fi

py="$(command -v python3 || command -v python || true)"
if [[ -z "$py" ]]; then
  echo "with-redis: python3 is needed to pick a free port" >&2
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/cocrea-redis.XXXXXX")"
redis_pid=""

stop_redis() {
  if [[ -n "$redis_pid" ]] && kill -0 "$redis_pid" 2>/dev/null; then
    kill -TERM "$redis_pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$redis_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  redis_pid=""
}
cleanup() {
  stop_redis
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  "$py" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# Answers 0 when the server on port $1 replies PONG.
ping_redis() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == "PONG" ]]
  else
    "$py" - "$1" <<'PY' 2>/dev/null
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as s:
    s.sendall(b"PING\r\n")
    sys.exit(0 if s.recv(64).startswith(b"+PONG") else 1)
PY
  fi
}

# A few attempts: another process may grab the port between picking and binding.
port=""
for attempt in 1 2 3; do
  candidate="$(free_port)" || { echo "with-redis: could not pick a free port" >&2; exit 1; }
  redis-server --port "$candidate" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --dir "$tmp" --logfile "" >"$tmp/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 100); do  # ~10 s
    if ping_redis "$candidate"; then
      port="$candidate"
      break
    fi
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$port" ]] && break
  stop_redis
  echo "with-redis: redis-server did not answer PING on port $candidate" \
    "(attempt $attempt); its log:" >&2
  sed 's/^/  | /' "$tmp/redis.log" >&2 || true
done
if [[ -z "$port" ]]; then
  echo "with-redis: could not start a throwaway redis-server; giving up" >&2
  exit 1
fi

export REDIS_TEST_URL="redis://127.0.0.1:$port/0"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

status=0
"$@" || status=$?
exit "$status"
