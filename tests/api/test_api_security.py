"""Security checks of the REST API: request bodies over the upload limit are refused before they are read
(for everyone, anonymous callers included), and kept files download with a media type that cannot run as
a page on the platform's origin, whatever type the uploader declared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from platform_fixtures import Platform, csv_bytes, example_row, make_platform
from transcarbon.city.reports import load_report_types

API = "/api/v1"
CATALOG = load_report_types()
LIMIT_MB = 0.01  # ~10 KB; the body limit is this plus 1 MiB for the form's other parts


@pytest.fixture
def p(migrated_db_url: str, tmp_path: Path) -> Iterator[Platform]:
    yield make_platform(migrated_db_url, tmp_path, max_upload_mb=LIMIT_MB)


def _form(data: bytes) -> dict[str, Any]:
    return {
        "data": {"report_type": "energy_activity", "org_id": "FRT", "period": "2024-03"},
        "files": {"file": ("big.csv", data, "text/csv")},
    }


def test_oversized_body_refused_before_it_is_read(p: Platform) -> None:
    big = b"x" * (2 * 2**20)
    anonymous: dict[str, str] = {}
    for headers in (anonymous, p.h("reporter")):  # anonymous too: the body is not parsed first
        r = p.client.post(f"{API}/submissions", headers=headers, **_form(big))
        assert r.status_code == 413, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["type"].endswith("upload.too_large")
    r = p.client.post("/login", content=big, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_streamed_oversized_body_stops_at_the_limit(p: Platform) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for _ in range(40):
            yield b"y" * 65536

    r = p.client.post(
        f"{API}/submissions",
        content=chunks(),
        headers={**p.h("reporter"), "content-type": "multipart/form-data; boundary=zz"},
    )
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")


def test_small_upload_still_works(p: Platform) -> None:
    rt = CATALOG.get("energy_activity")
    r = p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        **_form(csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-03")])),
    )
    assert r.status_code == 201, r.text


def test_download_never_served_as_html(p: Platform) -> None:
    rt = CATALOG.get("energy_activity")
    data = csv_bytes(rt, [example_row(rt, org_id="FRT", period="2024-04")])
    r = p.client.post(
        f"{API}/submissions",
        headers=p.h("reporter"),
        data={"report_type": "energy_activity", "org_id": "FRT", "period": "2024-04"},
        files={"file": ("evil.html", data, "text/html")},
    )
    assert r.status_code == 201, r.text
    sid = r.json()["submission"]["id"]
    d = p.client.get(f"{API}/submissions/{sid}/file", headers=p.h("reporter"))
    assert d.status_code == 200 and d.content == data
    assert d.headers["content-type"] == "application/octet-stream"
    assert d.headers["x-content-type-options"] == "nosniff"
    assert d.headers["content-disposition"].startswith("attachment;")
