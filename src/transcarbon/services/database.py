"""The one way a face opens the platform's database: :class:`Database`.

Faces (CLI, API, web, reports) never touch :mod:`transcarbon.store` themselves; they open a
:class:`Database` and run use cases inside its transactions. The rule for schema state is the same for
every command: ``Database.open(url, create=True)`` creates a missing database or migrates an existing one
to the newest schema (``db init``, ``db upgrade``, ``demo build``, ``start``, ``serve``); without
``create`` a missing or out-of-date database is refused with :class:`DatabaseNotReady`, whose message
names the command that fixes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.store import db


class DatabaseNotReady(RuntimeError):
    """The database is missing (``state == "missing"``) or behind the code's schema (``"outdated"``).

    ``key`` and ``values`` render the catalog message (Chinese and English) with the command to run.
    """

    def __init__(self, url: str, state: str):
        self.url, self.state = url, state
        self.key = "cli.db_missing" if state == "missing" else "cli.db_outdated"
        self.values = {"url": db.display_url(url)}
        super().__init__(f"database {self.values['url']} is {state}")


class Database:
    """An engine and its session factory for one URL; close it (or use it as a context manager)."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self.engine = engine
        self.factory: sessionmaker[Session] = db.session_factory(engine)

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> Database:
        """Open ``url``; with ``create`` make or migrate the schema first, else refuse one that is not ready."""
        if create:
            db.upgrade(url)
        elif db.sqlite_file_missing(url):  # do not leave an empty file behind a refusal
            raise DatabaseNotReady(url, "missing")
        engine = db.make_engine(url)
        state = db.schema_state(engine)
        if state != "current":
            engine.dispose()
            raise DatabaseNotReady(url, state)
        return cls(url, engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back everything on any error."""
        with db.transaction(self.factory) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


transaction = db.transaction
"""One unit of work on a session factory (for faces that hold a factory, such as the web app's state)."""
