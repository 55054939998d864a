"""An audit entry in words (issue 12, point 8): who did what to which submission, warning, user or run, with a link
where the object has a page, and the details a person reads (organisation, report type, period, file, rows, version,
comment, role …) named in the reader's language. The machine record (the details' JSON, the hashes) stays on the
page under 技术细节: it is the evidence the chain signs."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from transcarbon.services.organisations import organisation_names
from transcarbon.web.common import PageContext

ACTION_PREFIX = "name.audit_action"
OBJECT_PREFIX = "name.audit_object"
DETAIL_PREFIX = "name.audit_detail"


def action_name(page: PageContext, action: str) -> str:
    """The action's name (审核通过 …); an action without one is named as "other" with its code in brackets."""
    key = f"{ACTION_PREFIX}.{action}"
    return page.t(key) if page.has(key) else page.t(f"{ACTION_PREFIX}.other", code=action)


def _object_link(page: PageContext, entry: dict[str, Any], details: dict[str, Any]) -> str | None:
    """The page of the entry's object, where it has one."""
    kind, oid = entry["object_type"], str(entry["object_id"])
    numeric = oid.isdigit() and len(oid) < 10
    if kind == "submission" and numeric:
        return page.path("submission_detail", submission_id=oid)
    if kind == "warning" and numeric and page.may("warnings_inbox"):
        return page.path("warnings_inbox") + f"#w{oid}"
    if kind == "user" and page.may("user_admin"):
        return page.path("user_admin", query={"search": details.get("username") or None})
    if kind == "scenario_run" and numeric:
        return page.path("scenarios", query={"run": oid})
    if kind == "calculation_run" and numeric and entry["action"] == "ships.run":
        return page.path("ships", query={"run": oid})
    if kind == "page" and oid.startswith("/") and "//" not in oid:
        return oid
    return None


def _object_words(page: PageContext, entry: dict[str, Any], details: dict[str, Any]) -> Markup:
    kind, oid = str(entry["object_type"]), str(entry["object_id"])
    key = f"{OBJECT_PREFIX}.{kind}"
    name = page.t(key) if page.has(key) else page.t(f"{OBJECT_PREFIX}.other")
    if kind == "audit_log" or oid in ("", "-"):
        label = name
    elif kind == "report_type":
        label = f"{name} {page.report_type_name(oid)}"
    else:
        label = f"{name} {oid}"
    link = _object_link(page, entry, details)
    return Markup('<a href="{}">{}</a>').format(link, label) if link else Markup(escape(label))


Formatters = dict[str, Callable[[Any], str]]


def _detail_formatters(page: PageContext) -> Formatters:
    """How the details a person reads are written (any other detail is in the technical fold only)."""
    orgs = {org_id: page.name(zh, en) for org_id, (zh, en) in organisation_names(page.session).items()}
    return {
        "org_id": lambda v: orgs.get(str(v), str(v)),
        "report_type": lambda v: page.report_type_name(str(v)),
        "period": str,
        "year": str,
        "file_name": str,
        "rows": lambda v: f"{int(v):,}",
        "count": lambda v: f"{int(v):,}",
        "inputs": lambda v: f"{int(v):,}",
        "version": str,
        "role": lambda v: page.t(f"web.role.{v}") if page.has(f"web.role.{v}") else str(v),
        "username": str,
        "assignee": str,
        "comment": str,
        "note": str,
        "reason": str,
        "table": str,
        "returned": lambda v: f"{int(v):,}",
        "search": str,
    }


def detail_words(page: PageContext, details: dict[str, Any], formatters: Formatters) -> list[tuple[str, str]]:
    """(name, value) of each detail a person reads, in the order of ``formatters``."""
    out = []
    for key, write in formatters.items():
        value = details.get(key)
        if value is None or value == "" or isinstance(value, dict | list):
            continue
        try:
            out.append((page.t(f"{DETAIL_PREFIX}.{key}"), write(value)))
        except (TypeError, ValueError):  # a value of an unexpected type: shown as written
            out.append((page.t(f"{DETAIL_PREFIX}.{key}"), str(value)))
    return out


def entries_in_words(page: PageContext, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of the audit page for ``entries`` (dicts of ``services.audit.entries``): the time in the city's
    zone, the action's name, the sentence (who, what, which object with its link) and the details in words."""
    formatters = _detail_formatters(page)
    return [_in_words(page, e, formatters) for e in entries]


def _in_words(page: PageContext, entry: dict[str, Any], formatters: Formatters) -> dict[str, Any]:
    try:
        details = json.loads(entry["details"]) if isinstance(entry["details"], str) else dict(entry["details"] or {})
    except ValueError:
        details = {}
    if not isinstance(details, dict):
        details = {}
    try:
        when = page.city_time(datetime.fromisoformat(str(entry["ts"])))
    except ValueError:
        when = str(entry["ts"])
    named = action_name(page, str(entry["action"]))
    return {
        **entry,
        "ts": when,
        "action_name": named,
        "words": Markup("{} {} {}").format(entry["actor"], named, _object_words(page, entry, details)),
        "facts": detail_words(page, details, formatters),
        "hash": str(entry["hash"])[:16],
    }
