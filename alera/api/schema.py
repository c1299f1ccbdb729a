"""Shared OpenAPI pieces: the error envelope and the standard error responses."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="A human sentence; the status code is the truth.")


class OkSerializer(serializers.Serializer):
    ok = serializers.BooleanField()


ERROR_TEXT = {
    400: "Validation failed: bad JSON, missing field, out-of-range value.",
    401: "Missing or invalid key, or signed token failed.",
    403: "Origin not allowed, or key/token scoped to another provider.",
    404: "Not found, or belongs to another tenant.",
    409: "Conflict.",
    410: "Cancelled, or past the operable state.",
    412: "The provider has not finished Stripe Connect onboarding.",
    413: "Request body too large.",
    429: "Rate limit exceeded; the message says when to retry.",
    502: "Downstream (Stripe) failed; safe to retry with backoff.",
}


def errors(*codes: int, **overrides: str) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for `codes`, each the `{"error": ...}` envelope."""
    out = {}
    for code in codes:
        text = overrides.get(f"e{code}", ERROR_TEXT[code])
        out[code] = OpenApiResponse(ErrorSerializer, description=text)
    return out


class TenantKeyScheme(OpenApiAuthenticationExtension):
    """Documents the `x-alera-key` header (security scheme `TenantKey` in the settings)."""

    target_class = "accounts.api_auth.TenantKeyAuthentication"
    name = "TenantKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "x-alera-key"}
