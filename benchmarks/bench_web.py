"""Benchmark: server time of the cockpit and an indicator page on the demo database.

Builds the demo site (SQLite, synthetic data, demo accounts) in a temporary folder, serves the app with
uvicorn on 127.0.0.1 in a background thread, signs in as the analyst, and times repeated GETs of the
cockpit (驾驶舱) and the indicator page of ``converted_turnover_co2_intensity`` over loopback (request
sent → whole HTML received). The first request of each page is reported apart (cold: it evaluates the
year and fills the cache); then median and p95 of N warm requests.

    .venv/bin/python benchmarks/bench_web.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import BackgroundServer, demo_app

PAGES = {
    "cockpit": "/cockpit?year=2025",
    "indicator": "/indicators/converted_turnover_co2_intensity?year=2025",
    "emissions": "/emissions?year=2025",
}


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app = demo_app(Path(tmp))
        print(f"demo site built in {time.perf_counter() - t0:.1f} s")
        with BackgroundServer(app) as server, httpx.Client(base_url=server.url) as client:
            form = client.get("/login").text  # the sign-in form's own CSRF token (and its cookie)
            token = form.split('name="csrf" value="')[1].split('"')[0]
            r = client.post("/login", data={"username": "analyst", "password": DEMO_PASSWORD, "csrf": token})
            assert r.status_code == 303, r.text
            print(f"{'page':<10} {'cold ms':>9} {'median ms':>10} {'p95 ms':>8} {'min ms':>8}  (N={n}, KiB)")
            for name, path in PAGES.items():
                t = time.perf_counter()
                first = client.get(path)
                cold = (time.perf_counter() - t) * 1000
                first.raise_for_status()
                times = []
                for _ in range(n):
                    t = time.perf_counter()
                    resp = client.get(path)
                    times.append((time.perf_counter() - t) * 1000)
                    assert resp.status_code == 200
                print(
                    f"{name:<10} {cold:9.1f} {statistics.median(times):10.1f} {p95(times):8.1f} "
                    f"{min(times):8.1f}  {len(resp.content) / 1024:.0f}"
                )


if __name__ == "__main__":
    main()
