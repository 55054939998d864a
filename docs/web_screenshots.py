"""Make the screenshots of docs/web.md: cockpit, an indicator page, a lineage view and the scenario page (at 1280
and 390 px) of the demo site.

.venv/bin/python docs/web_screenshots.py        # needs Debian's chromium at /usr/bin/chromium
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import BackgroundServer, demo_app

OUT = Path(__file__).parent / "screenshots"
SHOTS = {
    "cockpit.png": "/cockpit?year=2025",
    "indicator.png": "/indicators/converted_turnover_co2_intensity?year=2025",
    "emissions.png": "/emissions?year=2025",
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, BackgroundServer(demo_app(Path(tmp))) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        page.goto(server.url + "/login")
        page.fill("#username", "analyst")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        for name, path in SHOTS.items():
            page.goto(server.url + path)
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / name), full_page=name != "emissions.png")
        page.goto(server.url + "/cockpit?year=2025")
        page.click("[data-testid=kpi-co2]")
        page.wait_for_url("**/lineage/*")
        page.goto(page.url.split("?")[0].replace("/lineage/", "/lineage/"))
        # a smaller figure than the city total: the first sector of the emissions page
        page.goto(server.url + "/emissions?year=2025")
        page.locator("#tbl-by_sector tbody tr").nth(2).locator("a").first.click()
        page.wait_for_url("**/lineage/*")
        page.screenshot(path=str(OUT / "lineage.png"), full_page=False)
        for width, name in ((1280, "scenarios.png"), (390, "scenarios-390.png")):
            page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
            page.goto(server.url + "/scenarios")
            page.wait_for_selector("figure.chart .js-plot .main-svg")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / name), full_page=True)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
