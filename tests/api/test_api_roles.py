"""The full role × route matrix: each role gets through exactly the routes its role allows (others 403,
anonymous 401 except the public aggregates), and the OpenAPI document lists no route this test misses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from platform_fixtures import Platform, csv_bytes, example_row, make_platform
from transcarbon.city.reports import load_report_types

API = "/api/v1"
ROLES = ("admin", "analyst", "department", "reporter", "auditor", "public", "anonymous")
ALL = frozenset(ROLES)
READERS = frozenset({"admin", "analyst", "department", "reporter", "auditor"})
SENDERS = frozenset({"admin", "analyst", "department", "reporter"})
REVIEW = frozenset({"admin", "analyst"})
ADMIN = frozenset({"admin"})
AUDIT = frozenset({"admin", "auditor"})
SIGNED_IN = ALL - {"anonymous"}

# (method, path template, allowed roles)
ROUTES: list[tuple[str, str, frozenset[str]]] = [
    ("GET", "/auth/me", SIGNED_IN),
    ("POST", "/auth/logout", ALL),
    ("POST", "/auth/password", SIGNED_IN),
    ("GET", "/auth/tokens", SIGNED_IN),
    ("DELETE", "/auth/tokens/{tid}", SIGNED_IN),
    ("GET", "/report-types", READERS),
    ("GET", "/report-types/{rt}", READERS),
    ("GET", "/report-types/{rt}/template.xlsx", READERS),
    ("GET", "/report-types/{rt}/template.csv", READERS),
    ("POST", "/submissions/validate", SENDERS),
    ("POST", "/submissions", SENDERS),
    ("GET", "/submissions", READERS),
    ("GET", "/submissions/{sid}", READERS),
    ("GET", "/submissions/{sid}/rows", READERS),
    ("GET", "/submissions/{sid}/file", READERS),
    ("POST", "/submissions/{sid}/attachments", SENDERS),
    ("GET", "/submissions/{sid}/attachments/{aid}", READERS),
    ("POST", "/submissions/{sid}/submit", SENDERS),
    ("POST", "/submissions/{sid}/approve", REVIEW),
    ("POST", "/submissions/{sid}/return", REVIEW),
    ("POST", "/submissions/{sid}/unapprove", REVIEW),
    ("GET", "/registers", READERS),
    ("GET", "/registers/{reg}", READERS),
    ("GET", "/registers/{reg}/assets/{asset}/history", READERS),
    ("GET", "/completeness", frozenset({"admin", "analyst", "department", "auditor"})),
    ("GET", "/organisations", READERS),
    ("GET", "/audit", AUDIT),
    ("GET", "/audit/verify", AUDIT),
    ("GET", "/public/aggregates", ALL),
    ("GET", "/users", ADMIN),
    ("POST", "/users", ADMIN),
    ("PATCH", "/users/{uid}", ADMIN),
    ("POST", "/users/{uid}/tokens", ADMIN),
    ("GET", "/users/{uid}/tokens", ADMIN),
    ("DELETE", "/users/{uid}/tokens/{tid}", ADMIN),
    ("POST", "/users/{uid}/password", ADMIN),
    ("POST", "/users/{uid}/unlock", ADMIN),
    ("GET", "/indicators/{year}", ALL),
    ("POST", "/indicators/{year}/run", REVIEW),
    ("GET", "/scorecards/{year}", frozenset({"admin", "analyst", "department", "auditor"})),
    ("GET", "/warnings", frozenset({"admin", "analyst", "department", "auditor"})),
    ("GET", "/decomposition", frozenset({"admin", "analyst", "department", "auditor"})),
    ("GET", "/inventory/{year}", READERS),
    ("GET", "/results/{rid}/lineage", READERS),
    ("GET", "/road/{year}", frozenset({"admin", "analyst", "department", "auditor"})),
    ("GET", "/road/{year}/reconciliation", frozenset({"admin", "analyst", "department", "auditor"})),
    ("GET", "/credits/summary", ALL),
    ("GET", "/credits/verify", frozenset({"admin", "analyst", "auditor"})),
    ("GET", "/credits/review", REVIEW),
    ("POST", "/credits/review/{trip}", REVIEW),
    ("POST", "/road/{year}/official", REVIEW),
]
CATALOG = load_report_types()


@pytest.fixture(scope="module")
def p(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("roles")
    platform = make_platform(f"sqlite:///{(tmp / 'roles.db').as_posix()}", tmp)
    rt = CATALOG.get("energy_activity")
    r = platform.client.post(
        f"{API}/submissions",
        headers=platform.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("a.csv", csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-03")]))},
    )
    assert r.status_code == 201
    platform.app.state.sid = r.json()["submission"]["id"]
    yield platform


def _call(p: Platform, role: str, method: str, template: str) -> tuple[int, str]:
    sid = p.app.state.sid
    path = API + template.format(
        rt="energy_activity",
        sid=sid,
        aid=999999,
        uid=999999,
        year=2024,
        rid=999999,
        tid=999999,
        trip=999999,
        reg="berths",
        asset="B1",
    )
    headers = {} if role == "anonymous" else p.h(role)
    kw: dict[str, object] = {}
    if template in ("/submissions", "/submissions/validate"):
        rt = CATALOG.get("energy_activity")
        kw = {
            "data": {"report_type": "energy_activity", "org_id": "FRT", "period": "2024-04"},
            "files": {"file": ("m.csv", csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-04")]))},
        }
    elif template.endswith("/attachments"):
        kw = {"files": {"file": ("e.pdf", b"%PDF")}}
    elif template.endswith("/official"):
        kw = {"json": {"sector": "road_freight", "figure": "bottom_up", "note": "matrix"}}
    elif template == "/auth/password":
        kw = {"json": {"current_password": "not the password", "new_password": "a new long password"}}
    elif template.endswith("/password"):
        kw = {"json": {"new_password": "a new long password"}}
    elif method in ("POST", "PATCH"):
        kw = {"json": {"comment": "matrix"} if "/submissions/" in template else {"name": "x"}}
    if template == "/completeness":
        kw = {"params": {"report_type": "energy_activity", "period": "2024-03"}}
    elif template == "/decomposition":
        kw = {"params": {"from": 2023, "to": 2024}}
    r = p.client.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
    kind = r.json().get("type", "") if r.headers.get("content-type", "").startswith("application/problem") else ""
    return r.status_code, kind


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template", "allowed"), ROUTES, ids=[f"{m} {t}" for m, t, _ in ROUTES])
def test_role_route_matrix(p: Platform, role: str, method: str, template: str, allowed: frozenset[str]) -> None:
    status, kind = _call(p, role, method, template)
    if role in allowed:  # may still be refused for another organisation's data, never for the role
        assert status != 401 and not kind.endswith(":auth.forbidden"), f"{role} refused on {method} {template}"
        assert status < 500
        if status == 403:  # another organisation's data, or the four-eyes rule (the role itself submitted it)
            assert (kind.endswith(":auth.org_forbidden") and role == "department") or kind.endswith(":wf.four_eyes")
    elif role == "anonymous":
        assert status == 401 and kind.endswith(":auth.required")
    else:
        assert status == 403 and kind.endswith(":auth.forbidden"), f"{role} got {status} on {method} {template}"


def test_matrix_covers_every_route(p: Platform) -> None:
    spec = p.client.get(f"{API}/openapi.json").json()
    documented = {(m.upper(), path.removeprefix(API)) for path, ops in spec["paths"].items() for m in ops}
    covered = {
        (
            m,
            t.replace("{rt}", "{report_type}")
            .replace("{sid}", "{submission_id}")
            .replace("{aid}", "{attachment_id}")
            .replace("{uid}", "{user_id}")
            .replace("{rid}", "{result_id}")
            .replace("{reg}", "{register_id}")
            .replace("{asset}", "{asset_id}")
            .replace("{tid}", "{token_id}")
            .replace("{trip}", "{trip_id}"),
        )
        for m, t, _ in ROUTES
    }
    covered |= {("POST", "/auth/login")}  # open to all: it is how one signs in
    covered |= set(PARTNER_SIGNED)  # partner apps' signed requests, not roles (below)
    assert documented == covered


PARTNER_SIGNED = [
    ("POST", "/credits/trips"),
    ("POST", "/credits/trips/batch"),
    ("GET", "/credits/trips/{trip_id}"),
    ("POST", "/credits/trips/{trip_id}/appeal"),
    ("POST", "/credits/consents"),
    ("POST", "/credits/fares"),
    ("POST", "/credits/statements"),
    ("POST", "/credits/deletions"),
    ("GET", "/credits/catalogue"),
    ("POST", "/credits/redemptions"),
    ("POST", "/credits/donations"),
]


@pytest.mark.parametrize(("method", "template"), PARTNER_SIGNED)
def test_partner_routes_take_no_user_token(p: Platform, method: str, template: str) -> None:
    """The green-trip partner routes open with a partner's signed request only (``docs/credits.md``)."""
    path = API + template.replace("{trip_id}", "1")
    kw: dict[str, object] = {} if method == "GET" else {"json": {}}
    headers = {**p.h("admin"), "Idempotency-Key": "k"}
    r = p.client.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
    assert r.status_code in (401, 422) and r.status_code != 403  # a body the route refuses first, or the key
    if method == "GET":
        assert r.status_code == 401 and r.json()["type"].endswith("credits.bad_key")
