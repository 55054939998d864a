"""Make the screenshots of docs/web.md: cockpit, scorecards and the reporter's own figures (at 1280 and 390 px), an
indicator page, a lineage view and the scenario page (at 1280 and 390 px) of the demo site.

.venv/bin/python docs/web_screenshots.py        # needs Debian's chromium at /usr/bin/chromium
.venv/bin/python docs/web_screenshots.py cockpit scorecards my-figures indicator emissions   # only these
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import BackgroundServer, demo_app

OUT = Path(__file__).parent / "screenshots"
SHOTS = {
    "indicator.png": "/indicators/converted_turnover_co2_intensity?year=2025",
    "emissions.png": "/emissions?year=2025",
}
#: Pages shown at 1280 and 390 px (name, path, who signs in).
WIDE_AND_PHONE = (
    ("cockpit", "/cockpit?year=2025", "analyst"),
    ("scorecards", "/scorecards?year=2022", "analyst"),  # 2022: a department vetoed (一票否决)
    ("my-figures", "/my-figures?year=2025", "reporter"),
)


def _sign_in(page: Any, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _wide_and_phone(browser: Any, url: str, only: set[str]) -> None:
    """Each of :data:`WIDE_AND_PHONE` (those named in ``only``, all when empty) at 1280 px (``name.png``) and
    390 px (``name-390.png``), charts drawn."""
    for name, path, username in WIDE_AND_PHONE:
        if only and name not in only:
            continue
        for width, suffix in ((1280, ""), (390, "-390")):
            page = browser.new_page(viewport={"width": width, "height": 900 if width > 600 else 844}, locale="zh-CN")
            _sign_in(page, url, username)
            page.goto(url + path)
            page.wait_for_selector("figure.chart .js-plot .main-svg")
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=True)
            page.close()


def main() -> None:
    only = set(sys.argv[1:])  # names of screenshots (without .png) to make; all when none
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, BackgroundServer(demo_app(Path(tmp))) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        _wide_and_phone(browser, server.url, only)
        page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        _sign_in(page, server.url, "analyst")
        for name, path in SHOTS.items():
            if only and name.removesuffix(".png") not in only:
                continue
            page.goto(server.url + path)
            page.wait_for_timeout(800)
            page.screenshot(path=str(OUT / name), full_page=name != "emissions.png")
        if only:
            browser.close()
            print(f"screenshots in {OUT}")
            return
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
