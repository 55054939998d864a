"""Bad input through the REST API is a 4xx problem, never a 5xx: numbers that are not finite or not plausible,
periods outside the open years, huge integers, NUL characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostile_files import bomb
from platform_fixtures import Platform, csv_bytes, example_row, make_platform
from transcarbon.city.reports import load_report_types

API = "/api/v1"
CATALOG = load_report_types()


@pytest.fixture
def p(migrated_db_url: str, tmp_path: Path) -> Platform:
    return make_platform(migrated_db_url, tmp_path)


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


def test_errors_returned_are_bounded_and_counted(p: Platform) -> None:
    rt = CATALOG.get("energy_activity")
    rows = [example_row(rt, org_id="FRT", period="2024-03", amount="x") for _ in range(5000)]
    r = p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("many.csv", csv_bytes(rt, rows), "text/csv")},
    )
    assert r.status_code == 422
    body = r.json()
    assert len(body["errors"]) == 20 and body["errors_total"] == 5000 and body["errors_omitted"] == 4980
    assert body["error_counts"] == [{"column": "amount", "rule": "val.number", "count": 5000}]
    assert "5000" in body["detail_en"] and len(r.content) < 50_000
    v = p.client.post(
        f"{API}/submissions/validate",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("many.csv", csv_bytes(rt, rows), "text/csv")},
    ).json()
    assert len(v["errors"]) == 20 and v["errors_total"] == 5000 and v["error_counts"][0]["count"] == 5000


def test_a_zip_bomb_upload_is_a_413_in_both_languages(migrated_db_url: str, tmp_path: Path) -> None:
    p = make_platform(migrated_db_url, tmp_path, max_xlsx_expanded_mb=4)
    r = p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("bomb.xlsx", bomb(32 * 2**20), "application/octet-stream")},
    )
    assert r.status_code == 413, r.text
    body = r.json()
    assert body["status"] == 413 and "zip bomb" in body["detail_en"] and "压缩炸弹" in body["detail_zh"]


HUGE = "99999999999999999999"


def test_huge_integers_are_problems_not_errors(p: Platform) -> None:
    for path in (f"/submissions/{HUGE}", f"/submissions/{HUGE}/rows", f"/results/{HUGE}/lineage", "/indicators/10000"):
        r = p.client.get(API + path, headers=p.h("admin"))
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), path
    r = p.client.get(f"{API}/submissions", params={"offset": HUGE}, headers=p.h("admin"))
    assert r.status_code == 422
    r = p.client.post(f"{API}/submissions/1/approve", json={"lock_version": 10**20}, headers=p.h("analyst"))
    assert r.status_code == 422, r.text
    r = p.client.patch(f"{API}/users/{HUGE}", json={"role": "analyst"}, headers=p.h("admin"))
    assert r.status_code == 422


def test_nul_characters_are_refused_everywhere(p: Platform) -> None:
    rt = CATALOG.get("energy_activity")
    data = csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-03")])
    cases = [
        p.client.get(f"{API}/report-types/energy%00activity", headers=p.h("admin")),
        p.client.get(f"{API}/submissions", params={"org_id": "FRT\x00"}, headers=p.h("admin")),
        p.client.post(f"{API}/auth/login", json={"username": "frt\x00", "password": "x" * 12}),
        p.client.post(
            f"{API}/users", json={"username": "nul", "role": "analyst", "display_name": "a\x00b"}, headers=p.h("admin")
        ),
        p.client.post(f"{API}/submissions/1/return", json={"comment": "no\x00"}, headers=p.h("analyst")),
        p.client.post(
            f"{API}/submissions",
            headers=p.h("reporter"),
            data={"report_type": "energy_activity", "org_id": "FRT\x00", "period": "2024-03"},
            files={"file": ("a.csv", data, "text/csv")},
        ),
    ]
    for r in cases:
        assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json"), r.text
    r = p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("a\x00b.csv", data, "text/csv\x00")},
    )
    assert r.status_code == 201 and "\x00" not in r.json()["submission"]["file_name"], r.text


def test_file_names_are_kept_without_control_characters() -> None:
    from transcarbon.services.filestore import safe_name

    assert safe_name("C:\\data\\报表\x00.csv") == "报表.csv"
    assert safe_name("../../etc/\x01\x02") == "upload" and len(safe_name("a" * 500)) == 200


def test_a_file_with_too_many_rows_is_refused_whole_even_in_a_dry_run(migrated_db_url: str, tmp_path: Path) -> None:
    p = make_platform(migrated_db_url, tmp_path, max_upload_rows=10)
    rt = CATALOG.get("energy_activity")
    rows = [example_row(rt, org_id="FRT", period="2024-03", amount="x") for _ in range(20)]
    for route in ("/submissions/validate", "/submissions"):
        r = p.client.post(
            f"{API}{route}",
            headers=p.h("reporter"),
            data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
            files={"file": ("many.csv", csv_bytes(rt, rows), "text/csv")},
        )
        assert r.status_code == 422 and r.json()["type"].endswith("upload.limit"), r.text
        assert "10" in r.json()["detail_en"]
