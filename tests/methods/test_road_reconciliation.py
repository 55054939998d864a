"""Bottom-up against reported fuel: the gap and its coverage / intensity split, on constructed cases."""

import pytest

from transcarbon.methods.road.reconciliation import reconcile


def test_coverage_and_intensity_split_by_hand():
    # 1,000 registered trucks at 400 GJ each (bottom-up 400,000 GJ); the reporting firms run 300 of them and
    # report 150,000 GJ (500 GJ a truck).
    g = reconcile(400_000.0, 150_000.0, 1_000.0, 300.0)
    assert g.gap_gj == pytest.approx(250_000.0)
    assert g.coverage_gj == pytest.approx(700 * 400.0)  # 280,000 GJ of trucks nobody reports
    assert g.intensity_gj == pytest.approx(300 * 400.0 - 150_000.0)  # −30,000 GJ: they use more per truck
    assert g.coverage_gj + g.intensity_gj == pytest.approx(g.gap_gj)
    assert g.ratio == pytest.approx(0.375)
    assert g.implied_vehicles == pytest.approx(375.0)
    assert g.explanation == "coverage"


def test_intensity_dominates_when_the_reports_cover_the_fleet():
    g = reconcile(100.0, 70.0, 10.0, 10.0)
    assert g.coverage_gj == 0.0 and g.intensity_gj == pytest.approx(30.0)
    assert g.explanation == "intensity"


@pytest.mark.parametrize(
    ("args", "why"),
    [
        ((100.0, 95.0, 10.0, None), "agree"),  # 5 % apart
        ((100.0, 0.0, 10.0, None), "no_report"),
        ((0.0, 50.0, 0.0, None), "no_bottom_up"),
        ((100.0, 40.0, 10.0, None), "coverage_unknown"),
    ],
)
def test_explanations(args, why):
    g = reconcile(*args)
    assert g.explanation == why
    if args[3] is None:
        assert g.coverage_gj is None and g.intensity_gj is None


def test_refuses_non_finite_or_negative_input():
    with pytest.raises(ValueError, match="bottom_up_gj"):
        reconcile(float("nan"), 1.0, 1.0)
    with pytest.raises(ValueError, match="reporting"):
        reconcile(1.0, 1.0, 1.0, -1.0)
