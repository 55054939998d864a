"""Bus-stop coverage against hand-computed areas: discs in a square, a quarter disc at a corner, two
overlapping discs counted once, and the polygon's known shortfall."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
import shapely.affinity

from transcarbon.methods.coverage import local_projection, polygon_shortfall, stop_coverage

LON0, LAT0 = 119.2, 34.6


def _square(side_m: float) -> shapely.Polygon:
    """A square of ``side_m`` metres centred on (LON0, LAT0), its corners given in lon/lat."""
    _, inverse = local_projection(LON0, LAT0)
    h = side_m / 2
    lon, lat = inverse.transform([-h, h, h, -h], [-h, -h, h, h])
    return shapely.Polygon(list(zip(lon, lat, strict=True)))


def _at(x_m: float, y_m: float) -> list[float]:
    _, inverse = local_projection(LON0, LAT0)
    lon, lat = inverse.transform(x_m, y_m)
    return [float(lon), float(lat)]


def test_one_stop_in_a_square_covers_pi_r_squared_over_the_area() -> None:
    cov = stop_coverage(np.array([_at(0, 0)]), [("sq", _square(2000))], 500)
    expected = math.pi * 500**2 / 2000**2  # 0.19635
    assert cov.area_km2 == pytest.approx(4.0, rel=1e-6)
    assert cov.coverage == pytest.approx(expected * (1 - polygon_shortfall()), rel=1e-6)
    assert cov.coverage == pytest.approx(expected, rel=2e-4)
    assert cov.stops == 1 and cov.radius_m == 500


def test_a_stop_at_a_corner_covers_a_quarter_disc() -> None:
    cov = stop_coverage(np.array([_at(1000, 1000)]), [("sq", _square(2000))], 500)
    assert cov.covered_km2 == pytest.approx(math.pi * 0.25 / 4, rel=2e-4)


def test_overlapping_discs_count_once() -> None:
    r, d = 500.0, 600.0
    lens = 2 * r**2 * math.acos(d / (2 * r)) - (d / 2) * math.sqrt(4 * r**2 - d**2)
    cov = stop_coverage(np.array([_at(-d / 2, 0), _at(d / 2, 0)]), [("sq", _square(4000))], r)
    assert cov.covered_km2 * 1e6 == pytest.approx(2 * math.pi * r**2 - lens, rel=2e-4)


def test_a_stop_outside_the_area_still_covers_what_its_disc_reaches() -> None:
    # 250 m beyond the edge: the circular segment of height 250 m lies inside
    cov = stop_coverage(np.array([_at(1250, 0)]), [("sq", _square(2000))], 500)
    segment = 500**2 * math.acos(250 / 500) - 250 * math.sqrt(500**2 - 250**2)
    assert cov.covered_km2 * 1e6 == pytest.approx(segment, rel=5e-4)


def test_coverage_by_area_and_the_geometries() -> None:
    a = _square(2000)
    b = shapely.affinity.translate(a, xoff=0.1)
    cov = stop_coverage(np.array([_at(0, 0)]), [("a", a), ("b", b)], 500)
    assert [x.area_id for x in cov.areas] == ["a", "b"]
    assert cov.areas[1].covered_km2 == 0.0 and cov.areas[0].coverage > 0.19
    assert cov.covered.area + cov.uncovered.area == pytest.approx(a.area + b.area, rel=1e-9)
    assert cov.coverage == pytest.approx(cov.covered_km2 / cov.area_km2)


def test_no_stops_cover_nothing() -> None:
    cov = stop_coverage(np.empty((0, 2)), [("sq", _square(1000))], 500)
    assert cov.coverage == 0.0 and cov.stops == 0


@pytest.mark.parametrize(
    ("stops", "radius", "message"),
    [
        (np.array([[np.nan, 34.6]]), 500, "finite"),
        (np.array([[119.2, 34.6]]), 0, "radius"),
        (np.array([[119.2, 34.6]]), float("inf"), "radius"),
    ],
)
def test_refuses_non_finite_input(stops: np.ndarray, radius: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        stop_coverage(stops, [("sq", _square(1000))], radius)


def test_polygon_shortfall_is_the_inscribed_polygons() -> None:
    assert polygon_shortfall(64) == pytest.approx((2 * math.pi / 256) ** 2 / 6, rel=1e-3)
