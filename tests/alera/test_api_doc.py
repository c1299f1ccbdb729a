"""docs/api.md, the contract partners read, names every endpoint and limit the code has."""

import re
from pathlib import Path

from django.urls import get_resolver, resolve

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
UNDOCUMENTED = {"schema/", "docs/"}  # the OpenAPI schema and its page describe themselves


def _view_class(path: str):
    return resolve(path.replace(":id", "x").replace(":secret", "s")).func.view_class


def test_every_rate_limit_in_the_doc_is_the_one_the_endpoint_enforces():
    rows = re.findall(r"^\| `(GET|POST) (/api/\S+)` \| (\d+) \|$", DOC, re.M)
    assert len(rows) == 11
    for method, path, per_minute in rows:
        view = _view_class(path)
        assert hasattr(view, method.lower()), path
        assert view.rate_limit == f"{per_minute}/m", path


def test_every_api_endpoint_has_a_section_in_the_doc():
    headings = set(re.findall(r"^### (?:GET|POST) (/api/\S+)", DOC, re.M))
    api = next(p for p in get_resolver().url_patterns if str(p.pattern) == "api/")
    routes = set()
    for include in api.url_patterns:
        for pattern in getattr(include, "url_patterns", [include]):
            route = str(pattern.pattern)
            if route.startswith("^") or route in UNDOCUMENTED:
                continue  # the catch-all JSON 404
            routes.add("/api/" + re.sub(r"<str:(\w+)>", _placeholder, route))
    assert routes == headings


def _placeholder(match: re.Match) -> str:
    return ":secret" if match.group(1) == "secret" else ":id"
