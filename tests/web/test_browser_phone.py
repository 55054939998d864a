"""The work lists on a 390 px phone screen (issue 12, point 9), in Debian's Chromium: the submissions list, the
warnings inbox and the audit log overflow nothing horizontally (what is wider than the screen, the tables, scrolls
inside its own container), and their main actions (search, apply, the pager, the upload) lie on the screen."""

from __future__ import annotations

from typing import Any

import pytest

from browser_helpers import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS

WIDTH = 390
OVERFLOWING = """(width) => {
  // elements reaching past the screen's right edge that no scrolling container of theirs holds
  const held = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if ((s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden')
          && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
    if (getComputedStyle(el).position === 'fixed' || held(el)) continue;
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
             + ' right=' + Math.round(r.right));
  }
  return out.slice(0, 10);
}"""
ON_SCREEN = """(sel) => Array.from(document.querySelectorAll(sel)).filter(el => el.offsetParent !== null).map(el => {
  const r = el.getBoundingClientRect(); return [sel, Math.round(r.left), Math.round(r.right)];
})"""

LISTS = [
    ("/submissions", ["main input[name=search]", "#upload-form button[type=submit]", "nav.pager a[rel=next]"]),
    ("/warnings?year=2025", ["main input[name=search]", "main .filters button[type=submit]"]),
    ("/audit", ["main input[name=search]", "main .filters button[type=submit]", "nav.pager a[rel=next]"]),
]


@pytest.mark.parametrize(("path", "actions"), LISTS)
def test_a_work_list_fits_a_390_px_phone(live_server: Any, new_page: Any, path: str, actions: list[str]) -> None:
    page = new_page()
    login(page, live_server.url, "admin")
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(live_server.url + path, wait_until="domcontentloaded")
    page.wait_for_selector("table.data")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{path}: the page is {width} px wide; overflowing: {page.evaluate(OVERFLOWING, WIDTH)}"
    assert page.evaluate(OVERFLOWING, WIDTH) == [], path
    for selector in actions:
        boxes = page.evaluate(ON_SCREEN, selector)
        assert boxes, f"{path}: no {selector}"
        assert all(left >= 0 and right <= WIDTH for _, left, right in boxes), boxes
    # the table itself scrolls sideways inside its container, which fits the screen
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => getComputedStyle(el).overflowX") in ("auto", "scroll")
    assert wrap.evaluate("el => el.getBoundingClientRect().right") <= WIDTH + 1
