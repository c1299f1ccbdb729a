"""/api/docs/ works offline under our Content-Security-Policy: every script and stylesheet it
loads is one of our static files (Swagger UI from drf-spectacular-sidecar, no CDN), it has no
inline script or style, and it says its language."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.security.test_headers import csp_directives

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs(client: Client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    return response, response.content.decode()


def test_every_script_and_stylesheet_of_the_docs_page_is_one_of_our_static_files(docs):
    _, html = docs
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in src for src in scripts)
    assert any("swagger-ui.css" in href for href in styles)
    for url in scripts + styles:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not in our static files"


def test_the_docs_page_has_no_inline_script_or_style_and_names_its_language(docs):
    response, html = docs
    assert re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html) is None
    assert "<style" not in html
    assert " style=" not in html
    assert re.search(r'<html lang="en">', html)
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]


def test_the_docs_page_points_swagger_ui_at_our_schema(docs, client):
    _, html = docs
    schema_url = re.search(r'data-schema-url="([^"]+)"', html).group(1)
    schema = client.get(schema_url, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Alera public API"
