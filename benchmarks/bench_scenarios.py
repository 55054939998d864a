"""Benchmark: 10,000 Monte Carlo draws of the whole city to 2035 (the demo's policy scenario: ten road classes ×
eight powertrains × 56 model years, five demand modes, the bulk-cargo and public-transport shifts, shore power and
APU substitutes, 13 correlated uncertain inputs), vectorised over draws in chunks of 1,000.

The scenario is the city's ``policy.yaml`` with its levers applied and without the calibration on the platform's data
(no database needed: the values of the file stand). Times, in one process:

- ``vectorised``: building the inputs of every chunk of draws and running the engine on it, two chunks at a time in
  threads (target: under 10 s for 10,000 draws on 2 cores), with the peak RSS; and the same in one thread;
- the peer: the same engine called once per draw (a per-draw Python loop over ``build_inputs`` and ``run_city``), on
  a sample of draws, extrapolated to 10,000; it also cross-checks the vectorised answers of those draws.

Prints wall times, peak RSS and the ratio of the peer's time to ours.

    .venv/bin/python benchmarks/bench_scenarios.py [--draws 10000] [--peer 200] [--chunk 500] [--workers 2]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import yaml

from transcarbon.city.config import load_city
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.scenarios import uncertainty
from transcarbon.methods.scenarios.engine import run_city
from transcarbon.services.scenarios.build import build_inputs, carrier_co2, uncertain
from transcarbon.services.scenarios.prepare import merged, prepare
from transcarbon.services.scenarios.spec import load_raw


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--peer", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    city = load_city()
    folder = city.scenarios_path
    assert folder is not None
    text = (folder / "policy.yaml").read_text(encoding="utf-8")
    raw = merged(load_raw(text, "policy.yaml"), folder, "policy.yaml")
    raw.pop("calibration")  # no database: the values of the file stand
    spec = prepare(yaml.safe_dump(raw, allow_unicode=True), "policy.yaml", city=city, base_dir=folder).spec
    co2 = carrier_co2(FactorLibrary.load())
    names, dists, corr = uncertain(spec)
    theta = uncertainty.sample(dists, args.draws, np.random.default_rng(spec.seed), corr)
    print(f"scenario: {len(spec.fleet.classes)} classes, {len(spec.modes)} modes, {len(names)} uncertain inputs")
    rss0 = peak_rss_mib()
    t0 = time.perf_counter()
    out = uncertainty.run_draws(lambda th: build_inputs(spec, names, th, co2), theta, args.chunk, args.workers)
    vec = time.perf_counter() - t0
    rss1 = peak_rss_mib()
    t0 = time.perf_counter()
    uncertainty.run_draws(lambda th: build_inputs(spec, names, th, co2), theta, args.chunk, 1)
    one_thread = time.perf_counter() - t0
    p = uncertainty.percentiles(out.oil_land_tce[:, 10])
    print(
        f"vectorised: {args.draws:,} draws in {vec:.2f} s ({args.workers} threads, chunks of {args.chunk}; "
        f"{one_thread:.2f} s in one thread), peak RSS {rss1:.0f} MiB (+{rss1 - rss0:.0f} MiB); "
        f"land oil 2030 p10/p50/p90 {p[0]:,.0f} / {p[1]:,.0f} / {p[2]:,.0f} tce"
    )
    n = min(args.peer, args.draws)
    t0 = time.perf_counter()
    for i in range(n):
        one = run_city(build_inputs(spec, names, theta[i : i + 1], co2))
        assert np.allclose(one.oil_land_tce[0], out.oil_land_tce[i], rtol=1e-9)
    peer = (time.perf_counter() - t0) / n * args.draws
    print(f"peer (per-draw loop): {n} draws in {peer * n / args.draws:.2f} s → {peer:.1f} s for {args.draws:,} draws")
    print(f"ratio peer / vectorised: {peer / vec:.1f}×; target under 10 s: {'met' if vec < 10 else 'missed'}")


if __name__ == "__main__":
    main()
