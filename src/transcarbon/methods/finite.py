"""Computations refuse non-finite input: a number that is infinite or not a number (NaN) never enters a method,
where it would spread into every sum it touches. Missing values (null) are each method's own business."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl


class NonFiniteInput(ValueError):
    """An input column holds an infinite or NaN value (``columns``: which)."""

    def __init__(self, what: str, columns: list[str]):
        self.what, self.columns = what, columns
        super().__init__(f"{what}: column(s) {', '.join(columns)} hold values that are not finite (inf or NaN)")


def require_finite(frame: pl.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise :class:`NonFiniteInput` naming every column of ``columns`` that holds an infinite or NaN value."""
    present = [c for c in columns if c in frame.columns]
    if not present:
        return
    flags = frame.select((~pl.col(c).cast(pl.Float64).is_finite()).any().alias(c) for c in present).row(0)
    bad = [c for c, b in zip(present, flags, strict=True) if b]
    if bad:
        raise NonFiniteInput(what, bad)
