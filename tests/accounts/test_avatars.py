"""Studio avatars: an owner uploads a picture, Alera re-encodes it, partners and customers
see it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import ProviderAvatar
from accounts.services import provider_avatar_remove, provider_avatar_set
from tests import factories

pytestmark = pytest.mark.django_db


def picture(fmt: str = "JPEG", size=(1600, 1200), mode: str = "RGB", exif_gps: bool = False):
    image = Image.new(mode, size, (200, 80, 40, 255)[: len(mode)] if mode != "P" else 3)
    out = io.BytesIO()
    extra = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {2: (30.0, 16.0, 0.0), 4: (97.0, 44.0, 0.0)}  # GPSInfo: Austin, TX
        exif[0x0110] = "Phone X"  # Model
        extra["exif"] = exif
    image.save(out, format=fmt, **extra)
    return out.getvalue()


def upload(data: bytes, name: str = "me.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_an_uploaded_photo_becomes_a_512px_jpeg_without_its_metadata(provider):
    provider = provider_avatar_set(provider=provider, upload=upload(picture(exif_gps=True)))

    avatar = ProviderAvatar.objects.get(provider=provider)
    assert provider.avatar_key == avatar.key
    assert avatar.key.startswith(f"providers/{provider.public_id}/avatar-")
    assert avatar.key.endswith(".jpg")
    assert avatar.content_type == "image/jpeg"
    stored = Image.open(io.BytesIO(bytes(avatar.data)))
    assert stored.format == "JPEG"
    assert stored.size == (512, 384) == (avatar.width, avatar.height)
    assert not stored.getexif()  # no GPS position, no camera model


def test_a_transparent_png_stays_a_png_with_its_transparency(provider):
    provider = provider_avatar_set(
        provider=provider, upload=upload(picture("PNG", (300, 300), "RGBA"), "logo.png")
    )
    avatar = ProviderAvatar.objects.get(provider=provider)
    assert avatar.content_type == "image/png"
    assert Image.open(io.BytesIO(bytes(avatar.data))).mode == "RGBA"
    assert (avatar.width, avatar.height) == (300, 300)  # small pictures are not enlarged


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a picture", "isn't an image we can read"),
        (b"", "isn't an image we can read"),
        (picture()[:200], "isn't an image we can read"),  # truncated upload
        (picture("TIFF"), "PNG, JPEG, WebP or GIF"),
        (picture("PNG", (9000, 5000), "L"), "under 40 megapixels"),
    ],
    ids=["pdf", "empty", "truncated", "tiff", "huge"],
)
def test_a_file_that_isnt_a_usable_picture_is_refused_and_changes_nothing(provider, data, message):
    with pytest.raises(ValidationError, match=message):
        provider_avatar_set(provider=provider, upload=upload(data))
    provider.refresh_from_db()
    assert provider.avatar_key == ""
    assert not ProviderAvatar.objects.exists()


def test_a_file_over_5_mb_is_refused_before_it_is_decoded(provider):
    with pytest.raises(ValidationError, match="over 5 MB"):
        provider_avatar_set(provider=provider, upload=upload(b"x"), size=5 * 1024 * 1024 + 1)


def test_a_new_avatar_replaces_the_old_one(provider):
    first = provider_avatar_set(provider=provider, upload=upload(picture())).avatar_key
    second = provider_avatar_set(
        provider=provider, upload=upload(picture("PNG", (64, 64), "RGBA"))
    ).avatar_key
    assert first != second
    assert list(ProviderAvatar.objects.values_list("key", flat=True)) == [second]


def test_uploading_the_same_picture_twice_keeps_one_row(provider):
    data = picture()
    first = provider_avatar_set(provider=provider, upload=upload(data)).avatar_key
    assert provider_avatar_set(provider=provider, upload=upload(data)).avatar_key == first
    assert ProviderAvatar.objects.count() == 1


def test_removing_the_avatar_deletes_the_image_and_the_key(provider):
    provider_avatar_set(provider=provider, upload=upload(picture()))
    provider = provider_avatar_remove(provider=provider)
    assert provider.avatar_key == ""
    assert provider.avatar_url is None
    assert not ProviderAvatar.objects.exists()


def test_the_avatar_is_served_with_its_type_and_a_long_cache(client, provider):
    provider = provider_avatar_set(provider=provider, upload=upload(picture()))
    response = client.get(f"/media/{provider.avatar_key}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(response.content)).size == (512, 384)
    again = client.get(f"/media/{provider.avatar_key}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_an_unknown_or_removed_avatar_is_a_404(client, provider):
    provider = provider_avatar_set(provider=provider, upload=upload(picture()))
    key = provider.avatar_key
    provider_avatar_remove(provider=provider)
    assert client.get(f"/media/{key}").status_code == 404
    assert client.get("/media/providers/nope/avatar-0.jpg").status_code == 404


def test_the_avatar_url_cannot_be_written_to(client, provider):
    provider = provider_avatar_set(provider=provider, upload=upload(picture()))
    assert client.post(f"/media/{provider.avatar_key}").status_code == 405


def test_partners_get_the_avatar_url_with_the_class(api, provider):
    provider = provider_avatar_set(provider=provider, upload=upload(picture()))
    session = factories.ClassSessionFactory(provider=provider)

    body = api.get(f"/api/classes/{session.public_id}").json()

    assert body["provider"]["avatarKey"] == provider.avatar_key
    assert body["provider"]["avatarUrl"] == f"http://testserver/media/{provider.avatar_key}"


def test_a_studio_without_an_avatar_answers_null(api, provider):
    session = factories.ClassSessionFactory(provider=provider)
    body = api.get(f"/api/classes/{session.public_id}").json()
    assert body["provider"]["avatarKey"] is None
    assert body["provider"]["avatarUrl"] is None


def test_the_customer_portal_and_me_api_show_the_studios_avatar(client, api, provider):
    from customers.services import customer_token_make

    provider = provider_avatar_set(provider=provider, upload=upload(picture()))
    customer = factories.ClientFactory(provider=provider)
    token = customer_token_make(client=customer)

    page = client.get(f"/me/{token}").content.decode()
    me = api.get("/api/customer/me", HTTP_X_CUSTOMER_TOKEN=token).json()

    assert f'src="/media/{provider.avatar_key}"' in page
    assert me["studio"]["avatarUrl"] == f"http://testserver/media/{provider.avatar_key}"
