"""client_upsert: one client per studio and email, created on first contact."""

import pytest

from customers.models import Client
from customers.services import client_upsert
from tests import factories

pytestmark = pytest.mark.django_db


def test_first_contact_creates_a_client_with_a_lower_case_email(provider):
    client = client_upsert(
        provider=provider, name=" Jane Doe ", email="Jane@Example.COM", phone="+1 (512) 555-0100"
    )
    assert (client.name, client.email, client.phone) == (
        "Jane Doe",
        "jane@example.com",
        "15125550100",
    )


def test_same_email_returns_the_same_client_and_refreshes_contact_details(provider):
    first = client_upsert(provider=provider, name="Jane", email="jane@example.com")
    again = client_upsert(
        provider=provider, name="Jane Doe", email="JANE@example.com", phone="5125550100"
    )
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.name, again.phone) == ("Jane Doe", "15125550100")
    assert Client.objects.count() == 1


def test_blank_name_or_phone_keep_what_is_known(provider):
    client_upsert(provider=provider, name="Jane", email="jane@example.com", phone="5125550100")
    client = client_upsert(provider=provider, name="", email="jane@example.com")
    assert (client.name, client.phone) == ("Jane", "15125550100")


def test_same_email_at_another_studio_is_another_client(provider):
    mine = client_upsert(provider=provider, name="Jane", email="jane@example.com")
    theirs = client_upsert(
        provider=factories.ProviderFactory(), name="Jane", email="jane@example.com"
    )
    assert mine.pk != theirs.pk
