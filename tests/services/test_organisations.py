"""Organisations: registering them (one audit entry with every row), and the reads the faces use (listing
scoped to a reporter, names, ids by kind and sector)."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from sqlalchemy.orm import Session

from transcarbon.services import audit
from transcarbon.services.organisations import (
    import_organisations,
    organisation_ids,
    organisation_names,
    visible_organisations,
)
from transcarbon.services.users import Principal
from transcarbon.store import db

ORGS = pl.DataFrame(
    {
        "id": ["BUS", "FRT", "FRT2", "GOV"],
        "name_zh": ["公交", "货运", "货运二", "交通局"],
        "name_en": ["Bus", "Freight", "Freight 2", "Bureau"],
        "kind": ["enterprise", "enterprise", "enterprise", "department"],
        "sector": ["urban_bus", "road_freight", "road_freight", None],
        "district": [None, "haizhou", None, None],
        "synthetic": [True, True, True, True],
    },
    schema_overrides={"district": pl.String, "sector": pl.String},
)


@pytest.fixture
def session(migrated_db_url: str) -> Iterator[Session]:
    engine = db.make_engine(migrated_db_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_import_registers_every_row_with_one_audit_entry(session: Session) -> None:
    with session.begin():
        assert import_organisations(session, ORGS, actor="tester", source="demo") == 4
    total, entries = audit.entries(session, action="organisations.import")
    assert total == 1 and entries[0]["object_id"] == "demo" and entries[0]["actor"] == "tester"
    assert '"count":4' in entries[0]["details"] and '"synthetic":true' in entries[0]["details"]
    assert audit.verify(session).ok


def test_reads_for_the_faces(session: Session) -> None:
    with session.begin():
        import_organisations(session, ORGS, actor="tester", source="test")
    assert organisation_names(session) == {
        "BUS": ("公交", "Bus"),
        "FRT": ("货运", "Freight"),
        "FRT2": ("货运二", "Freight 2"),
        "GOV": ("交通局", "Bureau"),
    }
    assert organisation_ids(session) == ["BUS", "FRT", "FRT2", "GOV"]
    assert organisation_ids(session, kind="enterprise", sector="road_freight") == ["FRT", "FRT2"]
    assert organisation_ids(session, kind="department") == ["GOV"]
    assert organisation_ids(session, kind="department", sector="road_freight") == []
    analyst = Principal(1, "ana", "analyst")
    assert [o.id for o in visible_organisations(session, analyst)] == ["BUS", "FRT", "FRT2", "GOV"]
    assert [o.id for o in visible_organisations(session, analyst, kind="department")] == ["GOV"]
    reporter = Principal(2, "frt", "reporter", "FRT")
    assert [o.id for o in visible_organisations(session, reporter)] == ["FRT"]
    assert visible_organisations(session, reporter, kind="department") == []
    assert visible_organisations(session, Principal(3, "lost", "reporter", None)) == []
