"""A larger property-based run of the REST API from its OpenAPI document (schemathesis), beyond the suite's.

    .venv/bin/python benchmarks/bench_schemathesis.py [--examples 60]

Seeds a scratch SQLite platform (organisations, one user and token per role, one upload), then for every
operation generates ``--examples`` cases and sends each twice, as a bureau analyst and anonymously, through the
ASGI app. Prints the number of operations, of cases sent and of server errors (5xx), with the first few.
The suite's ``tests/api/test_api_schemathesis.py`` runs the same with a few examples per operation.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from platform_fixtures import csv_bytes, example_row, make_platform
from transcarbon.city.reports import load_report_types


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=60)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tc-fuzz-"))
    platform = make_platform(f"sqlite:///{(tmp / 'fuzz.db').as_posix()}", tmp)
    rt = load_report_types().get("energy_activity")
    platform.client.post(
        "/api/v1/submissions",
        headers=platform.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        files={"file": ("a.csv", csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-03")]))},
    )
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", platform.app)
    operations = [r.ok() for r in schema.get_all_operations()]
    sent: Counter[str] = Counter()
    errors: list[str] = []
    started = time.perf_counter()
    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=args.examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            for headers in (platform.h("analyst"), {}):
                response = case.call(headers=headers)
                sent[f"{response.status_code // 100}xx"] += 1
                if response.status_code >= 500:
                    errors.append(f"{case.operation.label}: {response.status_code} {response.text[:200]}")

        run()
    elapsed = time.perf_counter() - started
    total = sum(sent.values())
    print(f"{len(operations)} operations, {total} cases sent in {elapsed:.0f} s ({total / elapsed:.0f}/s)")
    print("answers:", dict(sorted(sent.items())))
    print("server errors (5xx):", len(errors), *errors[:10], sep="\n  ")


if __name__ == "__main__":
    main()
