#!/usr/bin/env bash
# /usr/local/sbin/hub-iit-backup: the nightly backup, run by cron on the app server that runs the cron
# jobs (docs/deploy/crontab), with the environment of /etc/hub-iit/env. docs/BACKUP.md is the guide.
#   1. `manage.py backup`: the database and the media files in one archive, into a private temporary folder;
#   2. encrypts it with age to BACKUP_AGE_RECIPIENTS (public keys; the private keys are never on this
#      machine) into BACKUP_DIR, and deletes the clear archive;
#   3. keeps, in BACKUP_DIR and on BACKUP_REMOTE alike, the BACKUP_KEEP_DAILY newest archives and the first
#      archive of each of the BACKUP_KEEP_MONTHLY latest months, and deletes the others;
#   4. copies the encrypted archives to BACKUP_REMOTE with rsync (another machine, another building).
# It refuses to run without recipients or a remote: no archive leaves the machine in clear, and none is
# kept only on it. Needs the Debian packages age and rsync. Exits non-zero on any failure.
set -euo pipefail
umask 077

APP_DIR=${HUB_IIT_DIR:-/srv/hub-iit}
DIR=${BACKUP_DIR:-/var/backups/hub-iit}
KEEP_DAILY=${BACKUP_KEEP_DAILY:-14}
KEEP_MONTHLY=${BACKUP_KEEP_MONTHLY:-12}

log() { printf '%s hub-iit-backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
fail() {
  log "FAILED: $*" >&2
  exit 1
}

[ -n "${BACKUP_AGE_RECIPIENTS:-}" ] || fail "BACKUP_AGE_RECIPIENTS is empty: no archive leaves the machine unencrypted."
[ -n "${BACKUP_REMOTE:-}" ] || fail "BACKUP_REMOTE is empty: a backup kept only on this machine is lost with it."
for tool in age rsync; do
  command -v "$tool" > /dev/null || fail "$tool is not installed: apt-get install $tool."
done
REMOTE=${BACKUP_REMOTE%/}/
recipients=()
for key in $BACKUP_AGE_RECIPIENTS; do recipients+=(--recipient "$key"); done

work=$(mktemp -d)
partial=$work/none
trap 'rm -rf "$work" "$partial"' EXIT
trap 'fail "line $LINENO exited with status $?."' ERR
mkdir -p "$DIR"

# The names the retention rule reads, oldest first, on stdin; prints those it does not keep.
expired() {
  { grep -E '^hub-iit-backup-[0-9]{8}T[0-9]{6}Z\.tar\.gz\.age$' || true; } | sort | awk \
    -v daily="$KEEP_DAILY" -v monthly="$KEEP_MONTHLY" '
    { name[NR] = $0; month = substr($0, 16, 6); if (!(month in first)) { first[month] = NR; months[++count] = month } }
    END {
      for (i = NR; i > NR - daily && i > 0; i--) keep[i] = 1
      for (m = count; m > count - monthly && m > 0; m--) keep[first[months[m]]] = 1
      for (i = 1; i <= NR; i++) if (!(i in keep)) print name[i]
    }'
}

log "backup of the database and the media files"
(cd "$APP_DIR" && .venv/bin/python manage.py backup --output "$work/")
plain=$(find "$work" -maxdepth 1 -name 'hub-iit-backup-*.tar.gz')
name=$(basename "$plain").age
partial=$DIR/$name.partial
age "${recipients[@]}" --output "$partial" "$plain"
mv "$partial" "$DIR/$name"
rm -f "$plain"
log "encrypted to $DIR/$name ($(stat -c %s "$DIR/$name") bytes)"

find "$DIR" -maxdepth 1 -type f -printf '%f\n' | expired > "$work/local-expired"
while read -r old; do
  rm -f "$DIR/$old"
  log "deleted $DIR/$old"
done < "$work/local-expired"

# Every archive the remote does not hold yet: a night the copy failed is made up the next night.
rsync --archive --include='hub-iit-backup-*.tar.gz.age' --exclude='*' "$DIR/" "$REMOTE"
log "copied to $REMOTE"

# rsync deletes on the remote the names included and absent from the (empty) source, nothing else.
rsync --list-only "$REMOTE" | awk '{ print $NF }' | expired > "$work/remote-expired"
if [ -s "$work/remote-expired" ]; then
  mkdir "$work/empty"
  rsync --recursive --delete --include-from="$work/remote-expired" --exclude='*' "$work/empty/" "$REMOTE"
  while read -r old; do log "deleted $REMOTE$old"; done < "$work/remote-expired"
fi
log "done: $name"
