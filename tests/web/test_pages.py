"""Every page through the ASGI app without a browser: roles, CSV export, language, lineage, forbidden pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from demo_builds import DemoSite
from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import demo_app
from web_session import form_token, sign_in


@pytest.fixture(scope="module")
def client(demo_site: DemoSite) -> Iterator[TestClient]:
    app = demo_app(demo_site.data_dir)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def login(client: TestClient, username: str) -> None:
    sign_in(client, username)


PAGES = [
    "/cockpit",
    "/indicators/converted_turnover_co2_intensity",
    "/indicators/nev_sales_share",
    "/emissions",
    "/emissions?year_from=2021&year_to=2024",
    "/road",
    "/road?year=2020",
    "/warnings",
    "/scorecards",
    "/reports",
    "/submissions",
    "/completeness?year=2025",
    "/audit",
    "/users",
]


@pytest.mark.slow
def test_analyst_pages_and_csv(client: TestClient) -> None:
    login(client, "admin")
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert "<h1>" in r.text
    r = client.get("/emissions?csv=by_sector")
    assert r.headers["content-type"].startswith("text/csv")
    assert "CO2（万吨）" in r.content.decode("utf-8-sig").splitlines()[0]
    r = client.get("/cockpit?csv=indicators")
    assert "营运交通工具换算周转量碳排放强度较2020年下降" in r.content.decode("utf-8-sig")


def test_targets_and_lmdi_come_from_the_services(client: TestClient) -> None:
    from transcarbon.city.config import load_city
    from transcarbon.i18n import t

    login(client, "analyst")
    header = client.get("/cockpit?csv=indicators").content.decode("utf-8-sig").splitlines()[0]
    assert [h for h in header.split(",") if h.endswith("目标")] == [f"{y}目标" for y in load_city().target_years]
    r = client.get("/emissions?year_from=2023&year_to=2023")  # one year twice: the service's message, no chart
    assert r.status_code == 200 and t("eval.decomp.bad_years", "zh", year=2023) in r.text


def test_lineage_from_a_figure(client: TestClient) -> None:
    login(client, "analyst")
    html = client.get("/emissions").text
    start = html.index('data-testid="emissions-total"')
    href = html[html.rindex('href="', 0, start) + 6 : start].split('"')[0]
    r = client.get(href)
    assert r.status_code == 200 and "tbl-inputs" in r.text and "✓" in r.text
    full = client.get(href + "?csv=inputs").content.decode("utf-8-sig").splitlines()
    assert len(full) > 1000  # every input row of the city total


def test_roles_and_anonymous(client: TestClient) -> None:
    client.cookies.clear()
    r = client.get("/cockpit", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    login(client, "reporter")
    assert client.get("/audit").status_code == 403
    assert client.get("/emissions").status_code == 403
    assert client.get("/submissions").status_code == 200
    login(client, "auditor")
    assert client.get("/audit").status_code == 200
    assert client.get("/users").status_code == 403


def test_language_and_assets(client: TestClient) -> None:
    login(client, "analyst")
    r = client.get("/cockpit?lang=en")
    assert 'lang="en"' in r.text and "Cockpit" in r.text
    assert 'lang="en"' in client.get("/warnings").text  # remembered in a cookie
    client.get("/cockpit?lang=zh")
    js = client.get("/static/web/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000
    page = client.get("/cockpit").text
    for tag in ("src=", "href="):
        for part in page.split(tag)[1:]:
            url = part[1:].split(part[0])[0]
            assert not url.startswith(("http://", "https://", "//")), url


def test_forms_need_csrf(client: TestClient) -> None:
    login(client, "admin")
    r = client.post("/users", data={"username": "x1", "role": "analyst", "password": "long-enough-1"})
    assert r.status_code == 403
    page: Any = client.get("/users").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    r = client.post(
        "/users",
        data={"username": "x1", "role": "analyst", "password": "long-enough-1", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=x1" in r.headers["location"]


def _audit_actions(client: TestClient) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from transcarbon.store.models import AuditEntry

    with client.app.state.tc.factory() as s:  # type: ignore[attr-defined]
        return [(e.actor, e.action, e.object_id) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_reporter_sees_no_warnings_or_lineage(client: TestClient) -> None:
    """Warnings name other enterprises' figures (anomalies, missing reports): internal, as in the API."""
    login(client, "analyst")
    assert '<ul class="warnings">' in client.get("/cockpit").text
    login(client, "reporter")
    for path in ("/cockpit", "/indicators/converted_turnover_co2_intensity", "/indicators/nev_sales_share"):
        r = client.get(path)
        assert r.status_code == 200 and '<ul class="warnings">' not in r.text, path
    assert "/lineage/" not in client.get("/indicators/converted_turnover_co2_intensity").text


def test_department_outside_its_area(client: TestClient) -> None:
    """A department that supervises no activity report type sees no enterprise's emissions nor rows."""
    from sqlalchemy import select

    from transcarbon.services import users
    from transcarbon.store.db import transaction
    from transcarbon.store.models import Organisation

    factory = client.app.state.tc.factory  # type: ignore[attr-defined]
    with transaction(factory) as s:
        gov = s.scalars(select(Organisation.id).where(Organisation.kind == "department")).first()
        users.create_user(
            s,
            username="police",
            role="department",
            actor="test",
            password=DEMO_PASSWORD,
            org_id=gov,
            department_id="public_security_bureau",
        )
    login(client, "department")  # the transport bureau supervises energy reports: every organisation
    html = client.get("/emissions").text
    href = html[html.rindex('href="', 0, html.index('data-testid="emissions-total"')) + 6 :].split('"')[0]
    assert client.get(href).status_code == 200
    org_csv = client.get("/emissions?csv=by_org").content.decode("utf-8-sig").splitlines()
    assert len(org_csv) > 2
    login(client, "police")
    assert client.get(href).status_code == 403
    assert client.get(href + "?csv=inputs").status_code == 403
    assert client.get("/emissions?csv=by_org").content.decode("utf-8-sig").splitlines()[1:] == []


def test_csv_export_is_audited_and_formula_safe(client: TestClient) -> None:
    from transcarbon.web.common import Table

    login(client, "analyst")
    r = client.get("/emissions?csv=by_sector&year=2024")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert _audit_actions(client)[-1] == ("analyst", "export.csv", "/emissions")
    tb = Table(
        "t",
        [("a", "A")],
        [
            {"a": '=HYPERLINK("http://x")'},
            {"a": "+1+cmd"},
            {"a": "@SUM(A1)"},
            {"a": "-2+3"},
            {"a": "-2.5"},
            {"a": -4},
            {"a": "plain"},
        ],
    )
    cells = tb.csv().decode("utf-8-sig").splitlines()[1:]
    assert cells == ['"\'=HYPERLINK(""http://x"")"', "'+1+cmd", "'@SUM(A1)", "'-2+3", "-2.5", "-4", "plain"]


def test_static_cache_is_bounded(client: TestClient) -> None:
    from transcarbon.web.static import _asset

    for i in range(100):
        assert client.get(f"/static/web/nope-{i}.js").status_code == 404
    assert _asset.cache_info().currsize <= 32


def test_road_page_tables_and_the_official_choice_form(client: TestClient) -> None:
    login(client, "department")
    r = client.get("/road")
    assert r.status_code == 200 and "tbl-reconciliation" in r.text and "tbl-official" not in r.text  # reads only
    assert (
        client.post("/road/official", data={"year": 2025, "sector": "taxi", "figure": "bottom_up"}).status_code == 403
    )
    login(client, "analyst")
    html = client.get("/road").text
    assert "tbl-official" in html
    assert (
        client.post("/road/official", data={"year": 2025, "sector": "taxi", "figure": "bottom_up"}).status_code == 403
    )
    csrf = html.split('name="csrf" value="')[1].split('"')[0]
    r = client.post(
        "/road/official",
        data={"year": 2025, "sector": "taxi", "figure": "bottom_up", "csrf": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=taxi" in r.headers["location"]
    r = client.post(
        "/road/official",
        data={"year": 2025, "sector": "rail", "figure": "bottom_up", "csrf": csrf},
        follow_redirects=True,
    )
    assert "rail" in r.text and "notice error" in r.text
    rows = client.get("/road?csv=reconciliation").content.decode("utf-8-sig").splitlines()
    assert len(rows) == 5 and "自下而上" in rows[2]  # taxi is the second sector; its official figure changed


def test_sign_in_form_needs_its_csrf_token(client: TestClient) -> None:
    client.cookies.clear()
    r = client.post("/login", data={"username": "analyst", "password": DEMO_PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "tc_session" not in r.headers.get("set-cookie", "")
    form = client.get("/login")
    assert "tc_login_csrf" in form.headers["set-cookie"] and 'name="csrf"' in form.text
    client.cookies.delete("tc_login_csrf")  # a token without its cookie, as another site would post it
    r = client.post("/login", data={"username": "analyst", "password": DEMO_PASSWORD, "csrf": form_token(form.text)})
    assert r.status_code == 403


def test_sign_out_ends_the_session_whatever_the_form_holds(client: TestClient) -> None:
    sign_in(client, "analyst")
    cookie = client.cookies.get("tc_session")
    r = client.post("/logout", data={}, follow_redirects=False)  # no CSRF token
    assert r.status_code == 303
    client.cookies.set("tc_session", cookie or "")
    assert client.get("/cockpit", follow_redirects=False).status_code == 303  # back to the sign-in page


def test_html_pages_carry_csp_and_frame_options(client: TestClient) -> None:
    sign_in(client, "analyst")
    for path in ("/cockpit", "/login", "/nowhere", "/api/v1/docs", "/api/v1/redoc"):
        r = client.get(path)
        assert (
            "default-src 'self'" in r.headers["content-security-policy"]
            and "frame-ancestors 'none'" in (r.headers["content-security-policy"])
        ), path
        assert r.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in client.get("/api/v1/auth/me").headers
    for path in ("/api/v1/docs", "/api/v1/redoc"):
        html = client.get(path).text
        assert "http://" not in html and "https://" not in html and "cdn" not in html.lower()
    js = client.get("/api/v1/docs/assets/redoc.standalone.js")
    assert js.status_code == 200 and b"cdn.redoc.ly" not in js.content
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/assets/other.js").status_code == 404


def test_own_password_change_and_admin_reset_and_unlock(client: TestClient) -> None:
    from transcarbon.services import users
    from transcarbon.store.db import transaction

    with transaction(client.app.state.tc.factory) as s:  # type: ignore[attr-defined]
        users.create_user(s, username="changer", role="analyst", actor="test", password=DEMO_PASSWORD)
    csrf = sign_in(client, "changer")
    assert client.get("/account").status_code == 200
    r = client.post(
        "/account/password",
        data={"csrf": csrf, "current_password": "nope", "new_password": "n" * 12, "confirm_password": "n" * 12},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "error=" in r.headers["location"]
    r = client.post(
        "/account/password",
        data={"csrf": csrf, "current_password": DEMO_PASSWORD, "new_password": "n" * 12, "confirm_password": "n" * 12},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    sign_in(client, "changer", "n" * 12)
    sign_in(client, "admin")
    admin_csrf = form_token(client.get("/users").text)
    with client.app.state.tc.factory() as s:  # type: ignore[attr-defined]
        uid = users.get_user(s, "changer").id
    r = client.post(f"/users/{uid}/password", data={"csrf": admin_csrf, "new_password": "m" * 12})
    assert r.status_code == 200 and "changer" in r.text
    r = client.post(f"/users/{uid}/unlock", data={"csrf": admin_csrf})
    assert r.status_code == 200
    sign_in(client, "changer", "m" * 12)


def test_department_sees_per_organisation_warnings_only_in_its_area(client: TestClient) -> None:
    """The public-security bureau supervises vehicle registrations only: warnings naming an enterprise's energy,
    shore-power or ridership figures are not its to read, through any route or page, whatever it asks for."""
    from sqlalchemy import select

    from transcarbon.services import users
    from transcarbon.store.db import transaction
    from transcarbon.store.models import Organisation

    factory = client.app.state.tc.factory  # type: ignore[attr-defined]
    with transaction(factory) as s:
        gov = s.scalars(select(Organisation.id).where(Organisation.kind == "department")).first()
        if users.find_user(s, "police2") is None:
            users.create_user(
                s,
                username="police2",
                role="department",
                actor="test",
                password=DEMO_PASSWORD,
                org_id=gov,
                department_id="public_security_bureau",
            )
    sign_in(client, "analyst")
    client.get("/cockpit?year=2025")  # evaluated on first view: the warnings are stored
    every = client.get("/api/v1/warnings", params={"year": 2025}).json()
    about_orgs = [w for w in every if w["org_id"] and w["report_type"] != "vehicle_additions"]
    assert about_orgs, "the demo should raise warnings about enterprises"
    sign_in(client, "police2")
    seen: list[dict[str, object]] = []
    for dept in (None, "transport_bureau", "development_reform_commission"):
        params = {"year": 2025, **({"department": dept} if dept else {})}
        seen += client.get("/api/v1/warnings", params=params).json()
    seen += client.get("/api/v1/indicators/2025").json().get("warnings", [])
    leaked = [w for w in seen if w["org_id"] and w["report_type"] != "vehicle_additions"]
    assert leaked == []
    for path in ("/warnings?department=transport_bureau&year=2025", "/cockpit?year=2025"):
        html = client.get(path).text
        assert not any(w["message_zh"] in html for w in about_orgs), path


def test_the_inbox_shows_a_quarters_warning_with_its_period_in_words(client: TestClient) -> None:
    """A warning of a quarter (:mod:`transcarbon.services.evaluation.alerts.quarters`) reads in the inbox with its
    period in words, beside the year's."""
    from datetime import UTC, datetime

    from transcarbon.city.config import load_city
    from transcarbon.services.evaluation import alerts as wn
    from transcarbon.services.evaluation.run import latest_evaluation_run
    from transcarbon.services.figures import clear_cache
    from transcarbon.store.db import transaction
    from transcarbon.store.models_evaluation import EvaluationWarning

    sign_in(client, "analyst")
    before = client.get("/warnings?year=2025").text  # evaluated now: the stored run is reused below
    assert "2025年第3季度" not in before
    row = {
        "indicator_id": "truck_co2_intensity",
        "year": 2025,
        "quarter": 3,
        "period": "2025-Q3",
        "measure": 0.1,
        "value": -1.0,
        "details": {"path_light": "red"},
    }
    found = wn.quarterly_warnings(load_city(), [row], [], 2025)
    assert len(found) == 1
    f, now = found[0], datetime.now(UTC)
    factory = client.app.state.tc.factory  # type: ignore[attr-defined]
    with transaction(factory) as s:
        run = latest_evaluation_run(s, 2025)
        assert run is not None
        s.add(
            EvaluationWarning(
                key=f.key,
                year=2025,
                kind=f.kind,
                severity=f.severity,
                indicator_id=f.indicator_id,
                period=f.period,
                departments=f.departments,
                message_zh=f.message("zh"),
                message_en=f.message("en"),
                details=f.details,
                first_seen_at=now,
                last_seen_at=now,
                first_run_id=run,
                last_run_id=run,
            )
        )
    clear_cache()
    html = client.get("/warnings?year=2025").text
    assert "2025年第3季度偏离目标路径（红灯）" in html and "2025-Q3" not in html
