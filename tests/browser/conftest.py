"""A headless Debian chromium driven by Playwright, and screenshots of each page kept as test artefacts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("ALCSIM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "reports" / "screenshots"
# Without these, chromium keeps calling Google's hosts, which this closed network refuses.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, request):
    """`new_page()` opens a page in a fresh context (its own cookies); each page is screenshotted at the end."""
    contexts = []

    def open_page():
        # The fakes' certificates come from the local test CA, which chromium's store does not hold.
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    for index, context in enumerate(contexts):
        for number, page in enumerate(context.pages):
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{index}-{number}.png"), full_page=True)
        context.close()
