"""The page registry (tests/pages.py) names every page of the dashboard, portal and dev
gateway, so neither the tenancy walk nor the accessibility check can miss a new one."""

from django.urls import URLPattern, URLResolver, reverse

from accounts import dashboard_urls
from customers import urls as portal_urls
from payments import urls as gateway_urls
from tests.pages import EXEMPT, PAGES, STUDIO, STUDIO_PAGES


def _names(patterns) -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


ROUTES = (
    _names(dashboard_urls.urlpatterns)
    | _names(portal_urls.urlpatterns)
    | _names(gateway_urls.urlpatterns)
    | {"api-docs"}
)


def test_every_named_page_route_is_in_the_registry_or_exempt_with_a_reason():
    listed = {page.name for page in PAGES}
    assert ROUTES - listed - set(EXEMPT) == set()
    assert all(reason.strip() for reason in EXEMPT.values())


def test_the_registry_names_only_routes_that_exist():
    listed = {page.name for page in PAGES}
    assert listed - ROUTES == set()
    assert set(EXEMPT) <= ROUTES
    assert reverse("api-docs") == "/api/docs/"


def test_every_studio_scoped_route_is_walked_by_the_tenancy_checks():
    assert {page.name for page in STUDIO_PAGES} == _names(dashboard_urls.studio_patterns)
    assert all(page.area == STUDIO for page in STUDIO_PAGES)


def test_every_page_listed_with_a_get_is_one_the_accessibility_check_opens():
    from tests.browser.test_accessibility import AXE_PAGES

    assert [p.values[0] for p in AXE_PAGES] == [page for page in PAGES if "GET" in page.methods]
