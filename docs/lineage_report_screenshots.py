"""Make the screenshots of the lineage page (a sector's CO2 and the city total, at 1280 and 390 px) and of the
stage report's first pages (pdftoppm) for docs/web.md.

.venv/bin/python docs/lineage_report_screenshots.py [DATA_DIR]   # needs /usr/bin/chromium and poppler-utils

DATA_DIR: an existing demo site to reuse (built there when missing; a temporary one by default).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import BackgroundServer, demo_app

OUT = Path(__file__).parent / "screenshots"
REPORT_PAGES = 3
"""The report's first pages shown: the summary, the charts, the first off-track indicator."""


def main(data_dir: Path) -> None:
    OUT.mkdir(exist_ok=True)
    with BackgroundServer(demo_app(data_dir)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(server.url + "/login")
        page.fill("#username", "analyst")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.goto(server.url + "/emissions?year=2025&lang=zh")
        page.locator("#tbl-by_sector tbody tr").nth(2).locator("a").first.click()
        page.wait_for_url("**/lineage/*")
        sector = page.url
        page.goto(server.url + "/cockpit?year=2025")
        page.click("[data-testid=kpi-co2]")
        page.wait_for_url("**/lineage/*")
        city = page.url
        for width, suffix in ((1280, ""), (390, "-390")):
            page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
            page.goto(sector)
            page.screenshot(path=str(OUT / f"lineage{suffix}.png"), full_page=True)
            page.goto(city)
            page.screenshot(path=str(OUT / f"lineage-city{suffix}.png"), full_page=False)
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "report.pdf"
            page.set_viewport_size({"width": 1280, "height": 900})
            with page.expect_download(timeout=120_000) as download:
                page.goto(server.url + "/reports")
                page.locator("a[href$='.pdf']").first.click()
            download.value.save_as(pdf)
            subprocess.run(
                ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", str(REPORT_PAGES), str(pdf), str(OUT / "report")],
                check=True,
            )
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
