"""customers.services: one client per studio and email, phones normalised to digits."""

import pytest
from django.core.exceptions import ValidationError

from customers.models import Client
from customers.services import client_upsert, phone_normalize
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
