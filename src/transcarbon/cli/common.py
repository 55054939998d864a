"""What every command shares: the two consoles, catalog messages (a Chinese line, then an English line),
failing with an exit code, JSON on stdout, progress displays, and the one way to open the database.

Exit codes: 0 done; 1 the input was refused (bad rows or files, a user error); 2 the command cannot run
as asked (a missing file, an unknown option value, a year without data, a database that is not ready);
70 an unexpected error (:func:`transcarbon.cli.main`). Commands print through :data:`out` and :data:`err`
as ``common.out`` / ``common.err``, so that a test can give them a fixed width.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import typer
from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn

from transcarbon.i18n import lines, t
from transcarbon.services import audit, keys
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.big_data import LayoutWritten, OutInUse
from transcarbon.services.database import Database, DatabaseNotReady
from transcarbon.settings import Settings, get_settings

out = Console()
err = Console(stderr=True)


def say(console: Console, key: str, **values: object) -> None:
    """Catalog message ``key``, Chinese first, then English, each wrapped to the terminal by :func:`wrapped`."""
    for lang in ("zh", "en"):
        for line in wrapped(t(key, lang, **values), console.width):
            console.print(line, markup=False, highlight=False, soft_wrap=True)


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, broken at spaces; Chinese (wide characters) folded where
    the line is full; a path, URL or command longer than a line kept whole on a line of its own, so that it can be
    copied (the terminal folds it only on screen)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            joined = f"{line} {word}" if line else word
            if cell_len(joined) <= width:
                line = joined
            elif cell_len(word) != len(word):  # wide characters: fold them into the line
                *full, line = chop_cells(joined, width)
                lines += full
            else:
                if line:
                    lines.append(line)
                line = word
        lines.append(line)
    return lines


def fail_with(texts: Iterable[str], code: int) -> typer.Exit:
    """Print ``texts`` (already rendered: row errors, a library's message) on stderr and return the exit.

    Each text is printed whole, never wrapped, so that a path, command or row reference in it stays on
    its line for copying and searching. Use as ``raise fail_with([...], 1)``.
    """
    for text in texts:
        err.print(text, markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


def fail(key: str, code: int = 2, **values: object) -> typer.Exit:
    """Print catalog message ``key`` on stderr (Chinese line, English line) and return the exit to raise."""
    return fail_with([lines(key, **values)], code)


def print_json(payload: object, *, indent: int | None = 2) -> None:
    """``payload`` as JSON on stdout (UTF-8 text kept as is; dates and other values as strings)."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=indent, default=str) + "\n")


def progress(*columns: ProgressColumn | str) -> Progress:
    """A progress display on stderr that disappears when done; by default a spinner, the task and the time."""
    return Progress(
        *(columns or (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())),
        console=err,
        transient=True,
    )


def accounting_options(settings: Settings, factor_set: str | None, gwp: str | None) -> AccountingOptions:
    """The accounting choices of a command: its options, else the configured defaults."""
    return AccountingOptions(
        factor_set=factor_set or settings.factor_set, gwp=gwp or settings.gwp, default_region=settings.default_region
    )


def open_database(*, create: bool = False) -> Database:
    """The configured database, the one way every command opens it (close it, or use it in ``with``).

    ``create=True`` (``db init``, ``db upgrade``, ``demo build``, ``start``, ``serve``) makes a missing
    database and migrates an out-of-date one. Every other command refuses a database that is missing
    or behind the code's schema with the catalog message naming the command to run (exit 2), and
    changes nothing: no file, no folder, no migration.
    """
    settings = get_settings()
    keys.configure(settings)
    try:
        return Database.open(settings.effective_database_url, create=create)
    except DatabaseNotReady as exc:
        raise fail(exc.key, 2, **exc.values) from exc


ENGINE_HELP = "计算引擎：polars（本机，默认）或 spark / engine: polars (this machine, default) or spark"
SPARK_MASTER_HELP = (
    "Spark 主节点 URL（默认：spark-submit 的设置，否则 local[*]） / Spark master URL (default: spark-submit's, else "
    "local[*]): local[2], spark://…, yarn, k8s://…"
)
BUCKET_ROWS_HELP = "每个分桶的行数（内存上限由此决定） / rows per bucket (bounds the memory of a partition)"


def check_engine(value: str) -> Literal["polars", "spark"]:
    """``--engine``: ``polars`` or ``spark``, else a clean refusal."""
    if value == "polars":
        return "polars"
    if value == "spark":
        return "spark"
    raise fail("cli.big.bad_engine", 2, value=value)


def check_bucket_rows(value: int) -> None:
    """``--bucket-rows``: a positive number, else a clean refusal."""
    if value < 1:
        raise fail("cli.big.bad_bucket_rows", 2, value=value)


def write_layout(write: Callable[[], LayoutWritten], refused: type[Exception], folder: Path, bucket_rows: int) -> None:
    """``ships partition`` and ``road partition``: check ``--bucket-rows``, write the layout, say what was written;
    the input's refusal (``refused``, exit 1) and an ``--out`` in use (exit 2) as clean messages."""
    check_bucket_rows(bucket_rows)
    try:
        w = write()
    except refused as exc:
        raise fail_with([str(exc)], 1) from exc
    except OutInUse as exc:
        raise fail("cli.big.out_in_use", 2, path=str(folder)) from exc
    say(
        out,
        "cli.big.partitioned",
        folder=str(w.folder),
        rows=f"{w.rows:,}",
        days=w.days,
        buckets=w.buckets,
        files=w.files,
    )


def input_location(value: str) -> Path | str:
    """An input given as a local path, or a URL kept as text (``s3a://``, ``hdfs://``: the Spark engine reads it)."""
    return value if "://" in value else Path(value)


def rotate_signing_key(purpose: str, *, in_environment: str, action: str, object_type: str, done: str) -> None:
    """Rotate the keyed chain's key of ``purpose`` (old keys stay, to verify old entries), audited as ``action``;
    refused (``in_environment``, exit 2) while the key is given by the environment, which a file cannot replace."""
    settings = get_settings()
    if settings.key_text(purpose):
        raise fail(in_environment, 2)
    with open_database() as database, database.transaction() as session:
        old, new = keys.rotate(settings, purpose)
        audit.append(
            session,
            actor=settings.actor,
            action=action,
            object_type=object_type,
            object_id=new.id,
            details={"from": old.id, "to": new.id},
        )
    say(out, done, old=old.id, new=new.id)
