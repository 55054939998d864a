"""API read throughput on loopback: uvicorn serving the app, a bounded number of GET requests.

    .venv/bin/python benchmarks/bench_api.py [--requests 2000] [--concurrency 8]

Seeds a scratch SQLite database with users and 200 submissions, starts uvicorn on 127.0.0.1 (a free
port), and times token-authenticated GETs of a submission list, one submission, and the completeness
of a period; prints requests per second and latency percentiles.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import transcarbon.services.submissions as wf
from platform_fixtures import csv_bytes, example_row, fast_settings, principal, seed, service_context
from transcarbon.app import create_app
from transcarbon.store import db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tc-bench-api-"))
    url = f"sqlite:///{(tmp / 'api.db').as_posix()}"
    db.upgrade(url)
    tokens = seed(url)
    factory = db.session_factory(db.make_engine(url))
    ctx = service_context(tmp / "x")
    ctx = wf.Context(ctx.catalog, tmp / "data", ctx.regions)
    rt = ctx.catalog.get("shore_power")
    for m in range(200):
        period = f"{2010 + m // 12}-{m % 12 + 1:02d}"
        wf.upload(
            factory,
            ctx,
            principal("admin"),
            report_type="shore_power",
            org_id="PRT",
            period=period,
            file_name=f"s{m}.csv",
            data=csv_bytes(rt, [example_row(rt, kwh=30000 + m)]),
        )
    app = create_app(fast_settings(tmp / "data", url))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}/api/v1"
    headers = {"Authorization": f"Bearer {tokens['analyst']}"}
    paths = {
        "list 50": "/submissions?limit=50",
        "one": "/submissions/1",
        "completeness": "/completeness?report_type=shore_power&period=2024-03",
    }
    print(f"requests per endpoint: {args.requests}, concurrency {args.concurrency}, uvicorn 1 worker, SQLite")
    with httpx.Client(headers=headers, timeout=30) as client:
        for name, path in paths.items():
            assert client.get(base + path).status_code == 200
            lat: list[float] = []

            def hit(_: int, path: str = path, lat: list[float] = lat) -> int:
                t0 = time.perf_counter()
                code = client.get(base + path).status_code
                lat.append(time.perf_counter() - t0)
                return code

            t0 = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                codes = list(pool.map(hit, range(args.requests)))
            wall = time.perf_counter() - t0
            assert set(codes) == {200}, set(codes)
            q = statistics.quantiles(lat, n=100)
            print(
                f"{name:>13}: {args.requests / wall:7.0f} req/s | p50 {q[49] * 1000:6.1f} ms"
                f" | p95 {q[94] * 1000:6.1f} ms"
            )
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()
