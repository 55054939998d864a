"""Checks shared by the ship-input readers: the file exists, required columns are there, a text CSV with
its data-row numbers, timestamps parsed, numbers finite and within their physical bounds
(``data/bounds/physical.csv``), and the :class:`.errors.ShipInputError` naming the first bad value's row and
column."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transcarbon.engines.ships.errors import ShipInputError
from transcarbon.factors.bounds import physical_bounds


def bad_value(file: str, column: str, row0: int, value: object, expected_zh: str, expected_en: str) -> ShipInputError:
    """Error for data row ``row0`` (0-based; the file row is row0 + 2 since the header is row 1)."""
    return ShipInputError(
        file,
        f"值 {value!r} 无法识别为{expected_zh}",
        f"value {value!r} is not {expected_en}",
        f"改为{expected_zh}或留空",
        f"enter {expected_en} or leave it empty",
        row0 + 2,
        column,
    )


def first_bad(raw: pl.DataFrame, bad: pl.DataFrame, column: str) -> tuple[int, object]:
    """(0-based data row, raw text) of the first row of ``bad`` in ``column``."""
    row0 = int(bad["__row"][0])
    return row0, raw.filter(pl.col("__row") == row0)[column][0]


def check_columns(file: str, columns: list[str], required: tuple[str, ...], hint_en: str) -> None:
    """Refuse a file that lacks one of the ``required`` columns, naming the first missing one."""
    missing = [c for c in required if c not in columns]
    if missing:
        raise ShipInputError(
            file,
            f"缺少必需列 {', '.join(missing)}",
            f"missing required column(s) {', '.join(missing)}",
            f"添加这些列（{hint_en}）",
            f"add them ({hint_en})",
            row=1,
            column=missing[0],
        )


def parse_timestamp(expr: pl.Expr) -> pl.Expr:
    """Text times as ``Datetime[us, UTC]``: ISO 8601 with an offset, or without one (taken as UTC), with
    ``T`` or a space; null where none of these formats fits."""
    text = expr.cast(pl.String).str.strip_chars()
    return pl.coalesce(
        text.str.to_datetime(format="%Y-%m-%dT%H:%M:%S%#z", strict=False, time_unit="us", time_zone="UTC"),
        text.str.to_datetime(format="%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us").dt.replace_time_zone("UTC"),
        text.str.to_datetime(format="%Y-%m-%d %H:%M:%S", strict=False, time_unit="us").dt.replace_time_zone("UTC"),
        text.str.to_datetime(format="%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us").dt.replace_time_zone("UTC"),
    )


def existing_file(path: str | Path) -> Path:
    """``path`` as a Path, or a bilingual "file not found" error naming it."""
    p = Path(path)
    if not p.exists():
        raise ShipInputError(p.name, "文件不存在", "file not found", "检查路径", "check the path")
    return p


def text_csv(p: Path) -> pl.DataFrame:
    """A CSV read as text (every column a string) with ``__row``, the 0-based data row, for error messages."""
    return pl.read_csv(p, infer_schema=False).with_row_index("__row")


def check_bounds(file: str, raw: pl.DataFrame, out: pl.DataFrame, columns: dict[str, str]) -> None:
    """Refuse the first value of ``columns`` (column → quantity of ``data/bounds/physical.csv``) that is not finite
    or lies outside its physical bound, naming its row, column, the bound and its source."""
    for column, quantity in columns.items():
        bound = physical_bounds()[quantity]
        bad = out.filter(bound.outside(pl.col(column)))
        if bad.height:
            row0, value = first_bad(raw, bad, column)
            raise ShipInputError(
                file,
                f"值 {value!r} 超出物理范围 [{bound.min:g}, {bound.max:g}] {bound.unit}（依据：{bound.source}）",
                f"value {value!r} lies outside the physical range [{bound.min:g}, {bound.max:g}] {bound.unit} "
                f"({bound.source})",
                "核对数值与单位",
                "check the value and its unit",
                row0 + 2,
                column,
            )
