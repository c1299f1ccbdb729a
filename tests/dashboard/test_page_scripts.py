"""Templates declare behaviour with data attributes handled by static JavaScript: the
Content-Security-Policy blocks inline handlers, so an `onchange=` would silently do nothing."""

import re
from pathlib import Path

from django.conf import settings

INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_page_template_uses_an_inline_event_handler():
    offenders = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if INLINE_HANDLER.search(line):
                    offenders.append(f"{path.name}:{number}")
    assert offenders == []


def test_every_dashboard_page_loads_the_dashboard_script(owner_client, db):
    page = owner_client.get("/dashboard/blackouts/").content.decode()
    assert 'src="/static/js/dashboard.js"' in page


INLINE_STYLE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)


def test_no_page_template_uses_an_inline_style():
    """The CSP's style-src 'self' drops a `style=` attribute (an input kept its full width).
    Emails are exempt: mail clients need inline styles and no CSP applies there."""
    offenders = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            if "emails" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if INLINE_STYLE.search(line):
                    offenders.append(f"{path.name}:{number}")
    assert offenders == []
