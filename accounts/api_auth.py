"""Tenant-key authentication: `x-alera-key` plus an `Origin` the key allows."""

from rest_framework import authentication, exceptions, permissions

from accounts.models import ApiKey, Provider
from accounts.origins import normalize_origin
from accounts.services import api_key_lookup, api_key_touch
from alera.errors import Forbidden, InvalidRequest
from alera.events import Actor, actor_set

KEY_HEADER = "x-alera-key"


class TenantKeyAuthentication(authentication.BaseAuthentication):
    """401 for a missing/malformed/unknown/revoked key; 403 for an Origin it doesn't allow."""

    def authenticate(self, request):
        raw = request.headers.get(KEY_HEADER)
        if raw is None:
            return None
        api_key = api_key_lookup(raw.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed("Unknown, malformed or revoked API key.")
        origin = request.headers.get("Origin")
        if not origin:
            raise exceptions.PermissionDenied("An Origin header is required with an API key.")
        try:
            normalized = normalize_origin(origin)
        except Exception as exc:
            raise exceptions.PermissionDenied("The Origin header is not a valid origin.") from exc
        if normalized not in api_key.allowed_origins:
            raise exceptions.PermissionDenied(f"Origin {normalized} is not allowed for this key.")
        api_key_touch(api_key=api_key)
        actor_set(Actor.partner_key(f"key-{api_key.prefix}"))  # ActorMiddleware resets it
        request.provider = api_key.provider
        request.origin = normalized
        return (None, api_key)

    def authenticate_header(self, request):
        # Any value keeps DRF answering 401 (not 403) when the key is missing.
        return KEY_HEADER


class HasTenantKey(permissions.BasePermission):
    message = "An API key is required in the x-alera-key header."

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiKey):
            raise exceptions.NotAuthenticated(self.message)
        return True


def provider_for_handle(request, handle: str | None) -> Provider:
    """The key's own provider when `handle` names it, else 403.

    Unknown and other studios' handles get the same answer, so a key can't be used to learn
    which handles exist.
    """
    provider: Provider = request.auth.provider
    handle = (handle or "").strip().lower()
    if not handle:
        raise InvalidRequest("handle is required.")
    if handle != provider.handle:
        raise Forbidden("This API key is not for that studio.")
    return provider
