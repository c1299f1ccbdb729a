"""The OpenAPI schema documents the five classes endpoints and their error rows."""

import pytest

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("/api/classes", "get"): {"200", "400", "401", "403", "429"},
    ("/api/classes/{class_id}", "get"): {"200", "401", "403", "404", "410", "429"},
    ("/api/classes/{class_id}/book", "post"): {
        "200", "400", "401", "403", "404", "409", "410", "412", "429", "502",
    },
    ("/api/classes/{class_id}/waitlist", "post"): {
        "200", "400", "401", "403", "404", "409", "410", "429",
    },
    ("/api/enrollments/{enrollment_id}/cancel", "post"): {
        "200", "400", "401", "404", "410", "429", "502",
    },
}  # fmt: skip


def test_schema_lists_every_endpoint_with_its_errors(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for (path, method), codes in EXPECTED.items():
        assert set(paths[path][method]["responses"]) == codes, path
