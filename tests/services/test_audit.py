"""The audit log: concurrent appends from several processes never fork the chain (SQLite and PostgreSQL); verify
reports every broken entry; without the key nobody can edit, truncate or recompute the chain unseen; an anchor
shows any change before it; approved data carry seals that verify checks. Runs on SQLite, and on PostgreSQL when
TRANSCARBON_TEST_DATABASE_URL is set."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.city.config import load_city
from transcarbon.factors.library import FactorLibrary
from transcarbon.services import audit, integrity, keys
from transcarbon.services.activity_csv import COLUMNS, activity_limits, read_activity_csv
from transcarbon.services.records import store_activity
from transcarbon.settings import Settings
from transcarbon.store import db
from transcarbon.store.models import ActivityRecord, AuditEntry, AuditHead, Organisation

LIMITS = activity_limits(load_city())

ROWS = [
    "FRT,2023-01,road_freight,diesel,100,t,2000000,,,,",
    "FRT,2023-02,road_freight,diesel,120,t,2500000,,,,",
    "FRT,2022-12,road_freight,diesel,90,t,1800000,,,,",
]


@pytest.fixture
def factory(migrated_db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = db.make_engine(migrated_db_url)
    yield db.session_factory(engine)
    engine.dispose()


def _append(factory: sessionmaker[Session], n: int, actor: str = "tester") -> None:
    for i in range(n):
        with db.transaction(factory) as s:
            audit.append(s, actor=actor, action="test.append", object_type="test", object_id=str(i))


def _appender(url: str, n: int, actor: str) -> None:  # runs in a process of its own
    engine = db.make_engine(url)
    _append(db.session_factory(engine), n, actor)
    engine.dispose()


def test_concurrent_appends_from_processes_never_fork(migrated_db_url: str, factory: sessionmaker[Session]) -> None:
    procs = [
        multiprocessing.get_context("fork").Process(target=_appender, args=(migrated_db_url, 25, f"p{i}"))
        for i in range(4)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with factory() as s:
        result = audit.verify(s)
        prevs = list(s.scalars(select(AuditEntry.prev_hash)))
    assert result.ok, result.problems[:5]
    assert result.checked == 100 and len(set(prevs)) == 100  # no two entries chain from the same one


def test_verify_reports_every_broken_entry(factory: sessionmaker[Session]) -> None:
    _append(factory, 8)
    with factory() as s, s.begin():
        s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id IN (2, 5)"))
        s.execute(text("DELETE FROM audit_log WHERE id = 7"))
    with factory() as s:
        result = audit.verify(s)
    assert [(p.id, p.reason) for p in result.problems] == [
        (2, "chain.bad_hash"),
        (5, "chain.bad_hash"),
        (8, "chain.broken_link"),
    ]
    assert result.checked == 7


def _rehash_from(s: Session, first: int, key: keys.Key | None) -> None:
    """What an attacker without the audit key can do: recompute every hash from ``first`` on, and the head."""
    prev = s.scalar(select(AuditEntry.hash).where(AuditEntry.id == first - 1)) or audit.GENESIS
    for e in s.scalars(select(AuditEntry).where(AuditEntry.id >= first).order_by(AuditEntry.id)):
        e.prev_hash = prev
        body = audit._body(e)
        e.hash = audit.chain.link_hash(key, prev, body) if key else hashlib.sha256((prev + body).encode()).hexdigest()
        prev = e.hash
    last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=last.id, last_hash=last.hash))


def test_edits_recomputed_without_the_key_show(factory: sessionmaker[Session]) -> None:
    _append(factory, 12)
    wrong = keys.Key("0" * 16, b"w" * 32)
    for key in (None, wrong):
        with factory() as s, s.begin():
            s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 10"))
            _rehash_from(s, 10, key)
        with factory() as s:
            result = audit.verify(s)
        assert not result.ok and result.first_bad_id == 10


def test_truncation_shows_through_the_keyed_head(factory: sessionmaker[Session]) -> None:
    _append(factory, 5)
    with factory() as s, s.begin():
        s.execute(text("DELETE FROM audit_log WHERE id = 5"))
        h4 = s.scalar(select(AuditEntry.hash).where(AuditEntry.id == 4))
        s.execute(update(AuditHead).where(AuditHead.id == 1).values(last_id=4, last_hash=h4))
    with factory() as s:
        result = audit.verify(s)
    assert [(p.id, p.reason) for p in result.problems] == [(4, "chain.head_mac")]


def test_anchor_shows_any_change_before_it(factory: sessionmaker[Session]) -> None:
    _append(factory, 6)
    with factory() as s:
        anchor = audit.anchor(s)
    assert (anchor.count, anchor.last_id) == (6, 6)
    assert audit.Anchor.parse(anchor.to_json()) == anchor
    _append(factory, 2)
    with factory() as s:
        assert audit.verify(s, anchor=anchor).ok
    with factory() as s, s.begin():  # an insider with the key rewrites entry 3 and re-signs the rest
        s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 3"))
        _rehash_from(s, 3, keys.ring(audit.PURPOSE).current)
        last = s.get(AuditHead, 1)
        assert last is not None
        key = keys.ring(audit.PURPOSE).current
        last.mac = audit.chain.head_mac(key, last.last_id, last.last_hash)
    with factory() as s:
        assert audit.verify(s).ok  # the chain alone cannot tell
        result = audit.verify(s, anchor=anchor)
    assert [(p.id, p.reason) for p in result.problems] == [(6, "chain.anchor_changed")]
    with pytest.raises(ValueError):
        audit.Anchor.parse('{"count": 1}')


def test_unkeyed_entries_only_before_the_first_keyed_one(factory: sessionmaker[Session]) -> None:
    _append(factory, 3)
    with factory() as s, s.begin():
        s.execute(text("UPDATE audit_log SET key_id = NULL"))
        _rehash_from(s, 1, None)  # as a database written before the chain was keyed
    with factory() as s:
        assert audit.verify(s).ok
    _append(factory, 2)  # keyed from now on
    with factory() as s:
        assert audit.verify(s).ok
    with factory() as s, s.begin():
        s.execute(text("UPDATE audit_log SET key_id = NULL WHERE id = 5"))
        _rehash_from(s, 5, None)
    with factory() as s:
        assert [p.reason for p in audit.verify(s).problems] == ["chain.unkeyed"]


@pytest.fixture
def sealed(factory: sessionmaker[Session], library: FactorLibrary) -> sessionmaker[Session]:
    regions = library.default("regions").table["code"].to_list()
    frame = read_activity_csv(
        ("\n".join([",".join(COLUMNS), *ROWS]) + "\n").encode(), "t.csv", regions=regions, limits=LIMITS
    )
    with db.transaction(factory) as s:
        s.add(Organisation(id="FRT", name_zh="FRT", name_en="FRT", kind="enterprise", sector="road_freight"))
        s.flush()
        store_activity(s, frame, kind="demo", label="approved on import", actor="tester")
    return factory


def test_approved_records_edited_directly_show(sealed: sessionmaker[Session]) -> None:
    with sealed() as s:
        assert integrity.verify(s).ok
        first = s.scalars(select(ActivityRecord).order_by(ActivityRecord.id)).first()
        assert first is not None
        rid = first.id
    with sealed() as s, s.begin():
        s.execute(update(ActivityRecord).where(ActivityRecord.id == rid).values(amount=1.0))
    with sealed() as s:
        assert [(p.id, p.reason) for p in integrity.verify(s).problems] == [
            (rid, "seal.record_edited"),
            (1, "seal.batch_changed"),
        ]
    with sealed() as s, s.begin():  # the row hash recomputed too: the seal in the keyed log still differs
        r = s.get(ActivityRecord, rid)
        assert r is not None
        r.row_hash = audit.content_hash([getattr(r, c) for c in COLUMNS])
    with sealed() as s:
        assert [(p.id, p.reason) for p in integrity.verify(s).problems] == [(1, "seal.batch_changed")]


def test_key_files_are_private_and_rotation_keeps_old_entries_verifiable(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    # keys in files for these settings only: the environment keeps the suite's key, so that ``finally`` gives the
    # process back the key the other tests (and the session's demo database) sign with, not a key in ./var
    settings = Settings(data_dir=tmp_path / "data", audit_key=None)
    keys.configure(settings)
    try:
        _append(factory, 2)
        folder = keys.folder_for(settings, "audit")
        files = sorted(folder.iterdir())
        assert [p.name for p in files if p.suffix == ".key"] == [f"{keys.ring('audit').current.id}.key"]
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
        assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in files)
        old = keys.ring("audit").current
        new = keys.new_key(folder)
        keys.configure(settings)
        assert keys.ring("audit").current == new and keys.ring("audit").get(old.id) == old
        _append(factory, 2)
        with factory() as s:
            assert audit.verify(s).ok
            assert {k for (k,) in s.execute(select(AuditEntry.key_id))} == {old.id, new.id}
        os.remove(folder / f"{old.id}.key")  # an old key lost: its entries can no longer be verified
        keys.configure(settings)
        with factory() as s:
            assert [p.reason for p in audit.verify(s).problems] == ["chain.unknown_key"] * 2
        (folder / f"{new.id}.key").chmod(0o644)
        keys.configure(settings)
        with pytest.raises(keys.KeyProblem, match="chmod 600"):
            keys.ring("audit")
    finally:
        keys.configure(Settings())


def test_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ring = keys.from_text("audit", "n" * 40 + ", " + "o" * 40)
    assert ring.current.secret == b"n" * 40 and len(ring.keys) == 2
    assert "nnnn" not in repr(ring)
    with pytest.raises(keys.KeyProblem):
        keys.from_text("audit", "short")
    monkeypatch.setenv("TRANSCARBON_AUDIT_KEY", "k" * 32)
    assert keys.load(Settings(data_dir=tmp_path), "audit").current.secret == b"k" * 32
    assert not (tmp_path / "keys").exists()
