"""Opening the DuckDB file: path resolution, a writer lock, migrations and transactions.

One writer at a time: a writer takes an exclusive ``flock`` on ``<db>.lock`` before DuckDB opens
the file, so a second writer gets a clear "database is in use" error (or waits with
``wait=True``) instead of a DuckDB lock error. Readers open the file read-only and need no lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import importlib
import os
import pkgutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from biascmp.errors import ConfigError, DatabaseBusy, DatabaseError

DEFAULT_DB = "biascmp.duckdb"
MEMORY_LIMIT_ENV = "BIASCMP_MEMORY_LIMIT"
COMMIT_ARTICLES_ENV = "BIASCMP_COMMIT_ARTICLES"
WRITER_ALIAS = "biascmp"  # the name a writer attaches the file under


class StoreSettings(BaseModel):
    """How a writing connection may use memory and disk."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)

    memory_limit: str = Field("1GB", pattern=r"^\s*\d+(\.\d+)?\s*[KMGT]i?B\s*$")
    """DuckDB's ``memory_limit`` for writers (e.g. ``"512MB"``, ``"4GB"``); ``$BIASCMP_MEMORY_LIMIT``
    overrides the default. DuckDB's own default is 80% of RAM, which it fills with pages
    during a large ingest instead of spilling. DuckDB's in-memory indexes (the primary keys
    and ``CREATE INDEX``es) must fit in it; since migrations m008 and m009 the tables an
    ingest writes have none (the event tables' indexes remain: see benchmarks/README.md,
    "Memory")."""
    row_group_size: int = Field(16_384, ge=2_048, le=122_880, multiple_of=2_048)
    """Rows per row group in what a writer appends (DuckDB's default is 122,880). An insert
    holds its rows in memory until a row group is full, and an ``articles`` row carries the
    article's text twice and its vector (about 6 KB): a default row group of articles is
    about 750 MB, so a large ingest's memory grew until the first one was written out.
    16,384 rows keep the largest at about 100 MB (``benchmarks/memory.py``)."""
    write_buffer_row_groups: int = Field(1, ge=1, le=16)
    """Full row groups DuckDB buffers before writing them out together (its
    ``write_buffer_row_group_count``, default 5)."""
    commit_articles: int = Field(16_384, ge=1)
    """Articles an ingest writes between two commits, after each of which the file is attached
    again (``$BIASCMP_COMMIT_ARTICLES`` overrides the default). DuckDB keeps in memory the
    metadata of every row group of an attached file and can detach it only between
    transactions, so one transaction per ingest made memory grow with the input. The ingest
    stays all or nothing (``biascmp.store.undo``). 16,384 articles are about half a GiB of
    database; each commit costs a checkpoint (a 1 GiB input took 9% longer)."""
    temp_directory: str | None = None
    """Where DuckDB spills pages beyond the limit; None = ``<db file>.tmp`` beside the database
    (same disk as the data, removed by DuckDB when the connection closes)."""

    @classmethod
    def from_env(cls) -> "StoreSettings":
        """Defaults, with ``memory_limit`` from ``$BIASCMP_MEMORY_LIMIT`` and
        ``commit_articles`` from ``$BIASCMP_COMMIT_ARTICLES`` when set."""
        given = {}
        for env, name, expected in (
            (MEMORY_LIMIT_ENV, "memory_limit", "a memory size (use e.g. 512MB or 4GB)"),
            (COMMIT_ARTICLES_ENV, "commit_articles", "a whole number of articles, 1 or more"),
        ):
            value = os.environ.get(env, "").strip()
            if not value:
                continue
            try:
                given[name] = getattr(cls.model_validate({name: value}), name)
            except ValidationError:
                raise ConfigError(f"${env}", f"{value!r} is not {expected}") from None
        return cls(**given)

    def duckdb_config(self, path: Path) -> dict[str, str]:
        """The ``duckdb.connect`` config of a writer on ``path``."""
        temp = self.temp_directory or str(path) + ".tmp"
        return {
            "memory_limit": self.memory_limit.replace(" ", ""),
            "temp_directory": temp,
            "write_buffer_row_group_count": str(self.write_buffer_row_groups),
        }


def resolve_db_path(db: str | os.PathLike | None) -> Path:
    """``--db``, else ``$BIASCMP_DB``, else ``./biascmp.duckdb``."""
    return Path(db or os.environ.get("BIASCMP_DB") or DEFAULT_DB)


def migrations() -> list[tuple[int, str, object]]:
    """Every shipped migration as ``(number, name, step)``, in number order: ``step`` is the
    module's ``SQL`` string, or its ``apply(con)`` function where the change depends on what
    the database holds."""
    from biascmp.store import migrations as pkg

    found = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if not (info.name.startswith("m") and info.name[1:4].isdigit()):
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        found.append((int(info.name[1:4]), info.name, getattr(module, "SQL", None) or module.apply))
    return sorted(found, key=lambda m: m[0])


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";") if s.strip()]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this database lacks, each in its own transaction. Returns names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations("
        "version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for number, name, step in migrations():
        if number in done:
            continue
        with transaction(con):
            if callable(step):
                step(con)
            else:
                for statement in _statements(step):
                    con.execute(statement)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)", [number, name]
            )
        applied.append(name)
    return applied


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN ... COMMIT, or ROLLBACK on any exception (which is re-raised)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@dataclass
class Store:
    """An open database: the DuckDB connection plus the writer lock it holds (if any)."""

    path: Path
    con: duckdb.DuckDBPyConnection
    read_only: bool
    _lock_fd: int | None = field(default=None, repr=False)
    settings: StoreSettings | None = None  # a writer's

    def reattach(self) -> None:
        """Detach the file and attach it again (a writer, between transactions). DuckDB keeps
        the metadata of every row group of an attached file in its C heap, about 3 MiB per GiB
        of database, until the file is detached (``benchmarks/transaction_memory.py``)."""
        self.con.execute("USE memory")
        self.con.execute(f"DETACH {WRITER_ALIAS}")
        _attach(self.con, self.path, self.settings)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _take_lock(path: Path, wait: bool, timeout: float) -> int:
    lock_path = str(path) + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise DatabaseError(str(path), f"cannot create lock file ({err.strerror})") from err
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError as err:
            if err.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise DatabaseError(str(path), f"cannot lock ({err.strerror})") from err
            if not wait or time.monotonic() >= deadline:
                os.close(fd)
                raise DatabaseBusy(
                    str(path),
                    "database is in use by another biascmp process (use --wait to wait for it)",
                ) from None
            time.sleep(0.2)


def _duckdb_reason(err: Exception) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    low = text.lower()
    if "lock" in low:
        return "database is in use by another process"
    if "not a valid duckdb" in low or "corrupt" in low or "invalid" in low and "file" in low:
        return f"not a valid biascmp/DuckDB database ({text})"
    if "read-only" in low or "permission" in low or "readonly" in low:
        return f"cannot write to the database ({text})"
    return text


def _attach(con: duckdb.DuckDBPyConnection, path: Path, settings: StoreSettings) -> None:
    literal = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"ATTACH {literal} AS {WRITER_ALIAS} (ROW_GROUP_SIZE {int(settings.row_group_size)})")
    con.execute(f"USE {WRITER_ALIAS}")


def _attach_writer(path: Path, settings: StoreSettings) -> duckdb.DuckDBPyConnection:
    """A writing connection to ``path``: ATTACHed (the row group size is an ATTACH option, not a
    connect one) under the name ``biascmp`` and made the default database."""
    con = duckdb.connect(":memory:", config=settings.duckdb_config(path))
    try:
        _attach(con, path, settings)
    except BaseException:
        con.close()
        raise
    return con


def _connect_reader(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        # no file reads/writes outside the database (COPY TO, EXPORT, read_csv of any path) and
        # no changing that setting afterwards
        return duckdb.connect(
            str(path), read_only=True, config={"enable_external_access": False, "lock_configuration": True}
        )
    except (duckdb.Error, OSError) as err:
        raise DatabaseError(str(path), _duckdb_reason(err)) from err


def _undo_killed_ingest(path: Path, settings: StoreSettings) -> None:
    """For a reader: take the writer lock (no wait) and undo the part of a killed ingest the
    database holds (``biascmp.store.undo``); a one-line error when that cannot be done."""
    from biascmp.store import undo

    try:
        fd = _take_lock(path, wait=False, timeout=0)
        try:
            con = _attach_writer(path, settings)
        except BaseException:
            os.close(fd)
            raise
        with Store(path, con, False, fd, settings) as store:  # closing it releases the lock
            undo.undo_if_pending(store.con, path)
    except (DatabaseError, duckdb.Error, OSError) as err:
        reason = err.reason if isinstance(err, DatabaseError) else _duckdb_reason(err)
        raise DatabaseError(
            str(path),
            f"holds part of an interrupted ingest, which a reader could not undo ({reason}); "
            "the next command that writes to it undoes it",
        ) from err


def open_store(
    db: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    wait: bool = False,
    timeout: float = 600.0,
    settings: StoreSettings | None = None,
) -> Store:
    """Open (and for writers create and migrate) the database.

    Readers get a read-only DuckDB connection: queries cannot modify the file. A database
    holding the committed part of a killed ingest is put back as it was first, by whoever
    opens it next (``biascmp.store.undo``; a reader takes the writer lock for that). A
    reader on a path that does not exist is an error, never a new empty database. Writers get the memory
    limit, spill folder and row-group size of ``settings`` (default: ``StoreSettings.from_env()``).
    """
    from biascmp.store import undo

    path = resolve_db_path(db)
    if read_only:
        if not path.exists():
            raise DatabaseError(str(path), "no such database (run `biascmp ingest` first)")
        con = _connect_reader(path)
        if undo.pending(con):  # a killed ingest's committed part: undo it first, as a writer would
            con.close()
            _undo_killed_ingest(path, settings or StoreSettings.from_env())
            con = _connect_reader(path)
        return Store(path, con, True)
    if path.parent and not path.parent.exists():
        raise DatabaseError(str(path), f"folder {path.parent} does not exist")
    settings = settings or StoreSettings.from_env()
    fd = _take_lock(path, wait, timeout)
    try:
        con = _attach_writer(path, settings)
    except (duckdb.Error, OSError) as err:
        os.close(fd)
        raise DatabaseError(str(path), _duckdb_reason(err)) from err
    store = Store(path, con, False, fd, settings)
    try:
        undo.undo_if_pending(con, path)
        migrate(con)
    except (duckdb.Error, OSError) as err:
        store.close()
        raise DatabaseError(str(path), _duckdb_reason(err)) from err
    return store


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def embedding_dim(con: duckdb.DuckDBPyConnection) -> int | None:
    value = get_meta(con, "embedding_dim")
    return int(value) if value else None


def ensure_embedding_columns(store: Store, model_id: str, dim: int) -> bool:
    """Bind the database to one embedding model: add ``FLOAT[dim]`` columns the first time
    (and return True); refuse a different model later (vectors of two models are not
    comparable)."""
    con = store.con
    stored_model = get_meta(con, "embedding_model")
    if stored_model is None:
        con.execute(f"ALTER TABLE articles ADD COLUMN embedding FLOAT[{int(dim)}]")
        con.execute(f"ALTER TABLE sentences ADD COLUMN embedding FLOAT[{int(dim)}]")
        con.execute(
            "CREATE TABLE embedding_cache(model VARCHAR NOT NULL, text_hash VARCHAR NOT NULL, "
            f"embedding FLOAT[{int(dim)}])"  # no key: see migration m008
        )
        set_meta(con, "embedding_model", model_id)
        set_meta(con, "embedding_dim", str(int(dim)))
        return True
    if stored_model != model_id:
        raise DatabaseError(
            str(store.path),
            f"holds embeddings of model {stored_model!r}, not {model_id!r}; use another --db",
        )
    return False
