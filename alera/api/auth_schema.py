"""OpenAPI description of the tenant-key authentication (drf-spectacular extension).

Imported by the API modules that use `TenantKeyAuthentication`, so the schema names the
`TenantKey` security scheme declared in SPECTACULAR_SETTINGS.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TenantKeyScheme(OpenApiAuthenticationExtension):
    target_class = "alera.api.auth.TenantKeyAuthentication"
    name = "TenantKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "x-alera-key"}
