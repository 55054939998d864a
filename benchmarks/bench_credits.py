"""Green-trip credits on PostgreSQL over loopback: trips credited per second through the signed API, with every
anti-fraud rule on (speed, navigation, overlaps, duplicates across partners, daily caps, fare matching, review).

    .venv/bin/python benchmarks/bench_credits.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/tc_bench_credits]
        [--seconds 20] [--users 2000] [--batch 500] [--clients 2]

A fresh database; one partner of each kind; ``--users`` users with consent to every scene; fare-card records for
the transit trips (sent first, so the transit trips match at intake). One ``transcarbon serve`` process (uvicorn)
on 127.0.0.1. Two phases of ``--seconds`` / 2 each, measured in the same run:

- peer: the single-trip endpoint ``POST /api/v1/credits/trips`` (one signed request per trip, ``--clients``
  threads);
- batch: ``POST /api/v1/credits/trips/batch`` with ``--batch`` trips per signed request.

Then the intake service called directly (same batches, no HTTP). For each phase it prints trips credited per
second, the CPU seconds the server side used (the ``serve`` process and the PostgreSQL backends of the bench
database, read from ``/proc``), trips credited per CPU-second and the projection to 2 idle cores (2 × trips per
CPU-second: what the same work would reach with both cores free for the server; an upper bound, the load
script's own CPU not counted); after each phase it verifies the ledger (chain and balances) and counts credits
per trip (never more than one). Request bodies are prepared before the clock starts; signing happens per
request. On a loaded machine trips/s falls with the load; trips per CPU-second much less.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from transcarbon.city.config import load_city
from transcarbon.services import keys
from transcarbon.services.credits import intake, ledger, partners
from transcarbon.services.credits.common import context
from transcarbon.services.database import Database
from transcarbon.settings import Settings
from transcarbon.store.models_credits import CreditLedgerEntry, CreditPartner, CreditTrip

API = "/api/v1/credits"
_TICK = os.sysconf("SC_CLK_TCK")
START = datetime(2026, 3, 2, tzinfo=UTC)
MODES = [("walk", 2.0, 30), ("bike", 5.0, 25), ("bus", 8.0, 30), ("carpool", 10.0, 25)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fresh(url: str) -> None:
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = make_url(url).database
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _tree(pid: int) -> list[int]:
    """The process and its descendants (uvicorn may fork workers)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


class ServerCpu:
    """CPU seconds the server side used during a phase: the given processes (the app) and every PostgreSQL client
    backend connected to the bench database (they run on this machine: loopback), sampled before and after (a
    backend that appears during the phase counts from zero). Autovacuum, which the inserts cause later and at its
    own pace, is not counted."""

    def __init__(self, url: str, app_pids: list[int]):
        self.engine = create_engine(url, poolclass=NullPool)
        self.app_pids = app_pids
        self.before = self._sample()

    def _backends(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                        " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    )
                ).scalars()
            )

    def _sample(self) -> dict[int, float]:
        return {p: _cpu(p) for p in {*self.app_pids, *self._backends()}}

    def seconds(self) -> tuple[float, float]:
        """(app CPU s, database CPU s) since construction."""
        after = self._sample()
        app = db = 0.0
        for pid, cpu in after.items():
            used = cpu - self.before.get(pid, 0.0)
            if pid in self.app_pids:
                app += used
            else:
                db += used
        self.engine.dispose()
        return app, db


def report(name: str, credited: int, total: int, seconds: float, cpu: tuple[float, float]) -> None:
    """trips/s, trips per server CPU-second (app + database) and what two idle cores would credit at that rate."""
    used = cpu[0] + cpu[1]
    per_cpu = credited / used if used > 0 else float("nan")
    print(
        f"{name}: {credited} credited of {total} in {seconds:.1f} s = {credited / seconds:,.0f} trips/s; "
        f"server CPU {used:.1f} s (app {cpu[0]:.1f}, PostgreSQL {cpu[1]:.1f}) = {per_cpu:,.0f} trips per CPU-second; "
        f"projected on 2 idle cores: {2 * per_cpu:,.0f} trips/s"
    )


def trips(users: int, phase: int) -> Iterator[dict[str, object]]:
    """Each user's trips in turn, three hours apart (within every cap), phase by phase in disjoint days."""
    n = 0
    while True:
        slot = n // users
        user = n % users
        mode, km, minutes = MODES[(user + slot) % len(MODES)]
        start = START + timedelta(days=phase * 400 + slot // 6, hours=slot % 6 * 3)
        body: dict[str, object] = {
            "user_ref": f"bench-{user}",
            "mode": mode,
            "distance_km": km,
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
        }
        if mode in ("walk", "bike"):
            body["evidence"] = {"navigated": True}
        yield body
        n += 1


def signed(key: str, secret: str, body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    return {
        "Authorization": f"Bearer {key}",
        "X-Timestamp": stamp,
        "X-Signature": partners.sign(secret, stamp, body),
        "Content-Type": "application/json",
    }


def run_phase(
    base: str, key: str, secret: str, requests: list[tuple[bytes, str | None]], clients: int, seconds: float
) -> tuple[int, int, float]:
    """Send the prepared requests from ``clients`` threads until done or ``seconds`` pass: (credited, trips, s)."""
    lock = threading.Lock()
    queue = iter(requests)
    tally = {"credited": 0, "trips": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < deadline:
                with lock:
                    item = next(queue, None)
                if item is None:
                    return
                body, idem = item
                headers = signed(key, secret, body)
                if idem is None:
                    r = http.post(f"{API}/trips/batch", content=body, headers=headers)
                    answers = r.json()["results"] if r.status_code == 200 else []
                else:
                    headers["Idempotency-Key"] = idem
                    r = http.post(f"{API}/trips", content=body, headers=headers)
                    answers = [r.json()] if r.status_code == 200 else []
                with lock:
                    tally["errors"] += r.status_code != 200
                    tally["trips"] += len(answers)
                    tally["credited"] += sum(a.get("status") == "credited" for a in answers)

    t0 = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t0
    if tally["errors"]:
        print(f"  {tally['errors']} requests failed")
    return tally["credited"], tally["trips"], elapsed


def in_process(
    database: Database, ctx: object, partner_id: int, users: int, batch: int, seconds: float
) -> tuple[int, int, float]:
    """The intake service called directly with batches (no HTTP, no JSON): what the database and the rules cost."""
    gen = trips(users, 2)
    credited = total = 0
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        items = []
        for _ in range(batch):
            t = next(gen)
            total += 1
            items.append(
                intake.TripInput(
                    f"i-{total}",
                    str(t["user_ref"]),
                    str(t["mode"]),
                    float(t["distance_km"]),  # type: ignore[arg-type]
                    datetime.fromisoformat(str(t["started_at"])),
                    datetime.fromisoformat(str(t["ended_at"])),
                    t.get("evidence"),  # type: ignore[arg-type]
                )
            )
        with database.transaction() as s:
            partner = s.get(CreditPartner, partner_id)
            assert partner is not None
            answers = intake.submit_trips(s, ctx, partner, items)  # type: ignore[arg-type]
        credited += sum(a.get("status") == "credited" for a in answers)
    return credited, total, time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/tc_bench_credits")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--clients", type=int, default=2)
    args = ap.parse_args()
    url = args.database_url
    tmp = Path(tempfile.mkdtemp(prefix="tc-bench-credits-"))
    env = {
        **os.environ,
        "TRANSCARBON_DATABASE_URL": url,
        "TRANSCARBON_DATA_DIR": str(tmp),
        "TRANSCARBON_AUDIT_KEY": secrets.token_hex(32),
        "TRANSCARBON_LEDGER_KEY": secrets.token_hex(32),
        "TRANSCARBON_CREDITS_KEY": secrets.token_hex(32),
    }
    os.environ.update(env)
    keys.configure(Settings())
    _fresh(url)
    ctx = context(load_city())
    half = args.seconds / 2
    expected = int(4000 * half)  # more than the clock will let through
    single_n = min(expected // 4, 20000)
    phases = {
        "single": [
            (json.dumps(b).encode(), f"s-{i}") for i, b in zip(range(single_n), trips(args.users, 0), strict=False)
        ],
        "batch": [],
    }
    gen = trips(args.users, 1)
    for i in range(0, expected, args.batch):
        chunk = [{**next(gen), "idempotency_key": f"b-{i + j}"} for j in range(args.batch)]
        phases["batch"].append((json.dumps({"trips": chunk}).encode(), None))
    with Database.open(url, create=True) as database, database.transaction() as s:
        made = {k: partners.add_partner(s, f"bench {k}", k, actor="bench") for k in partners.KINDS}
        maas = s.get(CreditPartner, made["maas"]["partner_id"])
        card = s.get(CreditPartner, made["transit_card"]["partner_id"])
        assert maas is not None and card is not None
        intake.set_consents(s, maas, [(f"bench-{u}", sc, True) for u in range(args.users) for sc in intake.SCENES])
    fares = []
    for body, _ in phases["single"]:
        trip = json.loads(body)
        if trip["mode"] == "bus":
            fares.append(trip)
    for body, _ in phases["batch"]:
        fares += [t for t in json.loads(body)["trips"] if t["mode"] == "bus"]
    with Database.open(url) as database:
        for i in range(0, len(fares), intake.MAX_BATCH):
            with database.transaction() as s:
                card = s.get(CreditPartner, made["transit_card"]["partner_id"])
                assert card is not None
                chunk = [
                    intake.FareInput(f"f-{i + j}", t["user_ref"], "bus", datetime.fromisoformat(t["started_at"]))
                    for j, t in enumerate(fares[i : i + intake.MAX_BATCH])
                ]
                intake.record_fares(s, ctx, card, chunk)
    port = _free_port()
    log = tmp / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("transcarbon")), "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}{API}/summary", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        key, secret = str(made["maas"]["key"]), str(made["maas"]["secret"])
        print(
            f"PostgreSQL {make_url(url).database}, {args.users} users, rules {ctx.method.rules_version}, "
            f"{len(fares)} fare records, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
        )
        rates = {}
        for name, label in (
            ("single", "single-trip endpoint"),
            ("batch", f"batch endpoint ({args.batch} per request)"),
        ):
            meter = ServerCpu(url, _tree(proc.pid))
            done = run_phase(base, key, secret, phases[name], args.clients, half)
            report(label, *done, meter.seconds())
            rates[name] = done[0] / done[2]
            check(url)
        print(f"ratio batch / single: {rates['batch'] / max(rates['single'], 1e-9):.1f}x")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    with Database.open(url) as database:
        meter = ServerCpu(url, [os.getpid()])
        service = in_process(database, ctx, int(made["maas"]["partner_id"]), args.users, args.batch, half)
        report("the service alone (same batches, no HTTP, this process)", *service, meter.seconds())
    check(url)


def check(url: str) -> None:
    """Verify the ledger (chain and balances) and count trips with more than one credit (must be none)."""
    with Database.open(url) as database, database.transaction() as s:
        found = ledger.verify(s)
        per_trip = s.execute(
            select(func.count()).select_from(
                select(CreditLedgerEntry.trip_id)
                .where(CreditLedgerEntry.kind == "credit")
                .group_by(CreditLedgerEntry.trip_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar()
        stored = s.scalar(select(func.count()).select_from(CreditTrip))
    print(
        f"  ledger verify: {'ok' if found.ok else found.problems[:5]} ({found.postings} postings); "
        f"trips stored {stored}; trips with more than one credit: {per_trip}"
    )


if __name__ == "__main__":
    main()
