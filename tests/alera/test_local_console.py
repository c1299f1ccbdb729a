"""What `make run` prints: request lines, no broker warnings, and no favicon 404s."""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from alera.redaction import RedactSecretsFilter

ROOT = Path(__file__).resolve().parents[2]

EAGER_TASK = """
import django
django.setup()
from alera.celery import app

@app.task
def ping():
    return "pong"

print(ping.delay().get())
"""


def test_an_eager_task_in_one_process_logs_no_broker_warning():
    local = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SECRET_KEY")}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", EAGER_TASK],
        cwd=ROOT,
        env={**local, "DJANGO_SETTINGS_MODULE": "alera.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "pong"
    assert "WARNING" not in result.stderr, result.stderr


@pytest.fixture
def console():
    """What the configured console handler writes while the test runs."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_runserver_request_lines_reach_the_console_redacted(console):
    server = logging.getLogger("django.server")  # what runserver logs each request to
    server.info('"%s" %s %s', "GET /api/classes?handle=demo-studio HTTP/1.1", "200", "512")
    server.info('"%s" %s %s', "GET /me/eyJyIjoiY2xp:1tXyZa:abc HTTP/1.1", "200", "2048")
    lines = console.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith('django.server "GET /api/classes?handle=demo-studio HTTP/1.1" 200 512')
    assert lines[1].endswith('"GET /me/[redacted] HTTP/1.1" 200 2048')


@pytest.mark.django_db
def test_pages_name_the_favicon_and_it_is_served(client):
    page = client.get("/dashboard/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in page
    found = finders.find("favicon.ico")  # what runserver and collectstatic serve
    assert found is not None
    assert Path(found).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.django_db
def test_favicon_ico_at_the_root_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
