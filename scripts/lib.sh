# shellcheck shell=bash
# Owns: the helpers shared by scripts/*.sh — compact progress lines, one-line fatal errors,
# installing missing Debian packages, private PostgreSQL clusters (initdb/start/stop, run as the
# `postgres` OS user when we are root) and TCP port checks. Sourced, never run.

# Every script sources this from the repo root; REPO is absolute so nothing depends on $PWD later.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT=${SCRIPT:-$(basename "$0" .sh)}
LOG_DIR=${LOG_DIR:-$REPO/.data/logs}

step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf '%s: warning: %s\n' "$SCRIPT" "$*" >&2; }

# The single line a person sees when something is wrong: what happened, then what to do.
die() {
  printf '%s: error: %s\n' "$SCRIPT" "$*" >&2
  exit "${DIE_CODE:-1}"
}

# Passwords in connection URLs must not end up in terminals or CI logs.
redact_url() { sed -E 's#(://[^:/@]+):[^@/]*@#\1:***@#' <<<"$1"; }

# --- long commands that a signal must interrupt --------------------------------------------------

FG_PID=''

# fg_run CMD... — runs CMD (cargo, a migration, the seed) in its own process group and waits for
# it. Bash runs a trap only after a foreground command ends, which for a test run can be many
# minutes after SIGTERM; `wait` returns at once instead, and fg_stop can end CMD's whole tree.
fg_run() {
  local rc=0
  setsid -w "$@" &
  FG_PID=$!
  wait "$FG_PID" || rc=$?
  FG_PID=''
  return "$rc"
}

# fg_stop — from a cleanup trap: SIGTERM to the running fg_run group, SIGKILL after 10 s.
fg_stop() {
  local pid=$FG_PID deadline=$((SECONDS + 10))
  [[ -n $pid ]] || return 0
  FG_PID=''
  kill -TERM -- "-$pid" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# --- Debian packages --------------------------------------------------------------------------

APT_UPDATED=0

pkg_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# ensure_packages PKG... — installs only the missing ones, with a single `apt-get update` per run.
ensure_packages() {
  local missing=() p sudo=() log
  command -v dpkg-query >/dev/null 2>&1 || {
    for p in "$@"; do missing+=("$p"); done
    die "cannot check for packages (${missing[*]}) on a machine without dpkg — install them by hand, then retry"
  }
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "missing packages: ${missing[*]} — install them with: sudo apt-get install -y ${missing[*]}"
    fi
  fi
  mkdir -p "$LOG_DIR"
  log=$LOG_DIR/apt.log
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run (or unattended-upgrades) may hold the lock: wait for it rather than fail.
  local apt=("${sudo[@]}" apt-get -q -o DPkg::Lock::Timeout=600)
  if ((!APT_UPDATED)); then
    step "apt-get update (log: ${log#"$REPO"/})"
    "${apt[@]}" update >>"$log" 2>&1 ||
      die "apt-get update failed (see ${log#"$REPO"/}) — check the network and /etc/apt/sources.list, then retry"
    APT_UPDATED=1
  fi
  step "apt-get install ${missing[*]}"
  "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 ||
    die "could not install ${missing[*]} (see ${log#"$REPO"/}: $(tail -n 1 "$log")) — fix apt, or install them by hand"
}

# --- PostgreSQL -------------------------------------------------------------------------------

# Newest server binaries on the machine (Debian lays them out per major version), or PG_BINDIR.
pg_bindir() {
  local d
  if [[ -n ${PG_BINDIR:-} ]]; then
    [[ -x $PG_BINDIR/postgres ]] && printf '%s\n' "$PG_BINDIR"
    return
  fi
  # shellcheck disable=SC2012 # Debian's version directories are plain numbers
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/postgres && -x $d/initdb && -x $d/pg_ctl ]] && { printf '%s\n' "$d"; return; }
  done
  return 0
}

# Sets PG_BIN, installing the `postgresql` package first if no server binary exists.
ensure_postgres() {
  PG_BIN=$(pg_bindir)
  if [[ -z $PG_BIN ]]; then
    [[ -n ${PG_BINDIR:-} ]] && die "PG_BINDIR=$PG_BINDIR has no postgres binary — point it at PostgreSQL's bin directory or unset it"
    step "PostgreSQL server binaries not found: installing the postgresql package"
    ensure_packages postgresql
    PG_BIN=$(pg_bindir)
    [[ -n $PG_BIN ]] ||
      die "PostgreSQL is still missing after apt-get install postgresql — install it by hand (apt-get install postgresql) or set DATABASE_URL"
  fi
  if ((EUID == 0)); then
    id -u postgres >/dev/null 2>&1 ||
      die "running as root but there is no 'postgres' OS user to run PostgreSQL as — create it (useradd --system --home /var/lib/postgresql postgres) or run as a normal user"
  fi
}

# PostgreSQL refuses to run as root: run its tools as the postgres OS user then. `cd /` because
# that user may not be allowed into the caller's directory (for example /root).
as_pg() {
  if ((EUID == 0)); then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# pg_prepare_dir DIR — create DIR owned by whoever will run the server.
pg_prepare_dir() {
  mkdir -p "$1"
  if ((EUID == 0)); then chown postgres:postgres "$1"; fi
}

# The server user must be able to walk down to the data directory; /root is 0700, for example.
pg_check_reachable() {
  local who="the postgres OS user"
  ((EUID == 0)) || who="user $(id -un)"
  as_pg test -w "$1" ||
    die "$who cannot write to $1 (not its folder, or a parent folder is not searchable) — move the checkout under a folder such as /srv, or set DEV_DATA_DIR to one it can use"
}

# pg_init DATA_DIR LOG — initdb once: trust auth (the server only listens on 127.0.0.1), UTF-8.
pg_init() {
  local data=$1 log=$2 locale=(--no-locale)
  [[ -f $data/PG_VERSION ]] && return 0
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=(--locale=C.UTF-8); fi
  pg_prepare_dir "$data"
  chmod 700 "$data"
  as_pg "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 "${locale[@]}" --no-sync >"$log" 2>&1 ||
    die "initdb failed for $data (see $log: $(tail -n 1 "$log")) — remove the folder and retry"
}

# The data directory remembers the major version that created it; prefer that version's binaries.
pg_bin_for() {
  local data=$1 ver
  [[ -f $data/PG_VERSION ]] || return 0
  ver=$(<"$data/PG_VERSION")
  if [[ -z ${PG_BINDIR:-} && -x /usr/lib/postgresql/$ver/bin/postgres ]]; then
    PG_BIN=/usr/lib/postgresql/$ver/bin
  elif [[ $("$PG_BIN/postgres" --version | grep -oE '[0-9]+' | head -n 1) != "$ver" ]]; then
    die "$data was created by PostgreSQL $ver, which is not installed — install postgresql-$ver, or delete the folder (make db-reset) to start over"
  fi
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

# pg_start DATA_DIR PORT SOCKET_DIR LOG [-c name=value ...]
pg_start() {
  local data=$1 port=$2 sock=$3 log=$4
  shift 4
  # A socket path longer than ~100 bytes is refused by the kernel; fall back to TCP only.
  if ((${#sock} > 90)); then sock=''; fi
  local opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$sock' $*"
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "$opts" start >/dev/null 2>&1 ||
    die "PostgreSQL did not start on port $port (see $log: $(tail -n 1 "$log" 2>/dev/null)) — fix the cause and retry"
}

pg_stop() {
  local data=$1
  pg_running "$data" || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
    warn "PostgreSQL in $data did not stop cleanly; stop it with: $PG_BIN/pg_ctl -D $data -m immediate stop"
}

# --- ports ------------------------------------------------------------------------------------

# port_holder PORT — prints "(name, pid N)" for whatever listens on PORT, when ss can tell.
port_holder() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -oE 'users:\(\("[^"]+",pid=[0-9]+' | head -n 1 |
    sed -E 's/users:\(\("([^"]+)",pid=([0-9]+)/ (\1, pid \2)/'
}

port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]
  else
    { (exec 3<>"/dev/tcp/127.0.0.1/$port") ; } 2>/dev/null
  fi
}

# free_port — a port nobody listens on, picked at random so parallel runs rarely collide.
free_port() {
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((20000 + RANDOM % 20000))
    port_in_use "$p" || { printf '%s\n' "$p"; return 0; }
  done
  die "found no free TCP port between 20000 and 40000 — stop some services and retry"
}

# --- databases --------------------------------------------------------------------------------

# db_check URL — one clear line when the server behind URL is unreachable or refuses us.
db_check() {
  local url=$1 shown err rc=0
  shown=$(redact_url "$url")
  if ! command -v pg_isready >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
    ensure_packages postgresql-client
  fi
  pg_isready -q -t 5 -d "$url" >/dev/null 2>&1 || rc=$?
  case $rc in
    0) ;;
    1) die "DATABASE_URL ($shown) is starting up or shutting down and rejects connections — wait a moment and retry" ;;
    2) die "DATABASE_URL ($shown) is not reachable: no PostgreSQL answers there — start it, fix DATABASE_URL, or unset DATABASE_URL to use a private cluster under .data/" ;;
    *) die "DATABASE_URL ($shown) is not a valid PostgreSQL URL — use postgres://USER[:PASSWORD]@HOST:PORT/DATABASE" ;;
  esac
  if ! err=$(psql -X -q -w -d "$url" -tAc 'select 1' 2>&1 >/dev/null); then
    err=$(grep -m 1 -E 'FATAL|ERROR|error' <<<"$err" | sed -E 's/^.*(FATAL|ERROR|error): *//')
    die "cannot connect to DATABASE_URL ($shown): ${err:-connection refused} — fix the URL, user, password or database name"
  fi
}
