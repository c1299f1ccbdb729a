"""State changes for a studio's customers."""

from django.db import IntegrityError, transaction

from accounts.models import Provider
from customers.models import Client


@transaction.atomic
def client_upsert(*, provider: Provider, name: str, email: str, phone: str = "") -> Client:
    """The studio's client for `email` (stored lower-case), created on first contact.

    An existing client keeps their record; a non-empty name or phone refreshes it, since
    the latest booking or purchase is the freshest contact detail we have.
    """
    email = email.strip().lower()
    name = name.strip()[:120]
    phone = "".join(ch for ch in phone if ch.isdigit())[:20]
    client = Client.objects.select_for_update().filter(provider=provider, email=email).first()
    if client is None:
        try:
            with transaction.atomic():
                return Client.objects.create(provider=provider, name=name, email=email, phone=phone)
        except IntegrityError:
            # A concurrent first contact created the row; fall through and update it.
            client = Client.objects.select_for_update().get(provider=provider, email=email)
    changed = []
    if name and client.name != name:
        client.name = name
        changed.append("name")
    if phone and client.phone != phone:
        client.phone = phone
        changed.append("phone")
    if changed:
        client.save(update_fields=changed)
    return client
