"""Load and faults against ``transcarbon serve`` on loopback, then the books are checked.

    .venv/bin/python benchmarks/bench_load_fault.py [--seconds 60] [--readers 8] [--uploaders 4] [--servers 2]
        [--kill] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/tc_bench_load]

Builds the demo (SQLite in a temporary folder, or the PostgreSQL database named, which is dropped and created
anew), starts ``--servers`` server processes on the same database (so audit appends race across processes),
and for a bounded time runs:

- readers: GETs of API routes (token) and pages (signed-in browser session);
- uploaders: energy reports into fresh slots (admin token), submitted, then approved by an analyst (four eyes);
- one fault thread: two zip bombs (3 MB that inflate to 1 GiB: sheet rows, a shared-strings table), a 50 MB
  CSV with one bad value per row, non-finite and absurd numbers, huge integers, NUL characters, an oversized
  body; every answer must be a 4xx; and the uploaders approve some submissions twice at once (one must win);
- with ``--kill``: halfway through, one server is killed with SIGKILL (mid-request) and started again.

Afterwards, on the database itself: ``audit verify`` (chain, head, seals), forks (two entries chaining from the
same one), lost rows (an accepted upload whose stored rows differ from those sent), partial imports (a batch
whose records differ from its row count, or a batch without its submission), the count of 5xx answers and the
servers' peak memory. No test asserts on these: the figures go in the notes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import itertools
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from transcarbon.demo.accounts import DEMO_PASSWORD, ensure_demo_users
from transcarbon.demo.builder import build_demo
from transcarbon.services import integrity, keys, users
from transcarbon.services.database import Database
from transcarbon.services.organisations import organisation_ids
from transcarbon.settings import Settings
from transcarbon.store.models import ActivityRecord, AuditEntry, ImportBatch, Submission

HEADER = "org_id,period,sector,fuel,amount,unit,freight_tkm,passenger_pkm,passenger_kind,region,throughput_t"
API = "/api/v1"
READS = [
    f"{API}/submissions?limit=20",
    f"{API}/public/aggregates",
    f"{API}/inventory/2025",
    f"{API}/indicators/2025",
    f"{API}/warnings?year=2025",
    f"{API}/organisations",
    f"{API}/audit?limit=20",
    f"{API}/completeness?report_type=energy_activity&period=2025-06",
]
PAGES = ["/cockpit", "/emissions", "/submissions", "/warnings", "/audit", "/completeness?year=2025"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Tally:
    """Answers seen, by class, and what the books must show afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    status: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    hostile: Counter[str] = field(default_factory=Counter)
    hostile_bad: list[str] = field(default_factory=list)
    accepted: dict[int, int] = field(default_factory=dict)  # submission id → rows sent
    approvals: Counter[str] = field(default_factory=Counter)
    refused_connections: int = 0

    def saw(self, what: str, r: httpx.Response) -> None:
        with self.lock:
            self.status[f"{r.status_code // 100}xx"] += 1
            if r.status_code >= 500:
                self.server_errors.append(f"{r.status_code} {what}: {r.text[:160]}")


class Server:
    """One ``transcarbon serve`` process on the shared database."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = _free_port()
        self.env, self.log = env, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("transcarbon")), "serve", "--port", str(self.port)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + f"{API}/auth/me", timeout=2).status_code == 401:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"server on {self.port} did not start; see {self.log}")

    def peak_rss_mib(self) -> float:
        if self.proc is None:
            return 0.0
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def zip_bomb(expanded: int = 2**30, *, member: str = "xl/worksheets/sheet1.xml") -> bytes:
    """A workbook-shaped zip whose ``member`` inflates to ``expanded`` bytes (compressed, it is a few MB): rows of a
    sheet (refused for their number first), or one endless shared string (refused for its size)."""
    unit = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>' if "worksheets" in member else b"<si><t>0</t></si>"
    chunk = unit * (2**20 // len(unit))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open(member, "w") as fh:
            fh.write(b"<root>")
            for _ in range(expanded // len(chunk)):
                fh.write(chunk)
            fh.write(b"</root>")
    return buf.getvalue()


def big_bad_csv(size: int = 50 * 2**20) -> bytes:
    """An activity CSV of ``size`` bytes with one bad value (a word for a number) on every row."""
    row = b"LYG-FRT-001,2025-03,road_freight,diesel,lots,t,1000,,,,\n"
    return (HEADER + "\n").encode() + row * (size // len(row))


def activity_csv(org: str, period: str, rows: int) -> bytes:
    lines = [HEADER]
    lines += [f"{org},{period},road_freight,diesel,{10 + i},t,{200000 + 1000 * i},,,," for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _sign_in(client: httpx.Client) -> None:
    form = client.get("/login").text
    token = form.split('name="csrf" value="')[1].split('"')[0]
    client.post("/login", data={"username": "auditor", "password": DEMO_PASSWORD, "csrf": token})


def reader(servers: list[Server], stop: threading.Event, tally: Tally, token: str) -> None:
    rng = random.Random()
    while not stop.is_set():
        server = rng.choice(servers)
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                _sign_in(client)
                for _ in range(20):
                    if stop.is_set():
                        return
                    if rng.random() < 0.5:
                        path = rng.choice(READS)
                        r = client.get(path, headers={"Authorization": f"Bearer {token}"})
                    else:
                        path = rng.choice(PAGES)
                        r = client.get(path)
                    tally.saw(path, r)
        except httpx.TransportError:
            with tally.lock:
                tally.refused_connections += 1
            time.sleep(0.2)


def uploader(
    n: int, servers: list[Server], stop: threading.Event, tally: Tally, tokens: dict[str, str], orgs: list[str]
) -> None:
    rng = random.Random(n)
    slots = itertools.count()
    while not stop.is_set():
        i = next(slots)
        org = orgs[(n * 7 + i) % len(orgs)]
        period = f"{2016 + (i // 12) % 9}-{i % 12 + 1:02d}"
        rows = rng.randint(1, 40)
        data = activity_csv(org, period, rows)
        server = rng.choice(servers)
        try:
            with httpx.Client(base_url=server.url, timeout=120) as client:
                r = client.post(
                    f"{API}/submissions",
                    headers={"Authorization": f"Bearer {tokens['admin']}"},
                    data={"report_type": "energy_activity", "org_id": org, "period": period},
                    files={"file": (f"u{n}-{i}.csv", data, "text/csv")},
                )
                tally.saw("upload", r)
                if r.status_code not in (200, 201):
                    continue
                sid = r.json()["submission"]["id"]
                if r.status_code == 201:
                    with tally.lock:
                        tally.accepted[sid] = rows
                r = client.post(
                    f"{API}/submissions/{sid}/submit", headers={"Authorization": f"Bearer {tokens['admin']}"}
                )
                tally.saw("submit", r)
                if r.status_code == 200 and rng.random() < 0.7:
                    approvals = 2 if rng.random() < 0.3 else 1  # sometimes two reviewers at the same moment
                    answers: list[int] = []

                    def approve(sid: int = sid, server: Server = server, answers: list[int] = answers) -> None:
                        with httpx.Client(base_url=server.url, timeout=120) as c2:
                            a = c2.post(
                                f"{API}/submissions/{sid}/approve",
                                headers={"Authorization": f"Bearer {tokens['analyst']}"},
                            )
                        tally.saw("approve", a)
                        answers.append(a.status_code)

                    pair = [threading.Thread(target=approve) for _ in range(approvals)]
                    for th in pair:
                        th.start()
                    for th in pair:
                        th.join()
                    if approvals == 2:
                        with tally.lock:
                            tally.approvals["+".join(str(a) for a in sorted(answers))] += 1
        except httpx.TransportError:
            with tally.lock:
                tally.refused_connections += 1
            time.sleep(0.2)


def hostile(servers: list[Server], stop: threading.Event, tally: Tally, tokens: dict[str, str]) -> None:
    bomb, strings, big = zip_bomb(), zip_bomb(member="xl/sharedStrings.xml"), big_bad_csv()
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    form = {"report_type": "energy_activity", "org_id": "LYG-FRT-001", "period": "2025-03"}
    bad_row = "LYG-FRT-001,2025-03,road_freight,diesel,{},t,1000,,,,"
    attacks: list[tuple[str, dict[str, object]]] = [
        (
            "zip bomb",
            {
                "method": "POST",
                "url": f"{API}/submissions/validate",
                "data": form,
                "files": {"file": ("bomb.xlsx", bomb, "application/octet-stream")},
            },
        ),
        (
            "zip bomb (shared strings)",
            {
                "method": "POST",
                "url": f"{API}/submissions/validate",
                "data": form,
                "files": {"file": ("strings.xlsx", strings, "application/octet-stream")},
            },
        ),
        (
            "50 MB bad CSV",
            {
                "method": "POST",
                "url": f"{API}/submissions/validate",
                "data": form,
                "files": {"file": ("big.csv", big, "text/csv")},
            },
        ),
        ("huge int path", {"method": "GET", "url": f"{API}/submissions/99999999999999999999"}),
        (
            "huge lock_version",
            {"method": "POST", "url": f"{API}/submissions/1/approve", "json": {"lock_version": 10**20}},
        ),
        ("NUL in JSON", {"method": "POST", "url": f"{API}/users", "json": {"username": "x\x00", "role": "admin"}}),
        ("NUL in path", {"method": "GET", "url": f"{API}/report-types/a%00b"}),
        ("year 10000", {"method": "GET", "url": f"{API}/indicators/10000"}),
        (
            "period 9999-12",
            {
                "method": "POST",
                "url": f"{API}/submissions",
                "data": {**form, "period": "9999-12"},
                "files": {"file": ("p.csv", b"x", "text/csv")},
            },
        ),
        ("page huge int", {"method": "GET", "url": "/submissions/99999999999999999999"}),
        ("asset NUL", {"method": "GET", "url": "/static/web/%00"}),
        (
            "oversized body",
            {
                "method": "POST",
                "url": f"{API}/submissions",
                "content": b"x" * (101 * 2**20 + 2**20),
                "headers": {"content-type": "multipart/form-data; boundary=zz"},
            },
        ),
    ]
    for value in ("inf", "-inf", "NaN", "1e309", "1e308", "1e29"):
        data = ("\n".join([HEADER, bad_row.format(value)]) + "\n").encode()
        attacks.append(
            (
                f"amount {value}",
                {
                    "method": "POST",
                    "url": f"{API}/submissions",
                    "data": form,
                    "files": {"file": ("n.csv", data, "text/csv")},
                },
            )
        )
    rng = random.Random(7)
    for name, kw in itertools.cycle(attacks):  # each in turn, so that every one is tried
        if stop.is_set():
            return
        kw = dict(kw)
        headers = {**admin, **dict(kw.pop("headers", {}))}  # type: ignore[arg-type]
        try:
            with httpx.Client(base_url=rng.choice(servers).url, timeout=300) as client:
                r = client.request(headers=headers, **kw)  # type: ignore[arg-type]
        except httpx.TransportError:
            with tally.lock:
                tally.refused_connections += 1
            time.sleep(0.5)
            continue
        tally.saw(name, r)
        with tally.lock:
            tally.hostile[f"{name} → {r.status_code}"] += 1
            if not 400 <= r.status_code < 500:
                tally.hostile_bad.append(f"{name}: {r.status_code}")
        time.sleep(0.3)


def _prepare(url: str, data_dir: Path, settings: Settings) -> tuple[dict[str, str], list[str]]:
    if url.startswith("postgresql"):
        admin = make_url(url).set(database="postgres")
        from sqlalchemy import create_engine

        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        name = make_url(url).database
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    keys.configure(settings)
    users.configure_hasher(time_cost=1, memory_cost=8192, parallelism=1)
    with Database.open(url, create=True) as database, database.transaction() as session:
        build_demo(session, actor="bench", data_dir=data_dir)
        ensure_demo_users(session, actor="bench")
        tokens = {
            role: users.issue_token(session, users.get_user(session, role), name="bench", actor="bench", days=1).token
            for role in ("admin", "analyst", "auditor")
        }
        orgs = organisation_ids(session, kind="enterprise")
    return tokens, orgs


def _books(url: str, tally: Tally) -> dict[str, object]:
    with Database.open(url) as database, database.transaction() as session:
        result = integrity.verify(session)
        forks = session.execute(
            select(func.count()).select_from(
                select(AuditEntry.prev_hash).group_by(AuditEntry.prev_hash).having(func.count() > 1).subquery()
            )
        ).scalar()
        stored = dict(
            session.execute(
                select(ImportBatch.submission_id, func.count(ActivityRecord.id))
                .join(ActivityRecord, ActivityRecord.batch_id == ImportBatch.id)
                .where(ImportBatch.submission_id.in_(list(tally.accepted)))
                .group_by(ImportBatch.submission_id)
            ).all()
        )
        lost = sum(1 for sid, rows in tally.accepted.items() if stored.get(sid, 0) != rows)
        counts = select(ActivityRecord.batch_id, func.count().label("n")).group_by(ActivityRecord.batch_id).subquery()
        partial = session.scalar(
            select(func.count())
            .select_from(ImportBatch)
            .outerjoin(counts, counts.c.batch_id == ImportBatch.id)
            .where(func.coalesce(counts.c.n, 0) != ImportBatch.row_count)
        )
        orphans = session.scalar(
            select(func.count())
            .select_from(ImportBatch)
            .where(ImportBatch.kind == "file", ImportBatch.submission_id.is_(None))
        )
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
        approved = session.scalar(select(func.count()).select_from(Submission).where(Submission.state == "approved"))
    return {
        "audit verify": "ok" if result.ok else f"{len(result.problems)} problems: {result.problems[:5]}",
        "audit entries": entries,
        "forks": forks,
        "accepted uploads": len(tally.accepted),
        "lost rows (uploads whose stored rows differ)": lost,
        "partial batches": partial,
        "batches without their submission": orphans,
        "approved submissions": approved,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--readers", type=int, default=8)
    ap.add_argument("--uploaders", type=int, default=4)
    ap.add_argument("--servers", type=int, default=2)
    ap.add_argument("--kill", action="store_true", help="SIGKILL one server halfway and start it again")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tc-load-"))
    data_dir = tmp / "data"
    url = args.database_url or f"sqlite:///{(data_dir / 'transcarbon.db').as_posix()}"
    key = secrets.token_hex(32)
    settings = Settings(data_dir=data_dir, database_url=url, audit_key=key)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    tokens, orgs = _prepare(url, data_dir, settings)
    print(f"demo built on {make_url(url).get_backend_name()} in {time.perf_counter() - t0:.0f} s")
    env = {
        **os.environ,
        "TRANSCARBON_DATABASE_URL": url,
        "TRANSCARBON_DATA_DIR": str(data_dir),
        "TRANSCARBON_AUDIT_KEY": key,
        "TRANSCARBON_ARGON2_TIME_COST": "1",
        "TRANSCARBON_ARGON2_MEMORY_KIB": "8192",
    }
    servers = [Server(env, tmp / f"server{i}.log") for i in range(args.servers)]
    for s in servers:
        s.start()
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(target=reader, args=(servers, stop, tally, tokens["auditor"])) for _ in range(args.readers)
    ]
    threads += [
        threading.Thread(target=uploader, args=(n, servers, stop, tally, tokens, orgs)) for n in range(args.uploaders)
    ]
    threads.append(threading.Thread(target=hostile, args=(servers, stop, tally, tokens)))
    started = time.perf_counter()
    for th in threads:
        th.start()
    peaks = [0.0] * len(servers)
    killed = False
    while time.perf_counter() - started < args.seconds:
        time.sleep(1)
        peaks = [max(p, s.peak_rss_mib()) for p, s in zip(peaks, servers, strict=True)]
        if args.kill and not killed and time.perf_counter() - started > args.seconds / 2:
            servers[0].kill()
            killed = True
            time.sleep(2)
            servers[0].start()
    stop.set()
    for th in threads:
        th.join(600)
    elapsed = time.perf_counter() - started
    peaks = [max(p, s.peak_rss_mib()) for p, s in zip(peaks, servers, strict=True)]
    for s in servers:
        s.stop()
    total = sum(tally.status.values())
    print(
        f"\n{total} requests in {elapsed:.0f} s ({total / elapsed:.1f}/s) on {args.servers} server processes, "
        f"{args.readers} readers, {args.uploaders} uploaders, 1 hostile client{', one SIGKILL' if args.kill else ''}"
    )
    print(
        "answers:",
        dict(sorted(tally.status.items())),
        f"connections refused (server down): {tally.refused_connections}",
    )
    print("5xx:", len(tally.server_errors), *tally.server_errors[:5], sep="\n  ")
    print("hostile answers:", dict(sorted(tally.hostile.items())))
    print("hostile answers that were not a 4xx:", tally.hostile_bad[:5] or 0)
    print("double approvals (answers):", dict(tally.approvals))
    print("peak memory of the servers [MiB]:", [round(p) for p in peaks])
    for k, v in _books(url, tally).items():
        print(f"{k}: {v}")
    with gzip.open(tmp / "answers.txt.gz", "wt") as fh:
        fh.write("\n".join(tally.server_errors))


if __name__ == "__main__":
    main()
