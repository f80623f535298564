"""Screenshots of the review page for the README, taken in Debian's chromium like the browser tests.

    .venv/bin/python -m tests.web.screenshots docs/

Builds the test site (a real demo crawl), logs in, and writes review-queue.png, review-cluster.png
(Chinese) and review-queue-en.png, review-cluster-en.png (English) into the folder given.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from store.review_queue import QueueFilter, queue_page
from tests.web.browser_support import log_in
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.support import build_demo_folder, start_site, stop_site


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "demo"
        build_demo_folder(template, hostile=False)
        site = start_site(template, Path(tmp) / "site")
        try:
            store = site.store()
            loud = queue_page(store, QueueFilter(q="闪退"), limit=1).items[0].cluster_id
            store.close()
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1366, "height": 820})
                log_in(page, site, "rita")
                for suffix in ("", "-en"):
                    page.goto(site.base_url + "/")
                    page.keyboard.press("j")
                    page.screenshot(path=str(out / f"review-queue{suffix}.png"))
                    page.goto(f"{site.base_url}/clusters/{loud}?back=tab%3Dpending")
                    page.set_viewport_size({"width": 1366, "height": 1250})
                    page.screenshot(path=str(out / f"review-cluster{suffix}.png"))
                    page.set_viewport_size({"width": 1366, "height": 820})
                    page.click("form[action='/language'] button")
                    page.wait_for_load_state()
                browser.close()
        finally:
            stop_site(site)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
