#!/usr/bin/env bash
# /usr/local/sbin/hub-iit-backup on the PostgreSQL server (docs/DEPLOY.md, "Backups"): a compressed
# custom-format dump of the database every night, 14 nightly and 12 monthly copies kept, then copied off
# the machine. Restore: createdb hubiit && pg_restore --no-owner --role=hubiit -d hubiit <file>.
set -euo pipefail
DATABASE=${DATABASE:-hubiit}
DIR=${BACKUP_DIR:-/var/backups/hub-iit}
REMOTE=${BACKUP_REMOTE:-backup@10.0.0.20:/srv/backups/hub-iit/}   # another machine, another building
stamp=$(date -u +%Y-%m-%dT%H%M)
mkdir -p "$DIR/daily" "$DIR/monthly"
umask 077

# pg_dump reads one consistent snapshot: the app servers keep working during the dump.
sudo -u postgres pg_dump --format=custom --compress=6 --file="$DIR/daily/$DATABASE-$stamp.dump" "$DATABASE"
# A dump that cannot be listed is no backup.
pg_restore --list "$DIR/daily/$DATABASE-$stamp.dump" > /dev/null
if [ "$(date -u +%d)" = "01" ]; then cp "$DIR/daily/$DATABASE-$stamp.dump" "$DIR/monthly/"; fi
find "$DIR/daily" -name '*.dump' -mtime +14 -delete
find "$DIR/monthly" -name '*.dump' -mtime +370 -delete

# Media on disk: the photos and attachments, from the app server or the shared folder that holds them
# (an S3-compatible store keeps its own versions: turn versioning on instead).
# rsync -a --delete hubiit@10.0.0.11:/var/lib/hub-iit/media/ "$DIR/media/"

rsync -a "$DIR/" "$REMOTE"
