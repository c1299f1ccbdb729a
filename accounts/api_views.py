"""Base classes for API views: rate limit first, then tenant key, then the handler."""

from rest_framework.views import APIView

from accounts.api_auth import HasTenantKey, TenantKeyAuthentication
from alera.api import ratelimit


class RateLimitedAPIView(APIView):
    """An API view with its contract rate limit (`rate_limit`, per IP, per route)."""

    rate_limit: str | None = None
    rate_group: str | None = None
    authentication_classes: list = []
    permission_classes: list = []

    def initial(self, request, *args, **kwargs):
        if self.rate_limit:
            group = self.rate_group or f"{type(self).__module__}.{type(self).__name__}"
            ratelimit.enforce(request, group=group, rate=self.rate_limit)
        super().initial(request, *args, **kwargs)


class TenantAPIView(RateLimitedAPIView):
    """A rate-limited view that needs a tenant key; `request.provider` is the key's studio."""

    authentication_classes = [TenantKeyAuthentication]
    permission_classes = [HasTenantKey]
