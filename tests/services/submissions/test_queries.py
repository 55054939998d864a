"""Read queries: a slot's versions, newest first."""

from __future__ import annotations

import transcarbon.services.submissions as wf
from platform_fixtures import csv_bytes, example_row, principal


def test_slot_versions_newest_first(env) -> None:  # type: ignore[no-untyped-def]
    factory, ctx = env
    rt = ctx.catalog.get("shore_power")
    sent = [
        wf.upload(
            factory,
            ctx,
            principal("admin"),
            report_type="shore_power",
            org_id="PRT",
            period=period,
            file_name=f"s{k}.csv",
            data=csv_bytes(rt, [example_row(rt, kwh=30000 + k)]),
        )
        for k, period in enumerate(("2024-03", "2024-03", "2024-04"))
    ]
    with factory() as s:
        slot = wf.slot_versions(s, sent[0].submission)
        assert [(v.id, v.version, v.state) for v in slot] == [
            (sent[1].submission.id, 2, "draft"),
            (sent[0].submission.id, 1, "superseded"),
        ]
        assert [v.id for v in wf.slot_versions(s, sent[2].submission)] == [sent[2].submission.id]
