"""Registers as they stood on a date (later rows supersede, a tie goes to the later submission, valid_to takes an
asset off) and the register checks of an upload (dates, validity order, no future change, names for codes)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from transcarbon.city.reports import load_report_types
from transcarbon.domain import Period
from transcarbon.services.registers import as_of
from transcarbon.services.report_checks import check_report

CATALOG = load_report_types()
STANDS = CATALOG.get("airport_stands")


def _rows(*rows: tuple[str, str, str | None, str, int]) -> pl.DataFrame:
    """(stand_id, valid_from, valid_to, ground_power, submission_id) rows shaped as approved rows."""
    return pl.DataFrame(
        [
            {
                "submission_id": sub,
                "report_row_id": i,
                "org_id": "AIR",
                "period": vf[:4],
                "row_number": i + 2,
                "stand_id": sid,
                "stand_type": "contact",
                "ground_power": gpu,
                "preconditioned_air": "no",
                "installed_date": None,
                "valid_from": vf,
                "valid_to": vt,
            }
            for i, (sid, vf, vt, gpu, sub) in enumerate(rows)
        ]
    )


def test_the_latest_row_not_after_the_day_is_the_state() -> None:
    rows = _rows(("101", "2021-12-02", None, "no", 1), ("101", "2022-05-20", None, "yes", 2))
    assert as_of(rows, STANDS, date(2021, 12, 1)).height == 0  # not yet on the register
    assert as_of(rows, STANDS, date(2022, 5, 19))["ground_power"].to_list() == ["no"]
    assert as_of(rows, STANDS, date(2022, 5, 20))["ground_power"].to_list() == ["yes"]


def test_a_tie_goes_to_the_later_submission_and_valid_to_takes_the_asset_off() -> None:
    rows = _rows(
        ("B01", "2010-01-01", "2021-12-02", "no", 1),
        ("B01", "2010-01-01", "2021-12-02", "yes", 5),  # a correction filed later
        ("101", "2021-12-02", None, "no", 1),
    )
    before = as_of(rows, STANDS, date(2021, 12, 1))
    assert before["stand_id"].to_list() == ["B01"] and before["ground_power"].to_list() == ["yes"]
    after = as_of(rows, STANDS, date(2021, 12, 2))
    assert after["stand_id"].to_list() == ["101"]


def _check(csv_rows: list[dict[str, str]], period: str = "2025") -> list[str]:
    raw = pl.DataFrame([{c: r.get(c, "") for c in STANDS.columns} for r in csv_rows])
    out = check_report(
        STANDS, raw, file="s.csv", sheet=None, org_id="AIR", period=Period.parse(period), regions=(), years=(2015, 2026)
    )
    return [f"{e.row}:{e.column}" for e in out.errors]


GOOD = {"stand_id": "101", "stand_type": "近机位", "ground_power": "yes", "preconditioned_air": "已安装",
        "installed_date": "2025-03-01", "valid_from": "2025-03-01", "valid_to": ""}  # fmt: skip


def test_names_stand_for_codes_and_a_good_row_passes() -> None:
    assert _check([GOOD]) == []
    raw = pl.DataFrame([GOOD])
    out = check_report(
        STANDS, raw, file="s.csv", sheet=None, org_id="AIR", period=Period(2025), regions=(), years=(2015, 2026)
    )
    assert out.frame["stand_type"].to_list() == ["contact"] and out.frame["preconditioned_air"].to_list() == ["yes"]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"valid_from": "2025-02-30"}, "2:valid_from"),  # no such day
        ({"valid_from": "2025/03/01"}, "2:valid_from"),
        ({"valid_to": "2025-01-01"}, "2:valid_to"),  # before valid_from
        ({"valid_from": "2026-01-02", "installed_date": "2026-01-02"}, "2:valid_from"),  # after the period
        ({"installed_date": ""}, "2:installed_date"),  # the register's own rule
    ],
)
def test_register_checks(change: dict[str, str], where: str) -> None:
    assert where in _check([{**GOOD, **change}])


def test_a_spreadsheet_date_cell_reads_as_a_date_and_the_same_asset_twice_on_one_day_is_refused() -> None:
    assert _check([{**GOOD, "valid_from": "2025-03-01 00:00:00"}]) == []
    assert "3:stand_id" in _check([GOOD, GOOD])


def test_the_template_offers_chinese_names_in_its_drop_downs() -> None:
    import io

    from openpyxl import load_workbook

    from transcarbon.services.templates import build_xlsx, header_text

    wb = load_workbook(io.BytesIO(build_xlsx(STANDS)))
    lists = [c.value for row in wb["lists"].iter_rows() for c in row if c.value]
    assert "近机位" in lists and "已安装" in lists and "contact" not in lists
    data = wb.worksheets[0]
    assert [c.value for c in data[1]][-2:] == [
        header_text(STANDS.field("valid_from")),
        header_text(STANDS.field("valid_to")),
    ]
