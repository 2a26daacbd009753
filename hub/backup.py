"""A portable backup of the whole programme, and its restore into an empty database: the same archive
works from and to SQLite and PostgreSQL, needs no pg_dump, and carries the media files.

The archive is one `.tar.gz`:

- `data.jsonl`: every row of every model (history, admin log, users and API tokens included; sessions
  left out, people sign in again), in Django's JSON Lines serialisation (`loaddata` reads it too; times
  keep their microseconds), one row a line, ordered by primary key, read in one consistent snapshot
  (REPEATABLE READ on PostgreSQL, one read transaction on SQLite) while the application keeps running;
- `media/...`: every file of the default storage (visit photos, case and sheet attachments);
- `manifest.json`, last: format, date, Django and Python versions, database vendor, the migrations
  applied, the row count of every table, and the size and SHA-256 of `data.jsonl` and of each file.

Restore checks the archive first (every checksum), refuses a database that holds data, brings the
schema to the backup's migrations with `migrate`, loads every row in one transaction with their primary
keys (content types and permissions included, so that every reference to them holds), checks the
constraints and the row counts against the manifest, resets the id sequences, commits, and then writes
the media files. Rows are inserted as `loaddata` saves them (raw, no signals): no history row is added
by the restore itself. docs/deploy/backup.sh is the nightly procedure around `manage.py backup`
(encryption, off-site copy, retention); docs/BACKUP.md is the operator's guide.
"""

import datetime
import hashlib
import io
import json
import os
import platform
import posixpath
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import django
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone

FORMAT = "hub-iit-backup"
FORMAT_VERSION = 1
DATA_NAME = "data.jsonl"
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"
BATCH_SIZE = 500
CHUNK = 1024 * 1024

EXCLUDED_MODELS = frozenset({"sessions.session"})
"""Left out of the backup: sessions end with a restore, and carry nothing else."""
MIGRATION_DATA_MODELS = frozenset({"contenttypes.contenttype", "auth.permission", "hub.administrativeunit"})
"""Tables that `migrate` fills by itself (content types and permissions after every run, the
administrative units in hub 0002): rows there do not make a database "not empty". The backup's rows
replace them, with their primary keys."""


class BackupError(Exception):
    """A backup that cannot be written, an archive that is not a valid backup, or a database a backup
    cannot be restored into; the message says which and what to do."""


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own, in the order of INSTALLED_APPS. Tables of many-to-many
    fields travel with the rows of the model that declares the field."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in EXCLUDED_MODELS
    ]


def counted_models() -> list[type[models.Model]]:
    """The backed-up models and the tables of their many-to-many fields: each has a count in the
    manifest."""
    found = []
    for model in backed_up_models():
        found.append(model)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and through not in found:
                found.append(through)
    return found


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def row_counts(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {_label(model): model._base_manager.using(using).count() for model in counted_models()}


def applied_migrations(*, using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connections[using]).applied_migrations())


class _Hashing:
    """A file object that hashes what is read from it."""

    def __init__(self, source: BinaryIO):
        self.source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


def _media_names(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield posixpath.join(directory, name) if directory else name
    for name in sorted(directories):
        yield from _media_names(storage, posixpath.join(directory, name) if directory else name)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's rounds them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _LineSerializer(PythonSerializer):
    """Django's JSON Lines format (what `loaddata` and the "jsonl" deserializer read), written one row at
    a time, with full-precision times."""

    def end_object(self, obj):
        json.dump(self.get_dump_object(obj), self.stream, cls=_Encoder, ensure_ascii=False)
        self.stream.write("\n")
        self._current = None

    def getvalue(self):
        return None


def _counting(rows: Iterator, counter: Counter, label: str) -> Iterator:
    for row in rows:
        counter[label] += 1
        yield row


def _dump(target: BinaryIO, *, using: str) -> dict[str, int]:
    """Write every row as JSON Lines into `target` and count the tables, in one snapshot. Returns the
    row counts."""
    connection = connections[using]
    written: Counter = Counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        counts = row_counts(using=using)
        text = io.TextIOWrapper(target, encoding="utf-8", newline="\n", write_through=True)
        for model in backed_up_models():
            queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
            many = [field for field in model._meta.local_many_to_many if field.remote_field.through._meta.auto_created]
            if many:
                queryset = queryset.prefetch_related(
                    *(Prefetch(field.name, queryset=field.related_model._base_manager.only("pk")) for field in many)
                )
            rows = _counting(queryset.iterator(chunk_size=2000), written, _label(model))
            _LineSerializer().serialize(rows, stream=text)
        text.flush()
        text.detach()
    wrong = sorted(label for label in written if written[label] != counts[label])
    if wrong:
        raise BackupError(f"The rows written do not match the counts of {', '.join(wrong)}: the backup is not kept.")
    return counts


def write_backup(output: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, storage: Storage | None = None) -> dict:
    """Write the backup archive to `output` (replaced at the end, never left half-written; readable by
    its owner only) and return its manifest."""
    storage = storage or default_storage
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    started = time.monotonic()
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    missing = sorted(model._meta.db_table for model in counted_models() if model._meta.db_table not in existing)
    if missing:
        raise BackupError(
            f"The database has no table {', '.join(missing[:5])}: it is not migrated (run migrate), "
            "or DATABASE_URL points at another database."
        )
    try:
        with tempfile.TemporaryDirectory(prefix="hubiit-backup-") as work:
            data_path = Path(work) / DATA_NAME
            with data_path.open("wb") as data_file:
                counts = _dump(data_file, using=using)
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                data_info = tar.gettarinfo(str(data_path), arcname=DATA_NAME)
                with data_path.open("rb") as source:
                    hashing = _Hashing(source)
                    tar.addfile(data_info, hashing)
                data = {"name": DATA_NAME, "size": hashing.size, "sha256": hashing.digest.hexdigest()}
                media = []
                for name in _media_names(storage):
                    info = tarfile.TarInfo(MEDIA_PREFIX + name)
                    info.size = storage.size(name)
                    info.mtime = int(time.time())
                    info.mode = 0o600
                    with storage.open(name, "rb") as source:
                        hashing = _Hashing(source)
                        tar.addfile(info, hashing)
                    media.append({"name": name, "size": hashing.size, "sha256": hashing.digest.hexdigest()})
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.now().astimezone(datetime.UTC).isoformat(),
                    "django_version": django.get_version(),
                    "python_version": platform.python_version(),
                    "database_vendor": connections[using].vendor,
                    "migrations": applied_migrations(using=using),
                    "excluded_models": sorted(EXCLUDED_MODELS),
                    "counts": counts,
                    "records": sum(counts.values()),
                    "data": data,
                    "media": media,
                    "seconds": round(time.monotonic() - started, 1),
                }
                content = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size, info.mtime, info.mode = len(content), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(content))
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def backup_file_name(now: datetime.datetime | None = None) -> str:
    """The name of a backup made now, sorting by date: hub-iit-backup-20260315T020000Z.tar.gz. The
    retention of docs/deploy/backup.sh reads the date from this name."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    return f"hub-iit-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"


# Reading an archive


def _open(path: str | os.PathLike) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r|gz")
    except FileNotFoundError as error:
        raise BackupError(f"No such file: {path}.") from error
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a backup archive (a .tar.gz written by `manage.py backup`).") from error


def _safe_media_name(member_name: str) -> str | None:
    """The storage name of a media member, or None when the name could write outside the media folder."""
    name = member_name[len(MEDIA_PREFIX) :]
    normal = posixpath.normpath(name)
    if not name or normal != name or name.startswith("/") or normal.startswith("..") or "\\" in name:
        return None
    return name


def verify_backup(path: str | os.PathLike) -> dict:
    """Read the whole archive once and check it against its manifest: format, data and media checksums.
    Returns the manifest; raises BackupError with what is wrong."""
    found: dict[str, tuple[int, str]] = {}
    manifest = None
    try:
        with _open(path) as tar:
            for member in tar:
                if not member.isfile():
                    continue
                source = tar.extractfile(member)
                if member.name == MANIFEST_NAME:
                    manifest = json.loads(source.read())
                    continue
                digest = hashlib.sha256()
                size = 0
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                found[member.name] = (size, digest.hexdigest())
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"{path} is damaged or incomplete ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has no manifest: it was not written by `manage.py backup`.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format {manifest.get('format_version')}; this version reads format {FORMAT_VERSION}."
        )
    expected = {DATA_NAME: (manifest["data"]["size"], manifest["data"]["sha256"])}
    for entry in manifest["media"]:
        expected[MEDIA_PREFIX + entry["name"]] = (entry["size"], entry["sha256"])
    damaged = sorted(name for name, value in expected.items() if found.get(name) != value)
    if damaged:
        raise BackupError(f"{path} is damaged: {', '.join(damaged[:5])} do not match the manifest.")
    return manifest


# Restoring


def _tables_with_rows(*, using: str) -> list[str]:
    """Tables of the database that hold rows `migrate` does not write by itself."""
    connection = connections[using]
    ignored = {"django_migrations"} | {
        apps.get_model(label)._meta.db_table for label in MIGRATION_DATA_MODELS if _has_model(label)
    }
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        full = []
        for table in sorted(set(names) - ignored):
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608 - table names from the database  # nosec B608
            if cursor.fetchone() is not None:
                full.append(table)
    return full


def _has_model(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def _check_migrations(manifest: dict, *, using: str) -> None:
    executor = MigrationExecutor(connections[using])
    known = set(executor.loader.graph.nodes)
    backed_up = {tuple(key) for key in manifest["migrations"]}
    unknown, missing = sorted(backed_up - known), sorted(known - backed_up)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"The backup was made by another or a newer version of the application: its migrations {names} "
            "are unknown here. Restore it with the version that made it."
        )
    if missing:
        names = ", ".join(f"{app}.{name}" for app, name in missing[:5])
        raise BackupError(
            f"The backup was made by an older version of the application (without the migrations {names}). "
            "Restore it with that version, then upgrade as usual (migrate)."
        )


def _migrate(*, using: str) -> None:
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", database=using, interactive=False, verbosity=0)


class _Loader:
    """Inserts deserialised rows in batches, with their primary keys, as `Model.save_base(raw=True)`
    would (no pre_save, no signals), and the rows of their many-to-many tables."""

    def __init__(self, *, using: str):
        self.using = using
        self.pending: list[models.Model] = []
        self.model: type[models.Model] | None = None
        self.through: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.models: set[type[models.Model]] = set()

    def add(self, deserialized) -> None:
        obj = deserialized.object
        model = type(obj)
        if model is not self.model:
            self.flush()
            self.model = model
        self.pending.append(obj)
        for name, pks in (deserialized.m2m_data or {}).items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            self.through[through].extend(through(**{source: obj.pk, target: pk}) for pk in pks)
            if len(self.through[through]) >= BATCH_SIZE:
                self._flush_through(through)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        model, objs = self.model, self.pending
        fields = model._meta.local_concrete_fields
        size = max(1, connections[self.using].ops.bulk_batch_size(fields, objs))
        for start in range(0, len(objs), size):
            model._base_manager.using(self.using)._insert(objs[start : start + size], fields=fields, raw=True)
        self.models.add(model)
        self.pending = []

    def _flush_through(self, through: type[models.Model]) -> None:
        rows = self.through.pop(through, [])
        if rows:
            through._base_manager.using(self.using).bulk_create(rows, batch_size=BATCH_SIZE)
            self.models.add(through)

    def finish(self) -> None:
        self.flush()
        for through in list(self.through):
            self._flush_through(through)


def _load(source: BinaryIO, manifest: dict, *, using: str) -> dict[str, int]:
    """Empty the tables `migrate` filled, insert every row of `source`, check constraints and counts,
    reset the sequences: all in one transaction."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            existing = set(connection.introspection.table_names(cursor))
            for model in reversed(counted_models()):
                if model._meta.db_table in existing:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 - model tables  # nosec B608
        loader = _Loader(using=using)
        lines = (line.decode("utf-8") for line in source)
        try:
            for deserialized in serializers.deserialize("jsonl", lines, using=using):
                loader.add(deserialized)
            loader.finish()
        except DeserializationError as error:
            raise BackupError(f"A row of the backup cannot be loaded: {error}") from error
        try:
            connection.check_constraints(table_names=[model._meta.db_table for model in loader.models])
        except IntegrityError as error:
            raise BackupError(f"The backup's rows break a constraint: {error}") from error
        statements = connection.ops.sequence_reset_sql(no_style(), list(loader.models))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        counts = row_counts(using=using)
        expected = {label: manifest["counts"].get(label, 0) for label in counts}
        wrong = {label: (counts[label], number) for label, number in expected.items() if counts[label] != number}
        unknown = set(manifest["counts"]) - set(counts)
        if wrong or unknown:
            details = "; ".join(f"{label}: {got} rows, {want} in the backup" for label, (got, want) in wrong.items())
            raise BackupError(
                f"The restored rows do not match the backup ({details or sorted(unknown)}): nothing kept."
            )
    return counts


def _restore_media(tar: tarfile.TarFile, member: tarfile.TarInfo, *, storage: Storage, wanted: set[str]) -> bool:
    name = _safe_media_name(member.name)
    if name is None or name not in wanted:
        raise BackupError(f"The archive holds a file the manifest does not list: {member.name}.")
    if storage.exists(name):
        return False
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as copy:
        source = tar.extractfile(member)
        while chunk := source.read(CHUNK):
            copy.write(chunk)
        copy.seek(0)
        saved = storage.save(name, File(copy, name=posixpath.basename(name)))
    if saved != name:
        raise BackupError(f"The media storage renamed {name} to {saved}: restore into an empty media folder.")
    return True


def _media_conflicts(manifest: dict, *, storage: Storage) -> list[str]:
    """Files of the backup already in the storage with other content."""
    conflicts = []
    for entry in manifest["media"]:
        name = entry["name"]
        if storage.exists(name):
            digest = hashlib.sha256()
            with storage.open(name, "rb") as existing:
                while chunk := existing.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != entry["sha256"]:
                conflicts.append(name)
    return conflicts


def restore_backup(
    path: str | os.PathLike,
    *,
    using: str = DEFAULT_DB_ALIAS,
    storage: Storage | None = None,
    progress: Callable[[str], Any] | None = None,
) -> dict:
    """Restore the archive at `path` into the empty database `using` and the media storage. Returns the
    manifest with `restored_counts` and `media_written`. Raises BackupError before changing anything
    when the archive is damaged, was made by another version of the application, or the database holds
    data; the rows are loaded in one transaction, all or nothing."""
    storage = storage or default_storage
    say = progress or (lambda message: None)
    say("Checking the archive...")
    manifest = verify_backup(path)
    _check_migrations(manifest, using=using)
    full = _tables_with_rows(using=using)
    if full:
        raise BackupError(
            "The database is not empty (rows in " + ", ".join(full[:8]) + ("..." if len(full) > 8 else "") + "). "
            "restore only loads into an empty database: create a new one (createdb, or a new SQLite file), "
            "point DATABASE_URL at it and run restore again."
        )
    conflicts = _media_conflicts(manifest, storage=storage)
    if conflicts:
        raise BackupError(
            "The media folder already holds other files under the backup's names ("
            + ", ".join(conflicts[:5])
            + "): restore into an empty media folder (DJANGO_MEDIA_ROOT)."
        )
    say("Creating the tables where needed (migrate)...")
    _migrate(using=using)
    wanted = {entry["name"] for entry in manifest["media"]}
    written = 0
    with _open(path) as tar:
        for member in tar:
            if not member.isfile() or member.name == MANIFEST_NAME:
                continue
            if member.name == DATA_NAME:
                say(f"Loading {manifest['records']} rows...")
                try:
                    manifest["restored_counts"] = _load(tar.extractfile(member), manifest, using=using)
                finally:
                    ContentType.objects.clear_cache()
                say("Writing the media files...")
            elif member.name.startswith(MEDIA_PREFIX):
                if "restored_counts" not in manifest:
                    raise BackupError("The archive holds media before the data: it was not written by backup.")
                written += _restore_media(tar, member, storage=storage, wanted=wanted)
    if "restored_counts" not in manifest:
        raise BackupError(f"{path} holds no {DATA_NAME}.")
    manifest["media_written"] = written
    return manifest
