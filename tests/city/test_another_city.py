"""A city is configuration: a second city in a folder of its own (city file, report types, no port) loads,
serves its report types and evaluates the same data under its own name, with no code."""

from __future__ import annotations

import shutil
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from platform_fixtures import fast_settings
from transcarbon.app import create_app
from transcarbon.city.config import load_city
from transcarbon.city.reports import ReportConfigError, load_report_types
from transcarbon.services.evaluation import evaluate
from transcarbon.services.ship_runs import city_zones
from transcarbon.store import db

PACKAGED = Path(str(resources.files("transcarbon") / "data" / "cities"))


@pytest.fixture
def other_city(tmp_path: Path) -> Path:
    """``haizhou.yaml`` with its report types in ``types/haizhou-reports.reports.yaml`` and no port zones."""
    data = yaml.safe_load((PACKAGED / "lianyungang.yaml").read_text(encoding="utf-8"))
    data["city"].update(id="haizhou", name_zh="海州示例市", name_en="Haizhou (example)")
    data["reports_file"] = "types/haizhou-reports.reports.yaml"
    data.pop("zones_file")
    data.pop("built_up_area_file")
    (tmp_path / "types").mkdir()
    shutil.copy(PACKAGED / "lianyungang.reports.yaml", tmp_path / "types" / "haizhou-reports.reports.yaml")
    path = tmp_path / "haizhou.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_files_named_by_the_city_are_found_beside_it(other_city: Path) -> None:
    city = load_city(other_city)
    assert city.city.id == "haizhou"
    assert city.reports_path == other_city.parent / "types" / "haizhou-reports.reports.yaml"
    assert city.zones_path is None and city_zones(str(other_city)) is None
    assert load_report_types(other_city).ids == load_report_types().ids
    assert city_zones() == PACKAGED / "lianyungang_zones.geojson"  # the shipped default keeps its zones


def test_a_missing_report_types_file_is_named(other_city: Path) -> None:
    (other_city.parent / "types" / "haizhou-reports.reports.yaml").unlink()
    with pytest.raises(ReportConfigError, match=r"haizhou-reports\.reports\.yaml"):
        load_report_types(str(other_city))


@pytest.mark.slow
def test_the_app_and_the_evaluation_run_on_another_city(other_city: Path, demo_db_url: str, tmp_path: Path) -> None:
    factory = db.session_factory(db.make_engine(demo_db_url))
    with factory.begin() as session:
        payload = evaluate(session, 2025, actor="test", as_of=date(2026, 6, 1), city=load_city(other_city)).payload
    assert payload["year"] == 2025 and len(payload["indicators"]) == 35
    factory.kw["bind"].dispose()
    app = create_app(fast_settings(tmp_path / "data", demo_db_url, city=str(other_city)))
    assert app.state.tc.city.city.id == "haizhou"
    assert app.state.tc.ctx.catalog.ids == load_report_types(other_city).ids
    with TestClient(app) as client:  # the public evaluation answers under the other city's configuration
        published = client.get("/api/v1/indicators/2025").json()
    assert [i["id"] for i in published["indicators"]] == [i["id"] for i in payload["indicators"]]
