"""Bad input through the REST API is a 4xx problem, never a 5xx: numbers that are not finite or not plausible,
periods outside the open years, huge integers, NUL characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_fixtures import Platform, csv_bytes, example_row, make_platform
from transcarbon.city.reports import load_report_types

API = "/api/v1"
CATALOG = load_report_types()


@pytest.fixture
def p(db_url: str, tmp_path: Path) -> Platform:
    return make_platform(db_url, tmp_path)


def _upload(p: Platform, period: str, **over: object):  # type: ignore[no-untyped-def]
    rt = CATALOG.get("energy_activity")
    rows = [example_row(rt, org_id="FRT", period=period), example_row(rt, org_id="FRT", period=period, **over)]
    return p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": period},
        files={"file": ("a.csv", csv_bytes(rt, rows), "text/csv")},
    )


@pytest.mark.parametrize(
    ("over", "column"),
    [
        ({"amount": "inf"}, "amount"),
        ({"amount": "-inf"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1e309"}, "amount"),
        ({"amount": "1e308"}, "amount"),
        ({"freight_tkm": "1e29"}, "freight_tkm"),
    ],
)
def test_numbers_that_are_not_finite_or_plausible_are_refused_by_cell(
    p: Platform, over: dict[str, object], column: str
) -> None:
    r = _upload(p, "2024-03", **over)
    assert r.status_code == 422, r.text
    errors = r.json()["errors"]
    assert (3, column) in [(e["row"], e["column"]) for e in errors] and {e["row"] for e in errors} == {3}


@pytest.mark.parametrize("period", ["9999-12", "1900-01", "10000-01"])
def test_periods_outside_the_open_years_are_refused(p: Platform, period: str) -> None:
    r = _upload(p, period)
    assert r.status_code == 422, r.text
    assert r.json()["type"].endswith(("wf.period_out_of_range", "wf.bad_period", "http.invalid_request")), r.text
    r = p.client.get(
        f"{API}/completeness", params={"report_type": "energy_activity", "period": period}, headers=p.h("analyst")
    )
    assert r.status_code == 422, r.text
