"""Upload limits: a workbook that inflates past the limit (a zip bomb, small here, full size in benchmarks/) is refused
while it is being inflated, with bounded memory, whatever sizes the zip declares; rows and columns are counted in
the sheet and in a CSV; the message is in Chinese and English."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from hostile_files import bomb, understate_sizes
from platform_fixtures import csv_bytes, example_row
from transcarbon.city.reports import load_report_types
from transcarbon.services.templates import build_xlsx, fill_xlsx, read_upload
from transcarbon.services.upload_limits import UploadLimits, UploadTooLarge, check_csv, check_xlsx

CATALOG = load_report_types()
MIB = 2**20


@pytest.mark.slow
def test_a_zip_bomb_is_refused_while_inflating_with_bounded_memory() -> None:
    data = bomb(64 * MIB)
    assert len(data) < 1 * MIB
    limits = UploadLimits(max_expanded_bytes=8 * MIB, max_rows=10**9)
    tracemalloc.start()
    with pytest.raises(UploadTooLarge) as exc:
        check_xlsx(data, "bomb.xlsx", limits)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert exc.value.status == 413 and peak < 4 * MIB
    e = exc.value.errors[0]
    assert "8 MB" in e.message_en and "zip bomb" in e.message_en and "8 MB" in e.message_zh


def test_declared_sizes_are_not_trusted() -> None:
    lying = understate_sizes(bomb(16 * MIB, sheet_only=True))
    assert all(i.file_size == 100 for i in zipfile.ZipFile(io.BytesIO(lying)).infolist())
    with pytest.raises(UploadTooLarge) as exc:
        check_xlsx(lying, "lying.xlsx", UploadLimits(max_expanded_bytes=4 * MIB, max_rows=10**9))
    assert exc.value.status == 413


def test_rows_and_columns_are_counted_in_the_sheet_and_the_csv() -> None:
    rt = CATALOG.get("shore_power")
    rows = [example_row(rt, berth_id=f"B{i}") for i in range(30)]
    workbook = fill_xlsx(build_xlsx(rt), rows, rt)
    check_xlsx(workbook, "ok.xlsx", UploadLimits(max_rows=30))
    with pytest.raises(UploadTooLarge) as exc:
        read_upload(rt, workbook, "many.xlsx", UploadLimits(max_rows=29))
    assert exc.value.status == 422 and "29" in exc.value.errors[0].message_en
    with pytest.raises(UploadTooLarge, match="columns"):
        check_xlsx(workbook, "wide.xlsx", UploadLimits(max_columns=5))
    csv = csv_bytes(rt, rows)
    check_csv(csv, "ok.csv", UploadLimits(max_rows=30))
    with pytest.raises(UploadTooLarge, match="rows"):
        check_csv(csv, "many.csv", UploadLimits(max_rows=29))
    with pytest.raises(UploadTooLarge, match="columns"):
        check_csv(csv, "wide.csv", UploadLimits(max_columns=5))


def test_a_nul_character_in_a_cell_is_refused_by_cell() -> None:
    rt = CATALOG.get("shore_power")
    data = csv_bytes(rt, [example_row(rt), example_row(rt, berth_id="B\x00X", ship_name="两")])
    with pytest.raises(Exception) as exc:
        read_upload(rt, data, "nul.csv")
    errors = getattr(exc.value, "errors", [])
    assert [(e.row, e.column) for e in errors] == [(3, "berth_id")]
