"""The shared form-field template ties help and errors to their field (WCAG 1.3.1): every id
a page's aria-describedby, aria-labelledby or label names exists on that page."""

import re

import pytest

from tests.pages import STUDIO_PAGES

GET_PAGES = [pytest.param(page, id=page.case_id) for page in STUDIO_PAGES if "GET" in page.methods]


def dangling_references(html: str) -> set[str]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    named = set(re.findall(r'\sfor="([^"]+)"', html))
    for refs in re.findall(r'\saria-(?:describedby|labelledby)="([^"]+)"', html):
        named |= set(refs.split())
    return named - ids


@pytest.mark.parametrize("page", GET_PAGES)
def test_every_id_a_dashboard_page_refers_to_exists(owner_client, studio, page):
    response = owner_client.get(page.url(studio.ids()), follow=True)
    assert dangling_references(response.content.decode()) == set()


def test_help_text_is_the_description_of_its_field(owner_client):
    html = owner_client.get("/dashboard/settings/").content.decode()
    described = re.findall(r'aria-describedby="(id_\w+_helptext)"', html)
    assert described
    for ref in described:
        assert re.search(rf'<div class="help small muted" id="{ref}">\S', html)


def test_a_rejected_form_ties_each_error_to_its_field(owner_client):
    html = owner_client.post("/dashboard/services/new/", {}).content.decode()
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*id_name_error"', html)
    assert 'id="id_name_error"' in html
    assert dangling_references(html) == set()


def test_a_group_of_checkboxes_is_a_fieldset_named_by_its_legend(owner_client):
    html = owner_client.get("/dashboard/schedule/series/new/").content.decode()
    assert re.search(r"<fieldset class=\"field\"[^>]*>\s*<legend>", html)
    assert 'for=""' not in html
