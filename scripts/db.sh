#!/usr/bin/env bash
# Owns: small chores on `make run`'s private PostgreSQL cluster under .data/ — psql into it, show
# its status, stop one left running, or delete it (and so the demo data) to start over.
set -euo pipefail
SCRIPT="db"
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

PG_PORT=${PG_PORT:-5433}
DEV_DATA_DIR=${DEV_DATA_DIR:-$REPO/.data}
PG_DATA=$DEV_DATA_DIR/pg
PG_RUN=$DEV_DATA_DIR/pg-run

usage() { die "usage: scripts/db.sh psql|status|stop|reset"; }

# Only the cluster's own files tell whether it exists; nothing here installs PostgreSQL.
have_cluster() {
  [[ -f $PG_DATA/PG_VERSION ]] || return 1
  PG_BIN=$(pg_bindir)
  [[ -n $PG_BIN ]] || die "PostgreSQL is not installed — make run installs it"
  pg_bin_for "$PG_DATA"
}

case ${1:-} in
  psql)
    if [[ -n ${DATABASE_URL:-} ]]; then exec psql -X -d "$DATABASE_URL"; fi
    have_cluster || die "there is no private cluster in ${PG_DATA#"$REPO"/} yet — start one with make run"
    pg_running "$PG_DATA" || die "the private cluster is not running — start it with make run (in another terminal)"
    port=$(sed -n 4p "$PG_DATA/postmaster.pid")
    exec "$PG_BIN/psql" -X -h 127.0.0.1 -p "${port:-$PG_PORT}" -U postgres dfresto
    ;;
  status)
    if ! have_cluster; then
      echo "no private cluster in ${PG_DATA#"$REPO"/}"
    elif pg_running "$PG_DATA"; then
      echo "running: ${PG_DATA#"$REPO"/}, port $(sed -n 4p "$PG_DATA/postmaster.pid"), pid $(head -n 1 "$PG_DATA/postmaster.pid")"
    else
      echo "stopped: ${PG_DATA#"$REPO"/} ($(du -sh "$PG_DATA" 2>/dev/null | cut -f1))"
    fi
    ;;
  stop)
    have_cluster || exit 0
    pg_running "$PG_DATA" || { echo "the private cluster is not running"; exit 0; }
    step "stopping the private cluster"
    pg_stop "$PG_DATA"
    ;;
  reset)
    if have_cluster; then
      pg_running "$PG_DATA" && { step "stopping the private cluster"; pg_stop "$PG_DATA"; }
    fi
    step "deleting ${PG_DATA#"$REPO"/} and ${PG_RUN#"$REPO"/} (the next make run creates and seeds a new cluster)"
    rm -rf "$PG_DATA" "$PG_RUN"
    ;;
  *) usage ;;
esac
