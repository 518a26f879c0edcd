#!/usr/bin/env bash
# Owns: `make run` — the zero-configuration demo. Without DATABASE_URL it runs a private PostgreSQL
# cluster under .data/ (initdb once, reused afterwards), builds, migrates, seeds demo data on first
# start, starts the processes of the PROCS table side by side and stops all of them, and the
# cluster, on Ctrl-C, SIGTERM or when any one of them exits.
set -euo pipefail
SCRIPT="make run"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

PORT=${PORT:-8080}
BIND_ADDR=${BIND_ADDR:-127.0.0.1}
BASE_DOMAIN=${BASE_DOMAIN:-localhost}
RUST_LOG=${RUST_LOG:-info}
PG_PORT=${PG_PORT:-5433}
PROFILE=${PROFILE:-release}
SEED=${SEED:-auto}
DEV_DATA_DIR=$(realpath -m "${DEV_DATA_DIR:-$REPO/.data}")
export PORT BIND_ADDR BASE_DOMAIN RUST_LOG

# The processes `make run` starts: "name|cargo package|command and arguments". The worker runs the
# jobs the web tier enqueues (notifications, WhatsApp sends, the 09:00 invoice run); without
# WhatsApp configured it uses the console transport, so demo messages show here as [worker] lines.
PROCS=(
  "web|web|dfresto-web serve"
  "worker|worker|dfresto-worker"
)

case $PROFILE in
  release | debug) ;;
  *) die "PROFILE=$PROFILE is not a build profile — use PROFILE=release (default) or PROFILE=debug" ;;
esac
[[ $PORT =~ ^[0-9]+$ ]] || die "PORT=$PORT is not a port number — use e.g. PORT=8080"
[[ $PG_PORT =~ ^[0-9]+$ ]] || die "PG_PORT=$PG_PORT is not a port number — use e.g. PG_PORT=5433"
command -v cargo >/dev/null 2>&1 ||
  die "cargo not found — install Rust (https://rustup.rs) and open a new shell, then retry"

# --- checks first, so a problem shows before minutes of compiling -----------------------------

if port_in_use "$PORT"; then
  die "port $PORT for the web tier is already in use$(port_holder "$PORT") — stop that program or pick another port: make run PORT=8081"
fi

PG_DATA=$DEV_DATA_DIR/pg
PG_RUN=$DEV_DATA_DIR/pg-run # socket and server log, written by the server's user
PG_STARTED=0
PRIVATE=0
if [[ -z ${DATABASE_URL:-} ]]; then
  PRIVATE=1
  ensure_postgres
  pg_bin_for "$PG_DATA"
  mkdir -p "$DEV_DATA_DIR"
  # One make run per cluster: a second one would stop the first one's database under it.
  if [[ -f $DEV_DATA_DIR/run.pid ]]; then
    other=$(<"$DEV_DATA_DIR/run.pid")
    if [[ $other =~ ^[0-9]+$ ]] && kill -0 "$other" 2>/dev/null &&
      tr '\0' ' ' <"/proc/$other/cmdline" 2>/dev/null | grep -q 'run\.sh'; then
      die "another make run (pid $other) is using ${PG_DATA#"$REPO"/} — stop it first, or give this one its own: DEV_DATA_DIR=.data2 make run PORT=8081 PG_PORT=5434"
    fi
  fi
  echo $$ >"$DEV_DATA_DIR/run.pid"
  pg_prepare_dir "$PG_RUN"
  pg_check_reachable "$PG_RUN"
  if [[ -f $PG_DATA/PG_VERSION ]] && pg_running "$PG_DATA"; then
    # Left behind by a run that was killed (postgres runs in its own session and survives it).
    step "stopping the private cluster left running by an earlier run"
    pg_stop "$PG_DATA"
  fi
  if port_in_use "$PG_PORT"; then
    die "port $PG_PORT for the private PostgreSQL cluster is already in use$(port_holder "$PG_PORT") — stop that server or pick another port: make run PG_PORT=5434"
  fi
  DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/dfresto
else
  [[ $DATABASE_URL =~ ^postgres(ql)?:// ]] ||
    die "DATABASE_URL ($(redact_url "$DATABASE_URL")) is not a PostgreSQL URL — use postgres://USER[:PASSWORD]@HOST:PORT/DATABASE, or unset it to use a private cluster under .data/"
  step "using DATABASE_URL=$(redact_url "$DATABASE_URL")"
  db_check "$DATABASE_URL"
fi
export DATABASE_URL

# --- stop everything together -------------------------------------------------------------------

declare -A PROC_NAME=()
PIDS=()
CLEANED=0
cleanup() {
  ((CLEANED)) && return 0
  CLEANED=1
  # Nothing may stop the clean-up half-way: not a failed command, not a closed output (Ctrl-C on
  # `make run | less` kills the reader first).
  set +e
  trap '' INT TERM HUP PIPE
  fg_stop
  local pid deadline
  local alive=()
  for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("${PROC_NAME[$pid]}"); done
  if ((${#alive[@]})); then
    step "stopping ${alive[*]}"
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    deadline=$((SECONDS + ${STOP_TIMEOUT:-20}))
    for pid in "${PIDS[@]}"; do
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
      if kill -0 "$pid" 2>/dev/null; then
        warn "${PROC_NAME[$pid]} (pid $pid) ignored SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
  fi
  if ((PG_STARTED)); then
    step "stopping the private PostgreSQL cluster"
    pg_stop "$PG_DATA"
  fi
  if ((PRIVATE)) && [[ $(cat "$DEV_DATA_DIR/run.pid" 2>/dev/null) == "$$" ]]; then
    rm -f "$DEV_DATA_DIR/run.pid"
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP
# Output closed (`make run | head`): nothing can be shown any more, but the cluster must still stop.
trap 'exec >/dev/null 2>&1; cleanup; exit 141' PIPE

# --- build -------------------------------------------------------------------------------------

packages=()
for p in "${PROCS[@]}"; do
  IFS='|' read -r _ pkg _ <<<"$p"
  packages+=(-p "$pkg")
done
cargo_args=(build "${packages[@]}")
[[ $PROFILE == release ]] && cargo_args+=(--release)
BIN_DIR=${CARGO_TARGET_DIR:-$REPO/target}/$PROFILE
if [[ ${SKIP_BUILD:-0} == 1 ]]; then
  step "SKIP_BUILD=1: using the binaries in ${BIN_DIR#"$REPO"/}"
else
  step "cargo ${cargo_args[*]} (the first $PROFILE build takes several minutes)"
  fg_run cargo "${cargo_args[@]}" || die "the build failed (errors above) — fix them and run make run again"
fi
WEB=$BIN_DIR/dfresto-web
[[ -x $WEB ]] || die "the build did not produce $WEB — check the [[bin]] name in web/Cargo.toml"

# --- database ----------------------------------------------------------------------------------

if ((PRIVATE)); then
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    step "creating the private PostgreSQL cluster in ${PG_DATA#"$REPO"/} ($("$PG_BIN/postgres" --version))"
    pg_init "$PG_DATA" "$PG_RUN/initdb.log"
  fi
  step "starting PostgreSQL on 127.0.0.1:$PG_PORT (data: ${PG_DATA#"$REPO"/}, log: ${PG_RUN#"$REPO"/}/postgres.log)"
  PG_STARTED=1
  pg_start "$PG_DATA" "$PG_PORT" "$PG_RUN" "$PG_RUN/postgres.log"
  if [[ -z $("$PG_BIN/psql" -X -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "select 1 from pg_database where datname = 'dfresto'") ]]; then
    step "creating database dfresto"
    "$PG_BIN/createdb" -w -h 127.0.0.1 -p "$PG_PORT" -U postgres dfresto ||
      die "could not create database dfresto (see ${PG_RUN#"$REPO"/}/postgres.log) — run make db-reset to start over"
  fi
fi

step "dfresto-web migrate"
fg_run "$WEB" migrate || die "migrations failed (see above) — fix the cause, then run make run again"

rc=0
fg_run "$WEB" has-data >/dev/null || rc=$?
case $rc in
  0) step "demo data already loaded (not reseeding; make db-reset starts over)" ;;
  1)
    if [[ $SEED == 0 || $SEED == never ]]; then
      step "the database is empty; SEED=$SEED, so no demo data is loaded"
    else
      step "loading demo data (first start only; takes up to a minute)"
      fg_run "$WEB" seed || die "loading demo data failed (see above) — fix the cause, then run make run again"
    fi
    ;;
  *) die "could not tell whether the database holds data (dfresto-web has-data exited $rc, see above) — check DATABASE_URL and the migrations" ;;
esac

# --- processes ---------------------------------------------------------------------------------

# Tag each line with its process; ignore Ctrl-C so the last lines of a stopping process still show.
tag() {
  trap '' INT TERM
  exec sed -u "s/^/[$1] /"
}

for p in "${PROCS[@]}"; do
  IFS='|' read -r name _ cmd <<<"$p"
  read -r -a argv <<<"$cmd"
  step "starting $name: ${argv[*]}"
  "$BIN_DIR/${argv[0]}" "${argv[@]:1}" > >(tag "$name") 2> >(tag "$name" >&2) &
  PIDS+=("$!")
  PROC_NAME[$!]=$name
done

# Answer only once the web tier really serves, so the URLs printed below work when clicked.
probe_host=$BIND_ADDR
[[ $probe_host == 0.0.0.0 || $probe_host == :: || $probe_host == *:* ]] && probe_host=127.0.0.1
healthz() {
  local line=''
  { exec 3<>"/dev/tcp/$probe_host/$PORT"; } 2>/dev/null || return 1
  printf 'GET /healthz HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$BASE_DOMAIN" "$PORT" >&3
  IFS= read -r -t 5 line <&3 || true
  # Read the rest before closing, or the server sees a reset connection and may log it.
  while IFS= read -r -t 2 _ <&3; do :; done
  exec 3<&- 3>&-
  [[ $line == HTTP/1.?\ 200* ]]
}
deadline=$((SECONDS + ${READY_TIMEOUT:-60}))
until healthz; do
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || {
      wait "$pid" && rc=0 || rc=$?
      die "${PROC_NAME[$pid]} exited with status $rc while starting (see its lines above)"
    }
  done
  ((SECONDS < deadline)) ||
    die "the web tier did not answer GET /healthz on $probe_host:$PORT within ${READY_TIMEOUT:-60} s (see its lines above)"
  sleep 0.3
done

# What happens to WhatsApp messages in this run, in one line of the banner.
whatsapp_line() {
  case ${WORKER_MESSENGER:-console} in
    whatsapp) echo "WhatsApp: the real client. Pair a number on the admin portal's WhatsApp page; with demo data every message is held unless WHATSAPP_REDIRECT_TO is set." ;;
    *) echo "WhatsApp messages are not sent: the worker prints them here ([worker] lines)." ;;
  esac
}

cat <<EOF

  D'Fresto is running.
    mitra portal   http://mitra.$BASE_DOMAIN:$PORT
    stokis portal  http://stokis.$BASE_DOMAIN:$PORT
    admin portal   http://admin.$BASE_DOMAIN:$PORT
  Demo logins, all with password dfresto-demo:
    admin          pusat, finance, gudang
    stokis         stokis001 … stokis200
    mitra          mitra0001 … mitra3000   (mitra0001 is served by stokis001)
  $(whatsapp_line)
  Database: $(redact_url "$DATABASE_URL")
  Press Ctrl-C to stop everything.

EOF

# Any process ending ends the run: a demo with half its processes gone would only mislead.
rc=0
wait -n -p done_pid "${PIDS[@]}" || rc=$?
if [[ -n ${done_pid:-} ]]; then
  warn "${PROC_NAME[$done_pid]} exited with status $rc; stopping the rest"
fi
cleanup
exit $((rc == 0 ? 1 : rc))
