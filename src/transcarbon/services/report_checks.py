"""Check an uploaded report against its report type: every rule at once over the whole frame.

Blocking errors: types, required fields, allowed values, numbers that are not finite, the plausible min–max
(a field without ``max``: :data:`~transcarbon.city.reports.NUMBER_CAP`), periods outside the open years, dates
(``YYYY-MM-DD``, a day that exists), the activity contract (for ``energy_activity``), organisation and period of the
submission, duplicate rows, cross-field rules of severity ``error`` and history ranges of severity ``error``; for a
register, a ``valid_to`` not after its ``valid_from`` and a ``valid_from`` after the end of the reported period.
Warnings (shown, stored with the submission, never blocking): rules and history ranges of severity ``warning``,
month-on-month and year-on-year jumps against the reporter's approved data.

All checks are Polars expressions evaluated together (:func:`run_checks`); Python only formats the
rows that failed, and jump warnings are computed per group, not per row.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from transcarbon.city.expressions import expression_fields
from transcarbon.city.reports import FieldSpec, ReportType
from transcarbon.domain import PERIOD_PATTERN, Period
from transcarbon.i18n import t
from transcarbon.services.activity_csv import ActivityLimits, activity_checks, typed_activity, with_check_columns
from transcarbon.services.report_rules import compile_expression
from transcarbon.services.validation import Check, RowError, Tally, ValidationError, run_checks


@dataclass
class CheckOutcome:
    """The typed frame (``row`` = sheet row number) with the errors and warnings shown (the first of each column)
    and how many were found per column and rule (``error_tally``, ``warning_tally``)."""

    frame: pl.DataFrame
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    error_tally: Tally = field(default_factory=Tally)
    warning_tally: Tally = field(default_factory=Tally)

    @property
    def ok(self) -> bool:
        return not self.errors

    def refusal(self) -> ValidationError:
        """The errors as the exception that refuses the upload."""
        return ValidationError(self.errors, self.error_tally)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.6g}"


DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_SPREADSHEET_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$"


def typed_rows(rt: ReportType, raw: pl.DataFrame) -> pl.DataFrame:
    """Trimmed text, empty cells as nulls, numbers as Float64 (failed casts null; checked separately), names of
    enumerated values as their codes, dates as ``YYYY-MM-DD`` text (a spreadsheet's date cell, read back as
    midnight, loses its time)."""
    if rt.feeds == "activity":
        return typed_activity(raw)
    exprs = [pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row")]
    for f in rt.fields:
        e = pl.col(f.id).cast(pl.String).str.strip_chars().replace("", None)
        if f.numeric:
            e = e.cast(pl.Float64, strict=False)
        elif f.type == "enum":  # a value's Chinese or English name stands for its code
            e = e.replace(f.value_codes())
        elif f.type == "date":
            e = e.str.replace(_SPREADSHEET_MIDNIGHT, "${1}")
        exprs.append(e.alias(f.id))
    return raw.select(exprs)


def period_end(period: Period) -> date:
    """The last day of a reporting period (a month or a year)."""
    if period.month is None:
        return date(period.year, 12, 31)
    return date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])


def _field_checks(f: FieldSpec, raw: pl.DataFrame, years: tuple[int, int]) -> list[Check]:
    c = pl.col(f.id)
    checks: list[Check] = []
    given = raw.get_column(f.id).cast(pl.String).str.strip_chars().replace("", None).is_not_null()
    if f.required:  # a cell with text that is not a number gets the number message only
        checks.append(Check(f.id, c.is_null() & ~pl.lit(given), "val.required"))
    if f.numeric:
        finite = c.is_finite()
        checks.append(Check(f.id, pl.lit(given) & c.is_null(), "val.number"))
        checks.append(Check(f.id, c.is_not_null() & ~finite, "val.finite"))
        if f.type == "integer":
            checks.append(Check(f.id, finite & (c != c.floor()), "val.integer"))
        if f.min is not None:
            checks.append(Check(f.id, finite & (c < f.min), "val.min", {"min": _fmt(f.min)}))
        checks.append(Check(f.id, finite & (c > f.upper), "val.max", {"max": _fmt(f.upper)}))
    if f.type == "enum" and f.allowed:
        checks.append(Check(f.id, c.is_not_null() & ~c.is_in(f.allowed), "val.enum", {"allowed": ", ".join(f.allowed)}))
    if f.type == "period":
        year = c.str.slice(0, 4).cast(pl.Int64, strict=False)
        well_formed = c.is_not_null() & c.str.contains(PERIOD_PATTERN)
        checks.append(Check(f.id, c.is_not_null() & ~c.str.contains(PERIOD_PATTERN), "val.period"))
        checks.append(
            Check(
                f.id,
                well_formed & ~year.is_between(*years),
                "val.period_range",
                {"first": years[0], "last": years[1]},
            )
        )
    if f.type == "date":
        real = c.str.to_date("%Y-%m-%d", strict=False).is_not_null() & c.str.contains(DATE_PATTERN)
        checks.append(Check(f.id, c.is_not_null() & ~real, "val.date"))
    return checks


def _register_checks(rt: ReportType, period: Period) -> list[Check]:
    """A row's validity: ``valid_to`` after ``valid_from``; ``valid_from`` not after the reported period."""
    reg = rt.asset_register
    if reg is None:
        return []
    start, end = pl.col(reg.valid_from), pl.col(reg.valid_to)
    last = period_end(period).isoformat()
    return [
        Check(reg.valid_to, end.is_not_null() & start.is_not_null() & (end <= start), "val.valid_to_order"),
        Check(reg.valid_from, start.is_not_null() & (start > last), "val.valid_from_future", {"end": last}),
    ]


def _unusable(rt: ReportType, raw: pl.DataFrame, fields: set[str]) -> pl.Expr:
    """True where one of the numeric ``fields`` holds text that is not a number, or a number that is not finite:
    already refused by its own check, so a rule over it says nothing more."""
    bad = [
        (
            pl.lit(raw.get_column(f.id).cast(pl.String).str.strip_chars().replace("", None).is_not_null())
            & pl.col(f.id).is_null()
        )
        | ~pl.col(f.id).is_finite().fill_null(True)
        for f in rt.fields
        if f.numeric and f.id in fields
    ]
    return pl.any_horizontal(bad) if bad else pl.lit(False)


def _rule_checks(rt: ReportType, severity: str, raw: pl.DataFrame) -> list[Check]:
    checks = []
    for r in rt.rules:
        if r.severity != severity:
            continue
        refs = expression_fields(r.require) | (expression_fields(r.when) if r.when else set())
        when = compile_expression(r.when).fill_null(False) if r.when else pl.lit(True)
        when = when & ~_unusable(rt, raw, refs)
        require = compile_expression(r.require).fill_null(False)
        checks.append(
            Check(
                r.column, when & ~require, "val.rule", {"rule": r.id, "text_zh": r.message.zh, "text_en": r.message.en}
            )
        )
    return checks


def _unique_check(rt: ReportType) -> tuple[list[pl.Expr], list[Check]]:
    if not rt.unique:
        return [], []
    keys = rt.unique
    cols = [pl.col("row").min().over(keys, order_by="row").alias("_first_row")]
    bad = pl.int_range(pl.len()).over(keys) > 0
    return cols, [Check(keys[0], bad, "val.duplicate_row", {"fields": ", ".join(keys)}, {"first": "_first_row"})]


def _history_columns(
    rt: ReportType, frame: pl.DataFrame, history: pl.DataFrame | None
) -> tuple[pl.DataFrame, list[Check], list[Check]]:
    """Join each history-ranged field's mean ± k·sd per group; checks split by severity."""
    errors: list[Check] = []
    warns: list[Check] = []
    if history is None or history.is_empty():
        return frame, errors, warns
    for f in rt.fields:
        h = f.history
        if h is None or f.id not in history.columns:
            continue
        by = list(h.by)
        per_period = history.filter(pl.col(f.id).is_not_null()).group_by([*by, "period"]).agg(pl.col(f.id).sum())
        keys: list[str | pl.Expr] = list(by) or [pl.lit(1).alias("_k")]
        stats = per_period.group_by(keys).agg(
            pl.col(f.id).mean().alias("_m"), pl.col(f.id).std().alias("_s"), pl.len().alias("_n")
        )
        stats = stats.filter(pl.col("_n") >= h.min_points).select(
            *(by or ["_k"]),
            (pl.col("_m") - h.k * pl.col("_s")).alias(f"_lo_{f.id}"),
            (pl.col("_m") + h.k * pl.col("_s")).alias(f"_hi_{f.id}"),
        )
        if not by:
            frame = frame.with_columns(pl.lit(1).alias("_k"))
        frame = frame.join(stats, on=by or ["_k"], how="left", nulls_equal=True, maintain_order="left")
        if not by:
            frame = frame.drop("_k")
        lo, hi = pl.col(f"_lo_{f.id}"), pl.col(f"_hi_{f.id}")
        frame = frame.with_columns(
            lo.round_sig_figs(6).cast(pl.String).alias(f"_lo_txt_{f.id}"),
            hi.round_sig_figs(6).cast(pl.String).alias(f"_hi_txt_{f.id}"),
        )
        check = Check(
            f.id,
            pl.col(f.id).is_not_null() & lo.is_not_null() & ((pl.col(f.id) < lo) | (pl.col(f.id) > hi)),
            "val.history_range",
            {"k": _fmt(h.k)},
            {"low": f"_lo_txt_{f.id}", "high": f"_hi_txt_{f.id}"},
        )
        (errors if h.severity == "error" else warns).append(check)
    return frame, errors, warns


def _previous(period: Period, kind: str) -> Period | None:
    if kind == "mom":
        if period.month is None:
            return None
        idx = period.year * 12 + period.month - 2
        return Period(idx // 12, idx % 12 + 1)
    return Period(period.year - 1, period.month)


def jump_warnings(
    rt: ReportType, frame: pl.DataFrame, history: pl.DataFrame | None, period: Period, file: str, sheet: str | None
) -> list[RowError]:
    """Changes of the group sums beyond the thresholds against the previous month and a year before."""
    j = rt.jumps
    if j is None or history is None or history.is_empty() or frame.is_empty():
        return []
    by = list(j.by)
    keys: list[str | pl.Expr] = list(by) or [pl.lit(1).alias("_k")]
    key_names = by or ["_k"]
    cur = frame.group_by(keys).agg(*[pl.col(f).sum() for f in j.fields], pl.col("row").min().alias("_row"))
    out: list[RowError] = []
    for kind, limit in (("mom", j.month_on_month), ("yoy", j.year_on_year)):
        prev = _previous(period, kind)
        if limit is None or prev is None:
            continue
        past = history.filter(pl.col("period") == str(prev))
        if past.is_empty():
            continue
        past = past.group_by(keys).agg(*[pl.col(f).sum().alias(f"{f}_prev") for f in j.fields])
        joined = cur.join(past, on=key_names, how="inner", nulls_equal=True)
        for f in j.fields:
            change = (pl.col(f) - pl.col(f"{f}_prev")) / pl.col(f"{f}_prev")
            hits = joined.filter(pl.col(f"{f}_prev") > 0, change.abs() > limit).with_columns(change.alias("_chg"))
            for r in hits.sort("_row").to_dicts():  # one per flagged group, not per row
                group = ", ".join(f"{k}={r[k] if r[k] is not None else '-'}" for k in by)
                values = {
                    "field": f,
                    "current": _fmt(r[f]),
                    "previous": _fmt(r[f"{f}_prev"]),
                    "previous_period": str(prev),
                    "change_pct": f"{r['_chg'] * 100:+.1f}",
                    "limit_pct": f"{limit * 100:.0f}",
                }
                out.append(
                    RowError(
                        file,
                        int(r["_row"]),
                        f,
                        _fmt(r[f]),
                        t(f"val.jump_{kind}", "zh", group=group or t("val.all_rows", "zh"), **values),
                        t(f"val.jump_{kind}", "en", group=group or t("val.all_rows", "en"), **values),
                        sheet,
                    )
                )
    return out


def check_report(
    rt: ReportType,
    raw: pl.DataFrame,
    *,
    file: str,
    sheet: str | None,
    org_id: str,
    period: Period,
    regions: Iterable[str],
    years: tuple[int, int],
    history: pl.DataFrame | None = None,
) -> CheckOutcome:
    """Check ``raw`` (text cells, the report type's columns, header = row 1) for ``org_id`` and ``period``;
    ``years``: the first and last year open to reporting.

    ``history``: the organisation's approved data of this report type in other periods (``period``
    column plus the fields), for ranges from history and jump warnings.
    """
    frame = typed_rows(rt, raw)
    if frame.is_empty():
        return CheckOutcome(frame)
    checks: list[Check] = []
    if rt.feeds == "activity":
        frame = with_check_columns(frame, ActivityLimits.of(rt, years))
        checks += activity_checks(raw, regions, ActivityLimits.of(rt, years))
        checks.append(
            Check(
                "org_id",
                pl.col("org_id").is_not_null() & (pl.col("org_id") != org_id),
                "val.org_mismatch",
                {"org": org_id},
            )
        )
        checks.append(
            Check(
                "period",
                pl.col("period").is_not_null() & (pl.col("period") != str(period)),
                "val.period_mismatch",
                {"period": str(period)},
            )
        )
    else:
        for f in rt.fields:
            checks += _field_checks(f, raw, years)
    extra, unique_checks = _unique_check(rt)
    if extra:
        frame = frame.with_columns(extra)
    checks += unique_checks + _rule_checks(rt, "error", raw) + _register_checks(rt, period)
    warn_checks = _rule_checks(rt, "warning", raw)
    frame, hist_err, hist_warn = _history_columns(rt, frame, history)
    checks += hist_err
    warn_checks += hist_warn
    error_tally, warning_tally = Tally(), Tally()
    errors = run_checks(frame, checks, file, raw=raw, sheet=sheet, tally=error_tally)
    warnings = run_checks(frame, warn_checks, file, raw=raw, sheet=sheet, tally=warning_tally)
    typed = frame.select("row", *rt.columns)
    if not errors:
        typed = typed.with_columns([pl.col(f.id).cast(pl.Int64) for f in rt.fields if f.type == "integer"])
        jumps = jump_warnings(rt, typed, history, period, file, sheet)
        for w in jumps:
            warning_tally.add(w.column, "val.jump")
        warnings += jumps
    return CheckOutcome(typed, errors, warnings, error_tally, warning_tally)
