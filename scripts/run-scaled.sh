#!/usr/bin/env bash
# `make run-scaled`: the team topology on one machine, on loopback only.
#
#   PostgreSQL (its own data folder under var/scaled/pg) and Redis (var/scaled/redis),
#   from Debian's packages when missing; migrations and the demo; WEB web processes
#   sharing one port (`kefu serve --processes`); WORKERS Huey workers on Redis, the first
#   one running the periodic jobs.
#
#   WEB=N       web processes (default: twice the number of cores, docs/deploy.md)
#   WEB_THREADS=T  request threads in each web process (default 2, docs/deploy.md)
#   WORKERS=M   worker processes (default 1), each with WORKER_THREADS threads (default 2)
#   KEFU_PORT   the one web port (default 8000)
#   SCALED_PG_PORT (default 55440), SCALED_REDIS_PORT (default 6390), SCALED_DIR (var/scaled)
#
# Ctrl-C, or `scripts/run-scaled.sh stop` from another terminal, stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN="$ROOT/.venv/bin"
DIR=$(realpath -m "${SCALED_DIR:-var/scaled}")
PG_PORT=${SCALED_PG_PORT:-55440}
REDIS_PORT=${SCALED_REDIS_PORT:-6390}
WEB=${WEB:-$(( 2 * $(nproc) ))}
WEB_THREADS=${WEB_THREADS:-2}
WORKERS=${WORKERS:-1}
WORKER_THREADS=${WORKER_THREADS:-2}
PIDFILE="$DIR/run-scaled.pid"

say() { printf 'run-scaled: %s\n' "$*"; }

if [ "${1:-}" = "stop" ]; then
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill -TERM "$(cat "$PIDFILE")"
    say "stopping (pid $(cat "$PIDFILE"))"
  else
    say "not running"
  fi
  exit 0
fi

case "$WEB$WEB_THREADS$WORKERS" in
  *[!0-9]*) say "WEB, WEB_THREADS and WORKERS must be whole numbers"; exit 2 ;;
esac
[ "$WEB" -ge 1 ] && [ "$WEB_THREADS" -ge 1 ] && [ "$WORKERS" -ge 1 ] \
  || { say "WEB, WEB_THREADS and WORKERS must be at least 1"; exit 2; }
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  say "already running (pid $(cat "$PIDFILE")); scripts/run-scaled.sh stop"
  exit 1
fi

# ---------------------------------------------------------------- packages
need=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "missing: ${need[*]}; install them (sudo apt-get install ${need[*]}) and run again"
    exit 1
  fi
  say "installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's packages start their own services where systemd runs; ours are separate.
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
test -x "$BIN/kefu" || { say "no .venv: run 'make run' once first"; exit 1; }
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

mkdir -p "$DIR/redis" "$DIR/log"
echo $$ >"$PIDFILE"

# PostgreSQL runs as the postgres user when we are root (it refuses to run as root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# ---------------------------------------------------------------- stop everything on exit
pids=()
stop_all() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$DIR/pg/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -f "$PIDFILE"
  say "stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- PostgreSQL
if [ ! -f "$DIR/pg/PG_VERSION" ]; then
  say "creating the PostgreSQL cluster in $DIR/pg"
  mkdir -p "$DIR/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR/pg"
  chmod 700 "$DIR/pg"
  as_pg "$PGBIN/initdb" -D "$DIR/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
fi
[ "$(id -u)" = 0 ] && chown postgres "$DIR/log"
as_pg "$PGBIN/pg_ctl" -D "$DIR/pg" -l "$DIR/log/postgresql.log" -w \
  -o "-p $PG_PORT -k $DIR/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qtA)
if [ "$("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'kefu'")" != 1 ]; then
  "${PSQL[@]}" -c "CREATE DATABASE kefu" >/dev/null
fi
say "PostgreSQL on 127.0.0.1:$PG_PORT"

# ---------------------------------------------------------------- Redis
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$DIR/redis" --appendonly yes \
  --save "" --daemonize no --logfile "$DIR/log/redis.log" &
pids+=($!)
for _ in $(seq 50); do
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null || { say "Redis did not start"; exit 1; }
say "Redis on 127.0.0.1:$REDIS_PORT"

# ---------------------------------------------------------------- Kefu
export KEFU_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/kefu"
export KEFU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
"$BIN/kefu" migrate --noinput
"$BIN/kefu" demo --if-empty

for i in $(seq "$WORKERS"); do
  extra=()
  [ "$i" -gt 1 ] && extra+=(--no-periodic)
  "$BIN/kefu" worker --workers "$WORKER_THREADS" "${extra[@]}" >>"$DIR/log/worker-$i.log" 2>&1 &
  pids+=($!)
done
say "$WORKERS worker(s) on Redis; logs in $DIR/log/"

"$BIN/kefu" serve --no-worker --processes "$WEB" --threads "$WEB_THREADS" &
pids+=($!)

# Whichever part stops first (or Ctrl-C) stops the rest.
wait -n "${pids[@]}" || true
say "a process stopped"
