"""Reflow (WCAG 2.1 1.4.10): at 320 CSS pixels wide no page scrolls sideways.

Only a container of its own may scroll (a wide table in a focusable, labelled region). Every page type, as every
role, on the demo data plus a learner who finished the course (tests/site_pages.py).
"""

from __future__ import annotations

import pytest

from ebw_training.demo import DEMO_PASSWORD
from tests.site_pages import ACCOUNTS, build_site, page_urls

pytestmark = pytest.mark.browser
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".docx", ".zip", ".json")

# The page's own scroll width, and the elements that stick out of it outside a scroll container of their own.
OVERFLOW = """() => {
  const root = document.scrollingElement;
  const width = root.clientWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    let scroller = el.parentElement, contained = false;
    while (scroller && scroller !== document.body) {
      const style = getComputedStyle(scroller);
      if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { contained = true; break; }
      scroller = scroller.parentElement;
    }
    if (!contained) culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' right=' + Math.round(box.right));
  }
  return {scroll: root.scrollWidth, client: width, culprits: culprits.slice(0, 5)};
}"""
# A scroll container must be reachable and named, so keyboard and screen reader users can scroll it too.
UNNAMED_SCROLLERS = """() => [...document.querySelectorAll('main *')].filter(el => {
  const style = getComputedStyle(el);
  return ['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1 &&
    !(el.tabIndex >= 0 && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')));
}).map(el => el.tagName.toLowerCase() + '.' + el.className)"""


def test_no_page_scrolls_sideways_at_320_pixels(app, browser, live_server):
    site = build_site(app)
    problems = []
    checked = 0
    for role in ["anonymous", *ACCOUNTS]:
        context = browser.new_context(viewport={"width": 320, "height": 640}, locale="nl-NL")
        page = context.new_page()
        try:
            if role != "anonymous":
                page.goto(f"{live_server}/login")
                page.fill("input[name=email]", ACCOUNTS[role])
                page.fill("input[name=password]", DEMO_PASSWORD)
                with page.expect_navigation():
                    page.click("main [type=submit]")
            for url in page_urls(app, site, role):
                if url.endswith(DOWNLOADS) or url.startswith("/media/"):
                    continue
                page.goto(f"{live_server}{url}")
                checked += 1
                result = page.evaluate(OVERFLOW)
                if result["scroll"] > result["client"]:
                    problems.append(f"{role} {url}: page {result['scroll']}px wide in {result['client']}px; "
                                    f"sticking out: {result['culprits']}")
                unnamed = page.evaluate(UNNAMED_SCROLLERS)
                if unnamed:
                    problems.append(f"{role} {url}: scroll container without tabindex and label: {unnamed}")
        finally:
            context.close()
    assert checked > 80, f"only {checked} pages checked"
    assert not problems, f"{len(problems)} pages scroll sideways at 320px:\n" + "\n".join(problems)
