"""The settings page's avatar card: upload, see it, remove it; bad files get a form message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ProviderAvatar
from tests.accounts.test_avatars import picture

pytestmark = pytest.mark.django_db


def test_owner_uploads_an_avatar_and_sees_it_on_the_settings_page(owner_client, studio):
    response = owner_client.post(
        "/dashboard/settings/avatar/",
        {"image": SimpleUploadedFile("me.jpg", picture(), content_type="image/jpeg")},
        follow=True,
    )

    page = response.content.decode()
    assert "Avatar saved" in page
    studio.provider.refresh_from_db()
    assert studio.provider.avatar_key
    assert f'src="/media/{studio.provider.avatar_key}"' in page
    assert "Remove avatar" in page


def test_a_file_that_isnt_a_picture_shows_a_form_error_and_changes_nothing(owner_client, studio):
    response = owner_client.post(
        "/dashboard/settings/avatar/",
        {"image": SimpleUploadedFile("cv.pdf", b"%PDF-1.4", content_type="application/pdf")},
    )

    assert response.status_code == 400
    assert "isn&#x27;t an image we can read" in response.content.decode()
    studio.provider.refresh_from_db()
    assert studio.provider.avatar_key == ""
    assert not ProviderAvatar.objects.exists()


def test_uploading_without_choosing_a_file_asks_for_one(owner_client, studio):
    response = owner_client.post("/dashboard/settings/avatar/", {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_owner_removes_the_avatar(owner_client, studio):
    owner_client.post(
        "/dashboard/settings/avatar/",
        {"image": SimpleUploadedFile("me.jpg", picture(), content_type="image/jpeg")},
    )
    response = owner_client.post("/dashboard/settings/avatar/", {"action": "remove"}, follow=True)
    assert "Avatar removed." in response.content.decode()
    studio.provider.refresh_from_db()
    assert studio.provider.avatar_key == ""
    assert not ProviderAvatar.objects.exists()


def test_the_avatar_upload_needs_the_csrf_token(studio):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(studio.owner)
    response = browser.post(
        "/dashboard/settings/avatar/",
        {"image": SimpleUploadedFile("me.jpg", picture(), content_type="image/jpeg")},
    )
    assert response.status_code == 403
    assert not ProviderAvatar.objects.exists()
