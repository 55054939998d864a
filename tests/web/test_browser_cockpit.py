"""The cockpit (and the emissions page) in Debian's Chromium at 1280 and 390 px: no axis label, title, legend, bar
or pie label drawn outside its chart, no card whose text overflows it, the charts' axes with automargin; a click on
a bar opens that year's lineage and a click on the headline intensity the indicator page's lineage section."""

from __future__ import annotations

from typing import Any

from browser_helpers import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS

CLIPPED = """() => {
  const out = [];
  document.querySelectorAll("figure.chart .js-plot").forEach((holder, i) => {
    const svg = holder.querySelector("svg.main-svg");
    if (!svg) { out.push("chart " + i + " not drawn"); return; }
    const box = svg.getBoundingClientRect();
    const layout = holder._fullLayout;
    if (layout.xaxis && !(layout.xaxis.automargin && layout.yaxis.automargin)) {
      out.push("chart " + i + " without automargin");
    }
    const labels = ".xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .legendtext, .bartext, .slicetext";
    holder.querySelectorAll(labels)
      .forEach((t) => {
        const r = t.getBoundingClientRect();
        if (r.width === 0 || !t.textContent.trim()) { return; }
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          out.push("chart " + i + ": " + t.textContent);
        }
      });
  });
  document.querySelectorAll(".kpi").forEach((k) => {
    if (k.scrollWidth > k.clientWidth + 1) { out.push("card: " + k.textContent.trim().slice(0, 30)); }
  });
  if (document.documentElement.scrollWidth > window.innerWidth + 1) { out.push("page wider than the screen"); }
  return out;
}"""


def _open(page: Any, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
    page.goto(url)
    page.wait_for_function("document.querySelectorAll('figure.chart svg.main-svg').length >= 2", timeout=90_000)
    page.wait_for_timeout(500)  # Plotly's automargin may redraw once


def test_cockpit_labels_fit_and_figures_open_their_lineage(live_server: Any, new_page: Any) -> None:
    page = new_page()
    login(page, live_server.url, "analyst")
    url = live_server.url + "/cockpit?year=2025"  # a later year may hold only what other tests approved
    for width in (1280, 390):
        _open(page, url, width)
        assert page.evaluate(CLIPPED) == [], width
        assert "口径：" in page.inner_text("[data-testid=kpi-headline]")
        # the emissions page's fuel pie and bars, whose labels the cockpit's figures link to
        _open(page, live_server.url + "/emissions?year=2025", width)
        assert page.evaluate(CLIPPED) == [], width
    # a click on the 2024 bar opens the lineage of 2024's city total (Plotly takes the click on its drag layer,
    # so the mouse clicks where the bar is drawn)
    _open(page, url, 1280)
    bars = page.locator("figure.chart").first.locator(".bars .point path")
    years = page.evaluate("JSON.parse(document.querySelector('script.js-fig').textContent).data[0].x")
    box = bars.nth(years.index(2024)).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7)
    page.wait_for_url("**/lineage/*")
    assert "2024年" in page.inner_text("[data-testid=figure-name]")
    # the headline intensity opens the indicator page at its lineage section
    _open(page, url, 1280)
    page.click("[data-testid=kpi-intensity]")
    page.wait_for_url("**/indicators/converted_turnover_co2_intensity?year=2025#lineage")
    assert page.locator("#lineage + dd a[href*='/lineage/']").count() >= 1
