"""Shared Playwright fixtures: a real Debian Chromium driving pytest-django's live server.

Every test under tests/browser/ is marked `browser`. Use the `page` fixture (a fresh browser
context per test, on the live server) and `screenshot(page, name)` to save a PNG into
test-artifacts/screenshots/ for review. A failing test saves one automatically.

Chromium is Debian's /usr/bin/chromium; when missing it is installed with apt-get once per
session. If that installation fails the browser tests skip with a loud reason, except in CI
(CI=true, as .ci/run is started), where they fail.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

# The sync Playwright API runs an event loop in this thread; Django would then refuse ORM
# calls made by the test itself (SynchronousOnlyOperation). The calls really are synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
HERE = Path(__file__).resolve().parent
SCREENSHOT_DIR = HERE.parents[1] / "test-artifacts" / "screenshots"
DEFAULT_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


def _install_chromium() -> str:
    """Install Debian's chromium with apt; return '' on success, else why it failed."""
    apt = shutil.which("apt-get")
    if apt is None:
        return "apt-get is not available on this machine"
    for cmd in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", "chromium"]):
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            cmd,
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            check=False,
        )
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip()[-500:]
            return f"`{' '.join(cmd)}` exited {result.returncode}: {tail}"
    return "" if Path(CHROMIUM).exists() else f"apt-get finished but {CHROMIUM} is missing"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The path of Debian's Chromium, installing it when missing (skips loudly on failure)."""
    if not Path(CHROMIUM).exists():
        failure = _install_chromium()
        if failure:
            why = f"Chromium is missing at {CHROMIUM} and could not be installed ({failure})."
            # CI must run the browser tests (the accessibility check among them): there a
            # missing browser fails the run instead of passing it with the tests skipped.
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"BROWSER TESTS CANNOT RUN IN CI: {why}", pytrace=False)
            pytest.skip(f"BROWSER TESTS SKIPPED: {why}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def live_site(live_server, transactional_db, settings):
    """The live server's base URL; SITE_URL points at it so emailed/checkout links work."""
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def page(browser, live_site, request):
    """A fresh browser context and page whose relative URLs resolve against the live server."""
    context = browser.new_context(base_url=live_site, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    if getattr(request.node, "browser_call_failed", False):
        screenshot(tab, f"FAILED-{request.node.name}")
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG of `page` as test-artifacts/screenshots/<name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def take_screenshot():
    """The `screenshot` helper as a fixture, for tests that prefer not to import it."""
    return screenshot


# The accessibility check: axe-core (bundled by axe-playwright-python, injected by Playwright,
# never fetched from a CDN) with the WCAG 2.1 A and AA rules; serious and critical findings fail.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_BLOCKING = {"serious", "critical"}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_violations(page) -> list[str]:
    """The serious and critical WCAG 2.1 AA violations on `page` as it is now, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in AXE_BLOCKING
    ]


def log_in_as(page, live_site: str, user) -> None:
    """Give the page's browser context a dashboard session for `user` (no login form)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_site}]
    )
