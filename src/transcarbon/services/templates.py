"""Report templates (XLSX with Chinese headers, notes, drop-downs and an example row; CSV) and reading
uploads back into a frame of text cells.

XLSX layout: sheet 数据 (data) with one header row — ``中文名* (field_id)``, ``*`` marking required
fields — a comment on each header cell, drop-down lists for enumerated fields (their Chinese names
where the report type names its values: a cell may hold the name or the code) and number checks for
numeric ones; sheet 填表说明 (notes) describing every field, the rules and the deadline; sheet 示例
(example) with one filled row; a hidden sheet of the drop-down lists. CSV: the field ids as header.

Reading accepts either form; a header cell may be the template's, the field id, or the Chinese label.
"""

from __future__ import annotations

import io
import re
from typing import Literal

import fastexcel
import polars as pl
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from transcarbon.city.reports import FieldSpec, ReportType
from transcarbon.i18n import Lang, t
from transcarbon.services.upload_limits import UploadLimits, check_csv, check_xlsx
from transcarbon.services.validation import (
    Check,
    RowError,
    Tally,
    ValidationError,
    csv_as_utf8,
    file_error,
    run_checks,
)

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv"
MAX_TEMPLATE_ROWS = 200_000
_LISTS = "lists"
_HEADER_ID = re.compile(r"\(([a-z][a-z0-9_]*)\)\s*$")


def data_sheet_name() -> str:
    return t("tpl.sheet_data", "zh")


def header_text(f: FieldSpec) -> str:
    return f"{f.label.zh}{'*' if f.required else ''} ({f.id})"


def _range_text(f: FieldSpec) -> str:
    parts = []
    if f.min is not None or f.max is not None:
        parts.append(f"[{'' if f.min is None else f'{f.min:g}'}, {'' if f.max is None else f'{f.max:g}'}]")
    if f.history is not None:
        parts.append(f"mean ± {f.history.k:g}·sd")
    return " ".join(parts)


def _deadline_text(rt: ReportType, lang: Lang) -> str:
    d = rt.deadline
    if rt.period == "monthly":
        return t("tpl.deadline_monthly", lang, months_after=d.months_after, due_day=d.due_day)
    return t("tpl.deadline_annual", lang, years_after=d.years_after, due_month=d.due_month, due_day=d.due_day)


def build_csv(rt: ReportType) -> bytes:
    """The CSV form: UTF-8 (with BOM, so spreadsheet programs read Chinese text), header of field ids."""
    return ("\ufeff" + ",".join(rt.columns) + "\n").encode("utf-8")


def build_xlsx(rt: ReportType) -> bytes:
    """The XLSX template of ``rt`` as bytes."""
    wb = Workbook()
    data = wb.active
    assert data is not None
    data.title = data_sheet_name()
    lists = wb.create_sheet(_LISTS)
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    last_row = MAX_TEMPLATE_ROWS + 1
    list_col = 0
    for i, f in enumerate(rt.fields, start=1):
        letter = get_column_letter(i)
        cell = data.cell(row=1, column=i, value=header_text(f))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        note = [f"{f.label.zh} / {f.label.en}"]
        if f.unit:
            note.append(f"{t('tpl.col_unit', 'zh')} unit: {f.unit}")
        if f.note:
            note += [f.note.zh, f.note.en]
        data[f"{letter}1"].comment = Comment("\n".join(note), "transcarbon")
        data.column_dimensions[letter].width = max(14, min(40, len(header_text(f)) * 2))
        sqref = f"{letter}2:{letter}{last_row}"
        if f.type == "enum" and f.allowed:
            list_col += 1
            lc = get_column_letter(list_col)
            for r, value in enumerate(dropdown_values(f), start=1):
                lists.cell(row=r, column=list_col, value=value)
            dv = DataValidation(
                type="list",
                formula1=f"{_LISTS}!${lc}$1:${lc}${len(f.allowed)}",
                allow_blank=True,
                showErrorMessage=True,
                error=t("tpl.dropdown_error", "zh"),
                errorTitle=f.label.zh,
            )
        elif f.numeric:
            kind: Literal["whole", "decimal"] = "whole" if f.type == "integer" else "decimal"
            lo = f.min if f.min is not None else -1e15
            hi = f.max if f.max is not None else 1e15
            dv = DataValidation(
                type=kind,
                operator="between",
                formula1=f"{lo:g}",
                formula2=f"{hi:g}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f.label.zh,
                error=f"{_range_text(f) or t('val.number', 'zh')}",
            )
        else:
            continue
        data.add_data_validation(dv)
        dv.add(sqref)
    # Text columns formatted as text, so that Excel does not turn 2024-03 into a date.
    for i, f in enumerate(rt.fields, start=1):
        if not f.numeric:
            data.column_dimensions[get_column_letter(i)].number_format = "@"
    data.freeze_panes = "A2"

    notes = wb.create_sheet(t("tpl.sheet_notes", "zh"), 1)
    notes.append([t("tpl.notes_title", "zh", name=rt.name.zh, report_type=rt.id)])
    notes.append([t("tpl.notes_title", "en", name=rt.name.en, report_type=rt.id)])
    notes["A1"].font = Font(bold=True, size=13)
    for lang in ("zh", "en"):
        notes.append(
            [t("tpl.notes_intro", lang, period=t(f"tpl.period_{rt.period}", lang), deadline=_deadline_text(rt, lang))]
        )
    notes.append([])
    heads = ("col_field", "col_label", "col_type", "col_unit", "col_required", "col_allowed", "col_range", "col_note")
    notes.append([f"{t(f'tpl.{h}', 'zh')} {t(f'tpl.{h}', 'en')}" for h in heads])
    for c in notes[notes.max_row]:
        c.font, c.fill = bold, fill
    for f in rt.fields:
        req = f"{t('tpl.yes', 'zh')} {t('tpl.yes', 'en')}" if f.required else ""
        notes.append(
            [
                f.id,
                f"{f.label.zh} / {f.label.en}",
                f.type,
                f.unit or "",
                req,
                ", ".join(f"{v} {f.value_label(v)}" if f.labels and v in f.labels else v for v in f.allowed or []),
                _range_text(f) or (t("val.date", "zh") if f.type == "date" else ""),
                f"{f.note.zh} / {f.note.en}" if f.note else "",
            ]
        )
    if rt.rules:
        notes.append([])
        notes.append([f"{t('tpl.rules', 'zh')} / {t('tpl.rules', 'en')}"])
        notes[f"A{notes.max_row}"].font = bold
        for rule in rt.rules:
            notes.append([rule.id, rule.message.zh, rule.message.en])
    for letter, width in zip("ABCDEFGH", (18, 30, 10, 10, 8, 40, 18, 60), strict=True):
        notes.column_dimensions[letter].width = width

    example = wb.create_sheet(t("tpl.sheet_example", "zh"), 2)
    example.append([header_text(f) for f in rt.fields])
    example.append([_example_value(f) for f in rt.fields])
    for c in example[1]:
        c.font, c.fill = bold, fill
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def dropdown_values(f: FieldSpec) -> list[str]:
    """What an enumerated field's drop-down offers: each allowed value's Chinese name, or the code without one."""
    return [f.value_label(v, "zh") for v in f.allowed or []]


def _example_value(f: FieldSpec) -> str | float | int | None:
    if f.example == "":
        return None
    if f.type == "integer":
        return int(float(f.example))
    if f.type == "number":
        return float(f.example)
    return f.example


def column_ids(rt: ReportType, header: list[str]) -> list[str]:
    """Map header cells (template text, field id or Chinese label) to field ids; unknown cells kept as is."""
    by_label = {f.label.zh: f.id for f in rt.fields}
    out = []
    for h in header:
        text = str(h).strip().lstrip("\ufeff")
        m = _HEADER_ID.search(text)
        if m:
            out.append(m.group(1))
        elif text in rt.columns:
            out.append(text)
        else:
            out.append(by_label.get(text.rstrip("*").strip(), text))
    return out


def _header_errors(rt: ReportType, columns: list[str], file: str) -> list[RowError]:
    expected = ",".join(rt.columns)
    missing = [c for c in rt.columns if c not in columns]
    unknown = [c for c in columns if c not in rt.columns]
    errors = []
    if missing:
        errors.append(
            file_error(
                file, "upload.header_missing", column=",".join(missing), columns=",".join(missing), expected=expected
            )
        )
    if unknown:
        errors.append(
            file_error(
                file, "upload.header_unknown", column=",".join(unknown), columns=",".join(unknown), expected=expected
            )
        )
    return errors


def is_xlsx(data: bytes, file_name: str) -> bool:
    return data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx")


def read_upload(
    rt: ReportType, data: bytes, file_name: str, limits: UploadLimits = UploadLimits()
) -> tuple[pl.DataFrame, str | None]:
    """The uploaded rows as text cells under the report type's field ids, and the sheet they came from.

    Raises :class:`ValidationError` for an unreadable file, a wrong header or a cell holding a NUL character,
    and :class:`UploadTooLarge` for a file over ``limits`` (checked before it is read). Trailing empty rows are
    dropped; empty rows in between stay (and are reported by the checks with their row numbers).
    """
    if is_xlsx(data, file_name):
        check_xlsx(data, file_name, limits)
        frame, sheet = _read_xlsx(data, file_name)
    elif file_name.lower().endswith((".csv", ".txt")) or not file_name.lower().endswith((".xls", ".xlsm", ".ods")):
        check_csv(data, file_name, limits)
        frame, sheet = _read_csv(data, file_name), None
    else:
        raise ValidationError([file_error(file_name, "upload.unsupported")])
    ids = column_ids(rt, frame.columns)
    dup = sorted({c for c in ids if ids.count(c) > 1})
    if dup:
        raise ValidationError(
            [
                file_error(
                    file_name,
                    "upload.header_unknown",
                    column=",".join(dup),
                    columns=",".join(dup),
                    expected=",".join(rt.columns),
                )
            ]
        )
    frame = frame.rename(dict(zip(frame.columns, ids, strict=True)))
    errors = _header_errors(rt, frame.columns, file_name)
    if errors:
        raise ValidationError(errors)
    frame = frame.select([pl.col(c).cast(pl.String) for c in rt.columns])
    filled = pl.any_horizontal([pl.col(c).str.strip_chars().replace("", None).is_not_null() for c in rt.columns])
    last = frame.select(filled.arg_true().max()).item()
    frame = frame.head(0 if last is None else last + 1)
    if frame.is_empty():
        raise ValidationError([file_error(file_name, "csv.empty", row=2)])
    tally = Tally()
    nul = [Check(c, pl.col(c).str.contains("\x00", literal=True), "val.nul") for c in rt.columns]
    errors = run_checks(frame, nul, file_name, sheet=sheet, tally=tally)
    if errors:
        raise ValidationError(errors, tally)
    return frame, sheet


def _read_csv(data: bytes, file_name: str) -> pl.DataFrame:
    text = csv_as_utf8(data, file_name)
    try:
        return pl.read_csv(text, infer_schema_length=0, encoding="utf8")
    except Exception as exc:  # polars and the decoder raise several types for malformed bytes
        raise ValidationError([file_error(file_name, "csv.unreadable", detail=str(exc)[:160])]) from exc


def _read_xlsx(data: bytes, file_name: str) -> tuple[pl.DataFrame, str]:
    try:
        reader = fastexcel.read_excel(data)
        names = reader.sheet_names
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise ValidationError([file_error(file_name, "upload.xlsx_unreadable", detail=str(exc)[:160])]) from exc
    sheet = data_sheet_name()
    if sheet not in names:
        visible = [n for n in names if n != _LISTS]
        if len(visible) != 1:
            raise ValidationError([file_error(file_name, "upload.sheet_missing", sheet=sheet)])
        sheet = visible[0]
    try:
        loaded = reader.load_sheet(sheet, dtypes="string", header_row=0)
        frame = loaded.to_polars()
    except Exception as exc:  # calamine raises its own error types for broken sheets
        raise ValidationError([file_error(file_name, "upload.xlsx_unreadable", detail=str(exc)[:160])]) from exc
    return _integral_text(frame), sheet


def _integral_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Excel stores every number as a float: show ``25.0`` as ``25`` so integer fields read naturally."""
    return frame.with_columns(pl.col(c).cast(pl.String).str.replace(r"^(-?\d+)\.0$", "${1}") for c in frame.columns)


def fill_xlsx(template: bytes, rows: list[dict[str, str | float | int | None]], rt: ReportType) -> bytes:
    """Write ``rows`` (field id → value) into a template's data sheet (tests, demos, scripted reporters)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(template))
    ws = wb[data_sheet_name()]
    for r, row in enumerate(rows, start=2):
        for c, f in enumerate(rt.fields, start=1):
            value = row.get(f.id)
            if value is not None and value != "":
                ws.cell(row=r, column=c, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
