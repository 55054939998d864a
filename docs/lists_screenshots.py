"""Make the screenshots of the work lists in docs/web.md: the submissions list, the warnings inbox and the audit log
at 1280 and 390 px, and the users page, of the demo site (signed in as admin).

.venv/bin/python docs/lists_screenshots.py        # needs Debian's chromium at /usr/bin/chromium
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from transcarbon.demo.accounts import DEMO_PASSWORD
from transcarbon.demo_site import BackgroundServer, demo_app

OUT = Path(__file__).parent / "screenshots"
SHOTS = {
    "submissions": "/submissions",
    "warnings": "/warnings?year=2025",
    "audit": "/audit?action=submission.approve",
    "users": "/users",
}
PHONE = ("submissions", "warnings", "audit")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, BackgroundServer(demo_app(Path(tmp))) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.set_default_timeout(120_000)
        page.goto(server.url + "/login")
        page.fill("#username", "admin")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("domcontentloaded")
        for name, path in SHOTS.items():
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(server.url + path)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
            if name in PHONE:
                page.set_viewport_size({"width": 390, "height": 844})
                page.reload()
                page.screenshot(path=str(OUT / f"{name}-390.png"), full_page=False)
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
