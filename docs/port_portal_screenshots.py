"""Make the screenshots of the port page, the shore-power supervision page and the public portal (1280 and 390 px)
of the demo site, into docs/screenshots/.

.venv/bin/python docs/port_portal_screenshots.py [DATA_DIR]   # needs Debian's chromium at /usr/bin/chromium

DATA_DIR: a demo site already built (``transcarbon demo build`` with ``TRANSCARBON_DATA_DIR``), else a fresh one.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import BackgroundServer, demo_app

OUT = Path(__file__).parent / "screenshots"
SHOTS = (("ships", "/ships", True), ("ships-supervision", "/ships/supervision", True), ("public", "/public", False))


def main(data_dir: Path) -> None:
    OUT.mkdir(exist_ok=True)
    with BackgroundServer(demo_app(data_dir)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        for name, path, signed_in in SHOTS:
            if signed_in and "/login" not in page.url and not page.context.cookies():
                page.goto(server.url + "/login")
                page.fill("#username", "department")
                page.fill("#password", DEMO_PASSWORD)
                page.click("button[type=submit]")
            if not signed_in:
                page.context.clear_cookies()
            for width, suffix in ((1280, ""), (390, "-390")):
                page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
                page.goto(server.url + path)
                if page.locator("figure.chart").count():
                    page.wait_for_selector("figure.chart .js-plot .main-svg")
                page.wait_for_timeout(500)
                page.screenshot(path=str(OUT / f"{name}{suffix}.png"), full_page=True)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
