"""client_upsert as a purchase calls it: the phone is optional (packs and gift cards)."""

import pytest

from customers.models import Client
from customers.services import client_upsert

pytestmark = pytest.mark.django_db


def test_a_buyer_without_a_phone_becomes_a_client(provider):
    client = client_upsert(provider=provider, name=" Jane Doe ", email="Jane@Example.COM")
    assert (client.name, client.email, client.phone) == ("Jane Doe", "jane@example.com", "")


def test_a_purchase_without_a_phone_keeps_the_phone_already_known(provider):
    known = client_upsert(
        provider=provider, name="Jane", email="jane@example.com", phone="+1 (512) 555-0100"
    )
    again = client_upsert(provider=provider, name="Jane Doe", email="JANE@example.com")
    assert again.pk == known.pk
    again.refresh_from_db()
    assert (again.name, again.phone) == ("Jane Doe", "15125550100")
    assert Client.objects.count() == 1
