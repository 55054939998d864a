"""The audit log in words (issue 12, point 8): every action the code base writes has a name in Chinese and English,
the page says who did what to which object (with its link) and the details a person reads, and keeps the
machine record (codes, JSON, hash) in the closed 技术细节 fold only."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from raw_codes import VisibleText
from transcarbon.i18n import catalog
from transcarbon.services import warning_handling
from transcarbon.services.road.tracks import GTFS, TRAJECTORIES
from transcarbon.services.submissions.transitions import _TRANSITIONS
from transcarbon.store.models import AuditEntry
from web_session import sign_in

SRC = Path(__file__).resolve().parents[2] / "src" / "transcarbon"
DYNAMIC = {
    "submission.{action}": [f"submission.{a}" for a in _TRANSITIONS],
    "warning.{action}": [f"warning.{a}" for a in warning_handling.ACTIONS],
    "{kind}.run": [f"{k}.run" for k in (TRAJECTORIES, GTFS)],
}
"""The actions written from a template, and what they become."""


def written_actions() -> set[str]:
    """Every action code the source writes into the audit log: ``action="…"`` literals, the templates of
    :data:`DYNAMIC` expanded, and the user changes chosen in ``services/users.py``."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for fmt, value in re.findall(r'\baction=(f?)"([^"]+)"', text):
            if fmt:
                assert value in DYNAMIC, f"{path.name}: an action written from an unknown template {value!r}"
                found.update(DYNAMIC[value])
            else:
                found.add(value)
    users = (SRC / "services" / "users.py").read_text(encoding="utf-8")
    chosen = re.findall(r"\baction = \((.*?)\n\s*\)\n", users, re.S)
    assert chosen, "services/users.py no longer chooses the action of a user change: update this test"
    found.update(re.findall(r'"(user\.[a-z_]+)"', "".join(chosen)))
    return found


def test_every_action_the_code_writes_has_a_name_in_both_languages() -> None:
    actions = written_actions()
    assert {"submission.approve", "warning.close", "road_gtfs.run", "user.role", "login.ok"} <= actions
    names = catalog()
    missing = sorted(a for a in actions if f"name.audit_action.{a}" not in names)
    assert missing == []
    for a in actions:
        entry = names[f"name.audit_action.{a}"]
        assert entry["zh"] and entry["en"] and re.search(r"[\u4e00-\u9fff]", entry["zh"]), a


def test_every_action_of_the_demo_log_has_a_name(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        logged = set(s.scalars(select(AuditEntry.action).distinct()))
    assert "submission.approve" in logged
    assert sorted(a for a in logged if f"name.audit_action.{a}" not in catalog()) == []


def test_the_audit_page_says_who_did_what_to_which_submission(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    with factory() as s:
        newest = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "submission.approve").order_by(AuditEntry.id.desc())
        ).first()
    assert newest is not None
    sign_in(client, "auditor")
    html = client.get("/audit?action=submission.approve").text
    row = html.split(f'id="a{newest.id}"')[1].split("</tr>")[0]
    assert f"{newest.actor} 审核通过了" in row
    assert f'<a href="/submissions/{newest.object_id}">报表 {newest.object_id}</a>' in row
    assert "单位：" in row and "报表类型：" in row and "期间：" in row  # the details in words
    parser = VisibleText()
    parser.feed(html)
    visible = parser.text
    assert "submission.approve" not in visible and '{"' not in visible  # codes and JSON only in the fold
    assert "<summary>技术细节</summary>" in row and "submission.approve" in row
    assert '<option value="submission.approve" selected>审核通过了</option>' in html  # the filter by name


def test_an_unknown_action_is_named_as_other_with_its_code() -> None:
    from transcarbon.i18n import t

    assert t("name.audit_action.other", "zh", code="x.y") == "执行了其他操作（x.y）："
