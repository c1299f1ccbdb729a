"""The OpenAPI schema documents every payments endpoint with the contract's error codes."""

import pytest

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/packages/start": {"200", "400", "401", "403", "412", "429", "502"},
    "/api/gift-cards/start": {"200", "400", "401", "403", "412", "429", "502"},
    "/api/gift-cards/redeem": {"200", "400", "401", "403", "404", "429"},
    "/api/tip/start": {"200", "400", "403", "404", "409", "412", "429", "502"},
}


def test_schema_lists_each_endpoint_with_its_errors_and_request_body(client):
    schema = client.get("/api/schema/?format=json").json()
    for path, codes in EXPECTED.items():
        operation = schema["paths"][path]["post"]
        assert set(operation["responses"]) == codes, path
        assert "requestBody" in operation, path
    assert schema["components"]["securitySchemes"]["TenantKey"]["name"] == "x-alera-key"
    redeem = schema["components"]["schemas"]["RedeemInputRequest"]["properties"]
    assert {"code", "providerId", "requestedDebitCents", "appointmentId", "mode"} <= set(redeem)
