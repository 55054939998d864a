"""Row-level validation over whole frames: checks as Polars masks, errors in Chinese and English.

A :class:`Check` is a boolean expression that is true on the *bad* rows, the column it concerns, and
a catalog message key. :func:`run_checks` evaluates every check at once over the frame (vectorised)
and only formats the first rows that failed in each column (:data:`SHOWN_PER_COLUMN`), counting the rest per
column and rule (a :class:`Tally`), so that what comes back to a user, and the memory it takes, stays bounded
however many rows are bad. Row numbers count the header as row 1, as spreadsheets do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from transcarbon.i18n import t


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: where it is, what it holds, and how to fix it (zh and en)."""

    file: str
    row: int
    column: str
    value: str
    message_zh: str
    message_en: str
    sheet: str | None = None

    def render(self) -> str:
        """``"中文 / English"`` on one line."""
        where = {
            "file": self.file if self.sheet is None else f"{self.file} [{self.sheet}]",
            "row": self.row,
            "column": self.column,
            "value": repr(self.value),
        }
        return (
            f"{t('row.error', 'zh', problem=self.message_zh, **where)} / "
            f"{t('row.error', 'en', problem=self.message_en, **where)}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class Check:
    """Rows where ``bad`` is true fail with catalog message ``key`` on ``column``.

    ``params`` are fixed message values; ``row_params`` maps a message placeholder to a frame
    column whose per-row value fills it (e.g. ``{"fuel": "fuel"}``).
    """

    column: str
    bad: pl.Expr
    key: str
    params: dict[str, object] = field(default_factory=dict)
    row_params: dict[str, str] = field(default_factory=dict)


def file_error(file: str, key: str, *, row: int = 1, column: str = "-", value: str = "", **values: object) -> RowError:
    """An error about the file as a whole (header, encoding) or one place in it."""
    return RowError(file, row, column, value, t(key, "zh", file=file, **values), t(key, "en", file=file, **values))


CSV_ENCODINGS = ("utf-8-sig", "gb18030")
"""How a CSV is read, in order: UTF-8 with or without a BOM, then GB18030 (a superset of GBK and GB2312: what
Excel saves as "CSV" on a Chinese Windows)."""


def csv_as_utf8(data: bytes, file: str) -> bytes:
    """The CSV's bytes as UTF-8 without a BOM, read in the first of :data:`CSV_ENCODINGS` that decodes it whole;
    a :class:`ValidationError` naming the encodings tried when none does."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            continue
    raise ValidationError([file_error(file, "csv.encoding")])


SHOWN_PER_COLUMN = 20
"""How many problems of one column are spelled out (row, value, message); the others are only counted."""


class Tally(Counter[str]):
    """Rows found per ``"column: rule"`` (every one, shown or not)."""

    def add(self, column: str, key: str, n: int = 1) -> None:
        self[f"{column}: {key}"] += n

    def as_list(self) -> list[dict[str, object]]:
        """``[{"column", "rule", "count"}]``, most frequent first."""
        return [{"column": k.split(": ", 1)[0], "rule": k.split(": ", 1)[1], "count": n} for k, n in self.most_common()]


class ValidationError(ValueError):
    """Input refused: carries the row errors shown (the first per column) and, in ``tally``, how many there were
    per column and rule; nothing was changed. ``status``: 422, or 413 for a file too large to read."""

    status = 422

    def __init__(self, errors: list[RowError], tally: Tally | None = None):
        self.errors = errors
        self.tally = tally if tally is not None else Tally()
        if not self.tally:
            for e in errors:
                self.tally.add(e.column, "-")
        super().__init__("\n".join(e.render() for e in errors[:20]))

    @property
    def total(self) -> int:
        """Every problem found, shown or not."""
        return max(sum(self.tally.values()), len(self.errors))

    @property
    def omitted(self) -> int:
        """Problems found but not spelled out in :attr:`errors`."""
        return self.total - len(self.errors)


def run_checks(
    frame: pl.DataFrame,
    checks: list[Check],
    file: str,
    *,
    raw: pl.DataFrame | None = None,
    first_row: int = 2,
    sheet: str | None = None,
    tally: Tally | None = None,
    shown_per_column: int = SHOWN_PER_COLUMN,
) -> list[RowError]:
    """Evaluate all checks over ``frame``; return the first ``shown_per_column`` errors of each column, sorted by
    row then column, and add every failing row to ``tally`` (per column and rule).

    ``raw`` (same height) supplies the cell text shown as the value; default ``frame`` itself.
    """
    if not checks or frame.is_empty():
        return []
    raw = frame if raw is None else raw
    masks = frame.select([c.bad.fill_null(False).alias(f"_c{i}") for i, c in enumerate(checks)])
    errors: list[RowError] = []
    per_column: Counter[str] = Counter()
    for i, check in enumerate(checks):
        idx = masks.get_column(f"_c{i}").arg_true()
        if idx.is_empty():
            continue
        if tally is not None:
            tally.add(check.column, check.key, idx.len())
        idx = idx.head(max(0, shown_per_column - per_column[check.column]))
        per_column[check.column] += idx.len()
        if idx.is_empty():
            continue
        shown = raw.get_column(check.column).gather(idx).cast(pl.String).fill_null("").to_list()
        extra = {p: frame.get_column(c).gather(idx).to_list() for p, c in check.row_params.items()}
        for n, (row, value) in enumerate(zip(idx.to_list(), shown, strict=True)):
            values = {**check.params, **{p: extra[p][n] for p in check.row_params}}
            errors.append(
                RowError(
                    file,
                    row + first_row,
                    check.column,
                    value,
                    t(check.key, "zh", **values),
                    t(check.key, "en", **values),
                    sheet,
                )
            )
    errors.sort(key=lambda e: (e.row, e.column))
    return errors
