"""Serving studio avatars (`/media/<key>`), the one kind of uploaded file Alera keeps."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from accounts.models import ProviderAvatar

# Keys are content-addressed, so a URL's bytes never change: caches may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


@require_safe
def avatar_serve(request: HttpRequest, key: str) -> HttpResponse:
    """The avatar's bytes; any key that isn't a current avatar is a 404."""
    avatar = (
        ProviderAvatar.objects.filter(key=key).only("data", "content_type", "created_at").first()
    )
    if avatar is None:
        raise Http404("No such image.")
    etag = f'"{key}"'  # the key names the bytes (content-addressed), so it is their tag
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(bytes(avatar.data), content_type=avatar.content_type)
    response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE
    response["Last-Modified"] = http_date(avatar.created_at.timestamp())
    response["Content-Disposition"] = "inline"
    return response
