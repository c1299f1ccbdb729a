"""Origin normalisation: `HTTPS://Site.com:443/` and `https://site.com` are the same origin."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str:
    """Return `scheme://host[:port]` in canonical form, or raise ValidationError."""
    raw = (value or "").strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(f"{raw!r} is not a valid origin.") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        raise ValidationError(f"{raw!r} is not an origin like https://your-site.com.")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationError(f"{raw!r} must be only scheme://host[:port].")
    if parts.path not in ("", "/"):
        raise ValidationError(f"{raw!r} must not have a path.")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def origin_of_url(url: str) -> str | None:
    """The normalised origin of an absolute URL, or None when it has none."""
    try:
        parts = urlsplit((url or "").strip())
        if not parts.scheme or not parts.netloc:
            return None
        return normalize_origin(f"{parts.scheme}://{parts.netloc}")
    except (ValidationError, ValueError):
        return None
