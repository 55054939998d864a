"""Accounts through the REST API: what an admin sends is checked before it reaches the database (an unknown
organisation or department is a 422, never a 500), and timestamps carry their time zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from platform_fixtures import Platform, make_platform

API = "/api/v1"


@pytest.fixture
def p(db_url: str, tmp_path: Path) -> Platform:
    return make_platform(db_url, tmp_path)


def test_unknown_organisation_or_department_is_a_problem_not_a_crash(p: Platform) -> None:
    body = {"username": "newbie", "role": "analyst", "password": "long enough password", "org_id": "NOPE"}
    r = p.client.post(f"{API}/users", headers=p.h("admin"), json=body)
    assert r.status_code == 422 and r.json()["type"].endswith("wf.unknown_org"), r.text
    r = p.client.post(f"{API}/users", headers=p.h("admin"), json={**body, "org_id": None, "department_id": "nope"})
    assert r.status_code == 422 and r.json()["type"].endswith("user.unknown_department"), r.text
    dept = next(u for u in p.client.get(f"{API}/users", headers=p.h("admin")).json() if u["username"] == "dept")
    r = p.client.patch(f"{API}/users/{dept['id']}", headers=p.h("admin"), json={"department_id": "no_such"})
    assert r.status_code == 422 and r.json()["type"].endswith("user.unknown_department"), r.text


def test_timestamps_carry_their_time_zone(p: Platform) -> None:
    from platform_fixtures import csv_bytes, example_row
    from transcarbon.city.reports import load_report_types

    rt = load_report_types().get("energy_activity")
    r = p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("a.csv", csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-03")]))},
    )
    assert r.status_code == 201, r.text
    created = p.client.get(f"{API}/submissions", headers=p.h("analyst")).json()["items"][0]["created_at"]
    assert created.endswith(("Z", "+00:00")), created
