"""Intranet-grade delivery (issue 12A, point 9): static assets compressed and cached by content hash, and a bad
query parameter answered with an HTML page, not JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from web_session import sign_in


def test_assets_are_gzipped_and_cached_by_their_hash(client: TestClient) -> None:
    sign_in(client, "analyst")
    html = client.get("/cockpit").text
    src = html.split('<script src="')[1].split('"')[0]
    assert src.startswith("/static/web/plotly.min.js?v=")
    plain = client.get(src, headers={"Accept-Encoding": "identity"})
    zipped = client.get(src, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.headers["vary"] == "Accept-Encoding"
    assert len(zipped.content) == len(plain.content)  # the client inflates it: the same bytes arrive
    assert "immutable" in zipped.headers["cache-control"] and "max-age=31536000" in zipped.headers["cache-control"]
    raw = client.get(src, headers={"Accept-Encoding": "gzip"})
    assert int(raw.headers["content-length"]) < len(plain.content) / 2  # on the wire: less than half
    again = client.get(src, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]})
    assert again.status_code == 304
    unversioned = client.get("/static/web/app.css")
    assert unversioned.headers["cache-control"] == "public, max-age=3600"


@pytest.mark.parametrize("path", ["/cockpit?year=abc", "/completeness?year=abc", "/submissions?page=x"])
def test_a_bad_query_parameter_gives_an_html_page(client: TestClient, path: str) -> None:
    sign_in(client, "analyst")
    r = client.get(path)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html"), r.text[:200]
    assert "<html" in r.text and '"detail"' not in r.text
