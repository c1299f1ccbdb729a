"""customers.services: one client per studio and email, phones normalised to digits."""

import pytest
from django.core.exceptions import ValidationError

from customers.models import Client
from customers.services import _CLIENT_INSERT_SQL, client_upsert, phone_normalize
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("(512) 555-0100", "15125550100"),
        ("+1 512 555 0100", "15125550100"),
        ("+44 20 7946 0958", "442079460958"),
        ("512.555.0100", "15125550100"),
    ],
)
def test_phone_is_normalised_to_digits(raw, digits):
    assert phone_normalize(raw) == digits


@pytest.mark.parametrize("raw", ["", "555-0100", "abc", "+1 512 555"])
def test_phone_needs_ten_digits(raw):
    with pytest.raises(ValidationError):
        phone_normalize(raw)


def test_upsert_is_unique_per_studio_by_lower_cased_email(provider):
    first = client_upsert(provider=provider, name="Jane", email="Jane@X.com", phone="5125550100")
    again = client_upsert(provider=provider, name="Jane D", email="jane@x.com", phone="")
    elsewhere = client_upsert(
        provider=factories.ProviderFactory(), name="Jane", email="jane@x.com", phone=""
    )
    assert first.pk == again.pk != elsewhere.pk
    again.refresh_from_db()
    assert (again.name, again.phone, again.email) == ("Jane D", "15125550100", "jane@x.com")
    assert Client.objects.count() == 2


def test_the_raw_insert_names_every_column_of_client():
    """client_upsert's hand-written INSERT must grow with the model: a new column fails here."""

    columns = {f.column for f in Client._meta.concrete_fields if not f.primary_key}
    listed = _CLIENT_INSERT_SQL.split("(", 1)[1].split(")", 1)[0]
    assert {c.strip() for c in listed.split(",")} == columns


def test_a_new_client_is_returned_complete_from_the_insert(provider):
    client = client_upsert(provider=provider, name="New", email="new@x.com", phone="5125550100")
    stored = Client.objects.get(pk=client.pk)
    assert (client.public_id, client.calendar_secret, client.created_at) == (
        stored.public_id,
        stored.calendar_secret,
        stored.created_at,
    )
    assert client.provider == provider
