"""A lone surrogate in any field of any endpoint is a clear answer, never a 500 (issue 21).

JSON can spell half of a UTF-16 pair on its own (`"\\ud800"`), and Python decodes it into a
string no UTF-8 column, email or JSON answer can hold: `"mode": "\\ud800"` on gift-card
redeem was a 500 (the error echoed the value and the renderer could not encode it). The
cases are every field the OpenAPI schema documents, body, query, path and header alike.
"""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from alera.api.renderers import JSONRenderer
from customers.tokens import Purpose, token_make
from tests import factories

pytestmark = pytest.mark.django_db

LONE = "\ud800"
# What a client sending the surrogate's bytes (ED A0 80, CESU-style) puts in a URL; headers
# arrive as the same bytes read as Latin-1.
LONE_IN_URL = "%ED%A0%80"
LONE_IN_HEADER = "\xed\xa0\x80"


def _documented_fields() -> list[tuple[str, str, str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    cases = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                cases.append((method, path, parameter["in"], parameter["name"]))
            body = operation.get("requestBody")
            if body:
                ref = body["content"]["application/json"]["schema"]["$ref"]
                for name in components[ref.rsplit("/", 1)[-1]]["properties"]:
                    cases.append((method, path, "body", name))
    return cases


FIELDS = _documented_fields()


@pytest.fixture
def world(provider):
    """One of everything a path names, in our studio, and a neighbour studio's class."""
    factories.ClassSessionFactory(price_cents=0)
    session = factories.ClassSessionFactory(provider=provider, price_cents=0, capacity=5)
    enrollment = factories.EnrollmentFactory(class_session=session, provider=provider)
    return {"class_id": session.public_id, "enrollment_id": enrollment.public_id}


def _call(api, world, method, path, where, name):
    url = path
    for key, value in world.items():
        url = url.replace("{" + key + "}", LONE_IN_URL if (where, name) == ("path", key) else value)
    if where == "query":
        url = f"{url}?{name}={LONE_IN_URL}"
    headers = (
        {f"HTTP_{name.upper().replace('-', '_')}": LONE_IN_HEADER} if where == "header" else {}
    )
    if method == "get":
        return api.get(url, **headers)
    body = json.dumps({name: LONE}) if where == "body" else "{}"  # ASCII: `"\ud800"` escaped
    return api.post(url, body, content_type="application/json", **headers)


def test_the_schema_documents_the_fields_this_test_covers():
    assert ("post", "/api/gift-cards/redeem", "body", "mode") in FIELDS
    assert len({(m, p) for m, p, _, _ in FIELDS}) >= 11  # every endpoint


@pytest.mark.usefixtures("frozen_minute")
@pytest.mark.parametrize(("method", "path", "where", "name"), FIELDS)
def test_a_lone_surrogate_in_any_field_is_answered_without_a_500(
    api, world, settings, method, path, where, name
):
    settings.RATELIMIT_ENABLE = False
    response = _call(api, world, method, path, where, name)

    assert response.status_code < 500, response.content
    assert response["Content-Type"] == "application/json"
    text = response.content.decode("utf-8")  # raises if the answer is not UTF-8
    assert "\\ud800" not in text.lower()  # the input is never echoed, escaped or not
    if where == "body":
        assert response.status_code == 400
        assert response.json()["error"] == (
            f"Malformed request body: {name}: a lone surrogate (half of a UTF-16 pair) is not text."
        )


def test_a_lone_surrogate_in_a_field_name_or_nested_value_is_refused(api, world):
    url = f"/api/classes/{world['class_id']}/book"
    for body, where in (({LONE: "x"}, "a field name"), ({"name": ["ok", LONE]}, "name[1]")):
        response = api.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 400
        assert response.json()["error"].startswith(f"Malformed request body: {where}: ")


def test_a_customer_token_holding_a_lone_surrogate_is_a_401_not_a_500(api, provider):
    client = factories.ClientFactory(provider=provider)
    token = token_make(Purpose.CUSTOMER, record_id=client.public_id, provider_id=provider.public_id)
    response = api.get("/api/customer/me", {"token": token + LONE_IN_HEADER})
    assert response.status_code == 401


def test_an_answer_holding_a_lone_surrogate_is_still_rendered_as_json():
    rendered = JSONRenderer().render({"error": f"bad {LONE} value", "name": "José"})
    assert json.loads(rendered) == {"error": f"bad {LONE} value", "name": "José"}
    assert JSONRenderer().render({"name": "José"}) == '{"name":"José"}'.encode()
