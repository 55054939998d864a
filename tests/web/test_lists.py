"""Work lists that scale (issue 12, point 8): the warnings inbox, the audit log and the users page are paged
("显示第 x–y 条，共 N 条"), sorted by their column headers and searched, like the submissions list; a bad page
number is the HTML error page, an unknown sort key falls back to the list's default order."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services import audit, users
from transcarbon.store.models import AuditEntry, User
from web_session import sign_in


def showing(html: str) -> str:
    return html.split('data-testid="showing">')[1].split("<")[0]


def column(html: str, table: str, index: int) -> list[str]:
    """The text of one column of a page's table (tags stripped)."""
    body = html.split(f'id="tbl-{table}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    return [re.sub(r"<[^>]+>", "", c[index]).strip() for c in cells if len(c) > index]


def test_the_audit_log_is_paged_to_its_last_entry(client: TestClient, factory: sessionmaker[Session]) -> None:
    sign_in(client, "auditor")
    with factory() as s:
        total = len(s.scalars(select(AuditEntry.id)).all())
    first = client.get("/audit").text
    # the page's own read is logged after it is counted: the total is the log as it was, to the entry
    assert showing(first) == f"显示第 1–50 条，共 {total:,} 条"
    ids = [int(i) for i in column(first, "audit", 0)]
    assert ids == sorted(ids, reverse=True) and len(ids) == 50  # newest first
    assert showing(client.get("/audit?page=2").text).startswith("显示第 51–100 条")
    oldest = [int(i) for i in column(client.get("/audit?sort=id").text, "audit", 0)]
    then = [int(i) for i in column(client.get("/audit?sort=id&page=2").text, "audit", 0)]
    assert oldest == sorted(oldest) and min(then) > max(oldest)  # no entry on two pages
    last = client.get("/audit?page=1000000").text  # past the end: the last page, never an empty one
    assert 'rel="next"' not in last and column(last, "audit", 0)


def test_the_audit_log_is_searched_and_sorted(client: TestClient, factory: sessionmaker[Session]) -> None:
    sign_in(client, "auditor")
    with factory() as s:
        approvals = len(s.scalars(select(AuditEntry.id).where(AuditEntry.action == "submission.approve")).all())
    found = client.get("/audit?search=submission.approve").text
    assert showing(found).endswith(f"共 {approvals:,} 条") and approvals > 0
    by_actor = client.get("/audit?sort=actor").text
    actors = column(by_actor, "audit", 2)
    assert actors == sorted(actors)
    assert 'aria-sort="ascending"' in by_actor and "sort=-actor" in by_actor  # the header reverses it
    assert "显示第 1–50 条" in client.get("/audit?sort=nonsense").text  # unknown key: the default order


def test_the_users_page_is_paged_searched_and_sorted(client: TestClient) -> None:
    sign_in(client, "admin")
    page = client.get("/users").text
    assert showing(page).startswith("显示第 1–")
    names = column(client.get("/users?sort=-username").text, "users", 1)
    assert names == sorted(names, reverse=True) and len(names) >= 5
    only = client.get("/users?search=analyst").text
    assert column(only, "users", 1) == ["analyst"]
    by_role = column(client.get("/users?search=审计").text, "users", 1)  # a role's Chinese name finds its users
    assert by_role == ["auditor"]
    nothing = client.get("/users?search=%25no_such%25").text  # % and _ are taken literally
    assert showing(nothing).endswith("共 0 条") and 'class="empty"' in nothing


def test_the_warnings_inbox_is_paged_searched_and_sorted(client: TestClient) -> None:
    sign_in(client, "analyst")
    page = client.get("/warnings?year=2025").text
    total = int(showing(page).split("共 ")[1].split(" ")[0].replace(",", ""))
    assert total > 0 and len(column(page, "warnings", 0)) == min(total, 50)
    by_date = column(client.get("/warnings?year=2025&sort=-first_seen").text, "warnings", 5)
    assert by_date == sorted(by_date, reverse=True)
    kinds = column(page, "warnings", 1)
    found = client.get("/warnings", params={"year": 2025, "search": kinds[0]}).text
    assert set(column(found, "warnings", 1)) == {kinds[0]}
    fallback = client.get("/warnings?year=2025&sort=bogus").text  # unknown key: most severe first
    assert column(fallback, "warnings", 0) == column(page, "warnings", 0)


@pytest.mark.parametrize("path", ["/audit?page=abc", "/users?page=0", "/warnings?page=x", f"/audit?sort={'x' * 40}"])
def test_bad_list_parameters_are_html_error_pages(client: TestClient, path: str) -> None:
    sign_in(client, "admin")
    r = client.get(path)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "Traceback" not in r.text and "<h1>" in r.text


def test_the_service_lists_are_paged_in_sql(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        everyone = users.list_users(s)
        total, page = users.page_of_users(s, sort="username", limit=2, offset=1)
        assert total == len(everyone) and [u.username for u in page] == sorted(u.username for u in everyone)[1:3]
        assert users.page_of_users(s, search="%", limit=10)[0] == 0  # a literal %, not a wildcard
        n, entries = audit.entries(s, search="submission.", sort="-id", limit=3)
        assert n > 3 and len(entries) == 3 and all("submission" in e["object_type"] + e["action"] for e in entries)
        assert s.scalar(select(User.id).where(User.username == "analyst")) is not None


def test_the_submissions_list_sorts_by_any_column_header(client: TestClient) -> None:
    sign_in(client, "analyst")
    html = client.get("/submissions?sort=-created_at").text
    assert '<option value="-created_at" selected>按所点表头排序</option>' in html
    assert 'aria-sort="descending"' in html and "sort=created_at" in html  # the header's link reverses it
