#!/usr/bin/env bash
# Owns: `make bench` — builds the release binaries, starts a PostgreSQL cluster of its own (fsync
# and synchronous_commit on, as in production), loads bench-scale data and measures the system
# beside a raw-PostgreSQL baseline taken in the same run on the same data: order_create (HTTP,
# wrk) against pgbench, the cost of the job enqueue, the worker's job drain, the daily invoice run
# against the bare UPDATE, each report from request to stored file against its aggregate SQL
# alone, a mitra import of every mitra against reading its file alone, and the processes' peak
# memory. Prints a table and one
# `metric=… value=… baseline=… ratio=…` line per figure, writes bench/results/<date>.txt, and
# removes everything it started, whatever happens. Not part of `make test`.
set -euo pipefail
SCRIPT="make bench"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

DURATION=${BENCH_DURATION:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
USERS=${BENCH_USERS:-3000}
ORDERS=${BENCH_ORDERS:-1000000}
JOBS=${BENCH_JOBS:-20000}
INVOICES=${BENCH_INVOICES:-1000000}
ONLY=${BENCH_ONLY:-order_create,enqueue_cost,job_drain,invoice_run,reports,imports}
RESULTS_DIR=${BENCH_RESULTS_DIR:-$REPO/bench/results}
BENCH_DIR=$REPO/bench

for v in DURATION CONNECTIONS USERS ORDERS JOBS INVOICES; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "BENCH_$v=${!v} is not a positive whole number"
done
for part in ${ONLY//,/ }; do
  case $part in
    order_create | enqueue_cost | job_drain | invoice_run | reports | imports) ;;
    *) die "BENCH_ONLY names an unknown part '$part' — use any of order_create,enqueue_cost,job_drain,invoice_run,reports,imports" ;;
  esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }
command -v cargo >/dev/null 2>&1 ||
  die "cargo not found — install Rust (https://rustup.rs) and open a new shell, then retry"

ensure_packages postgresql postgresql-contrib wrk curl
ensure_postgres
PSQL=$PG_BIN/psql
PGBENCH=$PG_BIN/pgbench
[[ -x $PGBENCH ]] || PGBENCH=$(command -v pgbench || true)
[[ -x $PGBENCH ]] || die "pgbench not found after installing postgresql-contrib — install it by hand, then retry"

# --- everything this run starts, and its removal ---------------------------------------------------

WORK=$(mktemp -d /tmp/dfresto-bench.XXXXXX)
pg_prepare_dir "$WORK"
chmod 755 "$WORK"
PG_DATA=$WORK/data
PG_STARTED=0
PIDS=()

# stop_pid PID — SIGTERM, then SIGKILL after 15 s; only processes this script started.
stop_pid() {
  local pid=$1 deadline=$((SECONDS + 15))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  set +e
  trap '' INT TERM HUP PIPE
  fg_stop
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  PIDS=()
  if ((PG_STARTED)); then
    pg_stop "$PG_DATA"
    PG_STARTED=0
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP
trap 'exec >/dev/null 2>&1; cleanup; exit 141' PIPE

# start LOG CMD... — runs CMD in the background (environment via `env` in CMD), output to LOG.
start() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  PIDS+=("$!")
  LAST_PID=$!
}

# finish PID — stops one process started with `start`.
finish() {
  local pid=$1 keep=() p
  stop_pid "$pid"
  for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}

now() { printf '%s\n' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
kb_to_mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
vm() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# --- the report ------------------------------------------------------------------------------------

DATE=$(date +%F)
mkdir -p "$RESULTS_DIR"
RESULT_FILE=$RESULTS_DIR/$DATE.txt
REPORT=$WORK/report.txt
: >"$REPORT"
say() { printf '%s\n' "$*" | tee -a "$REPORT"; }
TABLE=()
METRICS=()
REPORT_RATIOS=()
row() { TABLE+=("$(printf '%-34s %14s %14s %9s  %s' "$1" "$2" "$3" "$4" "${5:-}")"); }
metric() { METRICS+=("metric=$1 value=$2 baseline=$3 ratio=$4"); }

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem_total=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
say "D'Fresto bench — $(date '+%F %T %Z')"
say "machine:  $(nproc) cores (${cpu_model:-unknown cpu}), $mem_total memory, $(uname -sr)"
say "versions: $(rustc --version), $("$PG_BIN/postgres" --version), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), $("$PGBENCH" --version)"
say "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
say "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at the start — the machine may be shared; compare ratios, not absolutes"

# --- build -----------------------------------------------------------------------------------------

BIN_DIR=${CARGO_TARGET_DIR:-$REPO/target}/release
if [[ ${SKIP_BUILD:-0} == 1 ]]; then
  step "SKIP_BUILD=1: using the binaries in ${BIN_DIR#"$REPO"/}"
else
  step "cargo build --release -p web -p worker"
  fg_run cargo build --release -p web -p worker || die "the build failed (errors above) — fix them and run make bench again"
fi
WEB=$BIN_DIR/dfresto-web
WORKER=$BIN_DIR/dfresto-worker
[[ -x $WEB && -x $WORKER ]] || die "the build did not produce $WEB and $WORKER"

# --- PostgreSQL ------------------------------------------------------------------------------------

# Durable like production: fsync, synchronous_commit and full_page_writes keep their defaults
# (on). Memory and WAL sized for a server with this much RAM, so checkpoints triggered by the
# bulk loads do not land in the middle of a measurement.
PG_SETTINGS=(-c max_connections=200 -c shared_buffers=1GB -c effective_cache_size=4GB
  -c work_mem=16MB -c maintenance_work_mem=512MB -c max_wal_size=8GB -c checkpoint_timeout=30min
  -c wal_compression=on -c max_parallel_workers_per_gather=0)
pg_init "$PG_DATA" "$WORK/initdb.log"
for attempt in 1 2 3; do
  PG_PORT=$(free_port)
  if ((attempt == 3)); then
    pg_start "$PG_DATA" "$PG_PORT" "$WORK" "$WORK/postgres.log" "${PG_SETTINGS[@]}"
  elif (pg_start "$PG_DATA" "$PG_PORT" "$WORK" "$WORK/postgres.log" "${PG_SETTINGS[@]}") 2>/dev/null; then
    break
  fi
done
PG_STARTED=1
ROOT_URL=postgres://postgres@127.0.0.1:$PG_PORT
q() { # q DB SQL... — one statement, unaligned output
  local db=$1
  shift
  "$PSQL" -X -w -q -At -v ON_ERROR_STOP=1 -d "$ROOT_URL/$db" -c "$*"
}
settings=$(q postgres "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_wal_size', 'wal_level')")
say "postgres: 127.0.0.1:$PG_PORT (a cluster of its own in $WORK): $settings"

DB=dfresto
export DATABASE_URL=$ROOT_URL/$DB
q postgres "CREATE DATABASE $DB"
step "dfresto-web migrate"
fg_run "$WEB" migrate >/dev/null || die "migrations failed (see above)"

needs_orders=0
for p in order_create enqueue_cost job_drain reports imports; do wants "$p" && needs_orders=1; done
if ((needs_orders)); then
  step "dfresto-web seed --scale bench --orders $ORDERS (about a minute for a million)"
  t0=$(now)
  fg_run "$WEB" seed --scale bench --orders "$ORDERS" >"$WORK/seed.log" 2>&1 ||
    die "seeding failed: $(tail -n 3 "$WORK/seed.log")"
  seed_secs=$(elapsed "$t0" "$(now)")
  step "VACUUM ANALYZE (so autovacuum does not start during the measurements)"
  t0=$(now)
  "$PG_BIN/vacuumdb" -w -q -z -j 2 -d "$DATABASE_URL" || die "vacuumdb failed"
  say "data:     $(q "$DB" "SELECT format('%s orders, %s order items, %s POs, %s invoices, %s mitra, %s stokis',
    (SELECT count(*) FROM orders), (SELECT count(*) FROM order_items), (SELECT count(*) FROM purchase_orders),
    (SELECT count(*) FROM invoices), (SELECT count(*) FROM mitra), (SELECT count(*) FROM stokis))")"
  say "          seeded in ${seed_secs} s, vacuumed in $(elapsed "$t0" "$(now)") s"
fi

WEB_PORT=''
WEB_PID=''
# start_web LOG [VAR=value...] — the web tier on a free port, answering /healthz.
start_web() {
  local log=$1 deadline
  shift
  WEB_PORT=$(free_port)
  start "$log" env -u DFRESTO_BENCH_SKIP_ENQUEUE PORT="$WEB_PORT" BIND_ADDR=127.0.0.1 BASE_DOMAIN=localhost "$@" "$WEB" serve
  WEB_PID=$LAST_PID
  deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null -H "Host: localhost" "http://127.0.0.1:$WEB_PORT/healthz" 2>/dev/null; do
    kill -0 "$WEB_PID" 2>/dev/null || die "the web tier exited while starting: $(tail -n 3 "$log")"
    ((SECONDS < deadline)) || die "the web tier did not answer /healthz within 60 s: $(tail -n 3 "$log")"
    sleep 0.2
  done
}

# run_wrk NAME SECONDS [PORT] — wrk against POST /api/v1/orders of the web tier on PORT
# ($WEB_PORT by default); sets W_* from its RESULT line.
run_wrk() {
  local name=$1 secs=$2 port=${3:-$WEB_PORT} out
  out=$WORK/wrk-$name.txt
  wrk -t 2 -c "$CONNECTIONS" -d "${secs}s" --latency --timeout 10s -s "$BENCH_DIR/order_create.lua" \
    "http://127.0.0.1:$port" -- "$WORK/tokens.tsv" "mitra.localhost:$port" >"$out" 2>&1 ||
    die "wrk failed: $(tail -n 3 "$out")"
  local line
  line=$(grep '^RESULT ' "$out") || die "wrk printed no RESULT line: $(tail -n 3 "$out")"
  W_RPS=$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")
  W_P50=$(sed -E 's/.* p50_ms=([0-9.]+).*/\1/' <<<"$line")
  W_P95=$(sed -E 's/.* p95_ms=([0-9.]+).*/\1/' <<<"$line")
  W_P99=$(sed -E 's/.* p99_ms=([0-9.]+).*/\1/' <<<"$line")
  W_REQ=$(sed -E 's/.*RESULT requests=([0-9]+).*/\1/' <<<"$line")
  W_NON2XX=$(sed -E 's/.* non2xx=([0-9]+).*/\1/' <<<"$line")
  W_SOCKET=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(connect|read|write|timeout)=/) { split($i, a, "="); s += a[2] } } END { print s + 0 }' <<<"$line")
}

# --- order_create and enqueue_cost -----------------------------------------------------------------

if wants order_create || wants enqueue_cost; then
  step "choosing 8 products per mitra for $USERS mitra users; topping up thin stock"
  # Placing an order checks the stokis's stock but does not take it (shipping does), so load
  # cannot run stock out: each mitra orders 2 of 8 products its stokis stocks most of, and any of
  # those below 1,000 is topped up by an ADJUSTMENT, ledger row included, before the run.
  q "$DB" "CREATE SCHEMA bench;
    CREATE TABLE bench.picks AS
    SELECT row_number() OVER (ORDER BY u.username)::int AS n, u.username, u.id AS user_id, u.mitra_id,
           p.products
    FROM (SELECT * FROM users WHERE role = 'MITRA' AND active ORDER BY username LIMIT $USERS) u
    JOIN mitra m ON m.id = u.mitra_id
    CROSS JOIN LATERAL (
      SELECT array_agg(x.product_id ORDER BY x.product_id) AS products FROM (
        SELECT ss.product_id FROM stokis_stock ss JOIN products pr ON pr.id = ss.product_id AND pr.active
        WHERE ss.stokis_id = m.stokis_id ORDER BY ss.qty DESC, ss.product_id LIMIT 8) x) p;
    CREATE UNIQUE INDEX ON bench.picks (n);
    ANALYZE bench.picks;"
  short=$(q "$DB" "SELECT count(*) FROM bench.picks WHERE cardinality(products) < 8")
  ((short == 0)) || die "$short mitra have a stokis stocking fewer than 8 products — the bench data is not what this script expects"
  topped=$(q "$DB" "WITH low AS (
      SELECT DISTINCT ss.stokis_id, ss.product_id, ss.qty FROM bench.picks b JOIN mitra m ON m.id = b.mitra_id
      JOIN stokis_stock ss ON ss.stokis_id = m.stokis_id AND ss.product_id = ANY (b.products) WHERE ss.qty < 1000),
    up AS (UPDATE stokis_stock s SET qty = 1000, updated_at = now() FROM low
      WHERE s.stokis_id = low.stokis_id AND s.product_id = low.product_id RETURNING s.stokis_id, s.product_id, 1000 - low.qty AS delta),
    led AS (INSERT INTO stock_movements (location, stokis_id, product_id, delta, balance_after, reason, note)
      SELECT 'STOKIS', stokis_id, product_id, delta, 1000, 'ADJUSTMENT', 'make bench top-up' FROM up RETURNING 1)
    SELECT count(*) FROM led")
  say "stock:    $topped stokis stock rows topped up to 1,000 (orders ask for 2 of each of 8 products and take no stock)"

  start_web "$WORK/web.log"
  web_start_kb=$(vm "$WEB_PID" VmRSS)
  step "web tier on 127.0.0.1:$WEB_PORT (pool DB_MAX_CONNECTIONS=${DB_MAX_CONNECTIONS:-20}); logging in $USERS mitra users"
  q "$DB" "SELECT username FROM bench.picks ORDER BY n" >"$WORK/usernames.txt"
  mkdir -p "$WORK/login"
  # One curl, four logins at a time; `next` separates the requests of its config file.
  sep=''
  while read -r u; do
    printf '%surl = "http://127.0.0.1:%s/api/v1/auth/login"\nheader = "Host: mitra.localhost:%s"\nheader = "Content-Type: application/json"\ndata = "{\\"username\\":\\"%s\\",\\"password\\":\\"dfresto-demo\\"}"\noutput = "%s/login/%s.json"\n' \
      "$sep" "$WEB_PORT" "$WEB_PORT" "$u" "$WORK" "$u"
    sep=$'next\n'
  done <"$WORK/usernames.txt" >"$WORK/login.cfg"
  t0=$(now)
  curl -sS --no-progress-meter --parallel --parallel-max 4 -K "$WORK/login.cfg" ||
    die "logging in failed (curl, see above)"
  login_secs=$(elapsed "$t0" "$(now)")
  # tokens.tsv: "token<TAB>order body" per user, in the picks' order.
  q "$DB" "SELECT username, json_build_object('items', (SELECT json_agg(json_build_object('product_id', p, 'qty', 2))
      FROM unnest(products) p), 'note', 'make bench')::text FROM bench.picks ORDER BY n" >"$WORK/bodies.tsv"
  awk -F'|' -v dir="$WORK/login" '{
      file = dir "/" $1 ".json"; token = ""
      if ((getline line < file) > 0 && match(line, /"token":"[^"]+"/)) token = substr(line, RSTART + 9, RLENGTH - 10)
      close(file)
      if (token != "") print token "\t" $2
    }' "$WORK/bodies.tsv" >"$WORK/tokens.tsv"
  logged_in=$(wc -l <"$WORK/tokens.tsv")
  if ((logged_in != USERS)); then
    answers=("$WORK"/login/*.json)
    die "only $logged_in of $USERS logins gave a token (one answer: $(head -c 300 "${answers[0]}"))"
  fi
  web_login_kb=$(vm "$WEB_PID" VmRSS)
  say "logins:   $logged_in bearer tokens in $login_secs s (argon2id dominates); web RSS $(kb_to_mb "$web_start_kb") MB at start, $(kb_to_mb "$web_login_kb") MB after the logins"
  picks=$(q "$DB" "SELECT count(*) FROM bench.picks")
fi

# run_pgbench NAME SECONDS — the order_create baseline transaction at $CONNECTIONS clients; sets
# P_TPS, P_FAILED and P_P50/P_P95/P_P99 (ms, from its per-transaction log).
run_pgbench() {
  local name=$1 secs=$2 dir=$WORK/pgbench-$1
  mkdir -p "$dir"
  (cd "$dir" && "$PGBENCH" -n -M prepared -c "$CONNECTIONS" -j 2 -T "$secs" -D picks="$picks" \
    -f "$BENCH_DIR/order_create.pgbench" -l --log-prefix=tx -d "$DATABASE_URL") >"$dir.txt" 2>&1 ||
    die "pgbench failed: $(tail -n 5 "$dir.txt")"
  P_TPS=$(calc "%.1f" "$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$dir.txt" | tail -n 1)")
  P_FAILED=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$dir.txt")
  read -r P_P50 P_P95 P_P99 < <(cat "$dir"/tx.* | awk '{ print $3 / 1000 }' | sort -n |
    awk '{ v[NR] = $1 } END { printf "%.2f %.2f %.2f\n", v[int(NR * 0.50) + 1], v[int(NR * 0.95) + 1], v[int(NR * 0.99) + 1] }')
}

# middle A B C — the middle one of three numbers.
middle() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

if wants order_create; then
  step "warming up: wrk for 5 s (not measured)"
  run_wrk warmup 5

  # The web tier and its baseline take turns (pgbench, wrk, wrk, pgbench, pgbench, wrk) in
  # rounds of half the duration, so a change in the machine's load within the minute weighs on
  # both alike: rates are the mean of each one's three rounds, latencies the middle round's.
  half=$((DURATION / 2))
  step "order_create: wrk (POST /api/v1/orders, 8 lines) and pgbench (the same transaction in SQL), $CONNECTIONS clients each, 6 alternating rounds of $half s"
  q "$DB" "CHECKPOINT"
  declare -A rates=() p50s=() p95s=() p99s=()
  web_req=0 web_non2xx=0 pg_failed=0 r=0
  for tool in pgbench wrk wrk pgbench pgbench wrk; do
    r=$((r + 1))
    if [[ $tool == wrk ]]; then
      run_wrk "round$r" "$half"
      rates[wrk]+=" $W_RPS" p50s[wrk]+=" $W_P50" p95s[wrk]+=" $W_P95" p99s[wrk]+=" $W_P99"
      web_req=$((web_req + W_REQ)) web_non2xx=$((web_non2xx + W_NON2XX + W_SOCKET))
    else
      run_pgbench "round$r" "$half"
      rates[pgbench]+=" $P_TPS" p50s[pgbench]+=" $P_P50" p95s[pgbench]+=" $P_P95" p99s[pgbench]+=" $P_P99"
      pg_failed=$((pg_failed + ${P_FAILED:-0}))
    fi
  done
  mean3() { calc "%.1f" "($(sed -E 's/^ //; s/ / + /g' <<<"$1")) / 3"; }
  W_RPS=$(mean3 "${rates[wrk]}") PG_TPS=$(mean3 "${rates[pgbench]}")
  # shellcheck disable=SC2086 # the lists are space-separated numbers
  {
    W_P50=$(middle ${p50s[wrk]}) W_P95=$(middle ${p95s[wrk]}) W_P99=$(middle ${p99s[wrk]})
    PG_P50=$(middle ${p50s[pgbench]}) PG_P95=$(middle ${p95s[pgbench]}) PG_P99=$(middle ${p99s[pgbench]})
  }
  web_peak_kb=$(vm "$WEB_PID" VmHWM)
  row "order_create (web, HTTP)" "$W_RPS req/s" "p50 $W_P50 ms" "p95 $W_P95" "p99 $W_P99 ms; rounds:${rates[wrk]} req/s; $web_req requests, non-2xx/errors $web_non2xx"
  row "order_create baseline (pgbench)" "$PG_TPS tx/s" "p50 $PG_P50 ms" "p95 $PG_P95" "p99 $PG_P99 ms; rounds:${rates[pgbench]} tx/s; failed $pg_failed"
  ratio=$(calc "%.2f" "$W_RPS / $PG_TPS")
  metric order_create "$W_RPS" "$PG_TPS" "$ratio"
  metric order_create_p50_ms "$W_P50" "$PG_P50" "$(calc "%.2f" "$W_P50 / $PG_P50")"
  metric order_create_p95_ms "$W_P95" "$PG_P95" "$(calc "%.2f" "$W_P95 / $PG_P95")"
  metric order_create_p99_ms "$W_P99" "$PG_P99" "$(calc "%.2f" "$W_P99 / $PG_P99")"
  metric order_create_non2xx "$web_non2xx" 0 -
  WITH_RPS=$W_RPS
  ORDER_RATIO=$ratio
  ORDER_P99=$W_P99
  ORDER_NON2XX=$web_non2xx
fi

if wants enqueue_cost; then
  # A few percent is the effect to see, on a machine whose load drifts by more than that within
  # a minute: a second web tier with the switch runs beside the first, and the two take turns
  # (with, without, without, with, with, without) in rounds of half the duration each.
  WITH_PORT=$WEB_PORT
  WITH_PID=$WEB_PID
  step "enqueue_cost: a second web tier with DFRESTO_BENCH_SKIP_ENQUEUE=1; 6 alternating rounds of $((DURATION / 2)) s"
  start_web "$WORK/web-skip.log" DFRESTO_BENCH_SKIP_ENQUEUE=1
  SKIP_PORT=$WEB_PORT
  SKIP_PID=$WEB_PID
  grep -q 'DFRESTO_BENCH_SKIP_ENQUEUE=1' "$WORK/web-skip.log" ||
    die "the web tier did not warn about DFRESTO_BENCH_SKIP_ENQUEUE at start-up"
  [[ -n ${WITH_RPS:-} ]] || run_wrk warmup 5 "$WITH_PORT"
  run_wrk warmup-skip 5 "$SKIP_PORT"
  jobs_before=$(q "$DB" "SELECT count(*) FROM apalis.jobs")
  run_wrk skip-check 2 "$SKIP_PORT"
  jobs_after=$(q "$DB" "SELECT count(*) FROM apalis.jobs")
  ((jobs_after == jobs_before)) || die "DFRESTO_BENCH_SKIP_ENQUEUE=1 still enqueued $((jobs_after - jobs_before)) jobs"
  declare -A req=([with]=0 [without]=0) secs=([with]=0 [without]=0) non2xx=([with]=0 [without]=0) rounds=()
  r=0
  for variant in with without without with with without; do
    r=$((r + 1))
    port=$WITH_PORT
    [[ $variant == without ]] && port=$SKIP_PORT
    run_wrk "round$r-$variant" $((DURATION / 2)) "$port"
    req[$variant]=$((req[$variant] + W_REQ))
    secs[$variant]=$(calc "%.3f" "${secs[$variant]} + $(sed -E 's/.* seconds=([0-9.]+).*/\1/' <<<"$(grep '^RESULT ' "$WORK/wrk-round$r-$variant.txt")")")
    non2xx[$variant]=$((non2xx[$variant] + W_NON2XX + W_SOCKET))
    rounds[$variant]+="${rounds[$variant]:+, }$W_RPS"
  done
  E_WITH=$(calc "%.1f" "${req[with]} / ${secs[with]}")
  E_WITHOUT=$(calc "%.1f" "${req[without]} / ${secs[without]}")
  cost=$(calc "%.3f" "($E_WITHOUT - $E_WITH) / $E_WITHOUT")
  row "enqueue_cost: with the job row" "$E_WITH req/s" "" "" "rounds: ${rounds[with]} req/s; ${req[with]} requests, non-2xx/errors ${non2xx[with]}"
  row "enqueue_cost: without (bench switch)" "$E_WITHOUT req/s" "" "" "rounds: ${rounds[without]} req/s; ${req[without]} requests, non-2xx/errors ${non2xx[without]}"
  row "enqueue_cost" "$(calc "%.1f" "$cost * 100") %" "" "" "(without − with) / without"
  metric enqueue_cost "$E_WITH" "$E_WITHOUT" "$cost"
  for pid in "$WITH_PID" "$SKIP_PID"; do
    k=$(vm "$pid" VmHWM)
    ((k > ${web_peak_kb:-0})) && web_peak_kb=$k
  done
  finish "$SKIP_PID"
  WEB_PID=$WITH_PID
  ENQUEUE_COST=$cost
fi
if [[ -n $WEB_PID ]] && kill -0 "$WEB_PID" 2>/dev/null; then finish "$WEB_PID"; fi

# --- job_drain ---------------------------------------------------------------------------------------

# The worker with its default concurrency and batch sizes, the fake WhatsApp transport and the
# limiter off (no daily cap, no gap between sends, no quiet hours), so the figures are the
# queue machinery's and the jobs' own, not the rate limit's. The drain consumes only the
# notifications queue, so it does the work the pgbench baseline does; the WhatsApp sends those
# notifications cause are timed on their own afterwards.
WORKER_ENV=(-u DFRESTO_BENCH_SKIP_ENQUEUE WORKER_MESSENGER=fake WORKER_CRON=0 WHATSAPP_DAILY_CAP=2000000000
  WHATSAPP_GAP_MIN_SECS=0 WHATSAPP_GAP_MAX_SECS=0 WHATSAPP_QUIET_HOURS=off)
# pgbench clients for the baseline: a per-job consumer's shape (one job per transaction) at
# the concurrency that gave pgbench its best figure here; the worker runs with its own defaults.
DRAIN_CONCURRENCY=8

# enqueue_notifications JOB_TYPE OFFSET — $JOBS order_created events for orders not used before.
enqueue_notifications() {
  q "$DB" "INSERT INTO apalis.jobs (id, job_type, job, status, attempts, max_attempts, run_at, priority, metadata)
    SELECT apalis.generate_ulid(), '$1', convert_to(json_build_object('event', 'order_created', 'order_id', id)::text, 'UTF8'),
           'Pending', 0, 10, now() - interval '1 second', 0, ''::hstore
    FROM (SELECT id FROM orders ORDER BY id DESC OFFSET $2 LIMIT $JOBS) o ORDER BY id"
  q "$DB" "VACUUM ANALYZE apalis.jobs"
  q "$DB" "CHECKPOINT"
}

# drain PROCESSES OFFSET — times worker processes from their start until the notifications
# queue is empty (the end is the last job's done_at, so polling adds no error).
drain() {
  local procs=$1 pids=() i t0 end left
  # Send jobs left over from an earlier round would compete with this one.
  q "$DB" "DELETE FROM apalis.jobs WHERE job_type IN ('notifications', 'whatsapp') AND status <> 'Done'"
  enqueue_notifications notifications "$2"
  t0=$(now)
  for ((i = 1; i <= procs; i++)); do
    start "$WORK/worker-$procs-$i.log" env "${WORKER_ENV[@]}" WORKER_QUEUES=notifications WORKER_INSTANCE="bench$i" "$WORKER"
    pids+=("$LAST_PID")
  done
  local deadline=$((SECONDS + 900))
  while :; do
    left=$(q "$DB" "SELECT count(*) FROM apalis.jobs WHERE job_type = 'notifications' AND status IN ('Pending', 'Queued', 'Running')")
    ((left == 0)) && break
    for i in "${pids[@]}"; do
      kill -0 "$i" 2>/dev/null || die "a worker exited during the drain: $(tail -n 3 "$WORK"/worker-"$procs"-*.log)"
    done
    ((SECONDS < deadline)) || die "the drain did not finish within 15 minutes ($left jobs left)"
    sleep 0.2
  done
  end=$(q "$DB" "SELECT extract(epoch FROM max(done_at)) FROM apalis.jobs WHERE job_type = 'notifications'")
  D_PEAK_KB=0
  for i in "${pids[@]}"; do
    local k
    k=$(vm "$i" VmHWM)
    ((k > D_PEAK_KB)) && D_PEAK_KB=$k
    finish "$i"
  done
  D_SECS=$(elapsed "$t0" "$end")
  D_FAILED=$(q "$DB" "SELECT count(*) FROM apalis.jobs WHERE job_type = 'notifications' AND status <> 'Done'")
  D_RATE=$(calc "%.0f" "$JOBS / $D_SECS")
}

# send_drain SECONDS — one worker on the whatsapp queue (its default: one send at a time, as the
# one WhatsApp connection and the limiter make it) sends the messages the drain wrote, for
# SECONDS; sets S_SENT and S_RATE.
send_drain() {
  local t0 pid first last
  t0=$(now)
  start "$WORK/worker-sends.log" env "${WORKER_ENV[@]}" WORKER_QUEUES=whatsapp WORKER_INSTANCE=bench-sends "$WORKER"
  pid=$LAST_PID
  sleep "$1"
  kill -0 "$pid" 2>/dev/null || die "the worker exited while sending: $(tail -n 3 "$WORK/worker-sends.log")"
  finish "$pid"
  IFS='|' read -r S_SENT first last < <(q "$DB" "SELECT count(*), extract(epoch FROM min(sent_at)), extract(epoch FROM max(sent_at))
    FROM whatsapp_logs WHERE status = 'SENT' AND sent_at >= to_timestamp($t0)")
  ((S_SENT > 1)) || die "the worker sent $S_SENT WhatsApp messages in $1 s (see $(tail -n 3 "$WORK/worker-sends.log"))"
  S_RATE=$(calc "%.0f" "($S_SENT - 1) / ($last - $first)")
}

if wants job_drain; then
  step "baseline: pgbench, one notification job's SQL per transaction, $DRAIN_CONCURRENCY clients, $JOBS jobs"
  enqueue_notifications bench_notifications $((2 * JOBS))
  per_client=$(((JOBS + DRAIN_CONCURRENCY - 1) / DRAIN_CONCURRENCY))
  # The last client may find the queue empty: top the queue up so every transaction has a job.
  extra=$((per_client * DRAIN_CONCURRENCY - JOBS))
  if ((extra > 0)); then
    q "$DB" "INSERT INTO apalis.jobs (id, job_type, job, status, attempts, max_attempts, run_at, priority, metadata)
      SELECT apalis.generate_ulid(), 'bench_notifications', convert_to(json_build_object('event', 'order_created', 'order_id', id)::text, 'UTF8'),
             'Pending', 0, 10, now() - interval '1 second', 0, ''::hstore
      FROM (SELECT id FROM orders ORDER BY id DESC OFFSET $((3 * JOBS)) LIMIT $extra) o"
  fi
  (cd "$WORK" && "$PGBENCH" -n -M prepared -c "$DRAIN_CONCURRENCY" -j 2 -t "$per_client" \
    -f "$BENCH_DIR/job_drain.pgbench" -d "$DATABASE_URL") >"$WORK/pgbench-drain.txt" 2>&1 ||
    die "pgbench (job_drain) failed: $(tail -n 5 "$WORK/pgbench-drain.txt")"
  DRAIN_TPS=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$WORK/pgbench-drain.txt" | tail -n 1)
  DRAIN_TPS=$(calc "%.0f" "$DRAIN_TPS")
  q "$DB" "DELETE FROM apalis.jobs WHERE job_type IN ('bench_notifications', 'bench_whatsapp');
    DELETE FROM whatsapp_logs WHERE dedup_key LIKE 'bench-order-%'"

  step "job_drain: $JOBS order_created notifications, one worker process (all queues, defaults)"
  drain 1 0
  ONE_RATE=$D_RATE
  worker_peak_kb=$D_PEAK_KB
  row "job_drain, 1 worker process" "$D_RATE jobs/s" "$D_SECS s" "" "$JOBS notification jobs (each writes a message and its send job), start to empty queue; not done: $D_FAILED"
  step "job_drain: the WhatsApp sends those notifications queued, one worker, 10 s"
  send_drain 10
  row "job_drain: WhatsApp sends" "$S_RATE jobs/s" "" "" "$S_SENT sent in 10 s through the fake transport, limiter off, one at a time (the default)"
  step "job_drain: another $JOBS notifications, two worker processes"
  drain 2 "$JOBS"
  TWO_RATE=$D_RATE
  row "job_drain, 2 worker processes" "$D_RATE jobs/s" "$D_SECS s" "" "not done: $D_FAILED"
  row "job_drain baseline (pgbench)" "$DRAIN_TPS jobs/s" "" "" "the same job's SQL by hand, one job per transaction, $DRAIN_CONCURRENCY clients"
  metric job_drain "$ONE_RATE" "$DRAIN_TPS" "$(calc "%.2f" "$ONE_RATE / $DRAIN_TPS")"
  metric job_drain_two_processes "$TWO_RATE" "$DRAIN_TPS" "$(calc "%.2f" "$TWO_RATE / $DRAIN_TPS")"
  metric job_drain_sends "$S_RATE" - -
fi

# --- invoice_run -------------------------------------------------------------------------------------

if wants invoice_run; then
  IDB=dfresto_invoices
  IURL=$ROOT_URL/$IDB
  TODAY=$(TZ=Asia/Jakarta date +%F)
  step "invoice_run: a database of its own with the demo master data and $INVOICES generated invoices"
  q postgres "CREATE DATABASE $IDB"
  DATABASE_URL=$IURL fg_run "$WEB" migrate >/dev/null || die "migrating $IDB failed"
  DATABASE_URL=$IURL fg_run "$WEB" seed >"$WORK/seed-invoices.log" 2>&1 || die "seeding $IDB failed: $(tail -n 3 "$WORK/seed-invoices.log")"
  existing=$(q "$IDB" "SELECT count(*) FROM invoices")
  gen=$((INVOICES > existing ? INVOICES - existing : 0))
  t0=$(now)
  "$PSQL" -X -w -q -v ON_ERROR_STOP=1 -v n="$gen" -v today="$TODAY" -d "$IURL" -f "$BENCH_DIR/invoices.sql" >/dev/null ||
    die "generating invoices failed (see above)"
  "$PG_BIN/vacuumdb" -w -q -z -d "$IURL" || die "vacuumdb $IDB failed"
  q "$IDB" "CHECKPOINT"
  read -r total past_due < <(q "$IDB" "SELECT count(*), count(*) FILTER (WHERE status = 'UNPAID' AND due_date < '$TODAY') FROM invoices" | tr '|' ' ')
  say "invoices: $total in their own database, $past_due UNPAID past due as of $TODAY (generated in $(elapsed "$t0" "$(now)") s)"
  # The copy is made before either run touches the data, file by file (no WAL for it).
  q postgres "CREATE DATABASE ${IDB}_raw TEMPLATE $IDB STRATEGY FILE_COPY"

  step "baseline: the single raw UPDATE on the copy"
  q postgres "CHECKPOINT"
  t0=$(now)
  raw_rows=$("$PSQL" -X -w -At -v ON_ERROR_STOP=1 -d "$ROOT_URL/${IDB}_raw" \
    -c "UPDATE invoices SET status = 'OVERDUE', updated_at = now() WHERE status = 'UNPAID' AND due_date < '$TODAY'" | sed -nE 's/^UPDATE ([0-9]+)$/\1/p')
  RAW_SECS=$(elapsed "$t0" "$(now)")
  # The copy has served: dropped, so autovacuum does not clean up its half a million dead rows
  # beside the domain's run.
  q postgres "DROP DATABASE ${IDB}_raw"

  step "the domain's daily run, as the worker runs it (job enqueued, worker picks it up)"
  q postgres "CHECKPOINT"
  start "$WORK/worker-invoices.log" env "${WORKER_ENV[@]}" DATABASE_URL="$IURL" WORKER_QUEUES=invoices \
    WORKER_INSTANCE=bench-invoices "$WORKER"
  ipid=$LAST_PID
  deadline=$((SECONDS + 60))
  until grep -q 'worker started' "$WORK/worker-invoices.log"; do
    kill -0 "$ipid" 2>/dev/null || die "the worker exited while starting: $(tail -n 3 "$WORK/worker-invoices.log")"
    ((SECONDS < deadline)) || die "the worker did not start within 60 s"
    sleep 0.1
  done
  sleep 1 # its consumer registers and listens just after the log line
  worker_idle_kb=$(vm "$ipid" VmRSS)
  t0=$(now)
  q "$IDB" "INSERT INTO apalis.jobs (id, job_type, job, status, attempts, max_attempts, run_at, priority, metadata)
    VALUES (apalis.generate_ulid(), 'invoices', convert_to('{\"date\":\"$TODAY\",\"triggered_by\":null}', 'UTF8'),
            'Pending', 0, 5, now() - interval '1 second', 0, ''::hstore)"
  deadline=$((SECONDS + 900))
  while :; do
    st=$(q "$IDB" "SELECT status FROM invoice_runs WHERE run_date = '$TODAY'")
    [[ $st == DONE ]] && break
    [[ $st == FAILED ]] && die "the invoice run failed: $(q "$IDB" "SELECT error FROM invoice_runs WHERE run_date = '$TODAY'")"
    kill -0 "$ipid" 2>/dev/null || die "the worker exited during the invoice run: $(tail -n 3 "$WORK/worker-invoices.log")"
    ((SECONDS < deadline)) || die "the invoice run did not finish within 15 minutes"
    sleep 0.05
  done
  RUN_SECS=$(elapsed "$t0" "$(now)")
  worker_run_peak_kb=$(vm "$ipid" VmHWM)
  finish "$ipid"
  IFS='|' read -r marked reminders alerts inner < <(q "$IDB" "SELECT overdue_marked, reminders, overdue_alerts,
    round(extract(epoch FROM finished_at - started_at)::numeric, 3) FROM invoice_runs WHERE run_date = '$TODAY'")
  ((marked == raw_rows)) || warn "the run marked $marked invoices, the raw UPDATE $raw_rows"
  steps=$(grep -m 1 'invoice run steps done' "$WORK/worker-invoices.log" || true)
  step_secs() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) printf "%.3f", substr($i, length(k) + 2) / 1000 }' <<<"$steps"; }
  MARK_SECS=$(step_secs mark_ms)
  told=$(q "$IDB" "SELECT count(*) FROM invoices WHERE status <> 'PAID' AND due_date BETWEEN '$TODAY'::date - 30 AND '$TODAY'::date + 7")
  ratio=$(calc "%.2f" "$RUN_SECS / $RAW_SECS")
  row "invoice_run (domain, via worker)" "$RUN_SECS s" "" "" "$marked marked OVERDUE, $reminders reminder and $alerts overdue messages (about $told invoices within their reach); ${inner} s inside its transaction"
  row "  step 1: mark overdue + history" "${MARK_SECS:-?} s" "" "" "then reminders $(step_secs reminders_ms) s, overdue alerts $(step_secs alerts_ms) s"
  row "invoice_run baseline (raw UPDATE)" "$RAW_SECS s" "" "" "$raw_rows rows, on a copy of the same data"
  metric invoice_run "$RUN_SECS" "$RAW_SECS" "$ratio"
  [[ -n $MARK_SECS ]] && metric invoice_run_mark_overdue "$MARK_SECS" "$RAW_SECS" "$(calc "%.2f" "$MARK_SECS / $RAW_SECS")"
  INVOICE_RATIO=$ratio
fi

# --- reports ---------------------------------------------------------------------------------------

if wants reports; then
  # The three sales reports on the million orders; aging on the million invoices when the
  # invoice_run part built them. `time-report` requests the report, renders it as a job does
  # (snapshot, render, store) and times that against the report's aggregate SQL alone, three
  # rounds each, in one process whose peak RSS it reports.
  month=$(q "$DB" "SELECT to_char(max(created_at) AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM') FROM orders")
  [[ -n $month ]] || month=$(TZ=Asia/Jakarta date +%Y-%m)
  first="$month-01"
  last=$(q "$DB" "SELECT (date '$first' + interval '1 month' - interval '1 day')::date")
  today=$(TZ=Asia/Jakarta date +%F)
  [[ $last > $today ]] && last=$today
  aging_db=$DB
  [[ -n ${IDB:-} ]] && aging_db=$IDB
  REPORT_PEAK_KB=0
  for spec in "MONTHLY_SALES|$DB|{\"month\":\"$month\"}" \
    "TOP_PRODUCTS|$DB|{\"from\":\"$first\",\"to\":\"$last\",\"limit\":20}" \
    "STOKIS_PERFORMANCE|$DB|{\"from\":\"$first\",\"to\":\"$last\"}" \
    "INVOICE_AGING|$aging_db|{\"as_of\":\"$today\"}"; do
    IFS='|' read -r kind rdb params <<<"$spec"
    for format in PDF XLSX; do
      step "report $kind $format on $rdb $params"
      out=$(DATABASE_URL=$ROOT_URL/$rdb fg_run "$WORKER" time-report --kind "$kind" --format "$format" \
        --params "$params" --rounds 3 2>"$WORK/time-report.log") ||
        die "time-report $kind $format failed: $(tail -n 3 "$WORK/time-report.log")"
      # The figures are the one `report=` line; the rest of stdout is the worker's log.
      out=$(grep -m 1 '^report=' <<<"$out") || die "time-report $kind $format printed no figures"
      job_ms=$(sed -nE 's/.*job_ms=([0-9.]+).*/\1/p' <<<"$out")
      base_ms=$(sed -nE 's/.*baseline_ms=([0-9.]+).*/\1/p' <<<"$out")
      size=$(sed -nE 's/.*size=([0-9]+).*/\1/p' <<<"$out")
      rss=$(sed -nE 's/.*peak_rss_mb=([0-9.]+).*/\1/p' <<<"$out")
      name=$(tr '[:upper:]' '[:lower:]' <<<"report_${kind}_${format}")
      ratio=$(calc "%.2f" "$job_ms / ($base_ms > 0 ? $base_ms : 1)")
      row "$name" "$job_ms ms" "sql $base_ms ms" "$ratio" "file $((size / 1024)) KB, worker peak RSS $rss MB"
      metric "$name" "$job_ms" "$base_ms" "$ratio"
      REPORT_PEAK_KB=$(awk -v a="$REPORT_PEAK_KB" -v b="$rss" 'BEGIN { k = b * 1024; print (k > a ? k : a) }')
      REPORT_RATIOS+=("$ratio")
    done
  done
  metric memory_worker_reports_mb "$(kb_to_mb "$REPORT_PEAK_KB")" - -
fi

# --- imports -------------------------------------------------------------------------------------

if wants imports; then
  # Last: it changes the data. Every mitra is moved to another stokis, then the mitra file
  # downloaded before the move moves each one back: a preview and a commit of one update per
  # mitra, each against reading the same file alone (calamine).
  step "time-import: a mitra file of every mitra, previewed and committed"
  out=$(fg_run "$WEB" time-import 2>"$WORK/time-import.log") ||
    die "time-import failed: $(tail -n 3 "$WORK/time-import.log")"
  out=$(grep -m 1 '^import=' <<<"$out") || die "time-import printed no figures"
  rows=$(sed -nE 's/.* rows=([0-9]+).*/\1/p' <<<"$out")
  read_ms=$(sed -nE 's/.*read_ms=([0-9.]+).*/\1/p' <<<"$out")
  IMPORT_PREVIEW_MS=$(sed -nE 's/.*preview_ms=([0-9.]+).*/\1/p' <<<"$out")
  IMPORT_COMMIT_MS=$(sed -nE 's/.*commit_ms=([0-9.]+).*/\1/p' <<<"$out")
  updated=$(sed -nE 's/.*updated=([0-9]+).*/\1/p' <<<"$out")
  base=$(calc "%.1f" "($read_ms > 0 ? $read_ms : 1)")
  row import_mitra_preview "$IMPORT_PREVIEW_MS ms" "read $read_ms ms" "$(calc "%.2f" "$IMPORT_PREVIEW_MS / $base")" "$rows rows"
  row import_mitra_commit "$IMPORT_COMMIT_MS ms" "read $read_ms ms" "$(calc "%.2f" "$IMPORT_COMMIT_MS / $base")" "$updated updated"
  metric import_mitra_preview "$IMPORT_PREVIEW_MS" "$read_ms" "$(calc "%.2f" "$IMPORT_PREVIEW_MS / $base")"
  metric import_mitra_commit "$IMPORT_COMMIT_MS" "$read_ms" "$(calc "%.2f" "$IMPORT_COMMIT_MS / $base")"
fi

# --- memory --------------------------------------------------------------------------------------------

if [[ -n ${web_peak_kb:-} ]]; then
  row "memory: web, peak RSS under load" "$(kb_to_mb "$web_peak_kb") MB" "start $(kb_to_mb "$web_start_kb") MB" "" "VmHWM after logins and the order_create runs; $(kb_to_mb "$web_login_kb") MB right after the $USERS logins"
  metric memory_web_mb "$(kb_to_mb "$web_peak_kb")" "$(kb_to_mb "$web_start_kb")" "$(calc "%.2f" "$web_peak_kb / $web_start_kb")"
fi
if [[ -n ${worker_peak_kb:-} ]]; then
  row "memory: worker, peak RSS in drain" "$(kb_to_mb "$worker_peak_kb") MB" "" "" "VmHWM of the one-process drain"
  metric memory_worker_drain_mb "$(kb_to_mb "$worker_peak_kb")" - -
fi
if [[ -n ${worker_run_peak_kb:-} ]]; then
  row "memory: worker, peak RSS in run" "$(kb_to_mb "$worker_run_peak_kb") MB" "idle $(kb_to_mb "${worker_idle_kb:-0}") MB" "" "VmHWM during the invoice run"
  metric memory_worker_invoice_run_mb "$(kb_to_mb "$worker_run_peak_kb")" "$(kb_to_mb "${worker_idle_kb:-0}")" "$(calc "%.2f" "${worker_run_peak_kb} / ${worker_idle_kb:-1}")"
fi

# --- report ------------------------------------------------------------------------------------------

goal() { # goal TEXT MET(0|1)
  if (($2)); then say "  met    $1"; else say "  SHORT  $1"; fi
}
say ""
say "$(printf '%-34s %14s %14s %9s  %s' figure value "" "" notes)"
for r in "${TABLE[@]}"; do say "$r"; done
say ""
for m in "${METRICS[@]}"; do say "$m"; done
say ""
say "goals:"
if [[ -n ${ORDER_RATIO:-} ]]; then
  goal "order_create ≥ 0.7 × pgbench (got $ORDER_RATIO)" "$(awk -v r="$ORDER_RATIO" 'BEGIN { print (r >= 0.7) }')"
  goal "order_create p99 < 50 ms (got $ORDER_P99 ms)" "$(awk -v r="$ORDER_P99" 'BEGIN { print (r < 50) }')"
  goal "order_create without errors (got $ORDER_NON2XX)" "$((ORDER_NON2XX == 0))"
fi
[[ -n ${ENQUEUE_COST:-} ]] &&
  goal "enqueue_cost ≤ 10 % (got $(calc "%.1f" "$ENQUEUE_COST * 100") %)" "$(awk -v r="$ENQUEUE_COST" 'BEGIN { print (r <= 0.10) }')"
[[ -n ${ONE_RATE:-} ]] &&
  goal "job_drain ≥ 2,000 jobs/s from one process (got $ONE_RATE)" "$(awk -v r="$ONE_RATE" 'BEGIN { print (r >= 2000) }')"
[[ -n ${INVOICE_RATIO:-} ]] &&
  goal "invoice_run ≤ 1.2 × the raw UPDATE (got $INVOICE_RATIO)" "$(awk -v r="$INVOICE_RATIO" 'BEGIN { print (r <= 1.2) }')"
if ((${#REPORT_RATIOS[@]})); then
  worst=$(printf '%s\n' "${REPORT_RATIOS[@]}" | sort -g | tail -n 1)
  goal "every report ≤ 1.5 × its aggregate SQL alone (worst $worst)" "$(awk -v r="$worst" 'BEGIN { print (r <= 1.5) }')"
  goal "worker peak RSS while rendering < 200 MB (got $(kb_to_mb "$REPORT_PEAK_KB") MB)" "$(awk -v k="$REPORT_PEAK_KB" 'BEGIN { print (k < 200 * 1024) }')"
fi
if [[ -n ${IMPORT_PREVIEW_MS:-} ]]; then
  goal "a mitra file previews in < 2 s (got $IMPORT_PREVIEW_MS ms)" "$(awk -v r="$IMPORT_PREVIEW_MS" 'BEGIN { print (r < 2000) }')"
  goal "and commits in < 2 s (got $IMPORT_COMMIT_MS ms)" "$(awk -v r="$IMPORT_COMMIT_MS" 'BEGIN { print (r < 2000) }')"
fi
say ""
say "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at the end"
cp "$REPORT" "$RESULT_FILE"
step "results written to ${RESULT_FILE#"$REPO"/}"
