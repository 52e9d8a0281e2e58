"""The engine, made right for each backend."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError


def make_engine(url: str, **kw) -> Engine:
    # A database error's message would otherwise carry the statement's values
    # (phone numbers, e-mails) into the log with its traceback.
    kw.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kw)
    if "poolclass" in kw:  # e.g. NullPool: a connection per use (the metrics' scrapes)
        return create_engine(url, **kw)
    # READ COMMITTED plus optimistic versions, unique keys and an advisory lock
    # on the audit head: enough, and no serialisation failures to retry.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kw)


def _sqlite_engine(url: str, **kw) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False}, **kw)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions (SQLAlchemy's
        # documented recipe), so that each can start as BEGIN IMMEDIATE below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A deferred transaction that reads and then writes can deadlock with
        # another one doing the same, and SQLite then fails at once instead of
        # waiting. Taking the write lock at BEGIN makes writers queue instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def inserted(conn: Connection, statement) -> bool:
    """True if the row went in, False if its key is taken (a savepoint keeps the transaction usable)."""
    try:
        with conn.begin_nested():
            conn.execute(statement)
        return True
    except IntegrityError:
        return False
