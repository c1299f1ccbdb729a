"""Page requests declaring a body over PAGE_BODY_MAX_BYTES are refused before anything
parses them (Django caps form fields, not files), logged in or not."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ProviderAvatar
from tests.accounts.test_avatars import picture
from tests.dashboard.conftest import logged_in

pytestmark = pytest.mark.django_db

SEVEN_MB = str(7 * 1024 * 1024)


def _post_declaring(client, path: str, length: str):
    return client.generic(
        "POST",
        path,
        data=b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=length,
    )


def test_an_oversized_body_to_a_public_page_is_a_413_before_it_is_read(client):
    response = _post_declaring(client, "/dashboard/login/", SEVEN_MB)
    assert response.status_code == 413
    assert "at most 6 MB" in response.content.decode()


def test_an_oversized_avatar_upload_is_a_413_and_changes_nothing(studio):
    owner = logged_in(studio.owner)
    response = _post_declaring(owner, "/dashboard/settings/avatar/", SEVEN_MB)
    assert response.status_code == 413
    assert not ProviderAvatar.objects.exists()


def test_a_content_length_that_is_not_a_number_is_a_400(client):
    response = _post_declaring(client, "/me/new-link", "lots")
    assert response.status_code == 400


def test_an_avatar_within_the_limit_still_reaches_the_page(studio, settings):
    settings.PAGE_BODY_MAX_BYTES = 200 * 1024
    owner = logged_in(studio.owner)
    response = owner.post(
        "/dashboard/settings/avatar/",
        {"image": SimpleUploadedFile("me.jpg", picture(), content_type="image/jpeg")},
    )
    assert response.status_code == 302
    assert ProviderAvatar.objects.count() == 1


def test_the_api_keeps_its_own_json_limit(api):
    response = api.generic(
        "POST", "/api/gift-cards/redeem", b"{}", "application/json", CONTENT_LENGTH=SEVEN_MB
    )
    assert response.status_code == 413
    assert "error" in response.json()
