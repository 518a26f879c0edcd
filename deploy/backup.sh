#!/usr/bin/env bash
# D'Fresto backup: one compressed pg_dump (custom format, restorable table by table with
# pg_restore) of DATABASE_URL into BACKUP_DIR, written under a temporary name and renamed only
# when complete; dumps older than BACKUP_KEEP_DAYS are deleted. Run nightly by dfresto-backup.timer.
# Restore: pg_restore --clean --if-exists --no-owner -d "$DATABASE_URL" FILE.dump
set -euo pipefail
: "${DATABASE_URL:?DATABASE_URL is not set (see /etc/dfresto/dfresto.env)}"
dir=${BACKUP_DIR:-/var/backups/dfresto}
keep=${BACKUP_KEEP_DAYS:-14}
mkdir -p "$dir"
file=$dir/dfresto-$(date -u +%Y%m%dT%H%M%SZ).dump
trap 'rm -f "$file.partial"' EXIT
pg_dump --format=custom --compress=6 --no-owner --file="$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"
find "$dir" -maxdepth 1 -name 'dfresto-*.dump' -mtime +"$keep" -delete
echo "backup written: $file ($(du -h "$file" | cut -f1))"
