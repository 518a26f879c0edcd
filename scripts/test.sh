#!/usr/bin/env bash
# Owns: `make test` (and so CI) — installs what the tests need, checks formatting and clippy,
# starts a throwaway PostgreSQL cluster (or uses TEST_DATABASE_URL), runs every test, and removes
# the cluster whatever happens. Extra arguments go to the test binaries (a name filter, say).
set -euo pipefail
SCRIPT="make test"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

# Two cores: more threads than cores still pays because tests mostly wait on PostgreSQL.
TEST_THREADS=${TEST_THREADS:-4}
SKIP_LINT=${SKIP_LINT:-0}
DRY_RUN=${DRY_RUN:-0}

# Each cargo step prints its command; DRY_RUN=1 stops there (to check the plumbing quickly).
run() {
  step "$*"
  ((DRY_RUN)) && return 0
  fg_run "$@"
}

command -v cargo >/dev/null 2>&1 ||
  die "cargo not found — install Rust (https://rustup.rs) and open a new shell, then retry"

# fonts-liberation gives browser screenshots real text metrics; chromium only recommends it.
ensure_packages postgresql postgresql-contrib chromium chromium-driver poppler-utils fonts-liberation libreoffice-calc-nogui
export CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver}
export CHROME=${CHROME:-/usr/bin/chromium}

PG_TMP=''
cleanup() {
  # Nothing may stop the clean-up half-way: not a failed command, not a closed output.
  set +e
  trap '' INT TERM HUP PIPE
  fg_stop
  rm -f "${TEST_LOG:-}"
  if [[ -n $PG_TMP ]]; then
    step "stopping the test PostgreSQL cluster and removing $PG_TMP"
    pg_stop "$PG_TMP/data"
    rm -rf "$PG_TMP"
    PG_TMP=''
  fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP
trap 'exec >/dev/null 2>&1; cleanup; exit 141' PIPE

declare -A result=()
failed=0
record() { # record NAME STATUS
  result[$1]=$([[ $2 == 0 ]] && echo ok || echo "FAILED ($2)")
  [[ $2 == 0 ]] || failed=1
}

if ((SKIP_LINT)); then
  step "SKIP_LINT=1: not running cargo fmt and cargo clippy"
else
  rc=0
  run cargo fmt --all -- --check || rc=$?
  ((rc == 0)) || warn "formatting differs (diff above) — run: cargo fmt --all"
  record fmt "$rc"
  rc=0
  run cargo clippy --workspace --all-targets -- -D warnings || rc=$?
  record clippy "$rc"
fi

# --- a throwaway PostgreSQL cluster --------------------------------------------------------------

if [[ -n ${TEST_DATABASE_URL:-} ]]; then
  step "using TEST_DATABASE_URL=$(redact_url "$TEST_DATABASE_URL") (no cluster of our own)"
  db_check "$TEST_DATABASE_URL"
  DATABASE_URL=$TEST_DATABASE_URL
else
  ensure_postgres
  # /tmp rather than the checkout: the postgres OS user may not be allowed into the checkout.
  PG_TMP=$(mktemp -d /tmp/dfresto-test-pg.XXXXXX)
  pg_prepare_dir "$PG_TMP"
  chmod 755 "$PG_TMP"
  pg_init "$PG_TMP/data" "$PG_TMP/initdb.log"
  # Durability is pointless for a throwaway cluster; connections are many (parallel tests, pools).
  settings=(-c fsync=off -c synchronous_commit=off -c full_page_writes=off
    -c max_connections=300 -c shared_buffers=256MB -c max_parallel_workers_per_gather=0)
  for attempt in 1 2 3; do
    PG_PORT=$(free_port)
    step "starting a test PostgreSQL on 127.0.0.1:$PG_PORT ($PG_TMP)"
    # A parallel run may grab the same port between the check and the start: try another; the
    # last try reports the log's last line (the folder is deleted on exit).
    if ((attempt == 3)); then
      pg_start "$PG_TMP/data" "$PG_PORT" "$PG_TMP" "$PG_TMP/postgres.log" "${settings[@]}"
    elif (pg_start "$PG_TMP/data" "$PG_PORT" "$PG_TMP" "$PG_TMP/postgres.log" "${settings[@]}") 2>/dev/null; then
      break
    fi
  done
  DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres
fi
# Tests create their own databases from this URL.
export DATABASE_URL
note "DATABASE_URL=$(redact_url "$DATABASE_URL")  CHROME=$CHROME  CHROMEDRIVER=$CHROMEDRIVER"
if ((DRY_RUN)); then
  "${PG_BIN:+$PG_BIN/}psql" -X -w -d "$DATABASE_URL" -tAc 'select version()' | sed 's/^/    /'
fi

# cargo prints one "test result:" line per test binary; a copy of its output lets the run end on
# one line with the totals. --no-fail-fast: one failing binary must not hide the others' results.
TEST_LOG=$(mktemp /tmp/dfresto-test-log.XXXXXX)
exec {tee_fd}> >(tee "$TEST_LOG")
tee_pid=$!
test_rc=0
run cargo test --workspace --no-fail-fast -- --test-threads="$TEST_THREADS" "$@" >&"$tee_fd" || test_rc=$?
exec {tee_fd}>&-
wait "$tee_pid" 2>/dev/null || true
record test "$test_rc"
read -r passed failed_n ignored < <(awk '/^test result:/ {
    for (i = 1; i <= NF; i++) {
      if ($(i + 1) ~ /^passed/) p += $i
      if ($(i + 1) ~ /^failed/) f += $i
      if ($(i + 1) ~ /^ignored/) g += $i
    }
  } END { print p + 0, f + 0, g + 0 }' "$TEST_LOG")
rm -f "$TEST_LOG"

cleanup
summary=''
for k in fmt clippy test; do [[ -n ${result[$k]:-} ]] && summary+="$k: ${result[$k]}, "; done
if ((failed)); then
  printf '%s: FAILED — %s\n' "$SCRIPT" "${summary%, }" >&2
else
  step "all good — ${summary%, }"
fi
echo "tests: $passed passed, $failed_n failed, $ignored skipped"
if ((failed)); then exit $((test_rc ? test_rc : 1)); fi
